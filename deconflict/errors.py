"""The one error root of deconflict and the errors named for what went wrong.

Errors know nothing of HTTP: the API maps each class to a problem type in one table.
Input errors carry a JSON pointer (RFC 6901) to the offending field so that a client
can show the user exactly what to fix.
"""

from __future__ import annotations


class DeconflictError(Exception):
    """Root of every error deconflict raises on purpose."""

    code = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(DeconflictError):
    """The caller sent something that cannot be accepted; nothing was stored."""

    code = "invalid-input"

    def __init__(self, detail: str, pointer: str = "") -> None:
        super().__init__(detail)
        self.pointer = pointer

    def __str__(self) -> str:
        where = self.pointer or "/"
        return f"{where}: {self.detail}"


class MalformedValue(InvalidInput):
    """A field has the wrong JSON type, is missing, or is not in the expected format."""

    code = "malformed-value"


class InvalidCoordinate(InvalidInput):
    """A position is not finite, is out of range, or has the wrong number of values."""

    code = "invalid-coordinate"


class UnclosedRing(InvalidInput):
    """A polygon ring does not end where it starts."""

    code = "unclosed-ring"


class SelfIntersection(InvalidInput):
    """A polygon's rings cross themselves or each other, or a hole lies outside its shell."""

    code = "self-intersection"


class DegenerateFootprint(InvalidInput):
    """A footprint has (almost) no area or is thinner than the documented minimum."""

    code = "degenerate-footprint"


class TooManyVertices(InvalidInput):
    """A footprint has more vertices than the documented limit."""

    code = "too-many-vertices"


class VolumeTooLarge(InvalidInput):
    """A volume exceeds a documented limit of extent, area, longitude span or duration."""

    code = "volume-too-large"


class InvalidAltitudeBand(InvalidInput):
    """An altitude band is inverted, out of range, or uses a reference that cannot be compared."""

    code = "invalid-altitude-band"


class InvalidTimeWindow(InvalidInput):
    """A time window ends before it starts, is not UTC-aware, or is out of range."""

    code = "invalid-time-window"


class InvalidRadius(InvalidInput):
    """A circle radius or a buffer is not a positive finite distance within limits."""

    code = "invalid-radius"


class NearPole(InvalidInput):
    """A footprint reaches closer to a pole than the service supports."""

    code = "near-pole"


class IllegalTransition(DeconflictError):
    """An operation was asked to do something its state does not allow."""

    code = "illegal-transition"

    def __init__(
        self, state: str, action: str, allowed: tuple[str, ...], entity: str = "operation"
    ) -> None:
        choices = ", ".join(allowed) if allowed else "nothing (the state is final)"
        super().__init__(
            f"{_article(entity)} {entity} that is {state} cannot {action}; it can: {choices}"
        )
        self.state = state
        self.action = action
        self.allowed = allowed


class StaleVersion(DeconflictError):
    """A writer named a version (OVN) that is no longer the current one."""

    code = "stale-version"

    def __init__(self, named_ovn: str, current_ovn: str, *, kind: str) -> None:
        super().__init__(
            f"version {named_ovn} is not the current one ({current_ovn}): "
            f"read the {kind} again and apply your change to the current version"
        )
        self.named_ovn = named_ovn
        self.current_ovn = current_ovn


class AnswersAwaited(DeconflictError):
    """Clearing over an objection while consulted parties may still answer."""

    code = "answers-awaited"


class NotFound(DeconflictError):
    """No such entity, as far as the caller may know."""

    code = "not-found"


class Forbidden(DeconflictError):
    """The caller's role may not do this (403). An object the caller's party may not see
    is `NotFound` instead, so that its existence is not revealed."""

    code = "forbidden"


class ConsultationClosed(DeconflictError):
    """A response came after the consultation's deadline or after it was closed."""

    code = "consultation-closed"


class MissingJustification(InvalidInput):
    """Clearing over an objection needs a written justification."""

    code = "missing-justification"


class InvalidResponse(InvalidInput):
    """A response lacks what its kind requires or carries what it may not."""

    code = "invalid-response"


class AlreadyExists(DeconflictError):
    """Something with this name or key exists already."""

    code = "already-exists"


class Unauthenticated(DeconflictError):
    """No API key, or one that is unknown or revoked."""

    code = "unauthenticated"


class IdempotencyKeyReused(DeconflictError):
    """An Idempotency-Key came back with a different request."""

    code = "idempotency-key-reused"


class IdempotencyNotSupported(InvalidInput):
    """An Idempotency-Key was sent where an answer cannot be kept for replay."""

    code = "idempotency-not-supported"


class StoreBusy(DeconflictError):
    """The database stayed busy with other writes for longer than a writer waits."""

    code = "store-busy"


class CallerGone(DeconflictError):
    """The caller stopped waiting for a write before the write had its turn among the
    writers, so it was not run: nothing was stored and nobody was told."""

    code = "caller-gone"


class NotReplayable(DeconflictError):
    """Only a dead-lettered webhook delivery can be replayed."""

    code = "not-replayable"


class EventIdAhead(DeconflictError):
    """A stream was asked to resume after an event the party's record does not hold yet
    (the client's cursor is from a record since restored from an earlier backup, say)."""

    code = "event-id-ahead"


class LimitReached(DeconflictError):
    """The party holds as many of these as the service allows; remove one first."""

    code = "limit-reached"


class TooManyStreams(DeconflictError):
    """This API key has as many event streams open as the service allows."""

    code = "too-many-streams"


class UnsafeWebhookTarget(InvalidInput):
    """A webhook URL is not an https URL to a public address (the SSRF guard refused it)."""

    code = "unsafe-webhook-target"

    def __init__(self, detail: str, pointer: str = "/url") -> None:
        super().__init__(detail, pointer)


class SignatureRefused(DeconflictError):
    """A webhook delivery's signature headers are missing, malformed, out of date or wrong."""

    code = "signature-refused"

    def __init__(self, detail: str, reason: str = "refused") -> None:
        super().__init__(detail)
        # A short, stable kebab-case word a receiver can count or log by.
        self.reason = reason


class StoreMismatch(DeconflictError):
    """A store holds data indexed under settings this process does not share (its terrain
    range), and opening it so would give wrong answers."""

    code = "store-mismatch"


class StoreUnavailable(DeconflictError):
    """The database cannot be used: no such SQLite file where one must exist, a file that is
    not a database, or a PostgreSQL server that does not answer."""

    code = "store-unavailable"


class ServerFailed(DeconflictError):
    """A server process could not start: its port taken, its database unreachable..."""

    code = "server-failed"


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"
