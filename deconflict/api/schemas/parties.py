"""The caller, its party's members and agreements."""

from __future__ import annotations

from pydantic import Field

from deconflict.api.schemas.common import Model
from deconflict.domain.agreement import Disclosure, Mode, Silence
from deconflict.domain.party import Action, Member, Role
from deconflict.service.context import Principal
from deconflict.service.views import AgreementView


class PartyOut(Model):
    id: str
    name: str
    is_airspace_authority: bool


class MemberOut(Model):
    id: str
    name: str
    role: Role
    is_revoked: bool = False

    @classmethod
    def from_domain(cls, member: Member) -> MemberOut:
        return cls(id=member.id, name=member.name, role=member.role, is_revoked=member.is_revoked)


class MeOut(Model):
    party: PartyOut
    member: MemberOut
    allowed_actions: list[Action] = Field(
        description=(
            "What this member's role may do, so that a client can offer only that; the API "
            "still decides each request."
        )
    )

    @classmethod
    def from_domain(cls, by: Principal) -> MeOut:
        party = PartyOut(
            id=by.party.id, name=by.party.name, is_airspace_authority=by.party.is_airspace_authority
        )
        allowed = sorted(a for a in Action if by.member.may(a))
        return cls(party=party, member=MemberOut.from_domain(by.member), allowed_actions=allowed)


class MemberIn(Model):
    name: str = Field(description="Who the member is: a person or a system.")
    role: Role


class MemberCreatedOut(Model):
    member: MemberOut
    api_key: str = Field(description="Shown this once; only its hash is kept.")


class AgreementOut(Model):
    """An agreement with another party, named only if the agreement discloses names."""

    party: str = Field(description="The other party's name, or its pseudonym for you.")
    party_is_pseudonym: bool
    mode: Mode
    response_deadline_s: int
    silence: Silence
    disclosure: Disclosure

    @classmethod
    def from_domain(cls, view: AgreementView) -> AgreementOut:
        a = view.agreement
        return cls(
            party=view.other.label,
            party_is_pseudonym=view.other.is_pseudonym,
            mode=a.mode,
            response_deadline_s=a.response_deadline_s,
            silence=a.silence,
            disclosure=a.disclosure,
        )
