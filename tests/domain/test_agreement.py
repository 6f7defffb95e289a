"""Agreements between two parties and the default when they agreed nothing."""

from __future__ import annotations

import pytest

from deconflict import errors
from deconflict.domain.agreement import (
    MAX_RESPONSE_DEADLINE_S,
    Agreement,
    Disclosure,
    Mode,
    Silence,
    agreement_between,
    default_agreement,
)
from deconflict.domain.ids import PartyId

from . import LOWFEN, NORTHMERE, OSTERBY, VALECREST

CONSULT_NAMED = Agreement(NORTHMERE, VALECREST, Mode.CONSULT, 1800, Silence.BLOCK, Disclosure.NAME)
NONE_WITH_LOWFEN = Agreement(LOWFEN, OSTERBY, Mode.NONE)


def test_with_no_agreement_parties_are_notified_under_a_pseudonym() -> None:
    found = agreement_between(NORTHMERE, OSTERBY, [CONSULT_NAMED, NONE_WITH_LOWFEN])
    assert found == default_agreement(NORTHMERE, OSTERBY)
    assert found.mode is Mode.NOTIFY
    assert found.disclosure is Disclosure.PSEUDONYM
    assert not found.discloses_name


def test_with_no_agreements_at_all_the_default_holds() -> None:
    assert agreement_between(NORTHMERE, VALECREST, []).mode is Mode.NOTIFY


@pytest.mark.parametrize(("a", "b"), [(NORTHMERE, VALECREST), (VALECREST, NORTHMERE)])
def test_an_agreement_binds_its_pair_in_either_order(a: PartyId, b: PartyId) -> None:
    found = agreement_between(a, b, [NONE_WITH_LOWFEN, CONSULT_NAMED])
    assert found is CONSULT_NAMED
    assert found.discloses_name
    assert found.silence is Silence.BLOCK


def test_an_agreement_does_not_bind_other_pairs() -> None:
    assert not CONSULT_NAMED.binds(NORTHMERE, OSTERBY)
    assert not CONSULT_NAMED.binds(NORTHMERE, NORTHMERE)
    assert CONSULT_NAMED.binds(VALECREST, NORTHMERE)


def test_mode_none_is_kept_as_agreed() -> None:
    assert agreement_between(OSTERBY, LOWFEN, [NONE_WITH_LOWFEN]).mode is Mode.NONE


def test_a_party_cannot_agree_with_itself() -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        Agreement(NORTHMERE, NORTHMERE, Mode.CONSULT)
    assert caught.value.pointer == "/party_b"


@pytest.mark.parametrize("deadline_s", [0, -1, MAX_RESPONSE_DEADLINE_S + 1])
def test_deadline_must_be_positive_and_bounded(deadline_s: int) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        Agreement(NORTHMERE, VALECREST, Mode.CONSULT, deadline_s)
    assert caught.value.pointer == "/response_deadline_s"


@pytest.mark.parametrize("deadline_s", [1, MAX_RESPONSE_DEADLINE_S])
def test_deadline_limits_are_inclusive(deadline_s: int) -> None:
    assert Agreement(NORTHMERE, VALECREST, Mode.CONSULT, deadline_s).response_deadline_s == (
        deadline_s
    )
