"""The CLI reference (docs/cli.md), generated from the commands' own --help.

`python -m deconflict.cli.reference > docs/cli.md` writes it; a test fails when the file
and the commands disagree, so the reference cannot drift from the code.
"""

from __future__ import annotations

import os

import typer
from typer.testing import CliRunner

from deconflict.cli.main import app

#: Every command path documented, in the order the reference lists them.
COMMANDS: tuple[tuple[str, ...], ...] = (
    (),
    ("serve",),
    ("demo",),
    ("party", "create"),
    ("party", "list"),
    ("key", "create"),
    ("key", "revoke"),
    ("agreement", "set"),
    ("audit", "verify"),
    ("db", "purge"),
    ("report",),
)


def help_text(path: tuple[str, ...]) -> str:
    """The plain --help of one command, at a fixed width and without colour."""
    runner = CliRunner()
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    result = runner.invoke(
        app, [*path, "--help"], env=env, terminal_width=100, color=False, prog_name="deconflict"
    )
    if result.exit_code != 0:
        raise RuntimeError(f"deconflict {' '.join(path)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def render() -> str:
    parts = [
        "# CLI reference",
        "",
        "Generated from `--help`; regenerate with "
        "`python -m deconflict.cli.reference > docs/cli.md`.",
        "",
    ]
    for path in COMMANDS:
        title = " ".join(("deconflict", *path))
        parts += [f"## `{title}`", "", "```text", help_text(path), "```", ""]
    return "\n".join(parts)


def listed_commands(group: typer.Typer = app, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every command path the app has, for the test that no command goes undocumented."""
    found: set[tuple[str, ...]] = set()
    for info in group.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        found.add((*prefix, name))
    for sub in group.registered_groups:
        if sub.typer_instance is not None and sub.name is not None:
            found |= listed_commands(sub.typer_instance, (*prefix, sub.name))
    return found


if __name__ == "__main__":
    print(render())  # noqa: T201
