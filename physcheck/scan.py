"""Bulk scanning: find every video below some paths and check each one in isolation.

Design (the CLI, ``physcheck scan``, only calls :func:`discover` and :func:`scan`):

* Isolation. Each video is analysed in a worker process of a pool managed here (multiprocessing
  'spawn', one duplex pipe per worker, no shared locks). A worker that dies (a segfault inside a
  decoder, an out-of-memory kill) or overruns the per-video timeout takes down only the video it
  held: that video becomes an ``error`` result with the reason, the worker is replaced and the
  scan goes on. ``concurrent.futures.ProcessPoolExecutor`` is not used on purpose: one dead
  worker breaks the whole executor.
* Cache. Results are cached under a key made of the video's content (sha256, streamed), the
  settings (:meth:`Config.cache_key`), the physcheck version and the model revisions. A worker
  writes the cache entry atomically (temp file + ``os.replace``) *before* the parent learns of
  the result, so everything the parent has recorded is in the cache.
* Resume. At the start of a scan the JSONL file is rewritten atomically from the cache hits;
  then the parent (its only writer) appends one line per finished video with flush + fsync.
  The videos to analyse are a partition of the discovered paths, so each path gets exactly one
  line: duplicates are impossible by construction. A scan killed at any moment (even SIGKILL)
  loses nothing that had finished, and a re-run completes the rest.
* Identical content is analysed once per scan (and once ever, with the cache).
"""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import io
import json
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from physcheck import __version__
from physcheck.config import Config
from physcheck.report.summary import ExitCode, RunReport, write_atomic

log = logging.getLogger(__name__)

VIDEO_EXTENSIONS = frozenset({
    ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".gif", ".mpg", ".mpeg", ".m2v",
    ".ts", ".m2ts", ".mts", ".flv", ".wmv", ".asf", ".3gp", ".3g2", ".ogv", ".mxf", ".y4m",
    ".vob", ".dv", ".f4v", ".h264", ".264", ".hevc", ".h265", ".ivf",
})
"""Files with these extensions are videos without looking inside them."""

MODEL_REVISIONS: dict[str, str] = {}
"""Revision of every learned model whose output can change a result (none yet): part of the
cache key, so a new model revision invalidates the cache."""

CACHE_SCHEMA = "physcheck.cache/1"
HASH_CHUNK = 1 << 20
SNIFF_BYTES = 512
DEFAULT_TIMEOUT_S = 600.0
MAX_START_FAILURES = 3
"""Workers that die before they are ready: after this many the pool gives up."""

CRASH_HOOK_ENV = "PHYSCHECK_TEST_CRASH_ON"
"""Test hook: a worker given a video whose path contains this substring kills itself with
SIGSEGV (proves crash isolation)."""
HANG_HOOK_ENV = "PHYSCHECK_TEST_HANG_ON"
"""Test hook: a worker given a video whose path contains this substring sleeps forever."""

_scandir = os.scandir  # tests replace it to simulate unreadable folders (root reads anything)


class ScanError(Exception):
    """The scan cannot run at all (bad arguments, missing optional dependency)."""


# --- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A path that was found but not scanned, and why."""

    path: str
    kind: str
    """not_video, unreadable, loop, broken_link, no_match or missing."""
    reason: str


@dataclass(frozen=True)
class Discovery:
    """The videos below some paths, in a stable order, each once."""

    videos: tuple[str, ...]
    skipped: tuple[Skipped, ...] = ()

    def skipped_of(self, *kinds: str) -> list[Skipped]:
        return [s for s in self.skipped if s.kind in kinds]


