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
    """A volume exceeds a documented limit of extent, area, altitude or duration."""

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
