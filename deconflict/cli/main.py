"""The `deconflict` command: every subcommand, and one error style for all of them."""

from __future__ import annotations

import sqlite3
import sys

import psycopg
import typer
from rich.console import Console

from deconflict import errors
from deconflict.cli.admin import agreement_app, key_app, party_app
from deconflict.cli.demo import demo
from deconflict.cli.records import audit_app, db_app
from deconflict.cli.report import report
from deconflict.cli.serve import serve

app = typer.Typer(
    help="deconflict: deconfliction and coordination between independent parties.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve)
app.command("demo")(demo)
app.command("report")(report)
app.add_typer(party_app, name="party")
app.add_typer(key_app, name="key")
app.add_typer(agreement_app, name="agreement")
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")


def main() -> None:
    """Entry point: our errors become one clear line and exit status 2, never a traceback.

    Usage errors and exit statuses are click's own (standalone mode); only errors of ours
    that reach this far need a voice.
    """
    try:
        app()
    except errors.DeconflictError as error:
        # A pointer says where in a file or body the fault is; "/" (the whole of it) says
        # nothing on a command line, where the fault is in settings or options.
        whole = isinstance(error, errors.InvalidInput) and not error.pointer
        text = error.detail if whole else str(error)
        Console(stderr=True).print(f"[red]error:[/red] {text}", highlight=False)
        sys.exit(2)
    except (sqlite3.Error, psycopg.Error) as error:
        # A path that cannot be created, a file that is not a database, a server that does
        # not answer: the operator needs the database's words, not a traceback.
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        Console(stderr=True).print(
            f"[red]error:[/red] cannot use the database: {first}", highlight=False
        )
        sys.exit(2)
