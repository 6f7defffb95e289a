"""docs/cli.md is what the commands say of themselves, and lists every command."""

from __future__ import annotations

from pathlib import Path

from deconflict.cli.reference import COMMANDS, listed_commands, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_reference_is_generated_from_the_commands() -> None:
    assert DOC.read_text() == render() + "\n", (
        "docs/cli.md is stale: python -m deconflict.cli.reference > docs/cli.md"
    )


def test_every_command_is_in_the_reference() -> None:
    assert listed_commands() == {path for path in COMMANDS if path}
