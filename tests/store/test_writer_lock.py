"""The lock file that orders writers of several processes on one SQLite file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from deconflict.store.writer_lock import WriterLock

HOLD_IN_ANOTHER_PROCESS = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "w.lock"), WriterLock(tmp_path / "w.lock")
    try:
        assert first.acquire(time.monotonic() + 1)
        started = time.monotonic()
        assert not second.acquire(started + 0.05)
        assert time.monotonic() - started >= 0.05
        first.release()
        assert second.acquire(time.monotonic() + 1)
        second.release()
    finally:
        first.close()
        second.close()


def test_a_lock_held_by_another_process_is_taken_soon_after_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "w.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_IN_ANOTHER_PROCESS, str(path), "0.3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    lock = WriterLock(path)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert not lock.acquire(time.monotonic() + 0.05)
        assert lock.acquire(time.monotonic() + 10)
        holder.wait(timeout=10)
        lock.release()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
        lock.close()
