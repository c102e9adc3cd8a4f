"""Findings -> a score a person can follow, and pass/fail."""

from __future__ import annotations

from physcheck.verdict.score import (
    TYPE_WEIGHTS,
    Verdict,
    is_counted,
    score_findings,
    split_ignored,
)

__all__ = ["TYPE_WEIGHTS", "Verdict", "is_counted", "score_findings", "split_ignored"]
