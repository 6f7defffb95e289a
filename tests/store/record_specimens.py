"""Fictional records for the repository tests: the Kessmoor valley's parties and their plans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from deconflict.domain.agreement import Agreement, Mode, Silence
from deconflict.domain.conflict import Conflict, conflict_with_zone
from deconflict.domain.consultation import (
    Consultation,
    Notice,
    NoticeReason,
    Response,
    ResponseKind,
    open_consultation,
    respond,
)
from deconflict.domain.ids import (
    ConsultationId,
    MemberId,
    NoticeId,
    OperationId,
    PartyId,
    WarningId,
    ZoneId,
)
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import (
    Operation,
    Plan,
    act,
    clear_over_objection,
    draft_operation,
    revise,
)
from deconflict.domain.party import Member, Role, api_key_sha256
from deconflict.domain.warning import HazardWarning, Severity, acknowledge, alert, raise_warning
from deconflict.domain.zone import Validity, Zone, create_zone
from deconflict.geometry import Buffer, Volume4D
from tests.domain import KESSMOOR_LAT, KESSMOOR_LON, NORTHMERE, T0, VALECREST, circle
from tests.specimens import DATELINE_ISLAND, FIELD, RANGE_HOLE, RANGE_SHELL, polygon_json, volume

T = TypeVar("T")

MINUTE = timedelta(minutes=1)
PLANNER = MemberId("m-tamsin-planner")
LIAISON = MemberId("m-oriel-liaison")

#: Volumes that exercise every part of a footprint document.
VOLUMES: dict[str, Volume4D] = {
    "circle": circle(radius_m=750.5, lower_m=-12.25, upper_m=310.0),
    "field": volume(polygon_json(FIELD), 30.0, 90.0, "2026-12-01T10:00:00.000001Z"),
    "range_with_hole": volume(polygon_json(RANGE_SHELL, RANGE_HOLE)),
    "dateline_island": volume(polygon_json(DATELINE_ISLAND), 0.0, 1_500.0),
}


def member(number: int, party_id: PartyId = NORTHMERE, role: Role = Role.PLANNER) -> Member:
    return Member(
        MemberId(f"m-{number:03d}"),
        party_id,
        f"Watch officer {number}",
        role,
        api_key_sha256(f"dcf_fictional_key_{number}"),
    )


def zone(zone_id: str, party_id: PartyId = VALECREST, *volumes: Volume4D) -> Zone:
    return create_zone(
        ZoneId(zone_id),
        party_id,
        "Field hospital at Kessmoor",
        volumes or (circle(),),
        Buffer(250.0, 30.0),
        Validity.STANDING,
        T0,
    )


def operation(operation_id: str, party_id: PartyId = NORTHMERE, *volumes: Volume4D) -> Operation:
    plan = Plan(volumes or (circle(),), priority=7, purpose="Survey the ford", share_purpose=True)
    return draft_operation(OperationId(operation_id), party_id, plan, T0)


def contested_operation(operation_id: str = "op-ford-survey") -> Operation:
    """Submitted, revised once, objected to and cleared over the objection."""
    first = act(operation(operation_id), OperationAction.SUBMIT)
    moved = Plan((circle(KESSMOOR_LON + 0.01, KESSMOOR_LAT),), priority=9, purpose="Ford, east")
    second = revise(first, named_ovn=first.ovn, plan=moved, now=T0 + MINUTE)
    objected = act(act(second, OperationAction.CONSULT), OperationAction.OBJECT)
    return clear_over_objection(
        objected,
        named_ovn=objected.ovn,
        justification="Flood rescue cannot wait",
        by=PLANNER,
        now=T0 + 5 * MINUTE,
    )


def conflict(operation_id: str = "op-ford-survey", zone_id: str = "zone-hospital") -> Conflict:
    found = conflict_with_zone(
        act(operation(operation_id), OperationAction.SUBMIT), zone(zone_id, VALECREST)
    )
    assert found is not None
    return found


def consultation(
    consultation_id: str,
    party_id: PartyId = VALECREST,
    operation_id: str = "op-ford-survey",
) -> Consultation:
    agreement = Agreement(NORTHMERE, party_id, Mode.CONSULT, 1_800, Silence.BLOCK)
    subject = operation(operation_id)
    return open_consultation(ConsultationId(consultation_id), subject, party_id, agreement, T0)


def answered(consultation_id: str = "c-hospital") -> Consultation:
    """A consultation with a comment and an objection that suggests a volume."""
    asked = consultation(consultation_id)
    comment = Response(
        ResponseKind.COMMENT, asked.party_id, LIAISON, T0 + MINUTE, "Ambulances use the ford"
    )
    objection = Response(
        ResponseKind.OBJECT,
        asked.party_id,
        LIAISON,
        T0 + 2 * MINUTE,
        "Patients arrive by air",
        "stay 10 km east of the hospital",
        VOLUMES["field"],
    )
    return respond(respond(asked, comment), objection)


def notice(notice_id: str, party_id: PartyId = VALECREST, version: int = 1) -> Notice:
    return Notice(
        NoticeId(notice_id),
        OperationId("op-ford-survey"),
        version,
        party_id,
        T0 + timedelta(microseconds=version),
        NoticeReason.CONFLICT,
    )


def warning(
    warning_id: str, party_id: PartyId = NORTHMERE, alerted: Sequence[PartyId] = ()
) -> HazardWarning:
    raised = raise_warning(
        WarningId(warning_id),
        party_id,
        circle(radius_m=5_000.0, lower_m=-12.25, upper_m=2_000.0),
        Severity.DANGER,
        "Expect hostile drones here within 2 hours",
        T0 - MINUTE,
    )
    return alert(raised, alerted, T0)


def acknowledged(warning_id: str = "w-drones") -> HazardWarning:
    alerted = warning(warning_id, NORTHMERE, [VALECREST, PartyId("party-osterby-survey")])
    return acknowledge(alerted, VALECREST, LIAISON, T0 + 3 * MINUTE)


def every_page(fetch: Callable[[str | None, int], list[T]], key: Callable[[T], str]) -> list[T]:
    """Walk a keyset listing page by page, three at a time, until a page comes back empty."""
    found: list[T] = []
    after: str | None = None
    while page := fetch(after, 3):
        assert len(page) <= 3
        found.extend(page)
        after = key(page[-1])
    return found
