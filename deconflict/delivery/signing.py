"""Webhook signatures in the style of the Standard Webhooks spec: sign, and verify as a receiver.

A delivery carries three headers: `webhook-id` (the message id, the same on every retry, so a
receiver can drop duplicates), `webhook-timestamp` (integer Unix seconds of this attempt) and
`webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256>` over
`{id}.{timestamp}.{body}`. Several signatures let a sender sign with an old and a new secret
while a receiver rotates; one match is enough.

These functions are pure (no clock, no randomness) so that a receiver can use them as they are.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import re
from collections.abc import Mapping

from deconflict import errors

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"

VERSION = "v1"
DEFAULT_TOLERANCE_S = 300

#: Bounds on what a receiver will look at, so a hostile request cannot make it work hard.
MAX_ID_CHARS = 256
MAX_SIGNATURES = 16

#: A message id goes into a header and into the signed content: visible ASCII, no spaces.
_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_ID_CHARS}}}")
#: Seconds since the epoch, unsigned; twelve digits reach far past any real clock.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class Refusal(enum.StrEnum):
    """Why `verify` refused a delivery (the `reason` of `errors.SignatureRefused`)."""

    MISSING_HEADER = "missing-header"
    MALFORMED_HEADER = "malformed-header"
    TIMESTAMP_TOO_OLD = "timestamp-too-old"
    TIMESTAMP_IN_FUTURE = "timestamp-in-future"
    NO_MATCHING_SIGNATURE = "no-matching-signature"


def new_secret(entropy: bytes) -> str:
    """A signing secret, `whsec_` and the base64 of `entropy` (24 to 64 random bytes)."""
    if not MIN_SECRET_BYTES <= len(entropy) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"a secret needs {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes of entropy, "
            f"not {len(entropy)}"
        )
    return SECRET_PREFIX + base64.b64encode(entropy).decode("ascii")


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one delivery attempt."""
    if not _ID.fullmatch(msg_id):
        raise ValueError("a message id is 1 to 256 visible ASCII characters without spaces")
    if timestamp < 0:
        raise ValueError("a timestamp is seconds since the epoch, never negative")
    return f"{VERSION},{base64.b64encode(_digest(_key(secret), msg_id, timestamp, body)).decode()}"


def sign_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers that sign a delivery attempt."""
    return {
        HEADER_ID: msg_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> None:
    """Return if `body` was signed with `secret` within `tolerance_s` of `now` (Unix seconds);
    raise `errors.SignatureRefused` otherwise. Header names match in any case.

    Check the raw body as received, before any JSON parsing: re-serialised JSON differs."""
    key = _key(secret)
    found = _lowercase(headers)
    msg_id = _header(found, HEADER_ID)
    raw_timestamp = _header(found, HEADER_TIMESTAMP)
    raw_signatures = _header(found, HEADER_SIGNATURE)
    if not _ID.fullmatch(msg_id):
        raise _refused(Refusal.MALFORMED_HEADER, f"{HEADER_ID} is not a valid message id")
    if not _TIMESTAMP.fullmatch(raw_timestamp):
        raise _refused(Refusal.MALFORMED_HEADER, f"{HEADER_TIMESTAMP} is not Unix seconds")
    timestamp = int(raw_timestamp)
    if timestamp < now - tolerance_s:
        raise _refused(
            Refusal.TIMESTAMP_TOO_OLD, f"{HEADER_TIMESTAMP} is more than {tolerance_s} s old"
        )
    if timestamp > now + tolerance_s:
        raise _refused(
            Refusal.TIMESTAMP_IN_FUTURE,
            f"{HEADER_TIMESTAMP} is more than {tolerance_s} s in the future",
        )
    candidates = _v1_signatures(raw_signatures)
    expected = _digest(key, msg_id, timestamp, body)
    matched = False
    for candidate in candidates:
        # No early exit: every candidate costs the same whether or not one matched before.
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise _refused(Refusal.NO_MATCHING_SIGNATURE, "no signature matches the body")


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError("a secret is whsec_ followed by base64") from None
    if not key:
        raise ValueError("a secret may not be empty")
    return key


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.digest(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)


def _lowercase(headers: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in found and found[lower] != value:
            # Two different values for one header: which one was signed is anyone's guess.
            raise _refused(Refusal.MALFORMED_HEADER, f"{lower} is sent twice")
        found[lower] = value
    return found


def _header(found: Mapping[str, str], name: str) -> str:
    value = found.get(name)
    if value is None:
        raise _refused(Refusal.MISSING_HEADER, f"the {name} header is missing")
    return value.strip()


def _v1_signatures(raw: str) -> list[bytes]:
    """The decoded v1 signatures; entries of other versions are skipped, as the spec asks."""
    entries = raw.split()
    if not entries or len(entries) > MAX_SIGNATURES:
        raise _refused(
            Refusal.MALFORMED_HEADER,
            f"{HEADER_SIGNATURE} must list 1 to {MAX_SIGNATURES} signatures",
        )
    decoded: list[bytes] = []
    for entry in entries:
        version, comma, value = entry.partition(",")
        if not comma or not version or not value:
            raise _refused(
                Refusal.MALFORMED_HEADER, f"{HEADER_SIGNATURE} entries are <version>,<signature>"
            )
        if version != VERSION:
            continue
        try:
            decoded.append(base64.b64decode(value, validate=True))
        except binascii.Error:
            raise _refused(
                Refusal.MALFORMED_HEADER, f"a {VERSION} signature is not base64"
            ) from None
    if not decoded:
        raise _refused(Refusal.NO_MATCHING_SIGNATURE, f"no {VERSION} signature was sent")
    return decoded


def _refused(reason: Refusal, detail: str) -> errors.SignatureRefused:
    return errors.SignatureRefused(detail, reason.value)
