"""Parties: an authority's area is checked like any footprint before anything is stored."""

from __future__ import annotations

import pytest

from deconflict import errors
from deconflict.geometry import parse_footprint
from deconflict.service.context import Service
from deconflict.service.parties import create_party
from deconflict.store.interface import Store


def test_an_authority_area_past_the_pole_limit_is_refused_and_nothing_stored(
    store: Store,
) -> None:
    svc = Service(store, b"test-pseudonym-secret")
    area = parse_footprint(
        {"type": "Circle", "center": [12.0, 84.9], "radius_m": 500_000.0}, "/authority_area"
    )
    with pytest.raises(errors.NearPole) as caught:
        create_party(svc, "Polar Reach Airspace Office", area)
    assert caught.value.pointer == "/authority_area"
    assert store.read(lambda tx: tx.parties.all()) == []
    assert store.read(lambda tx: tx.audit.head()) is None
