"""`deconflict audit verify`: the head to keep, and a kept head that shows the end cut off."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.cli.test_admin import run


def _enrolled(tmp_path: Path) -> str:
    db = str(tmp_path / "ops.sqlite")
    for name in ("Brackwater Coast Guard", "Ferrowick Mountain Rescue", "Tallis Ferry Service"):
        assert run("party", "create", name, "--db", db).returncode == 0
    return db


def test_verify_prints_the_head_and_a_kept_head_shows_the_end_cut_off(tmp_path: Path) -> None:
    db = _enrolled(tmp_path)
    done = run("audit", "verify", "--db", db)
    assert done.returncode == 0, done.stdout
    head = done.stdout.split("head: ")[1].split()[0]
    seq, digest = head.split(":")
    assert seq == "2"
    assert len(digest) == 64
    assert run("audit", "verify", "--head", head, "--db", db).returncode == 0
    with closing(sqlite3.connect(db)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("DELETE FROM audit_audience WHERE seq = 2")
        conn.execute("DELETE FROM audit_entries WHERE seq = 2")
        conn.commit()
    assert run("audit", "verify", "--db", db).returncode == 0, "the chain alone cannot tell"
    cut = run("audit", "verify", "--head", head, "--db", db)
    assert cut.returncode == 1
    assert "the log ends at seq=1, before the checkpoint's seq=2" in cut.stdout


def test_a_party_untold_of_an_entry_is_named(tmp_path: Path) -> None:
    db = _enrolled(tmp_path)
    with closing(sqlite3.connect(db)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("DELETE FROM audit_audience WHERE seq = 1")
        conn.execute("DELETE FROM audit_entries WHERE seq = 1")
        conn.commit()
    done = run("audit", "verify", "--db", db)
    assert done.returncode == 1
    assert "broken at entry seq=2" in done.stdout
    assert "expected entry seq=1 here, found seq=2" in done.stdout


def test_a_malformed_head_is_one_clear_line(tmp_path: Path) -> None:
    done = run("audit", "verify", "--head", "12:xyz", "--db", str(tmp_path / "x.sqlite"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --head: must be SEQ:HASH, a number and 64 hex digits as `audit verify` "
        "prints them, not '12:xyz'"
    ]


def test_a_party_untold_of_an_entry_that_stays_is_named_at_the_entry(tmp_path: Path) -> None:
    """Entry 1 (the operator enrolling a party) is in that party's record alone, as its
    first and only link: taken out, the party's chain is empty and whole, but the entry's
    hash covers who was told of it, so the entry is named."""
    db = _enrolled(tmp_path)
    with closing(sqlite3.connect(db)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f'DROP TRIGGER "{name}"')
        (told,) = conn.execute("SELECT party_id FROM audit_audience WHERE seq = 1").fetchone()
        assert conn.execute(
            "SELECT count(*) FROM audit_audience WHERE party_id = ?", (told,)
        ).fetchone() == (1,)
        conn.execute("DELETE FROM audit_audience WHERE seq = 1")
        conn.commit()
    done = run("audit", "verify", "--db", db)
    assert done.returncode == 1
    assert "broken at entry seq=1 (after 1 good entries)" in done.stdout
    assert told not in done.stdout
    assert "who the parties' records say was told of it (nobody)" in done.stdout
