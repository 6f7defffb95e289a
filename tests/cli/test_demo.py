"""`deconflict demo --no-serve` plays every step over real HTTP and leaves a sound record."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deconflict.store.sqlite import SqliteStore, is_demo_file


def run_demo(
    *options: str, timeout_s: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m deconflict demo` with `options`, in a plain environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-m", "deconflict", "demo", *options],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", **(env or {})},
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    done = run_demo("--no-serve", "--db", str(db), timeout_s=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, db


def _step(output: str, number: int) -> str:
    parts = re.split(r"step (\d+)", output)
    for label, body in zip(parts[1::2], parts[2::2], strict=True):
        if int(label) == number:
            return body
    raise AssertionError(f"step {number} is missing from the demo's output")


def test_every_step_is_played(demo_run: tuple[str, Path]) -> None:
    output, _ = demo_run
    assert "demo complete: 9 steps played" in output


def test_the_patrol_clears_and_the_flight_meets_both(demo_run: tuple[str, Path]) -> None:
    output, _ = demo_run
    assert "its patrol is cleared" in _step(output, 2)
    submitted = _step(output, 3)
    assert "its flight is in_consultation" in submitted
    assert "conflict with another party's operation" in submitted
    assert "conflict with another party's zone" in submitted
    assert "consulted Southvale Army Aviation: pending" in submitted


def test_each_party_sees_what_its_agreement_allows(demo_run: tuple[str, Path]) -> None:
    output, _ = demo_run
    inbox = _step(output, 4)
    assert "planned by Northmere Air Wing\n" in inbox  # the forces name each other
    assert re.search(r"planned by party-[0-9a-f]{16} \(a pseudonym\)", inbox)
    assert "purpose: instrument training flight" in inbox
    assert "✗ the flight's full volume" in inbox
    assert "a notice (authority_area)" in inbox


def test_objection_revision_acknowledgement_clearance(demo_run: tuple[str, Path]) -> None:
    output, _ = demo_run
    assert "its flight is objected" in _step(output, 5)
    assert "our patrol transits the valley" in _step(output, 5)
    revised = _step(output, 6)
    assert "version 2 is in_consultation" in revised
    assert "its consultation is now closed" in revised
    assert "its flight is cleared" in _step(output, 7)


def test_the_warning_reaches_those_inside_and_is_acknowledged(
    demo_run: tuple[str, Path],
) -> None:
    output, _ = demo_run
    warned = _step(output, 8)
    assert "a danger warning from Southvale Army Aviation" in warned
    assert "acknowledged by Northmere Air Wing" in warned
    assert re.search(r"acknowledged by party-[0-9a-f]{16}", warned)
    assert "Lowfen Airspace Authority does not see" in warned


def test_the_record_verifies(demo_run: tuple[str, Path]) -> None:
    output, db = demo_run
    assert "audit entries, hash-chained" in _step(output, 9)
    done = subprocess.run(
        [sys.executable, "-m", "deconflict", "audit", "verify", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "audit chain verified" in done.stdout


@pytest.mark.parametrize("given_by", ["option", "environment"])
def test_a_port_already_taken_is_said_at_once(tmp_path: Path, given_by: str) -> None:
    """Port 8080 is often taken on a newcomer's machine: one line naming the way out.

    `make demo` takes no options, so DECONFLICT_PORT chooses the port as `serve`'s does.
    """
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        options = ["--db", str(tmp_path / "d.sqlite")]
        env: dict[str, str] = {}
        if given_by == "option":
            options += ["--port", str(port)]
        else:
            env["DECONFLICT_PORT"] = str(port)
        started = time.monotonic()
        done = run_demo(*options, timeout_s=60, env=env)
        took_s = time.monotonic() - started
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"error: the demo could not listen on 127.0.0.1:{port}" in done.stderr
    assert "--port" in done.stderr
    assert took_s < 12, "it waited for a server that had already given up"


def test_the_demo_marks_the_file_it_makes(demo_run: tuple[str, Path]) -> None:
    _, db = demo_run
    assert is_demo_file(db)


@pytest.mark.parametrize("kind", ["store", "other"])
def test_a_file_the_demo_did_not_make_is_left_alone(tmp_path: Path, kind: str) -> None:
    """`deconflict demo --db deconflict.sqlite` must not wipe the database `serve` keeps."""
    db = tmp_path / "deconflict.sqlite"
    if kind == "store":
        SqliteStore(db).close()
    else:
        db.write_text("notes of the watch, not a database\n", encoding="utf-8")
    before = db.read_bytes()
    done = run_demo("--no-serve", "--db", str(db), timeout_s=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "was not made by the demo" in done.stderr
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before
    assert not is_demo_file(db)
