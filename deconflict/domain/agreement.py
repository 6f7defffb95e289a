"""Agreements between two parties: consult or notify, deadline, silence, identity disclosed."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from deconflict import errors
from deconflict.domain.ids import PartyId

#: Longest response deadline an agreement may set: one that long is no deadline at all.
MAX_RESPONSE_DEADLINE_S = 30 * 24 * 3600
DEFAULT_RESPONSE_DEADLINE_S = 3600


class Mode(enum.StrEnum):
    """How a party is involved when another's operation runs into its data."""

    CONSULT = "consult"  # an answer is needed before clearance
    NOTIFY = "notify"  # told, no answer needed
    NONE = "none"  # neither (an airspace authority is still notified)


class Silence(enum.StrEnum):
    """What an unanswered consultation means once its deadline has passed."""

    CONSENT = "consent"
    BLOCK = "block"


class Disclosure(enum.StrEnum):
    """How each party is named to the other."""

    NAME = "name"
    PSEUDONYM = "pseudonym"


@dataclass(frozen=True, slots=True)
class Agreement:
    """What two parties agreed, the same in both directions; the pair is unordered."""

    party_a: PartyId
    party_b: PartyId
    mode: Mode
    response_deadline_s: int = DEFAULT_RESPONSE_DEADLINE_S
    silence: Silence = Silence.CONSENT
    disclosure: Disclosure = Disclosure.PSEUDONYM

    def __post_init__(self) -> None:
        if self.party_a == self.party_b:
            raise errors.InvalidInput("an agreement needs two different parties", "/party_b")
        if not 0 < self.response_deadline_s <= MAX_RESPONSE_DEADLINE_S:
            raise errors.InvalidInput(
                f"response_deadline_s must be between 1 and {MAX_RESPONSE_DEADLINE_S}",
                "/response_deadline_s",
            )

    def binds(self, a: PartyId, b: PartyId) -> bool:
        return {self.party_a, self.party_b} == {a, b}

    @property
    def discloses_name(self) -> bool:
        return self.disclosure is Disclosure.NAME


def default_agreement(a: PartyId, b: PartyId) -> Agreement:
    """What holds between parties that agreed nothing: notify, pseudonymous."""
    return Agreement(a, b, Mode.NOTIFY, disclosure=Disclosure.PSEUDONYM)


def agreement_between(a: PartyId, b: PartyId, agreements: Iterable[Agreement]) -> Agreement:
    """The agreement binding `a` and `b`, or the default; the store keeps one per pair."""
    for agreement in agreements:
        if agreement.binds(a, b):
            return agreement
    return default_agreement(a, b)
