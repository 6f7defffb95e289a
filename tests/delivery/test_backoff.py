"""The retry policy: exponential delays with jitter, a cap, and a point where it gives up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deconflict.delivery.backoff import RetryPolicy, ScheduledRetry

POLICY = RetryPolicy()
UNITS = st.floats(min_value=0, max_value=1, exclude_max=True)


def test_the_defaults() -> None:
    assert (POLICY.base_s, POLICY.factor, POLICY.max_delay_s) == (5.0, 4.0, 3600.0)
    assert (POLICY.jitter, POLICY.max_attempts) == (0.25, 8)


def test_nominal_delays_grow_by_the_factor_up_to_the_cap() -> None:
    nominal = [POLICY.nominal_delay_s(attempt) for attempt in range(1, 10)]
    assert nominal == [5, 20, 80, 320, 1280, 3600, 3600, 3600, 3600]


def test_a_draw_of_one_half_is_the_nominal_delay() -> None:
    assert POLICY.delay_s(1, 0.5) == 5.0
    assert POLICY.delay_s(3, 0.5) == 80.0


def test_jitter_reaches_its_bounds() -> None:
    assert POLICY.delay_s(2, 0.0) == pytest.approx(15.0)
    assert POLICY.delay_s(2, 0.999999) == pytest.approx(25.0, rel=1e-5)
    assert POLICY.delay_s(9, 0.0) == pytest.approx(2700.0)


def test_no_jitter_is_exact() -> None:
    policy = RetryPolicy(jitter=0)
    assert {policy.delay_s(2, unit) for unit in (0.0, 0.3, 0.99)} == {20.0}


def test_exhaustion_after_max_attempts() -> None:
    assert not POLICY.is_exhausted(0)
    assert not POLICY.is_exhausted(7)
    assert POLICY.is_exhausted(8)
    assert POLICY.is_exhausted(9)
    assert POLICY.retry_after_s(7, 0.5) == 3600.0
    assert POLICY.retry_after_s(8, 0.5) is None


def test_a_policy_of_one_attempt_never_retries() -> None:
    policy = RetryPolicy(max_attempts=1)
    assert policy.is_exhausted(1)
    assert policy.schedule() == ()


def test_the_schedule_lists_each_retry() -> None:
    schedule = POLICY.schedule()
    assert len(schedule) == POLICY.max_attempts - 1
    assert schedule[0] == ScheduledRetry(1, 5.0, 3.75, 6.25, 5.0)
    assert [line.nominal_delay_s for line in schedule] == [5, 20, 80, 320, 1280, 3600, 3600]
    assert schedule[-1].nominal_since_first_s == 8905.0


def test_a_factor_of_one_is_a_constant_delay() -> None:
    policy = RetryPolicy(base_s=30, factor=1, max_delay_s=30)
    assert [policy.nominal_delay_s(a) for a in (1, 2, 50, 10**9)] == [30, 30, 30, 30]


def test_huge_attempt_numbers_stay_at_the_cap() -> None:
    assert POLICY.nominal_delay_s(10**9) == 3600.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_s": 0},
        {"base_s": -1},
        {"base_s": float("nan")},
        {"factor": 0.5},
        {"factor": float("inf")},
        {"max_delay_s": 1},
        {"jitter": -0.1},
        {"jitter": 1.0},
        {"max_attempts": 0},
    ],
)
def test_a_nonsensical_policy_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each case has its own message)
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempt", "unit"), [(0, 0.5), (-1, 0.5), (1, 1.0), (1, -0.1)])
def test_bad_arguments_are_refused(attempt: int, unit: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        POLICY.delay_s(attempt, unit)


@settings(max_examples=300, derandomize=True, database=None)
@given(
    base_s=st.floats(min_value=0.01, max_value=600),
    factor=st.floats(min_value=1, max_value=10),
    cap_over_base=st.floats(min_value=1, max_value=10_000),
    jitter=st.floats(min_value=0, max_value=0.9),
    attempt=st.integers(min_value=1, max_value=200),
    unit=UNITS,
)
def test_any_delay_is_within_jitter_of_a_capped_non_decreasing_nominal(
    base_s: float, factor: float, cap_over_base: float, jitter: float, attempt: int, unit: float
) -> None:
    policy = RetryPolicy(base_s, factor, base_s * cap_over_base, jitter)
    nominal = policy.nominal_delay_s(attempt)
    assert base_s <= nominal <= policy.max_delay_s
    assert nominal <= policy.nominal_delay_s(attempt + 1)
    delay = policy.delay_s(attempt, unit)
    assert nominal * (1 - jitter) - 1e-9 <= delay <= nominal * (1 + jitter) + 1e-9
    assert delay > 0
