"""Cursor pagination: `?limit=` and an opaque `?cursor=` in, `{items, next_cursor}` out.

A cursor wraps the last id of the page before; it reveals nothing a client does not hold
already, and a cursor this API did not give is refused with 422.
"""

from __future__ import annotations

import binascii
import uuid
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from deconflict import errors

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
_PREFIX = "c1:"
_POINTER = "/query/cursor"


@dataclass(frozen=True, slots=True)
class PageRequest:
    after: str | None
    limit: int

    @property
    def fetch(self) -> int:
        """One more than asked for: whether it comes back says if there is a next page."""
        return self.limit + 1


def encode_cursor(last_id: str) -> str:
    return urlsafe_b64encode((_PREFIX + last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        text = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        last_id = text.removeprefix(_PREFIX)
        uuid.UUID(last_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise errors.MalformedValue("cursor is not one this API gave out", _POINTER) from None
    return last_id


def cut(
    items: Sequence[T], request: PageRequest, key: Callable[[T], str]
) -> tuple[list[T], str | None]:
    """The page's items and the cursor of the next page, None on the last."""
    shown = list(items[: request.limit])
    more = len(items) > request.limit
    return shown, encode_cursor(key(shown[-1])) if more and shown else None
