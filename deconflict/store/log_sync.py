"""Making SQLite's write-ahead log durable after a commit, outside the writers' lock.

With `synchronous = FULL`, SQLite syncs the log inside every commit, so each writer of
every process waited for the disk while holding the lock all writers queue on: at a
million volumes that was a third of a submission's turn. The store's connections run
with `synchronous = NORMAL` instead (a commit appends to the log and syncs nothing), and
once the writer has let go of the lock, one thread per store (`sync_soon`) syncs the log
before the write is answered: the writer waits for it, or, in a server, the answer does
while the writer's thread moves on (`durability`). One `fdatasync` covers every frame
written before it, whoever wrote them, so the next writer appends while this one waits,
and a write is still answered only once it is on disk. What NORMAL alone would risk (the
last commits lost in a power cut) is closed for every answered write; a reader may see a
commit in the moment before its sync returns.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from pathlib import Path


class LogSync:
    """Syncs one database's `-wal` file; safe to call from any thread."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + "-wal")
        self._fd: int | None = None
        self._guard = threading.Lock()
        self._asked: list[Future[None]] = []
        self._wake = threading.Condition(threading.Lock())
        self._syncer: threading.Thread | None = None
        self._closing = False

    def sync(self) -> None:
        """Make everything written to the log so far durable."""
        os.fdatasync(self._current())

    def sync_soon(self) -> Future[None]:
        """Done once everything written to the log before this call is durable (or failed
        with the sync's `OSError`): one sync serves every commit that asked since the last."""
        future: Future[None] = Future()
        future.set_running_or_notify_cancel()  # nobody may cancel a sync once asked for
        with self._wake:
            if self._closing:
                raise RuntimeError("the log is closed")
            self._asked.append(future)
            if self._syncer is None:
                self._syncer = threading.Thread(
                    target=self._run, name="sqlite-log-sync", daemon=True
                )
                self._syncer.start()
            self._wake.notify()
        return future

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._asked and not self._closing:
                    self._wake.wait()
                if not self._asked:
                    return
                asked, self._asked = self._asked, []
            try:
                self.sync()
            except Exception as failed:  # any: a writer waits on each of these futures
                for future in asked:
                    future.set_exception(failed)
            else:
                for future in asked:
                    future.set_result(None)

    def close(self) -> None:
        """Sync what was asked for, then let go of the log."""
        with self._wake:
            self._closing = True
            syncer = self._syncer
            self._wake.notify()
        if syncer is not None:
            syncer.join()
        with self._guard:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _current(self) -> int:
        # SQLite removes the log when the last connection to the file closes and makes a
        # new one on the next open; a descriptor of a removed log would sync nothing.
        with self._guard:
            on_disk = os.stat(self.path)
            if self._fd is not None:
                held = os.fstat(self._fd)
                if (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino):
                    return self._fd
                os.close(self._fd)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            return self._fd
