"""The operator's commands: enrol, issue and revoke keys, verify and detect tampering."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deconflict", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_enrol_issue_revoke_and_verify(tmp_path: Path) -> None:
    db = str(tmp_path / "ops.sqlite")
    assert run("party", "create", "Brackwater Coast Guard", "--db", db).returncode == 0
    created = run(
        "key", "create", "Brackwater Coast Guard", "Night desk", "--role", "liaison", "--db", db
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("dcf_")
    member_id = created.stdout.split("id=")[1].split()[0]
    listed = run("party", "list", "--db", db)
    assert "Brackwater Coast Guard" in listed.stdout
    with sqlite3.connect(db) as conn:
        hashes = [r[0] for r in conn.execute("SELECT api_key_sha256 FROM members")]
    assert key not in str(hashes), "only a hash of the key is kept"
    assert run("key", "revoke", member_id, "--db", db).returncode == 0
    verified = run("audit", "verify", "--db", db)
    assert verified.returncode == 0
    assert "audit chain verified" in verified.stdout


def test_unknown_party_is_one_clear_line_and_status_2(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite")
    assert run("party", "create", "Brackwater Coast Guard", "--db", db).returncode == 0
    done = run("key", "create", "Nobody Such", "x", "--db", db)
    assert done.returncode == 2
    assert "no party with id or name 'Nobody Such'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_tampered_entry_is_named(tmp_path: Path) -> None:
    db = str(tmp_path / "ops.sqlite")
    for name in ("Brackwater Coast Guard", "Ferrowick Mountain Rescue", "Tallis Ferry Service"):
        assert run("party", "create", name, "--db", db).returncode == 0
    with sqlite3.connect(db) as conn:
        # The table refuses updates; a tamperer with file access drops the guard first.
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
        ).fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute(
            "UPDATE audit_entries SET data = replace(data, 'Ferrowick', 'Ferrowyk') WHERE seq = 1"
        )
    done = run("audit", "verify", "--db", db)
    assert done.returncode == 1
    assert "broken at entry seq=1" in done.stdout


def test_a_bad_authority_area_file_is_one_clear_line(tmp_path: Path) -> None:
    db = str(tmp_path / "ops.sqlite")
    files = {
        "missing.json": None,
        "broken.json": b'{"type": "Polygon", "coordinates": [[[10, 45], ',
        "latin.json": '{"type": "Polygon", "name": "Ch\u00e2teau"}'.encode("latin-1"),
        "twice.json": b'{"type": "Polygon", "type": "Circle", "coordinates": []}',
    }
    for name, content in files.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        done = run("party", "create", f"Party {name}", "--authority-area", str(path), "--db", db)
        assert done.returncode == 2, (name, done.stderr)
        assert "Traceback" not in done.stderr, name
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, (name, done.stderr)
        assert lines[0].startswith("error:"), (name, lines[0])
        assert name in lines[0], (name, lines[0])


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["party", "list"],
        ["db", "purge"],
        ["key", "create", "Brackwater Coast Guard", "Night desk"],
        ["report", "--party", "Brackwater Coast Guard"],
    ],
)
def test_a_mistyped_database_path_is_refused_not_created(
    tmp_path: Path, command: list[str]
) -> None:
    """An empty database made at a typo would verify as intact and list no parties."""
    db = tmp_path / "opps.sqlite"
    done = run(*command, "--db", str(db))
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith(f"error: no database at {db}"), done.stderr
    assert "Traceback" not in done.stderr
    assert "verified" not in done.stdout
    assert not db.exists()


def test_party_create_still_starts_a_new_database(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    assert run("party", "create", "Brackwater Coast Guard", "--db", str(db)).returncode == 0
    assert db.exists()


@pytest.mark.parametrize(
    "where",
    ["not-a-database", "no/such/folder/ops.sqlite", "postgresql://nobody@127.0.0.1:1/none"],
)
def test_a_database_that_cannot_be_used_is_one_clear_line(tmp_path: Path, where: str) -> None:
    if where == "not-a-database":
        (tmp_path / where).write_text("these are the watch notes, not a database\n")
    target = where if where.startswith("postgresql") else str(tmp_path / where)
    done = run("party", "create", "Brackwater Coast Guard", "--db", target)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: cannot use the database: "), lines[0]


def test_a_bad_setting_is_named_without_a_pointer(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deconflict", "serve", "--db", str(tmp_path / "s.sqlite")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "DECONFLICT_PORT": "abc"},
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: bad settings (DECONFLICT_* or options): port:")
