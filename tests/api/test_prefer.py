"""`Prefer: return=minimal` on submissions and revisions: a receipt, counts agreeing with GET."""

from __future__ import annotations

import pytest

from deconflict.api.routes.operations import wants_minimal
from deconflict.api.schemas.operations import OperationOut, OperationReceipt
from deconflict.domain.operation import Operation
from deconflict.service import views
from deconflict.store.interface import Transaction
from tests.api.helpers import World, circle, rectangle, validated, volume


def _hospital(world: World) -> None:
    relief = world.parties["Lakeside Relief Corps"]
    zone = {
        "name": "Field hospital",
        "volumes": [volume(circle(10.45, 45.32, 300), upper_m=2000, start_h=0, end_h=24)],
        "buffer": {"horizontal_m": 500},
    }
    assert relief.planner.post("/v1/zones", json=zone).status_code == 201


def test_a_minimal_submission_answers_with_counts_that_agree_with_the_full_view(
    world: World,
) -> None:
    _hospital(world)
    south = world.parties["Southmark Defence Force"]
    north = world.parties["Northland Army"]
    base = {"volumes": [volume(rectangle(10.40, 45.30, 10.50, 45.34))], "purpose": "survey"}
    assert south.planner.post("/v1/operations", json=base).status_code == 201
    plan = {"volumes": [volume(rectangle(10.42, 45.30, 10.52, 45.34))], "purpose": "escort"}
    answer = north.planner.post("/v1/operations", json=plan, headers={"Prefer": "return=minimal"})
    receipt = validated(OperationReceipt, answer, 201)
    assert answer.headers["preference-applied"] == "return=minimal"
    assert answer.headers["etag"] == f'"{receipt.ovn}"'
    assert answer.headers["location"] == f"/v1/operations/{receipt.id}"
    assert "regions" not in answer.text
    full = validated(OperationOut, north.planner.get(f"/v1/operations/{receipt.id}"))
    assert (receipt.conflicts, receipt.consulted, receipt.notified) == (
        len(full.conflicts),
        len(full.consultations),
        full.notified,
    )
    assert receipt.conflicts >= 2  # the hospital and the survey
    assert receipt.consulted == 1  # the South, under a consult agreement

    revision = {**plan, "volumes": [volume(rectangle(11.0, 46.0, 11.05, 46.03))]}
    revised = north.planner.put(
        f"/v1/operations/{receipt.id}",
        json=revision,
        headers={"If-Match": f'"{receipt.ovn}"', "Prefer": "return=minimal"},
    )
    after = validated(OperationReceipt, revised)
    assert revised.headers["preference-applied"] == "return=minimal"
    assert (after.version, after.conflicts, after.consulted) == (2, 1, 0)  # only the authority


def test_without_the_preference_the_answer_is_the_full_view(world: World) -> None:
    north = world.parties["Northland Army"]
    plan = {"volumes": [volume(rectangle(11.0, 46.0, 11.05, 46.03))]}
    answer = north.planner.post(
        "/v1/operations", json=plan, headers={"Prefer": "respond-async, wait=10"}
    )
    validated(OperationOut, answer, 201)
    assert "preference-applied" not in answer.headers
    assert answer.headers["vary"] == "Prefer"


@pytest.mark.parametrize(
    ("header", "minimal"),
    [
        ("return=minimal", True),
        ("RETURN = Minimal", True),
        ('return="minimal"', True),
        ("wait=5, return=minimal; foo=bar", True),
        ("return=representation", False),
        ("return=minimalist", False),
        ("", False),
        (None, False),
    ],
)
def test_the_preference_is_read_as_rfc_7240_says(header: str | None, minimal: bool) -> None:
    assert wants_minimal(header) is minimal


def test_a_receipt_is_counted_inside_the_submission_s_own_write(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No read transaction after the write: under writes from other processes each would
    start from a cold cache, and the receipt counts only what the write itself made."""
    counted_in: list[bool] = []
    count = views.operation_counts

    def spy(tx: Transaction, operation: Operation) -> views.OperationCounts:
        counted_in.append(tx.audit.appended)  # True only in the write that recorded it
        return count(tx, operation)

    monkeypatch.setattr(views, "operation_counts", spy)
    north = world.parties["Northland Army"]
    plan = {"volumes": [volume(rectangle(11.0, 46.0, 11.05, 46.03))]}
    answer = north.planner.post("/v1/operations", json=plan, headers={"Prefer": "return=minimal"})
    validated(OperationReceipt, answer, 201)
    assert counted_in == [True]
