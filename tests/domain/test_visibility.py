"""Need to know, field by field: what each party sees of others' data, and what it must not."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode
from deconflict.domain.conflict import (
    Conflict,
    TargetKind,
    conflict_with_operation,
    conflict_with_zone,
)
from deconflict.domain.ids import MemberId, PartyId, WarningId
from deconflict.domain.operation import Operation, revise
from deconflict.domain.visibility import (
    PSEUDONYM_PREFIX,
    Identity,
    OperationSeen,
    Region,
    conflict_seen_by_planner,
    identity_seen,
    operation_seen_by,
    pseudonym,
    zone_seen_by,
)
from deconflict.domain.visibility import alerts_seen_by_raiser as raiser_view
from deconflict.domain.visibility import warning_seen_by as warning_view
from deconflict.domain.warning import Severity, acknowledge, alert, raise_warning
from deconflict.domain.zone import Zone, revise_zone
from deconflict.geometry import CircleFootprint

from . import KESSMOOR_LON, LOWFEN, NORTHMERE, OSTERBY, T0, VALECREST, circle, operation, zone
from . import party as make_party

SECRET = b"fictional-deployment-secret"
EAST_LON = KESSMOOR_LON + 0.3
PARTIES = {p: make_party(p) for p in (NORTHMERE, VALECREST, OSTERBY, LOWFEN)}
NAMED = [Agreement(NORTHMERE, VALECREST, Mode.CONSULT, disclosure=Disclosure.NAME)]


def survey(share_purpose: bool = True) -> Operation:
    """Northmere's two-leg survey: over Valecrest's hospital, then past Osterby's flight."""
    return operation(
        "op-survey",
        NORTHMERE,
        circle(radius_m=2_000.0),
        circle(lon=EAST_LON, radius_m=2_000.0),
        purpose="Bridge inspection at Kessmoor",
        share_purpose=share_purpose,
    )


HOSPITAL: Zone = zone("zone-hospital", VALECREST, circle(radius_m=300.0))
OSTERBY_FLIGHT = operation("op-osterby", OSTERBY, circle(lon=EAST_LON, radius_m=400.0))


def conflicts(op: Operation) -> list[Conflict]:
    found = [conflict_with_zone(op, HOSPITAL), conflict_with_operation(op, OSTERBY_FLIGHT)]
    return [c for c in found if c is not None]


def seen(viewer: PartyId, op: Operation, *, involved: bool) -> OperationSeen | None:
    return operation_seen_by(
        viewer,
        op,
        PARTIES[op.party_id],
        conflicts(survey()),
        is_involved=involved,
        agreements=NAMED,
        secret=SECRET,
    )


def _within_m(region: Region, lon: float, radius_m: float) -> bool:
    lon_lo, _, lon_hi, _ = (float(b) for b in region.footprint.bounds)
    half_width_deg = radius_m / 82_900.0  # metres per degree of longitude near 41.9° N
    return lon - half_width_deg <= lon_lo and lon_hi <= lon + half_width_deg


def test_pseudonyms_are_stable_per_ordered_pair_and_secret() -> None:
    one = pseudonym(SECRET, NORTHMERE, VALECREST)
    assert one == pseudonym(SECRET, NORTHMERE, VALECREST)
    assert one.startswith(PSEUDONYM_PREFIX)
    others = {
        pseudonym(SECRET, NORTHMERE, OSTERBY),
        pseudonym(SECRET, VALECREST, NORTHMERE),
        pseudonym(b"another-secret", NORTHMERE, VALECREST),
    }
    assert one not in others
    assert len(others) == 3
    assert "northmere" not in one.lower()


def test_identity_is_the_name_only_when_agreed_or_own() -> None:
    northmere = PARTIES[NORTHMERE]
    assert identity_seen(VALECREST, northmere, NAMED, SECRET) == Identity(
        "Northmere Air Wing", is_pseudonym=False
    )
    assert identity_seen(OSTERBY, northmere, NAMED, SECRET) == Identity(
        pseudonym(SECRET, NORTHMERE, OSTERBY), is_pseudonym=True
    )
    assert identity_seen(NORTHMERE, northmere, [], SECRET).label == "Northmere Air Wing"


def test_a_consulted_party_sees_only_the_overlap_with_its_own_data() -> None:
    view = seen(VALECREST, survey(), involved=True)
    assert view is not None
    assert {f.name for f in dataclasses.fields(view)} == {
        "regions",
        "operation_id",
        "planner",
        "purpose",
    }
    assert view.operation_id == "op-survey"
    assert view.planner == Identity("Northmere Air Wing", is_pseudonym=False)
    assert view.purpose == "Bridge inspection at Kessmoor"
    (region,) = view.regions  # not the leg that passes Osterby's flight
    assert {f.name for f in dataclasses.fields(region)} == {"footprint", "altitude", "time"}
    assert _within_m(region, KESSMOOR_LON, 320.0)  # the hospital's size, not the survey's
    assert not _within_m(region, KESSMOOR_LON, 250.0)


def test_an_unshared_purpose_is_not_shown() -> None:
    view = operation_seen_by(
        VALECREST,
        survey(share_purpose=False),
        PARTIES[NORTHMERE],
        conflicts(survey(share_purpose=False)),
        is_involved=True,
        agreements=NAMED,
        secret=SECRET,
    )
    assert view is not None
    assert view.purpose is None


