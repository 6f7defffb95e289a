"""The coordination report of a loop played through the use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from deconflict import errors
from deconflict.domain.consultation import ResponseKind
from deconflict.domain.ids import ConsultationId
from deconflict.domain.lifecycle import OperationState
from deconflict.domain.operation import Plan
from deconflict.domain.report import (
    AlertFigures,
    ConsultationFigures,
    CoordinationReport,
    Durations,
    OperationFigures,
    WarningFigures,
)
from deconflict.domain.warning import Severity
from deconflict.geometry import Buffer, Volume4D, parse_volume
from deconflict.service import deadlines, operations, reports, responses, views, warnings, zones
from deconflict.service.context import Principal
from tests.service.conftest import T0, Cast

DAY_END = T0 + timedelta(days=1)
NO_TIMES = Durations(None, None)


def volume(lon: float, lat: float, radius_m: float, *, upper: float = 300.0) -> Volume4D:
    """Two hours from an hour after T0; east of Lowfen's area, so its authority hears nothing."""
    start = T0 + timedelta(hours=1)
    return parse_volume(
        {
            "footprint": {"type": "Circle", "center": [lon, lat], "radius_m": radius_m},
            "altitude_lower_m": 0.0,
            "altitude_upper_m": upper,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
        }
    )


@dataclass(frozen=True, slots=True)
class Played:
    acknowledged_at: datetime  # when the North acknowledged the South's warning


def at_second(cast: Cast, second: int) -> None:
    cast.clock.set(T0 + timedelta(seconds=second))


def pending_for(cast: Cast, by: Principal) -> ConsultationId:
    now = cast.clock.now()
    (item,) = [
        i for i in views.inbox(cast.svc, by, after=None, limit=50) if i.consultation.is_open(now)
    ]
    return item.consultation.id


def play(cast: Cast) -> Played:
    """South patrols; North plans twice into it; Relief plans into North; South warns."""
    svc = cast.svc
    operations.submit_operation(svc, cast.south_planner, Plan((volume(24.00, 42.30, 1500),)))
    first = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(24.01, 42.305, 1200),))
    )
    at_second(cast, 120)
    responses.respond_to_consultation(
        svc,
        cast.south_liaison,
        pending_for(cast, cast.south_liaison),
        ResponseKind.OBJECT,
        text="our patrol is there",
    )
    at_second(cast, 180)
    revised = operations.revise_operation(
        svc,
        cast.north_planner,
        first.id,
        ovn=first.ovn,
        plan=Plan((volume(24.01, 42.305, 1200, upper=250),)),
    )
    assert revised.state is OperationState.IN_CONSULTATION  # still in the patrol's band
    at_second(cast, 480)
    responses.respond_to_consultation(
        svc, cast.south_liaison, pending_for(cast, cast.south_liaison), ResponseKind.ACKNOWLEDGE
    )
    at_second(cast, 600)
    second = operations.submit_operation(
        svc, cast.north_planner, Plan((volume(23.99, 42.295, 800),))
    )
    at_second(cast, 700)
    relief = operations.submit_operation(
        svc, cast.relief_planner, Plan((volume(24.012, 42.306, 500),))
    )
    assert relief.state is OperationState.IN_CONSULTATION
    at_second(cast, 745)
    responses.respond_to_consultation(
        svc, cast.north_liaison, pending_for(cast, cast.north_liaison), ResponseKind.ACKNOWLEDGE
    )
    at_second(cast, 600 + 1800)  # the South let the second plan's deadline pass: it blocks
    assert deadlines.apply_due_deadlines(svc) == 1
    at_second(cast, 2500)
    cleared = operations.clear_operation_over_objection(
        svc, cast.north_planner, second.id, "fictional: the patrol has left by then", ovn=second.ovn
    )
    assert cleared.state is OperationState.CLEARED_OVER_OBJECTION
    at_second(cast, 3000)
    warning = warnings.raise_hazard(
        svc, cast.south_liaison, volume(24.01, 42.305, 2000), Severity.DANGER, "drones expected"
    )
    assert len(warning.alerts) == 2  # the North and Relief; Relief never answers
    at_second(cast, 3600)
    warnings.acknowledge_hazard(svc, cast.north_liaison, warning.id)
    at_second(cast, 4000)
    return Played(T0 + timedelta(seconds=3600))


def day(cast: Cast, by: Principal) -> CoordinationReport:
    return reports.coordination_report(cast.svc, by, T0, DAY_END)


def test_the_planner_sees_its_operations_and_the_consultation_it_was_asked(cast: Cast) -> None:
    play(cast)
    report = day(cast, cast.north_planner)
    assert report.operations == OperationFigures(
        submitted=2, conflicted=2, objected=2, revised_after_objection=1, cleared_over_objection=1
    )
    assert report.consultations == ConsultationFigures(1, 1, 0, 0, 0, Durations(45.0, 45.0))
    assert report.alerts == AlertFigures(1, 1, 0, 0, Durations(600.0, 600.0))
    assert report.warnings == WarningFigures(0, 0, 0, 0, NO_TIMES)
    # Every member reads the same report of its party, a viewer's role included.
    assert day(cast, cast.north_liaison) == report


