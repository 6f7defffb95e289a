"""Moving SQLite's write-ahead log into the database file beside the writers, not in their way.

By default the writer whose commit takes the log past 1,000 pages copies it into the file
and syncs the file, while every other writer waits for the lock it holds. At a million
volumes a submission writes dozens of pages (audit entries, consultations, index nodes), so
every twentieth writer paid a checkpoint of tens of milliseconds, about 2 ms a commit. Here
one thread per store does it on a connection of its own a moment after commits: a passive
checkpoint runs while writers go on appending to the log.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

#: How long after a commit the log is copied (seconds): a few commits share each copy.
DELAY_S = 0.2
#: Writers copy the log themselves only past this many pages: when this thread lags.
WRITER_CHECKPOINT_PAGES = 20_000


class Checkpointer:
    """A thread that checkpoints the log of one database file after commits."""

    def __init__(self, path: Path, busy_timeout_ms: int, delay_s: float = DELAY_S) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._delay_s = delay_s
        self._committed = threading.Event()
        self._stop = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def committed(self) -> None:
        """A commit added to the log; starts the thread on first use."""
        if self._thread is None:
            with self._guard:
                if self._thread is None and not self._stopping:
                    self._thread = threading.Thread(
                        target=self._run, name="sqlite-checkpoint", daemon=True
                    )
                    self._thread.start()
        self._committed.set()

    def stop(self) -> None:
        with self._guard:
            self._stopping = True
            thread = self._thread
        self._stop.set()
        self._committed.set()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            conn.execute("PRAGMA synchronous = FULL")
            while True:
                self._committed.wait()
                # Let the next few commits join this copy rather than each start one.
                if self._stop.wait(self._delay_s):
                    return
                self._committed.clear()
                # `stop` sets the stop flag before the commit flag: had it come before the
                # clear just now, its wake-up is gone, and only this check sees it.
                if self._stop.is_set():
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.OperationalError:
                    continue  # another process is checkpointing: it does the same work
        finally:
            conn.close()
