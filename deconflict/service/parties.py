"""Parties, members and their keys, agreements: set up by the operator or a party's admin."""

from __future__ import annotations

import json
from dataclasses import replace

from deconflict import errors
from deconflict.domain.agreement import Agreement
from deconflict.domain.audit import AuditKind, JsonValue
from deconflict.domain.ids import MemberId, PartyId
from deconflict.domain.party import Action, Member, Party, Role, api_key_sha256, new_api_key
from deconflict.geometry import Footprint
from deconflict.geometry.volume_checks import check_footprint
from deconflict.service.context import Principal, Service, not_found
from deconflict.service.recording import record
from deconflict.store.codec import footprint_to_json
from deconflict.store.interface import Transaction


def create_party(svc: Service, name: str, authority_area: Footprint | None = None) -> Party:
    name = name.strip()
    if not name or len(name) > 200:
        raise errors.InvalidInput("a party name needs 1 to 200 characters", "/name")
    if authority_area is not None:
        check_footprint(authority_area, "/authority_area")
    party = Party(PartyId(svc.new_id()), name, authority_area)

    def work(tx: Transaction) -> Party:
        now = svc.clock.now()
        if tx.parties.by_name(name) is not None:
            raise errors.AlreadyExists(f"a party named {name!r} exists already")
        tx.parties.add(party, now=now)
        # Geometry goes on record as GeoJSON text: the audit encoding admits no floats.
        area = None if authority_area is None else json.dumps(footprint_to_json(authority_area))
        record(
            tx,
            now,
            AuditKind.MEMBERSHIP,
            None,
            f"party:{party.id}",
            {"event": "party_created", "name": name, "authority_area": area},
            [party.id],
        )
        return party

    return svc.write(work)


def create_member(
    svc: Service, party_id: PartyId, name: str, role: Role, by: Principal | None = None
) -> tuple[Member, str]:
    """A member with a fresh API key; the key is returned once and only its hash is kept."""
    if by is not None:
        by.require(Action.MANAGE_MEMBERS)
        if by.party_id != party_id:
            raise not_found("party")
    name = name.strip()
    if not name or len(name) > 200:
        raise errors.InvalidInput("a member name needs 1 to 200 characters", "/name")
    api_key = new_api_key(svc.entropy(32))
    member = Member(MemberId(svc.new_id()), party_id, name, role, api_key_sha256(api_key))

    def work(tx: Transaction) -> Member:
        now = svc.clock.now()
        if tx.parties.get(party_id) is None:
            raise not_found("party")
        tx.members.add(member, now=now)
        record(
            tx,
            now,
            AuditKind.MEMBERSHIP,
            by,
            f"member:{member.id}",
            {"event": "member_created", "name": name, "role": str(role)},
            [party_id],
        )
        return member

    return svc.write(work), api_key


def revoke_key(svc: Service, member_id: MemberId, by: Principal | None = None) -> Member:
    def work(tx: Transaction) -> Member:
        now = svc.clock.now()
        if by is None:
            member = tx.members.get(member_id)
        else:
            member = tx.members.get_of_party(member_id, by.party_id)
        if member is None:
            raise not_found("member")
        if by is not None:
            by.require(Action.MANAGE_MEMBERS)
        tx.members.revoke(member_id, now=now)
        record(
            tx,
            now,
            AuditKind.MEMBERSHIP,
            by,
            f"member:{member_id}",
            {"event": "key_revoked"},
            [member.party_id],
        )
        return replace(member, is_revoked=True)

    return svc.write(work)


def authenticate(svc: Service, api_key: str | None) -> Principal:
    """The member holding this key, or `Unauthenticated` (the same for missing, unknown and
    revoked keys, so a caller learns nothing about keys it does not hold)."""
    if not api_key:
        raise errors.Unauthenticated("an API key is required (header: Authorization: Bearer …)")

    def work(tx: Transaction) -> Principal | None:
        member = tx.members.by_key_hash(api_key_sha256(api_key))
        if member is None or member.is_revoked or not member.holds_key(api_key):
            return None
        party = tx.parties.get(member.party_id)
        return None if party is None else Principal(member, party)

    principal = svc.read(work)
    if principal is None:
        raise errors.Unauthenticated("this API key is not valid")
    return principal


def set_agreement(svc: Service, agreement: Agreement) -> Agreement:
    """Record what two parties agreed (the operator does this once both have signed)."""

    def work(tx: Transaction) -> Agreement:
        now = svc.clock.now()
        for party_id in (agreement.party_a, agreement.party_b):
            if tx.parties.get(party_id) is None:
                raise not_found("party")
        tx.agreements.put(agreement, now=now)
        terms: dict[str, JsonValue] = {
            "mode": str(agreement.mode),
            "response_deadline_s": agreement.response_deadline_s,
            "silence": str(agreement.silence),
            "disclosure": str(agreement.disclosure),
        }
        # One entry for each side, naming only its own end: a pseudonymous agreement must
        # not hand either party the other's id through the record.
        for party_id in (agreement.party_a, agreement.party_b):
            record(tx, now, AuditKind.AGREEMENT, None, f"agreement:{party_id}", terms, [party_id])
        return agreement

    return svc.write(work)