def test_a_notified_party_without_a_naming_agreement_sees_a_pseudonym() -> None:
    view = seen(OSTERBY, survey(), involved=True)
    assert view is not None
    assert view.planner == Identity(pseudonym(SECRET, NORTHMERE, OSTERBY), is_pseudonym=True)
    (region,) = view.regions
    assert _within_m(region, EAST_LON, 420.0)


def test_a_party_neither_consulted_nor_notified_sees_nothing() -> None:
    assert seen(VALECREST, survey(), involved=False) is None
    assert seen(LOWFEN, survey(), involved=True) is None


def test_a_planner_sees_only_where_its_operation_runs_into_anothers() -> None:
    view = seen(NORTHMERE, OSTERBY_FLIGHT, involved=False)
    assert view is not None
    assert view == OperationSeen(view.regions)
    assert (view.operation_id, view.planner, view.purpose) == (None, None, None)
    (region,) = view.regions
    assert _within_m(region, EAST_LON, 420.0)


def _own_projection(kind: str) -> Callable[[], object]:
    warning = raise_warning(WarningId("w"), OSTERBY, circle(), Severity.CAUTION, "Ash", T0)
    return {
        "operation": lambda: seen(NORTHMERE, survey(), involved=True),
        "zone": lambda: zone_seen_by(VALECREST, HOSPITAL, conflicts(survey())),
        "warning": lambda: warning_view(OSTERBY, warning, PARTIES[OSTERBY], [], SECRET),
    }[kind]


@pytest.mark.parametrize("kind", ["operation", "zone", "warning"])
def test_projecting_a_partys_own_data_is_refused(kind: str) -> None:
    project = _own_projection(kind)
    with pytest.raises(ValueError, match="own data"):
        project()


def test_of_anothers_zone_a_planner_sees_only_the_overlap() -> None:
    view = zone_seen_by(NORTHMERE, HOSPITAL, conflicts(survey()))
    assert view is not None
    assert {f.name for f in dataclasses.fields(view)} == {"regions"}
    (region,) = view.regions
    assert _within_m(region, KESSMOOR_LON, 320.0)
    assert zone_seen_by(OSTERBY, HOSPITAL, conflicts(survey())) is None
    assert zone_seen_by(NORTHMERE, HOSPITAL, []) is None


def test_a_planner_sees_its_own_targets_by_id_and_others_not() -> None:
    others = [conflict_seen_by_planner(c) for c in conflicts(survey())]
    assert [(c.kind, c.target_id) for c in others] == [
        (TargetKind.ZONE, None),
        (TargetKind.OPERATION, None),
    ]
    own = conflict_with_zone(survey(), zone("zone-depot", NORTHMERE))
    assert own is not None
    assert conflict_seen_by_planner(own).target_id == "zone-depot"


def test_an_alerted_party_sees_the_whole_warning_and_the_raiser_per_agreement() -> None:
    warning = alert(
        raise_warning(
            WarningId("w-ash"), OSTERBY, circle(radius_m=9_000.0), Severity.CAUTION, "Ash", T0
        ),
        [VALECREST],
        T0,
    )
    view = warning_view(VALECREST, warning, PARTIES[OSTERBY], [], SECRET)
    assert view is not None
    assert (view.warning_id, view.severity, view.message) == ("w-ash", Severity.CAUTION, "Ash")
    assert view.volume == warning.volume
    assert isinstance(view.volume.footprint, CircleFootprint)
    assert view.raiser == Identity(pseudonym(SECRET, OSTERBY, VALECREST), is_pseudonym=True)
    assert view.acknowledged_at is None
    assert not hasattr(view, "alerts")
    assert warning_view(LOWFEN, warning, PARTIES[OSTERBY], [], SECRET) is None


def test_the_raiser_sees_who_acknowledged_and_named_silent_parties_only() -> None:
    warning = raise_warning(
        WarningId("w-ash"), OSTERBY, circle(radius_m=9_000.0), Severity.CAUTION, "Ash", T0
    )
    warning = alert(warning, [VALECREST, NORTHMERE, LOWFEN], T0)
    warning = acknowledge(warning, NORTHMERE, MemberId("m-watch"), T0)
    agreements = [Agreement(OSTERBY, VALECREST, Mode.NOTIFY, disclosure=Disclosure.NAME)]
    view = raiser_view(warning, PARTIES, agreements, SECRET)
    assert {(a.party.label, a.acknowledged_at) for a in view} == {
        ("Valecrest Relief", None),
        (pseudonym(SECRET, NORTHMERE, OSTERBY), T0),
    }
    assert all("Lowfen" not in a.party.label for a in view)


def test_conflicts_of_an_earlier_version_reveal_nothing() -> None:
    first = survey()
    revised = revise(first, named_ovn=first.ovn, plan=first.version.plan, now=T0)
    view = operation_seen_by(
        VALECREST,
        revised,
        PARTIES[NORTHMERE],
        conflicts(first),
        is_involved=True,
        agreements=NAMED,
        secret=SECRET,
    )
    assert view is None
    moved = revise_zone(
        HOSPITAL, named_version="1", volumes=HOSPITAL.volumes, buffer=HOSPITAL.buffer, now=T0
    )
    assert zone_seen_by(NORTHMERE, moved, conflicts(first)) is None
