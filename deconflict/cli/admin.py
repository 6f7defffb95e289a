"""The operator's commands: enrol parties and members, issue and revoke keys, set agreements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deconflict import errors
from deconflict.api.ijson import first_violation
from deconflict.cli.options import DatabaseOption, service_for
from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.ids import MemberId, PartyId
from deconflict.domain.party import Role
from deconflict.geometry import Footprint, parse_footprint
from deconflict.service import parties
from deconflict.service.context import Service

party_app = typer.Typer(help="Enrol and list parties.", no_args_is_help=True)
key_app = typer.Typer(help="Create members with API keys, and revoke keys.", no_args_is_help=True)
agreement_app = typer.Typer(help="Record what two parties agreed.", no_args_is_help=True)
console = Console()


@party_app.command("create")
def party_create(
    name: str,
    authority_area: Annotated[
        Path | None,
        typer.Option(help="GeoJSON Polygon file: makes the party an airspace authority here."),
    ] = None,
    db: DatabaseOption = None,
) -> None:
    """Enrol a party."""
    area: Footprint | None = None
    if authority_area is not None:
        area = _read_area(authority_area)
    party = parties.create_party(service_for(db, create=True), name, area)
    console.print(f"party [bold]{party.name}[/bold] id={party.id}")


def _read_area(path: Path) -> Footprint:
    """The area a GeoJSON Polygon file holds; a file that cannot be read or parsed is one
    clear error (main prints it on one line), never a traceback."""
    where = "/authority_area"
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except OSError as error:
        raise errors.MalformedValue(f"cannot read {path}: {error.strerror}", where) from None
    except UnicodeDecodeError:
        raise errors.MalformedValue(f"{path} is not UTF-8 text", where) from None
    except json.JSONDecodeError as error:
        detail = f"{path} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise errors.MalformedValue(detail, where) from None
    except RecursionError:
        raise errors.MalformedValue(f"{path} nests too deeply to read", where) from None
    violation = first_violation(raw)
    if violation is not None:
        raise errors.MalformedValue(f"{path}: {violation.pointer}: {violation.detail}", where)
    return parse_footprint(data, where)


@party_app.command("list")
def party_list(db: DatabaseOption = None) -> None:
    """List every party."""
    svc = service_for(db)
    table = Table("id", "name", "airspace authority")
    for party in svc.read(lambda tx: tx.parties.all()):
        table.add_row(party.id, party.name, "yes" if party.is_airspace_authority else "")
    console.print(table)


@key_app.command("create")
def key_create(
    party: Annotated[str, typer.Argument(help="Party id or exact name.")],
    member: Annotated[str, typer.Argument(help="The member's name.")],
    role: Annotated[Role, typer.Option(help="What the member may do.")] = Role.PLANNER,
    db: DatabaseOption = None,
) -> None:
    """Create a member with a fresh API key; the key is shown once, only its hash is kept."""
    svc = service_for(db)
    party_id = _party_id(svc, party)
    created, api_key = parties.create_member(svc, party_id, member, role)
    console.print(f"member [bold]{created.name}[/bold] id={created.id} role={created.role}")
    typer.echo(api_key)


@key_app.command("revoke")
def key_revoke(member_id: str, db: DatabaseOption = None) -> None:
    """Revoke a member's API key at once."""
    revoked = parties.revoke_key(service_for(db), MemberId(member_id))
    console.print(f"revoked the key of member {revoked.name} ({revoked.id})")


@agreement_app.command("set")
def agreement_set(
    party_a: str,
    party_b: str,
    mode: Annotated[Mode, typer.Option(help="consult, notify or none.")] = Mode.NOTIFY,
    deadline_s: Annotated[int, typer.Option(help="Response deadline in seconds.")] = 3600,
    silence: Annotated[Silence, typer.Option(help="What silence means.")] = Silence.CONSENT,
    disclosure: Annotated[Disclosure, typer.Option(help="How each is named.")] = (
        Disclosure.PSEUDONYM
    ),
    db: DatabaseOption = None,
) -> None:
    """Record an agreement between two parties (replaces an earlier one)."""
    svc = service_for(db)
    agreement = Agreement(
        _party_id(svc, party_a), _party_id(svc, party_b), mode, deadline_s, silence, disclosure
    )
    parties.set_agreement(svc, agreement)
    console.print(f"agreement recorded: {mode}, {deadline_s} s, silence {silence}, {disclosure}")


def _party_id(svc: Service, party: str) -> PartyId:
    found = svc.read(lambda tx: tx.parties.get(PartyId(party)) or tx.parties.by_name(party))
    if found is None:
        raise errors.NotFound(f"no party with id or name {party!r}")
    return PartyId(found.id)
