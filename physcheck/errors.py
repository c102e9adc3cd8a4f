"""Typed errors. Each message says what went wrong and what to do about it."""

from __future__ import annotations


class PhyscheckError(Exception):
    """Base class: a video could not be processed (exit code 3 on the CLI)."""


class VideoOpenError(PhyscheckError):
    """The file is missing, unreadable, a directory, or not a video."""


class VideoDecodeError(PhyscheckError):
    """The container opened but frames could not be decoded (truncated or corrupt)."""


class VideoTooShortError(PhyscheckError):
    """Too few frames to measure motion."""


class BackendUnavailableError(PhyscheckError):
    """A named backend is not installed or its weights are missing."""