def sniff_video(head: bytes) -> bool:
    """True when the first bytes of a file look like a video container."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return True  # ISO BMFF: mp4, mov, m4v, 3gp
    return (
        head.startswith(b"\x1a\x45\xdf\xa3")  # Matroska, WebM
        or (head.startswith(b"RIFF") and head[8:12] in (b"AVI ", b"AVIX"))
        or head.startswith((b"GIF87a", b"GIF89a"))
        or head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"))  # MPEG-PS / MPEG video
        or (len(head) > 188 and head[0] == 0x47 and head[188] == 0x47)  # MPEG-TS
        or head.startswith(b"FLV\x01")
        or head.startswith(b"OggS")
        or head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")  # ASF, WMV
        or head.startswith(b"YUV4MPEG2")
        or head.startswith(b"DKIF")  # IVF (VP8/VP9/AV1)
        or head.startswith(b"\x06\x0e\x2b\x34")  # MXF
    )


def _classify_file(path: str) -> Skipped | None:
    """None when ``path`` is a video (by extension, else by content), else why it is not."""
    if os.path.splitext(path)[1].lower() in VIDEO_EXTENSIONS:
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as e:
        return Skipped(path, "unreadable", f"cannot read it ({e.strerror or e})")
    if sniff_video(head):
        return None
    return Skipped(path, "not_video", "not a video (unknown extension, no video signature)")


def _has_magic(p: str) -> bool:
    return any(c in p for c in "*?[")


def discover(paths: Sequence[str]) -> Discovery:
    """Every video at or below ``paths`` (folders, files, glob patterns; ``**`` recurses).

    Files named explicitly are always included (a bad one becomes an error result); files found
    in folders or by a pattern are included when their extension or their first bytes say
    video. Symlinked folders are followed once; loops, unreadable folders, broken links and
    non-video files are reported in ``skipped``, never raised. The same file reached twice (two
    arguments, a symlink) is listed once.
    """
    videos: list[str] = []
    skipped: list[Skipped] = []
    seen_files: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()

    def add(path: str) -> None:
        real = os.path.realpath(path)
        if real not in seen_files:
            seen_files.add(real)
            videos.append(path)

    def consider(path: str, explicit: bool) -> None:
        if explicit:
            add(path)
            return
        why = _classify_file(path)
        if why is None:
            add(path)
        else:
            skipped.append(why)

    def walk(top: str) -> None:
        # iterative depth-first walk; each entry carries the identities of its ancestors
        try:
            st = os.stat(top)
        except OSError as e:
            skipped.append(Skipped(top, "unreadable", f"cannot read it ({e.strerror or e})"))
            return
        stack: list[tuple[str, frozenset[tuple[int, int]]]] = [(top, frozenset())]
        seen_dirs.add((st.st_dev, st.st_ino))
        while stack:
            d, ancestors = stack.pop()
            try:
                st = os.stat(d)
                chain = ancestors | {(st.st_dev, st.st_ino)}
                with _scandir(d) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as e:
                skipped.append(Skipped(d, "unreadable",
                                       f"cannot list this folder ({e.strerror or e}); fix its "
                                       "permissions to scan it"))
                continue
            subdirs: list[tuple[str, frozenset[tuple[int, int]]]] = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                    is_file = not is_dir and entry.is_file()
                except OSError:
                    is_dir = is_file = False
                if is_dir:
                    try:
                        est = os.stat(entry.path)
                    except OSError as e:
                        skipped.append(Skipped(entry.path, "unreadable", str(e.strerror or e)))
                        continue
                    eid = (est.st_dev, est.st_ino)
                    if eid in chain:
                        skipped.append(Skipped(entry.path, "loop",
                                               "symlink loop (points to a folder above it); "
                                               "not followed"))
                    elif eid not in seen_dirs:
                        seen_dirs.add(eid)
                        subdirs.append((entry.path, chain))
                elif is_file:
                    consider(entry.path, explicit=False)
                elif entry.is_symlink():
                    skipped.append(Skipped(entry.path, "broken_link",
                                           "broken or looping symlink; not followed"))
            stack.extend(reversed(subdirs))

    for p in paths:
        if os.path.isdir(p):
            walk(p)
        elif os.path.lexists(p):
            consider(p, explicit=True)
        elif _has_magic(p):
            matches = sorted(glob.glob(p, recursive=True))
            if not matches:
                skipped.append(Skipped(p, "no_match", "the pattern matches nothing"))
            for m in matches:
                if os.path.isdir(m):
                    walk(m)
                else:
                    consider(m, explicit=False)
        else:
            skipped.append(Skipped(p, "missing", "no such file or folder"))
    return Discovery(tuple(videos), tuple(skipped))


# --- cache -------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """$PHYSCHECK_CACHE_DIR, else ~/.cache/physcheck."""
    env = os.environ.get("PHYSCHECK_CACHE_DIR")
    return Path(env).expanduser() if env else Path("~/.cache/physcheck").expanduser()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes, read in chunks (constant memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def cache_key(content_sha256: str, config: Config) -> str:
    """Key of one result: content, settings, physcheck version, model revisions."""
    blob = json.dumps({"content": content_sha256, "config": config.cache_key(),
                       "version": __version__, "models": MODEL_REVISIONS}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class ResultCache:
    """One JSON file per result under ``root/results/``; every write is atomic."""

    root: Path

    def _file(self, key: str) -> Path:
        return self.root / "results" / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached entry ({result, seconds, ...}), or None (missing or unreadable)."""
        try:
            entry = json.loads(self._file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("schema") != CACHE_SCHEMA:
            return None
        return entry

    def put(self, key: str, result: dict[str, Any], seconds: float) -> None:
        entry = {"schema": CACHE_SCHEMA, "key": key, "physcheck_version": __version__,
                 "models": MODEL_REVISIONS, "seconds": round(seconds, 4), "result": result}
        write_atomic(self._file(key), json.dumps(entry, allow_nan=False))


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanItem:
    """The outcome for one video of a scan."""

    path: str
    result: dict[str, Any]
    """The same object as ``physcheck --json`` (VideoResult.to_dict())."""
    seconds: float
    """Time the analysis took (for a cached result: when it was made)."""
    cached: bool = False
    report: str | None = None
    """The per-video HTML report, relative to the --html folder, if one was written."""

    @property
    def verdict(self) -> str:
        return str(self.result.get("verdict", "error"))

    @property
    def score(self) -> float | None:
        s = self.result.get("score")
        return None if s is None else float(s)

    @property
    def error(self) -> str | None:
        return self.result.get("error")

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.result.get("findings") or [])


