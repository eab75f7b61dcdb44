"""The alarm that stops a reader in a worker process (ingest/worker.py) when a file takes too long:
started for each file, extended by each page read by OCR, a no-op outside a worker (no alarm runs)."""
from __future__ import annotations

import signal


class TimeLimit(BaseException):
    """Reading a file took longer than its allowance. Not an Exception: the readers' own `except Exception`
    (a malformed table must not cost a page its text) must not swallow it."""


_armed = False
REPEAT_S = 0.5  # the alarm rings again until the reader stops: a library may swallow one ring


def _out_of_time(_signum, _frame) -> None:
    if _armed:
        raise TimeLimit("out of time")


def install() -> None:
    """In a worker process: the alarm raises TimeLimit in whatever the reader is doing."""
    signal.signal(signal.SIGALRM, _out_of_time)


def start(seconds: float) -> None:
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_S)


def stop() -> None:
    global _armed
    _armed = False
    signal.setitimer(signal.ITIMER_REAL, 0)


def allow(seconds: float) -> None:
    """More time for the file being read (each OCR page brings its own)."""
    remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    if _armed and remaining:
        signal.setitimer(signal.ITIMER_REAL, remaining + seconds, REPEAT_S)
