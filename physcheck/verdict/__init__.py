"""Findings -> a score a person can follow, and pass/fail."""

from __future__ import annotations

from physcheck.verdict.score import TYPE_WEIGHTS, Verdict, score_findings

__all__ = ["TYPE_WEIGHTS", "Verdict", "score_findings"]
