"""Files are read in worker processes, never in the caller's: each file within a time limit and a memory
limit, so a file built to hang or to exhaust a reader costs one refusal, the batch goes on and the web
process serving searches is untouched.

The workers are forked from a fork server that has the readers imported (fresh processes, not copies of a
threaded web server) and are reused from file to file. Each one:
- holds at most `read_memory_mb` of address space (`resource.setrlimit`): past it, allocations fail and the
  file is refused as too large to read in memory;
- has `read_seconds` of wall-clock time for a file, each PDF page and each page read by OCR adding its own
  allowance (an alarm
  in the worker stops a reader looping in Python); a reader stuck where the alarm cannot reach is killed
  when a hard limit past that runs out, and the pool starts a new worker;
- dies with the process that asked for it (it checks twice a second): `kill -9` of `kb ingest` leaves no
  worker behind, and the fork server ends with the last worker.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from kb.config import Settings
from kb.models import Practice

from . import deadline
from .blocks import ExtractionError
from .ocr import PAGE_ALLOWANCE_S as OCR_PAGE_ALLOWANCE_S
from .pdf import PAGE_ALLOWANCE_S as PDF_PAGE_ALLOWANCE_S

logger = logging.getLogger(__name__)

HARD_LIMIT_MARGIN_S = 15  # past the alarm, the time a stuck reader has before its process is killed
STUCK_MARGIN_S = 15  # past the hard limit, the caller stops waiting for a pool that never ran the file
CALLER_CHECK_S = 0.5  # how often a worker checks that its caller still runs


@dataclass(frozen=True, slots=True)
class Job:
    path: Path
    settings: Settings
    digest: str


@dataclass(frozen=True, slots=True)
class Read:
    """One file read: its practices and its page count."""

    practices: list[Practice]
    pages: int


def _time_limit_message(settings: Settings) -> str:
    return (f"reading the file took over {settings.read_seconds:g} s (setting read_seconds); "
            "it may be damaged or built to stall a reader")


# -- in the worker --------------------------------------------------------------------------
def _confine(memory_mb: int, caller: int) -> None:
    """The worker's set-up: its memory limit, its death with the caller, the alarm that stops a reader.

    The limit is on address space, counted from what the worker holds at its start (the readers' libraries
    reserve a few hundred MB they never touch): reading a file may take `memory_mb` more. It is set last: a
    thread started under a tight limit may die before it runs, and its starter would wait for it forever."""
    threading.Thread(target=_die_with, args=(caller,), daemon=True, name="die-with-caller").start()
    deadline.install()
    limit = _address_space() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with(caller: int) -> None:
    """End this worker once the process it reads for is gone (its parent is the fork server, which
    lives on while any worker does)."""
    while True:
        time.sleep(CALLER_CHECK_S)
        try:
            os.kill(caller, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid was reused by another user's process: the caller is gone
            os._exit(1)


def _address_space() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _read(job: Job) -> Read | ExtractionError:
    """Read one file in the worker: its practices, or the reason it cannot be read."""
    from .read import read_practices

    deadline.start(job.settings.read_seconds)
    try:
        try:
            practices, pages = read_practices(job.path, job.settings, job.digest)
        finally:
            deadline.stop()
        return Read(practices, pages)
    except deadline.TimeLimit:
        return ExtractionError(_time_limit_message(job.settings))
    except ExtractionError as exc:
        return exc
    except MemoryError:
        return ExtractionError(f"the file needs more than {job.settings.read_memory_mb} MB of memory to read "
                               "(setting read_memory_mb); refused")
    except RecursionError:
        return ExtractionError("the file nests its content too deeply to read; refused")
    except Exception as exc:  # a parser bug on a strange file must not end the batch
        logger.debug("Unexpected error reading %s", job.path, exc_info=True)
        return ExtractionError(f"unexpected error while reading ({type(exc).__name__}: {exc})")


# -- in the caller --------------------------------------------------------------------------
_pools: dict[tuple[int, int], ProcessPool] = {}
_pools_lock = threading.Lock()


def _pool(workers: int, memory_mb: int) -> ProcessPool:
    """The process's pool of workers for these limits, started on first use and kept for later batches."""
    key = (workers, memory_mb)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or not pool.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["ingest.read", "ingest.worker", "ingest.preload"])
            # One file a worker: a reader stopped mid-way (an alarm, a failed allocation) may leave a library
            # half set up, so the next file gets a fresh fork (cheap: the fork server has the readers loaded).
            pool = _pools[key] = ProcessPool(max_workers=workers, max_tasks=1, initializer=_confine,
                                             initargs=(memory_mb, os.getpid()), context=context)
        return pool


@atexit.register
def stop_workers() -> None:
    """Stop every pool's workers (at exit)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.stop()
            pool.join(timeout=5)
        _pools.clear()


def _drop(pool: ProcessPool) -> None:
    """Stop a pool whose workers do not answer, so that the next batch starts a fresh one."""
    with _pools_lock:
        for key in [key for key, kept in _pools.items() if kept is pool]:
            del _pools[key]
    pool.stop()
    pool.join(timeout=5)


def hard_limit(job: Job) -> float:
    """Seconds after which a worker is killed, whatever it is doing: the alarm's allowance with what each
    page may add (a PDF's pages, and its OCR pages), and a margin."""
    settings = job.settings
    extra = 0.0
    if job.path.suffix.lower() == ".pdf":
        extra = settings.max_pages * PDF_PAGE_ALLOWANCE_S + settings.max_ocr_pages * OCR_PAGE_ALLOWANCE_S
    return settings.read_seconds + extra + HARD_LIMIT_MARGIN_S


def read_files(jobs: list[Job], workers: int = 2) -> Iterator[Read | ExtractionError]:
    """Each file read in a worker, in order: what it holds, or why it cannot be read."""
    if not jobs:
        return
    settings = jobs[0].settings
    pool = _pool(max(1, min(workers, len(jobs), os.cpu_count() or 1)), settings.read_memory_mb)
    futures = [pool.schedule(_read, args=(job,), timeout=hard_limit(job)) for job in jobs]
    try:
        for n, (job, future) in enumerate(zip(jobs, futures)):
            try:
                yield future.result(timeout=hard_limit(job) + STUCK_MARGIN_S)
            except FutureTimeout:
                yield ExtractionError(_time_limit_message(job.settings))
                if not future.done():  # no worker ran it (one stuck before its file): a fresh pool for the rest
                    _drop(pool)
                    yield from read_files(jobs[n + 1 :], workers)
                    return
            except ProcessExpired as exc:
                yield ExtractionError(_expired(exc, job.settings))
            except (KeyboardInterrupt, GeneratorExit):
                raise
            except BaseException as exc:  # the worker could not take the file (a pickling or pool error)
                logger.debug("Worker error on %s", job.path, exc_info=True)
                yield ExtractionError(f"unexpected error while reading ({type(exc).__name__}: {exc})")
    finally:
        for future in futures:  # a caller that stops early: nothing more is read for it
            future.cancel()


def _expired(exc: ProcessExpired, settings: Settings) -> str:
    code = exc.exitcode
    if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        return (f"the reader stopped on this file ({signal.Signals(-code).name}); it may need more than "
                f"{settings.read_memory_mb} MB (setting read_memory_mb) or be damaged")
    return f"the reader stopped on this file (exit code {code}); it may be damaged"
