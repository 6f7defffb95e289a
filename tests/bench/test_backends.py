"""Which stores a benchmark runs on when PostgreSQL is up, and when it is not."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from bench.backends import chosen_backends

#: Nothing listens on port 1 of the loopback: a connection is refused at once.
DOWN_URL = "postgresql://127.0.0.1:1/test"


def _console() -> tuple[Console, io.StringIO]:
    text = io.StringIO()
    return Console(file=text, width=200), text


def test_sqlite_alone_never_asks_postgres() -> None:
    out, text = _console()
    assert chosen_backends("sqlite", DOWN_URL, out) == ["sqlite"]
    assert text.getvalue() == ""


def test_both_leave_out_a_postgres_that_is_down_and_say_so() -> None:
    out, text = _console()
    assert chosen_backends("both", DOWN_URL, out) == ["sqlite"]
    assert "PostgreSQL is not reachable at postgresql://127.0.0.1:1/test; SQLite only" in (
        text.getvalue()
    )


def test_postgres_alone_and_down_is_refused() -> None:
    out, text = _console()
    assert chosen_backends("postgres", DOWN_URL, out) is None
    assert "PostgreSQL is not reachable" in text.getvalue()


@pytest.mark.postgres
def test_both_when_postgres_is_up(pg_url: str) -> None:
    out, text = _console()
    assert chosen_backends("both", pg_url, out) == ["sqlite", "postgres"]
    assert text.getvalue() == ""
