"""The operator's commands on the record: verify the audit chain, purge expired data."""

from __future__ import annotations

import typer
from rich.console import Console

from deconflict.cli.options import DatabaseOption, service_for
from deconflict.service.maintenance import purge
from deconflict.service.verification import verify_audit

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
db_app = typer.Typer(help="Database housekeeping.", no_args_is_help=True)
console = Console()


@audit_app.command("verify")
def audit_verify(db: DatabaseOption = None) -> None:
    """Check every entry's hash and link; name the first bad entry and exit 1 if any."""
    broken = verify_audit(service_for(db))
    if broken is None:
        console.print("[green]audit chain verified[/green]: every entry and link is intact")
        return
    console.print(
        f"[red]audit chain broken[/red] at entry seq={broken.seq} "
        f"(after {broken.checked} good entries)"
    )
    raise typer.Exit(1)


@db_app.command("purge")
def db_purge(db: DatabaseOption = None) -> None:
    """Delete volumes whose window ended over a day ago, expired idempotency answers, and
    webhook deliveries delivered over a week ago or dead for over 30 days."""
    done = purge(service_for(db))
    console.print(
        f"purged {done.volumes} volumes, {done.idempotency_answers} stored answers and "
        f"{done.deliveries} delivered or dead webhook deliveries"
    )