def test_the_consulted_party_sees_its_answers_and_its_warning(cast: Cast) -> None:
    play(cast)
    report = day(cast, cast.south_liaison)
    assert report.operations == OperationFigures(1, 0, 0, 0, 0)
    assert report.consultations == ConsultationFigures(
        asked=3,
        answered=2,
        closed_unanswered=0,
        expired=1,
        pending=0,
        time_to_answer=Durations(median_s=120.0, p90_s=300.0),
    )
    assert report.alerts == AlertFigures(0, 0, 0, 0, NO_TIMES)
    # Relief, alerted too, neither answered nor agreed to be named to the South.
    assert report.warnings == WarningFigures(
        raised=1,
        alerts_sent=1,
        alerts_acknowledged=1,
        alerts_unacknowledged=0,
        time_to_acknowledge=Durations(600.0, 600.0),
    )


def test_the_raiser_counts_only_the_alerts_it_may_see(cast: Cast) -> None:
    # Relief knows the North by a pseudonym, the South by name; both have a zone inside.
    svc = cast.svc
    relief = volume(24.20, 42.40, 300)
    zones.protect(svc, cast.relief_planner, "Shelter", [relief], Buffer())
    zones.protect(svc, cast.south_planner, "Depot", [volume(24.22, 42.40, 300)], Buffer())
    at_second(cast, 60)
    warning = warnings.raise_hazard(
        svc, cast.north_liaison, volume(24.21, 42.40, 3000), Severity.DANGER, "drones"
    )
    assert len(warning.alerts) == 2
    silent = day(cast, cast.north_liaison).warnings
    assert silent == WarningFigures(1, 1, 0, 1, NO_TIMES)  # the South's, which names it
    seen = views.warning_view(svc, cast.north_liaison, warning.id)
    assert isinstance(seen, views.RaisedWarningView)
    assert len(seen.alerts) == silent.alerts_sent
    at_second(cast, 300)
    warnings.acknowledge_hazard(svc, cast.relief_liaison, warning.id)
    answered = day(cast, cast.north_liaison).warnings
    assert answered == WarningFigures(1, 2, 1, 1, Durations(240.0, 240.0))


def test_a_party_that_never_answered_its_alert(cast: Cast) -> None:
    play(cast)
    report = day(cast, cast.relief_planner)
    assert report.operations == OperationFigures(1, 1, 0, 0, 0)
    assert report.consultations == ConsultationFigures(0, 0, 0, 0, 0, NO_TIMES)
    assert report.alerts == AlertFigures(1, 0, 1, 0, NO_TIMES)


def test_an_unrelated_party_reports_nothing(cast: Cast) -> None:
    play(cast)
    report = day(cast, cast.authority_viewer)
    assert report.operations == OperationFigures(0, 0, 0, 0, 0)
    assert report.consultations == ConsultationFigures(0, 0, 0, 0, 0, NO_TIMES)
    assert report.alerts == AlertFigures(0, 0, 0, 0, NO_TIMES)
    assert report.warnings == WarningFigures(0, 0, 0, 0, NO_TIMES)


def test_the_period_is_half_open_and_follows_each_item_to_its_end(cast: Cast) -> None:
    played = play(cast)
    before_ack = reports.coordination_report(
        cast.svc, cast.north_liaison, T0, played.acknowledged_at
    )
    assert before_ack.alerts == AlertFigures(1, 0, 1, 0, NO_TIMES)
    with_ack = reports.coordination_report(
        cast.svc, cast.north_liaison, T0, played.acknowledged_at + timedelta(microseconds=1)
    )
    assert with_ack.alerts.acknowledged == 1
    # A period starting after the first submissions: later events of earlier operations
    # count (the second plan's objection and clearance), the earlier ones do not.
    later = reports.coordination_report(
        cast.svc, cast.north_planner, T0 + timedelta(seconds=500), DAY_END
    )
    assert later.operations == OperationFigures(1, 1, 1, 0, 1)


def test_the_period_defaults_to_the_last_30_days(cast: Cast) -> None:
    play(cast)
    now = cast.clock.now()
    report = reports.coordination_report(cast.svc, cast.north_planner)
    assert (report.start, report.end) == (now - timedelta(days=30), now)
    whole_day = day(cast, cast.north_planner)
    assert (report.operations, report.consultations, report.alerts, report.warnings) == (
        whole_day.operations,
        whole_day.consultations,
        whole_day.alerts,
        whole_day.warnings,
    )
    ending = reports.coordination_report(cast.svc, cast.north_planner, end=T0)
    assert (ending.start, ending.end) == (T0 - timedelta(days=30), T0)
    assert ending.operations.submitted == 0


def test_an_unusable_period_is_refused_with_a_pointer(cast: Cast) -> None:
    by = cast.authority_viewer
    with pytest.raises(errors.InvalidTimeWindow) as backwards:
        reports.coordination_report(cast.svc, by, T0, T0)
    assert backwards.value.pointer == "/query/to"
    with pytest.raises(errors.InvalidTimeWindow) as too_long:
        reports.coordination_report(cast.svc, by, T0 - timedelta(days=366, seconds=1), T0)
    assert too_long.value.pointer == "/query/from"
    year = reports.coordination_report(cast.svc, by, T0 - timedelta(days=366), T0)
    assert year.end - year.start == reports.MAX_PERIOD


def test_the_operator_reads_any_party_the_same_way(cast: Cast) -> None:
    play(cast)
    south = cast.south_liaison.party_id
    assert reports.party_coordination_report(cast.svc, south, T0, DAY_END) == day(
        cast, cast.south_liaison
    )
