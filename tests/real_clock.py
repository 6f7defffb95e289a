"""Instants for tests whose service or server runs on the real clock.

A fixed date in such a test passes until the day it names goes by, then every volume in
it has ended before it is submitted; these are always ahead of the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now_s() -> datetime:
    """The real clock to the second, as the API's times are written in these tests."""
    return datetime.now(UTC).replace(microsecond=0)


def tomorrow_morning() -> datetime:
    """08:00 UTC tomorrow: windows a few hours after it stay ahead of the clock all run."""
    return now_s().replace(hour=8, minute=0, second=0) + timedelta(days=1)
