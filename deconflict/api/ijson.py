"""The two ways a JSON text can parse yet not be I-JSON (RFC 7493), found with a pointer.

A member name repeated in one object is read by Python's json as "the last one wins", so
`{"draft": true, "draft": false}` would submit what the sender may have meant as a draft.
A lone UTF-16 surrogate (`"\\ud800"`) is a legal JSON escape but no Unicode character: it
cannot be encoded as UTF-8, so the store failed on it only when it came to write. RFC 7493
says neither may occur; both are refused before any handler reads the body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

#: A `\u` escape of a surrogate. Pairs are joined by the parser into one character, so only
#: lone ones survive; a text without this escape cannot hold one, which spares the walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass(frozen=True, slots=True)
class Violation:
    pointer: str
    detail: str


class _Repeated(dict[str, Any]):
    """An object whose text named `name` more than once; only made when that happens."""

    name: str


def first_violation(body: bytes) -> Violation | None:
    """The first repeated member name or lone surrogate, in document order; None if none.

    A text that does not parse at all is not judged here: the framework answers it.
    """
    repeated = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        repeated = True
        marked = _Repeated(obj)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                marked.name = key
                break
            seen.add(key)
        return marked

    try:
        document = json.loads(body, object_pairs_hook=pairs_hook)
    except (ValueError, RecursionError):
        return None
    if not repeated and not _SURROGATE_ESCAPE.search(body):
        return None
    return _walk(document)


def _walk(document: object) -> Violation | None:
    # A loop over a stack, not recursion: the parser accepts nesting deeper than Python's
    # recursion limit leaves room for here.
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, str):
            if _is_lone_surrogate_in(node):
                return Violation(pointer or "/", "a string holds a lone UTF-16 surrogate")
        elif isinstance(node, dict):
            # Names first: a pointer can only name a member whose name can be sent back.
            if any(_is_lone_surrogate_in(key) for key in node):
                return Violation(pointer or "/", "a member name holds a lone UTF-16 surrogate")
            if isinstance(node, _Repeated):
                return Violation(
                    f"{pointer}/{_escape(node.name)}",
                    f"member name {json.dumps(node.name)} appears more than once in one object",
                )
            stack.extend(reversed([(f"{pointer}/{_escape(k)}", v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(f"{pointer}/{i}", v) for i, v in enumerate(node)]))
    return None


def _is_lone_surrogate_in(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")
