"""When a failed webhook delivery is tried again, and when it is given up (dead-lettered).

Exponential backoff with jitter: the first retry after `base_s`, each next one `factor` times
later, no nominal delay over `max_delay_s`, and each actual delay spread by ±`jitter` so that
deliveries which failed together (a receiver that was down) do not all come back together.
Pure: the random draw is an argument, so a test can pin it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScheduledRetry:
    """One line of the retry schedule, for docs: what follows a failed attempt."""

    failed_attempt: int  # 1 is the first try
    nominal_delay_s: float
    earliest_s: float  # the nominal delay with the most jitter either way
    latest_s: float
    nominal_since_first_s: float  # from the first try to this retry, nominally


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempts are counted from 1, the first try; after `max_attempts` failed attempts the
    delivery is dead-lettered."""

    base_s: float = 5.0
    factor: float = 4.0
    max_delay_s: float = 3600.0
    jitter: float = 0.25
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if not (math.isfinite(self.base_s) and self.base_s > 0):
            raise ValueError("base_s must be a positive number of seconds")
        if not (math.isfinite(self.factor) and self.factor >= 1):
            raise ValueError("factor must be at least 1")
        if not (math.isfinite(self.max_delay_s) and self.max_delay_s >= self.base_s):
            raise ValueError("max_delay_s must be at least base_s")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be a fraction in [0, 1)")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def nominal_delay_s(self, attempt: int) -> float:
        """The delay before the next try after failed attempt `attempt`, without jitter."""
        _check_attempt(attempt)
        # Compare exponents rather than computing factor ** (attempt - 1) outright, which
        # overflows a float long before `attempt` stops being a plausible int.
        if self.factor == 1:
            return self.base_s
        steps_to_cap = math.log(self.max_delay_s / self.base_s, self.factor)
        if attempt - 1 >= steps_to_cap:
            return self.max_delay_s
        return min(self.base_s * self.factor ** (attempt - 1), self.max_delay_s)

    def delay_s(self, attempt: int, unit: float) -> float:
        """The delay before the next try after failed attempt `attempt`, where `unit` is a
        uniform random draw in [0, 1): 0 gives the most jitter down, near 1 the most up."""
        if not 0 <= unit < 1:
            raise ValueError("unit must be a random draw in [0, 1)")
        return self.nominal_delay_s(attempt) * (1 + self.jitter * (2 * unit - 1))

    def is_exhausted(self, attempts: int) -> bool:
        """Whether a delivery that failed `attempts` times is given up (dead-lettered)."""
        return attempts >= self.max_attempts

    def retry_after_s(self, attempts: int, unit: float) -> float | None:
        """The delay before the next try after `attempts` failures, or None: dead-lettered."""
        return None if self.is_exhausted(attempts) else self.delay_s(attempts, unit)

    def schedule(self) -> tuple[ScheduledRetry, ...]:
        """Every retry a delivery can get, nominally: the table in docs/webhooks.md."""
        lines: list[ScheduledRetry] = []
        since_first = 0.0
        for attempt in range(1, self.max_attempts):
            nominal = self.nominal_delay_s(attempt)
            since_first += nominal
            spread = nominal * self.jitter
            lines.append(
                ScheduledRetry(attempt, nominal, nominal - spread, nominal + spread, since_first)
            )
        return tuple(lines)


def _check_attempt(attempt: int) -> None:
    if attempt < 1:
        raise ValueError("attempts are counted from 1, the first try")
