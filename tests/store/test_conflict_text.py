"""A conflict's text spelt field by field is the text of its document, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deconflict.domain.conflict import (
    Conflict,
    Target,
    TargetKind,
    VolumeOverlap,
    conflict_with_area,
)
from deconflict.domain.ids import OperationId, PartyId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import act
from deconflict.geometry import AltitudeBand, AltitudeReference, Overlap, TimeWindow
from deconflict.store.conflict_text import conflict_text
from deconflict.store.documents import conflict_to_json, dumps
from tests.domain import LOWFEN, LOWFEN_AREA
from tests.domain import party as make_party
from tests.store import record_specimens as rs

EPOCH = datetime(2026, 12, 3, tzinfo=UTC)


def document_text(conflict: Conflict) -> str:
    return dumps(conflict_to_json(conflict))


def undrawn(band: AltitudeBand, window: TimeWindow) -> Overlap:
    def nothing_to_draw() -> tuple[object, object]:
        raise AssertionError("spelling a conflict must not draw its overlaps")

    return Overlap(None, band, window, None, drawn_from=nothing_to_draw)  # type: ignore[arg-type]


numbers = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6)
texts = st.text(max_size=12)


@st.composite
def windows(draw: st.DrawFn) -> TimeWindow:
    start = EPOCH + timedelta(microseconds=draw(st.integers(-(10**15), 10**15)))
    return TimeWindow(start, start + timedelta(microseconds=draw(st.integers(1, 10**12))))


@st.composite
def conflicts(draw: st.DrawFn) -> Conflict:
    overlaps = tuple(
        VolumeOverlap(
            draw(st.integers(0, 50)),
            draw(st.integers(0, 50)),
            undrawn(
                AltitudeBand(
                    draw(numbers), draw(numbers), draw(st.sampled_from(AltitudeReference))
                ),
                draw(windows()),
            ),
        )
        for _ in range(draw(st.integers(1, 4)))
    )
    target = Target(
        draw(st.sampled_from([TargetKind.ZONE, TargetKind.OPERATION])),
        draw(texts),
        PartyId(draw(texts)),
        draw(st.integers(0, 2**63)),
    )
    return Conflict(
        OperationId(draw(texts)),
        PartyId(draw(texts)),
        draw(st.integers(1, 2**31)),
        target,
        overlaps,
    )


@given(conflicts())
def test_the_spelt_text_is_the_documents_text(conflict: Conflict) -> None:
    with patch("deconflict.store.conflict_text.dumps", side_effect=AssertionError("not spelt")):
        spelt = conflict_text(conflict)
    assert spelt == document_text(conflict)


def test_a_stored_specimen_is_spelt_without_drawing_and_as_its_document() -> None:
    conflict = rs.conflict()
    text = conflict_text(conflict)
    assert not conflict.overlaps[0].overlap.is_drawn
    assert text == document_text(conflict)


@pytest.mark.parametrize("case", ["drawn", "authority_area", "true_as_a_version"])
def test_other_conflicts_go_through_their_document(case: str) -> None:
    if case == "drawn":
        conflict = rs.conflict()
        assert not conflict.overlaps[0].overlap.footprint.is_empty  # draws it
    elif case == "authority_area":
        operation = act(rs.operation("op-ford-survey"), OperationAction.SUBMIT)
        found = conflict_with_area(operation, make_party(LOWFEN, LOWFEN_AREA))
        assert found is not None
        conflict = found
    else:
        plain = rs.conflict()
        flagged = Target(plain.target.kind, plain.target.id, plain.target.party_id, True)
        conflict = Conflict(
            plain.operation_id, plain.operation_party_id, 1, flagged, plain.overlaps
        )
    assert conflict_text(conflict) == document_text(conflict)


@pytest.mark.parametrize("height", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_height_is_refused_as_the_document_refuses_it(height: float) -> None:
    band = AltitudeBand(height, 10.0)
    window = TimeWindow(EPOCH, EPOCH + timedelta(hours=1))
    target = Target(TargetKind.ZONE, "zone-ford", PartyId("valecrest"), 1)
    conflict = Conflict(
        OperationId("op-ford"),
        PartyId("northmere"),
        1,
        target,
        (VolumeOverlap(0, 0, undrawn(band, window)),),
    )
    with pytest.raises(ValueError, match="JSON compliant"):
        conflict_text(conflict)
