"""Open event streams, counted per API key, so that no key can hold the server's connections."""

from __future__ import annotations

import threading
from collections import Counter

from deconflict import errors


class StreamSlots:
    def __init__(self, per_key: int) -> None:
        self._per_key = per_key
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    def take(self, member_id: str) -> None:
        with self._lock:
            if self._open[member_id] >= self._per_key:
                raise errors.TooManyStreams(
                    f"this key has {self._per_key} event streams open already: close one"
                )
            self._open[member_id] += 1

    def give_back(self, member_id: str) -> None:
        with self._lock:
            self._open[member_id] -= 1
            if self._open[member_id] <= 0:
                del self._open[member_id]
