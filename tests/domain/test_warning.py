"""Warnings: raising, alerting, acknowledging, re-sending, and what the raiser may see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deconflict import errors
from deconflict.domain.agreement import Agreement, Disclosure, Mode
from deconflict.domain.ids import MemberId, WarningId
from deconflict.domain.warning import (
    HazardWarning,
    Severity,
    acknowledge,
    alert,
    alerts_raiser_may_see,
    due_for_resend,
    raise_warning,
    resend_wait_s,
    resent,
)

from . import LOWFEN, NORTHMERE, OSTERBY, T0, US, VALECREST, circle

WATCH = MemberId("m-bran")
MINUTE = timedelta(minutes=1)


def drones() -> HazardWarning:
    return raise_warning(
        WarningId("w-drones"),
        NORTHMERE,
        circle(radius_m=5_000.0, hours=2.0),
        Severity.DANGER,
        "  Expect hostile drones here within 2 hours  ",
        T0,
    )


def test_a_raised_warning_carries_what_was_said_and_alerts_nobody_yet() -> None:
    raised = drones()
    assert raised.message == "Expect hostile drones here within 2 hours"
    assert raised.severity is Severity.DANGER
    assert raised.validity == raised.volume.time
    assert raised.reach.volume == raised.volume
    assert raised.alerts == ()


@pytest.mark.parametrize("message", ["", "   ", "x" * 2_001])
def test_a_warning_needs_a_message(message: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        raise_warning(WarningId("w"), NORTHMERE, circle(), Severity.CAUTION, message, T0)
    assert caught.value.pointer == "/message"


def test_a_warning_must_be_valid_when_raised() -> None:
    past = circle(start=T0 - timedelta(hours=2), hours=2.0)
    with pytest.raises(errors.InvalidTimeWindow):
        raise_warning(WarningId("w"), NORTHMERE, past, Severity.CAUTION, "Smoke", T0)


def test_it_is_in_force_until_its_window_ends() -> None:
    end = T0 + timedelta(hours=2)
    assert drones().is_in_force(end - US)
    assert not drones().is_in_force(end)


def test_each_party_is_alerted_once_and_never_the_raiser() -> None:
    alerted = alert(drones(), [VALECREST, NORTHMERE, VALECREST, OSTERBY], T0)
    alerted = alert(alerted, [OSTERBY, LOWFEN], T0 + MINUTE)
    assert [a.party_id for a in alerted.alerts] == [VALECREST, OSTERBY, LOWFEN]
    valecrest = alerted.alert_for(VALECREST)
    assert valecrest is not None
    assert (valecrest.first_sent_at, valecrest.sends, valecrest.is_acknowledged) == (T0, 1, False)
    assert alerted.alert_for(NORTHMERE) is None


def test_an_acknowledgement_is_recorded_once() -> None:
    alerted = alert(drones(), [VALECREST, OSTERBY], T0)
    acked = acknowledge(alerted, VALECREST, WATCH, T0 + MINUTE)
    again = acknowledge(acked, VALECREST, MemberId("m-other"), T0 + 2 * MINUTE)
    assert again == acked
    valecrest = acked.alert_for(VALECREST)
    assert valecrest is not None
    assert (valecrest.acknowledged_at, valecrest.acknowledged_by) == (T0 + MINUTE, WATCH)
    osterby = acked.alert_for(OSTERBY)
    assert osterby is not None
    assert not osterby.is_acknowledged


def test_a_party_not_alerted_cannot_acknowledge_and_learns_nothing() -> None:
    with pytest.raises(errors.NotFound):
        acknowledge(alert(drones(), [VALECREST], T0), OSTERBY, WATCH, T0)


def test_silent_parties_are_due_for_resend_after_the_interval() -> None:
    alerted = acknowledge(alert(drones(), [VALECREST, OSTERBY], T0), VALECREST, WATCH, T0)
    assert due_for_resend(alerted, T0 + 5 * MINUTE - US, [300]) == ()
    assert due_for_resend(alerted, T0 + 5 * MINUTE, [300]) == (OSTERBY,)
    again = resent(alerted, [OSTERBY], T0 + 5 * MINUTE)
    osterby = again.alert_for(OSTERBY)
    assert osterby is not None
    assert (osterby.sends, osterby.escalation, osterby.last_sent_at) == (2, 1, T0 + 5 * MINUTE)
    assert due_for_resend(again, T0 + 9 * MINUTE, [300]) == ()


def test_nothing_is_resent_once_the_warning_has_lapsed() -> None:
    alerted = alert(drones(), [OSTERBY], T0)
    assert due_for_resend(alerted, T0 + timedelta(hours=2), [300]) == ()


def test_the_raiser_sees_acknowledgements_and_only_named_silent_parties() -> None:
    alerted = alert(drones(), [VALECREST, OSTERBY, LOWFEN], T0)
    alerted = acknowledge(alerted, LOWFEN, WATCH, T0 + MINUTE)
    agreements = [
        Agreement(NORTHMERE, VALECREST, Mode.CONSULT, disclosure=Disclosure.NAME),
        Agreement(NORTHMERE, OSTERBY, Mode.CONSULT, disclosure=Disclosure.PSEUDONYM),
    ]
    seen = alerts_raiser_may_see(alerted, agreements)
    assert {a.party_id for a in seen} == {VALECREST, LOWFEN}


def test_each_resend_waits_as_the_schedule_says_and_the_last_wait_repeats() -> None:
    schedule = [60, 180]
    alerted = alert(drones(), [OSTERBY], T0)
    assert due_for_resend(alerted, T0 + MINUTE - US, schedule) == ()
    assert due_for_resend(alerted, T0 + MINUTE, schedule) == (OSTERBY,)
    second = resent(alerted, [OSTERBY], T0 + MINUTE)
    assert due_for_resend(second, T0 + 4 * MINUTE - US, schedule) == ()
    assert due_for_resend(second, T0 + 4 * MINUTE, schedule) == (OSTERBY,)
    third = resent(second, [OSTERBY], T0 + 4 * MINUTE)
    assert due_for_resend(third, T0 + 7 * MINUTE, schedule) == (OSTERBY,)


def test_a_schedule_needs_positive_waits() -> None:
    with pytest.raises(ValueError, match="positive"):
        resend_wait_s(1, [])
    with pytest.raises(ValueError, match="positive"):
        resend_wait_s(1, [60, 0])
