"""The operator's coordination report of one party, read from the database directly."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from deconflict import errors
from deconflict.api.schemas.reports import CoordinationReportOut
from deconflict.cli.options import DatabaseOption, service_for
from deconflict.domain.audit import rfc3339
from deconflict.domain.ids import PartyId
from deconflict.domain.party import Party
from deconflict.domain.report import CoordinationReport, Durations
from deconflict.geometry.parse import parse_instant
from deconflict.service import reports
from deconflict.service.context import Service

console = Console()
#: The service points period errors at the API's parameters; here they are options.
_OPTIONS = {reports.FROM_POINTER: "--from", reports.TO_POINTER: "--to"}


def report(
    party: Annotated[str, typer.Option("--party", help="Party id or exact name.")],
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="Start of the period, RFC 3339 (default: 30 days before --to)."
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help=f"End of the period, excluded, RFC 3339 (default: now); at most "
            f"{reports.MAX_PERIOD.days} days after --from.",
        ),
    ] = None,
    db: DatabaseOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, as GET /v1/reports/coordination answers.")
    ] = False,
) -> None:
    """Print a party's coordination report over [from, to), from its own audit record.

    Operations, consultations it was asked, alerts it received and warnings it raised;
    docs/api.md defines each figure.
    """
    svc = service_for(db)
    found = _party(svc, party)
    try:
        made = reports.party_coordination_report(
            svc,
            found.id,
            None if start is None else parse_instant(start, reports.FROM_POINTER),
            None if end is None else parse_instant(end, reports.TO_POINTER),
        )
    except errors.InvalidInput as error:
        where = _OPTIONS.get(error.pointer, error.pointer)
        raise type(error)(error.detail, where) from None
    if as_json:
        body = CoordinationReportOut.from_domain(made).model_dump(mode="json")
        typer.echo(json.dumps({"party": {"id": found.id, "name": found.name}, **body}, indent=2))
        return
    period = f"[{_instant(made.start)}, {_instant(made.end)})"
    console.print(f"{found.name} ({found.id}): coordination over {period}", highlight=False)
    console.print(_table(made))


def _party(svc: Service, party: str) -> Party:
    found = svc.read(lambda tx: tx.parties.get(PartyId(party)) or tx.parties.by_name(party))
    if found is None:
        raise errors.NotFound(f"no party with id or name {party!r}")
    return found


def _table(made: CoordinationReport) -> Table:
    table = Table("figure", "value")
    ops, asked, alerts, raised = made.operations, made.consultations, made.alerts, made.warnings
    rows: list[tuple[str, str]] = [
        ("operations submitted", str(ops.submitted)),
        ("operations conflicted", str(ops.conflicted)),
        ("operations objected", str(ops.objected)),
        ("operations revised after objection", str(ops.revised_after_objection)),
        ("operations cleared over objection", str(ops.cleared_over_objection)),
        ("consultations asked", str(asked.asked)),
        ("consultations answered", str(asked.answered)),
        ("consultations closed unanswered", str(asked.closed_unanswered)),
        ("consultations expired", str(asked.expired)),
        ("consultations pending", str(asked.pending)),
        *_durations("time to answer", asked.time_to_answer),
        ("alerts received", str(alerts.received)),
        ("alerts acknowledged", str(alerts.acknowledged)),
        ("alerts unacknowledged", str(alerts.unacknowledged)),
        ("alerts escalated", str(alerts.escalated)),
        *_durations("time to acknowledge", alerts.time_to_acknowledge),
        ("warnings raised", str(raised.raised)),
        ("their alerts sent", str(raised.alerts_sent)),
        ("their alerts acknowledged", str(raised.alerts_acknowledged)),
        ("their alerts unacknowledged", str(raised.alerts_unacknowledged)),
        *_durations("their time to acknowledge", raised.time_to_acknowledge),
    ]
    for figure, value in rows:
        table.add_row(figure, value)
    return table


def _durations(label: str, durations: Durations) -> list[tuple[str, str]]:
    return [
        (f"{label}, median", _seconds(durations.median_s)),
        (f"{label}, p90", _seconds(durations.p90_s)),
    ]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:g} s"


def _instant(instant: datetime) -> str:
    return rfc3339(instant).replace(".000000Z", "Z")
