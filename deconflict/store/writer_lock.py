"""A lock file that orders the writers of several processes on one SQLite file.

SQLite's own busy handler, when the file is locked, sleeps 1, 2, 5, 10 ms and more before
trying again: with two server processes writing, a writer often slept longer than the
write it waited for. An advisory `flock` on a file beside the database is handed over as
soon as it is free; it is polled every few hundred microseconds only while another process
holds it, because a blocking `flock` cannot give up at a deadline.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

#: First and longest pause between tries while another process writes (seconds).
FIRST_PAUSE_S = 0.0001
LONGEST_PAUSE_S = 0.001


class WriterLock:
    """Exclusive between processes; the caller keeps the threads of one process apart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, deadline: float) -> bool:
        """Take the lock, or give up at `deadline` (a `time.monotonic()` instant)."""
        fd = self._file()
        pause = FIRST_PAUSE_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_S)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._fd