@dataclass(frozen=True)
class ScanReport:
    """The outcome of a whole scan."""

    items: tuple[ScanItem, ...]
    """One per discovered video, in discovery order."""
    skipped: tuple[Skipped, ...] = ()
    wall_s: float = 0.0
    n_analysed: int = 0
    """Videos analysed in this run (the others came from the cache, or were copies of the
    same content)."""
    n_cached: int = 0

    @property
    def return_code(self) -> ExitCode:
        return RunReport(self.items).return_code

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "error": 0}
        for it in self.items:
            out[it.verdict] = out.get(it.verdict, 0) + 1
        return out

    @property
    def videos_per_s(self) -> float:
        return len(self.items) / self.wall_s if self.wall_s > 0 else 0.0


@dataclass(frozen=True)
class ScanEvent:
    """Progress of a scan: ``phase`` is hash (reading contents) or analyse."""

    phase: str
    done: int
    total: int
    item: ScanItem | None = None


@dataclass(frozen=True)
class ScanOptions:
    """How to run a scan (what to check is the Config)."""

    workers: int | None = None
    """Processes (default: the machine's cores; for Ray: the cluster's CPUs)."""
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    """Per video; None or 0: no limit."""
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    """None: no cache (neither read nor written)."""
    jsonl: Path | None = None
    csv: Path | None = None
    html_dir: Path | None = None
    executor: str = "local"
    """local (processes on this machine) or ray."""
    address: str | None = None
    """Ray cluster address (ray executor only; default: start or join a local one)."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# --- the per-video task (runs in a worker) -----------------------------------------------------


@dataclass(frozen=True)
class _Task:
    paths: tuple[str, ...]
    """Videos with the same content: analysed once (as paths[0])."""
    key: str | None
    report: str | None
    """Absolute path of the per-video HTML report to write, if any."""


def _limit_threads() -> None:
    # N single-threaded workers beat N workers fighting over N cores
    os.environ.setdefault("PHYSCHECK_DECODE_THREADS", "1")
    os.environ.setdefault("PHYSCHECK_DECODE_INLINE", "1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def _run_task(task: _Task, config: Config, cache_dir: str | None) -> dict[str, Any]:
    """Analyse one video; write its cache entry and report. Returns {result, seconds, report}."""
    crash_on = os.environ.get(CRASH_HOOK_ENV)
    if crash_on and any(crash_on in p for p in task.paths):
        os.kill(os.getpid(), signal.SIGSEGV)
    hang_on = os.environ.get(HANG_HOOK_ENV)
    if hang_on and any(hang_on in p for p in task.paths):
        while True:
            time.sleep(3600)
    import cv2

    from physcheck.pipeline import check_video

    cv2.setNumThreads(1)  # OpenCV's own pool would compete with the other workers
    t0 = time.perf_counter()
    res = check_video(task.paths[0], config, keyframes=task.report is not None)
    seconds = time.perf_counter() - t0
    d = res.to_dict()
    if task.key and cache_dir:
        try:
            ResultCache(Path(cache_dir)).put(task.key, d, seconds)
        except (OSError, ValueError) as e:
            log.warning("cannot write the cache entry for %s: %s", task.paths[0], e)
    wrote = False
    if task.report:
        wrote = _write_video_report(res, task.report)
    return {"result": d, "seconds": seconds, "report": wrote}


def _report_writer() -> Callable[[Any, Any], Any] | None:
    try:
        from physcheck.report.html import write_report  # type: ignore[attr-defined]
    except ImportError:
        return None
    return write_report  # type: ignore[no-any-return]


def _write_video_report(res: Any, dest: str) -> bool:
    writer = _report_writer()
    if writer is None:
        return False
    try:
        writer(res, dest)  # atomic itself
        return True
    except Exception as e:  # a report failure must not lose the result
        log.warning("cannot write the HTML report for %s: %s", res.path, e)
        return False


def _worker_main(conn: Connection, config: Config, cache_dir: str | None, level: int) -> None:
    """A pool worker: import once, then analyse the tasks sent over ``conn`` until EOF."""
    _limit_threads()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:  # import the stages now, so no task's timeout pays for it
        import cv2

        cv2.setNumThreads(1)
        import physcheck.motion.analyzer
        import physcheck.physics.checks
        import physcheck.physics.kinematics
        import physcheck.pipeline
        import physcheck.verdict
        import physcheck.video  # noqa: F401
    except ImportError as e:
        log.debug("worker pre-import failed: %s", e)
    try:
        conn.send(("ready", None))
        while True:
            task = conn.recv()
            if task is None:
                return
            conn.send(("done", _run_task(task, config, cache_dir)))
    except (EOFError, OSError, KeyboardInterrupt):
        return  # the parent is gone (or stops us): nothing to report to


def _ray_task(task: _Task, config: Config, cache_dir: str | None) -> dict[str, Any]:
    _limit_threads()
    return _run_task(task, config, cache_dir)


def _error_result(path: str, config: Config, message: str) -> dict[str, Any]:
    from physcheck.pipeline import VideoResult

    return VideoResult(path=path, score=None, verdict="error", error=message,
                       config=config.to_dict()).to_dict()


def _signal_name(exitcode: int | None) -> str:
    if exitcode is None:
        return "unknown status"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {exitcode}"


def _crash_message(path: str, how: str) -> str:
    return (f"{path}: the worker analysing it died ({how}): a crash inside a decoder or an "
            "out-of-memory kill; the rest of the scan went on (run `physcheck check` on it "
            "alone to investigate)")


def _timeout_message(path: str, timeout_s: float) -> str:
    return (f"{path}: analysis exceeded the {timeout_s:g} s timeout and was stopped; raise "
            "--timeout, or check it alone with `physcheck check`")


Done = Callable[[_Task, dict[str, Any]], None]
"""on_done(task, {result, seconds, report}) — called in the parent, once per task."""


# --- executors ---------------------------------------------------------------------------------


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    task: _Task | None = None
    deadline: float = float("inf")


class LocalPool:
    """Worker processes on this machine; a dead or overdue worker fails only its own task."""

    def __init__(self, workers: int, config: Config, cache_dir: str | None,
                 timeout_s: float | None) -> None:
        self.n = max(1, workers)
        self.config = config
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s or None
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self.start_failures = 0

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main, name="physcheck-worker", daemon=True,
            args=(child, self.config, self.cache_dir, logging.getLogger().getEffectiveLevel()))
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _stop(self, w: _Worker, kill: bool) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(timeout=5)
        w.conn.close()

    def run(self, tasks: Iterable[_Task], on_done: Done) -> None:
        pending = deque(tasks)
        if not pending:
            return
        self._workers = [self._start() for _ in range(min(self.n, len(pending)))]
        try:
            self._loop(pending, on_done)
        finally:
            for w in self._workers:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
            for w in self._workers:
                self._stop(w, kill=w.task is not None)
                if w.proc.is_alive():
                    self._stop(w, kill=True)
            self._workers = []

    def _loop(self, pending: deque[_Task], on_done: Done) -> None:
        while pending or any(w.task for w in self._workers):
            for w in self._workers:
                if w.ready and w.task is None and pending:
                    w.task = pending.popleft()
                    w.deadline = (time.monotonic() + self.timeout_s if self.timeout_s
                                  else float("inf"))
                    with contextlib.suppress(OSError):  # if it died: seen through its sentinel
                        w.conn.send(w.task)
            soonest = min((w.deadline for w in self._workers), default=float("inf"))
            timeout = max(0.0, min(1.0, soonest - time.monotonic()))
            wait([*(w.conn for w in self._workers), *(w.proc.sentinel for w in self._workers)],
                 timeout)
            now = time.monotonic()
            keep: list[_Worker] = []
            for w in self._workers:
                dead = self._drain(w, on_done)
                task, w.task = w.task, None
                if not dead and task is not None and now > w.deadline:
                    log.warning("%s: timed out after %g s; stopping its worker",
                                task.paths[0], self.timeout_s)
                    self._stop(w, kill=True)
                    self._failed(task, on_done, _timeout_message(task.paths[0],
                                                                 self.timeout_s or 0))
                elif dead:
                    # its pipe closes a moment before the process is reaped: wait for the
                    # status, or the crash is reported as "unknown status"
                    w.proc.join(timeout=5)
                    how = _signal_name(w.proc.exitcode)
                    if task is not None:
                        log.warning("%s: worker died (%s)", task.paths[0], how)
                        self._failed(task, on_done, _crash_message(task.paths[0], how))
                    elif not w.ready:
                        self.start_failures += 1
                        if self.start_failures >= MAX_START_FAILURES:
                            self._fail_all(pending, on_done, f"worker processes die on start "
                                           f"({how}); reinstall physcheck, or run with "
                                           "PHYSCHECK_DEBUG=1 -v to see why")
                    self._stop(w, kill=True)
                else:
                    w.task = task
                    keep.append(w)
                    continue
                if pending:
                    keep.append(self._start())
            self._workers = keep

    def _drain(self, w: _Worker, on_done: Done) -> bool:
        """Read what ``w`` sent; True when it is dead."""
        try:
            while w.conn.poll():
                kind, payload = w.conn.recv()
                if kind == "ready":
                    w.ready = True
                elif kind == "done" and w.task is not None:
                    task, w.task, w.deadline = w.task, None, float("inf")
                    on_done(task, payload)
        except (EOFError, OSError):
            return True
        return not w.proc.is_alive()

    def _failed(self, task: _Task, on_done: Done, message: str) -> None:
        on_done(task, {"result": _error_result(task.paths[0], self.config, message),
                       "seconds": 0.0, "report": False, "uncacheable": True})

    def _fail_all(self, pending: deque[_Task], on_done: Done, message: str) -> None:
        while pending:
            t = pending.popleft()
            self._failed(t, on_done, f"{t.paths[0]}: {message}")


class RayPool:
    """Tasks on a Ray cluster (or a local Ray): ``pip install 'physcheck[ray]'``."""

    def __init__(self, workers: int | None, config: Config, cache_dir: str | None,
                 timeout_s: float | None, address: str | None) -> None:
        try:
            import ray
        except ImportError:
            raise ScanError("the ray executor needs Ray: pip install 'physcheck[ray]'") from None
        self.ray = ray
        self._owns = False
        if not ray.is_initialized():
            try:
                ray.init(address=address, include_dashboard=False,
                         logging_level=logging.WARNING, log_to_driver=False)
            except Exception as e:
                raise ScanError(f"cannot start or join Ray (address {address or 'local'}): "
                                f"{e}; check --address") from None
            self._owns = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.n = max(1, workers or cpus)
        self.config = config
        self.cache_dir = cache_dir
        self.timeout_s = timeout_s or None
        self._remote = ray.remote(max_retries=0, num_cpus=1)(_ray_task)

    def run(self, tasks: Iterable[_Task], on_done: Done) -> None:
        ray = self.ray
        pending = deque(tasks)
        inflight: dict[Any, tuple[_Task, float]] = {}
        try:
            while pending or inflight:
                while pending and len(inflight) < self.n:
                    t = pending.popleft()
                    ref = self._remote.remote(t, self.config, self.cache_dir)
                    dl = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")
                    inflight[ref] = (t, dl)
                soonest = min(dl for _, dl in inflight.values())
                timeout = max(0.0, min(1.0, soonest - time.monotonic()))
                ready, _ = ray.wait(list(inflight), num_returns=1, timeout=timeout)
                for ref in ready:
                    t, _ = inflight.pop(ref)
                    try:
                        on_done(t, ray.get(ref))
                    except Exception as e:
                        how = type(e).__name__
                        self._failed(t, on_done, _crash_message(t.paths[0], f"Ray: {how}"))
                now = time.monotonic()
                for ref, (t, dl) in list(inflight.items()):
                    if now > dl:
                        ray.cancel(ref, force=True)
                        del inflight[ref]
                        self._failed(t, on_done, _timeout_message(t.paths[0],
                                                                  self.timeout_s or 0))
        finally:
            for ref in inflight:
                with contextlib.suppress(Exception):
                    ray.cancel(ref, force=True)
            if self._owns:
                ray.shutdown()

    def _failed(self, task: _Task, on_done: Done, message: str) -> None:
        on_done(task, {"result": _error_result(task.paths[0], self.config, message),
                       "seconds": 0.0, "report": False, "uncacheable": True})


# --- the scan ----------------------------------------------------------------------------------


class _JsonlWriter:
    """The JSONL file: rewritten atomically at the start, then appended to with fsync.

    The only writer; it refuses a second line for a path (which the task partition already
    makes impossible)."""

    def __init__(self, path: Path, initial: Sequence[ScanItem]) -> None:
        self.path = path
        self.written: set[str] = set()
        lines = []
        for it in initial:
            if it.path not in self.written:
                self.written.add(it.path)
                lines.append(_jsonl_line(it))
        write_atomic(path, "".join(lines))
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def append(self, item: ScanItem) -> None:
        if item.path in self.written:
            log.debug("%s already has a JSONL line; not writing another", item.path)
            return
        data = _jsonl_line(item).encode("utf-8")
        os.write(self._fd, data)  # one write of the whole line
        os.fsync(self._fd)
        self.written.add(item.path)

    def close(self) -> None:
        os.close(self._fd)


def _jsonl_line(item: ScanItem) -> str:
    return json.dumps(item.result, allow_nan=False, separators=(",", ":")) + "\n"


def _for_path(result: dict[str, Any], path: str) -> dict[str, Any]:
    """A result made for other bytes-identical file, restated for ``path``."""
    old = result.get("path")
    if old == path:
        return result
    out = dict(result, path=path)
    if old and out.get("error"):
        out["error"] = str(out["error"]).replace(str(old), path)
    return out


def _report_name(key: str | None, path: str) -> str:
    tag = key or hashlib.sha256(os.path.abspath(path).encode()).hexdigest()
    return f"videos/{tag[:24]}.html"


def scan(paths: Sequence[str] | Discovery, config: Config | None = None,
         options: ScanOptions | None = None,
         progress: Callable[[ScanEvent], None] | None = None) -> ScanReport:
    """Check every video below ``paths``; write the JSONL / CSV / HTML outputs asked for.

    Never raises for a bad video (it becomes an error result). Raises ScanError when the scan
    cannot run at all (e.g. the Ray executor without Ray) and OSError when an output cannot be
    written.
    """
    config = config or Config()
    options = options or ScanOptions()
    emit = progress or (lambda ev: None)
    t0 = time.perf_counter()
    found = paths if isinstance(paths, Discovery) else discover(paths)
    videos = found.videos
    cache = ResultCache(options.cache_dir) if options.cache_dir else None
    want_reports = options.html_dir is not None and _report_writer() is not None
    if options.html_dir is not None and not want_reports:
        log.info("physcheck.report.html is not available: writing the index page only")

    pool: LocalPool | RayPool
    if options.executor == "ray":
        pool = RayPool(options.workers, config, str(cache.root) if cache else None,
                       options.timeout_s, options.address)
    elif options.executor == "local":
        pool = LocalPool(options.workers or default_workers(), config,
                         str(cache.root) if cache else None, options.timeout_s)
    else:
        raise ScanError(f"unknown executor {options.executor!r}; use local or ray")

    # 1. contents -> cache keys (threads: hashing is I/O and hashlib releases the GIL)
    keys: dict[str, str | None] = dict.fromkeys(videos)
    if cache is not None and videos:
        def key_of(p: str) -> str | None:
            try:
                return cache_key(file_sha256(p), config)
            except OSError:
                return None  # missing or unreadable: the analysis reports why

        with ThreadPoolExecutor(max_workers=min(8, len(videos))) as ex:
            for i, (p, k) in enumerate(zip(videos, ex.map(key_of, videos), strict=True)):
                keys[p] = k
                emit(ScanEvent("hash", i + 1, len(videos)))

    # 2. cache hits, and one task per distinct content for the rest
    done: dict[str, ScanItem] = {}
    groups: dict[str, list[str]] = {}
    tasks: list[_Task] = []
    html_root = options.html_dir.resolve() if options.html_dir else None

    def in_html(name: str) -> Path:
        # a report is named only when html_dir is set; fail as `None / name` would otherwise
        if html_root is None:
            raise TypeError("unsupported operand type(s) for /: 'NoneType' and 'str'")
        return html_root / name

    for p in videos:
        k = keys[p]
        report = _report_name(k, p) if want_reports else None
        if k is not None and cache is not None:
            entry = cache.get(k)
            if entry is not None and (report is None or in_html(report).exists()):
                done[p] = ScanItem(p, _for_path(entry["result"], p), float(entry["seconds"]),
                                   cached=True, report=report)
                continue
            groups.setdefault(k, []).append(p)
        else:
            tasks.append(_Task((p,), None, str(in_html(report)) if report else None))
    for k, ps in groups.items():
        report = _report_name(k, ps[0]) if want_reports else None
        tasks.append(_Task(tuple(ps), k, str(in_html(report)) if report else None))
    n_cached = len(done)

    # 3. the JSONL starts as the cache hits; each finished video is appended at once
    writer = _JsonlWriter(options.jsonl, [done[p] for p in videos if p in done]) \
        if options.jsonl else None
    for i, item in enumerate(done.values()):
        emit(ScanEvent("analyse", i + 1, len(videos), item))

    def on_done(task: _Task, out: dict[str, Any]) -> None:
        rel = str(Path(task.report).relative_to(html_root)) \
            if task.report and html_root and out.get("report") else None
        for p in task.paths:
            item = ScanItem(p, _for_path(out["result"], p), float(out["seconds"]), report=rel)
            done[p] = item
            if writer is not None:
                writer.append(item)
            emit(ScanEvent("analyse", len(done), len(videos), item))

    try:
        pool.run(tasks, on_done)
    finally:
        if writer is not None:
            writer.close()
    items = tuple(done[p] for p in videos)
    scan_report = ScanReport(items, found.skipped, wall_s=time.perf_counter() - t0,
                             n_analysed=len(tasks), n_cached=n_cached)
    if options.csv:
        write_atomic(options.csv, to_csv(items))
    if options.html_dir:
        from physcheck.report.index_html import write_index

        write_index(scan_report, options.html_dir)
    return scan_report


CSV_COLUMNS = ("path", "verdict", "score", "n_findings", "finding_types", "error", "seconds")


def to_csv(items: Sequence[ScanItem]) -> str:
    """One row per video: path, verdict, score, n_findings, finding types (;-separated,
    distinct), error, seconds."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for it in items:
        types = sorted({str(f.get("type")) for f in it.findings})
        w.writerow([it.path, it.verdict, "" if it.score is None else f"{it.score:.4f}",
                    len(it.findings), ";".join(types), it.error or "", f"{it.seconds:.3f}"])
    return buf.getvalue()


def worst_findings(report: ScanReport, n: int = 5) -> list[tuple[str, dict[str, Any]]]:
    """The ``n`` most confident findings over the whole scan, as (path, finding)."""
    allf = [(it.path, f) for it in report.items for f in it.findings]
    allf.sort(key=lambda pf: -float(pf[1].get("confidence", 0.0)))
    return allf[:n]


__all__ = [
    "CRASH_HOOK_ENV", "HANG_HOOK_ENV", "MODEL_REVISIONS", "VIDEO_EXTENSIONS", "Discovery",
    "LocalPool", "RayPool", "ResultCache", "ScanError", "ScanEvent", "ScanItem", "ScanOptions",
    "ScanReport", "Skipped", "cache_key", "default_cache_dir", "default_workers",
    "discover", "file_sha256", "scan", "sniff_video", "to_csv", "worst_findings",
]
