"""The operator's commands on the record: verify the audit chain, purge expired data."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.console import Console

from deconflict import errors
from deconflict.cli.options import DatabaseOption, service_for
from deconflict.service.maintenance import purge
from deconflict.service.verification import Checkpoint, check_record

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
db_app = typer.Typer(help="Database housekeeping.", no_args_is_help=True)
console = Console()

_CHECKPOINT = re.compile(r"(\d+):([0-9a-f]{64})")


@audit_app.command("verify")
def audit_verify(
    db: DatabaseOption = None,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="A head printed by an earlier run, as SEQ:HASH: the log must still hold "
            "that entry unchanged, which shows that nothing up to it was cut off or rewritten.",
        ),
    ] = None,
) -> None:
    """Check every entry's hash and link and every party's chain; print the head to keep
    elsewhere; name the first fault and exit 1 if any."""
    kept = _checkpoint(head) if head is not None else None
    found = check_record(service_for(db), kept)
    broken = found.broken
    if broken is None:
        console.print(
            f"[green]audit chain verified[/green]: every entry and link is intact "
            f"({found.entries} entries, {found.links} party links)",
            highlight=False,
        )
        if kept is not None:
            console.print(f"the entry of the kept head seq={kept.seq} is unchanged")
        if found.head is not None:
            console.print(
                f"head: {found.head.seq}:{found.head.hash} — keep it outside this database; "
                "a later `deconflict audit verify --head` with it shows that nothing up to "
                "it was cut off or rewritten",
                highlight=False,
                soft_wrap=True,
            )
        return
    checked = (
        f"all {broken.checked} entries verified, one party's chain is not"
        if broken.party_id
        else f"after {broken.checked} good entries"
    )
    console.print(
        f"[red]audit chain broken[/red] at entry seq={broken.seq} ({checked}): {broken.reason}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _checkpoint(text: str) -> Checkpoint:
    matched = _CHECKPOINT.fullmatch(text.strip().lower())
    if matched is None:
        raise errors.InvalidInput(
            f"must be SEQ:HASH, a number and 64 hex digits as `audit verify` prints them, "
            f"not {text!r}",
            "--head",
        )
    return Checkpoint(int(matched[1]), matched[2])


@db_app.command("purge")
def db_purge(db: DatabaseOption = None) -> None:
    """Delete volumes whose window ended over a day ago, expired idempotency answers, and
    webhook deliveries delivered over a week ago or dead for over 30 days."""
    done = purge(service_for(db))
    console.print(
        f"purged {done.volumes} volumes, {done.idempotency_answers} stored answers and "
        f"{done.deliveries} delivered or dead webhook deliveries"
    )
