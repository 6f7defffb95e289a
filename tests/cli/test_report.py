"""`deconflict report` reads a party's figures from a SQLite file, as a table or as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from deconflict.domain.agreement import Agreement, Disclosure, Mode, Silence
from deconflict.domain.consultation import ResponseKind
from deconflict.domain.operation import Plan
from deconflict.domain.party import Role
from deconflict.geometry import Volume4D, parse_volume
from deconflict.service import operations, parties, responses, views
from deconflict.service.clock import ManualClock
from deconflict.service.context import Service
from deconflict.store.sqlite import SqliteStore

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = ["--from", "2026-12-01T00:00:00Z", "--to", "2026-12-02T00:00:00Z"]


def volume(lon: float, lat: float, radius_m: float) -> Volume4D:
    start = T0 + timedelta(hours=1)
    return parse_volume(
        {
            "footprint": {"type": "Circle", "center": [lon, lat], "radius_m": radius_m},
            "altitude_lower_m": 0.0,
            "altitude_upper_m": 300.0,
            "start": start.isoformat(),
            "end": (start + timedelta(hours=2)).isoformat(),
        }
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Brackwater plans into Ferrowick's patrol, is objected to after 90 s, and revises."""
    path = tmp_path_factory.mktemp("report") / "ops.sqlite"
    store = SqliteStore(str(path))
    try:
        clock = ManualClock(T0)
        svc = Service(store, b"cli-report-test-secret", clock=clock)
        planner_party = parties.create_party(svc, "Brackwater Coast Guard")
        patrol_party = parties.create_party(svc, "Ferrowick Mountain Rescue")
        parties.create_party(svc, "Tallis Ferry Service")
        parties.set_agreement(
            svc,
            Agreement(
                planner_party.id, patrol_party.id, Mode.CONSULT, 900, Silence.BLOCK, Disclosure.NAME
            ),
        )
        _, planner_key = parties.create_member(svc, planner_party.id, "Planner", Role.PLANNER)
        _, liaison_key = parties.create_member(svc, patrol_party.id, "Liaison", Role.LIAISON)
        _, patrol_key = parties.create_member(svc, patrol_party.id, "Patrol", Role.PLANNER)
        planner = parties.authenticate(svc, planner_key)
        liaison = parties.authenticate(svc, liaison_key)
        operations.submit_operation(
            svc, parties.authenticate(svc, patrol_key), Plan((volume(24.00, 42.30, 1500),))
        )
        op = operations.submit_operation(svc, planner, Plan((volume(24.01, 42.305, 1200),)))
        clock.advance(timedelta(seconds=90))
        (asked,) = views.inbox(svc, liaison, after=None, limit=10)
        responses.respond_to_consultation(
            svc, liaison, asked.consultation.id, ResponseKind.OBJECT, text="fictional: no"
        )
        clock.advance(timedelta(seconds=60))
        operations.revise_operation(
            svc, planner, op.id, ovn=op.ovn, plan=Plan((volume(24.20, 42.305, 800),))
        )
    finally:
        store.close()
    return str(path)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deconflict", "report", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_json_holds_the_figures_of_the_party_named(db: str) -> None:
    done = run("--party", "Ferrowick Mountain Rescue", *DAY, "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["party"]["name"] == "Ferrowick Mountain Rescue"
    assert (body["start"], body["end"]) == (
        "2026-12-01T00:00:00.000000Z",
        "2026-12-02T00:00:00.000000Z",
    )
    assert body["consultations"] == {
        "asked": 1,
        "answered": 1,
        "closed_unanswered": 0,
        "expired": 0,
        "pending": 0,
        "time_to_answer": {"median_s": 90.0, "p90_s": 90.0},
    }
    assert body["operations"]["submitted"] == 1
    by_id = run("--party", body["party"]["id"], *DAY, "--db", db, "--json")
    assert json.loads(by_id.stdout) == body


def test_the_table_shows_the_planner_figures(db: str) -> None:
    done = run("--party", "Brackwater Coast Guard", *DAY, "--db", db)
    assert done.returncode == 0, done.stderr
    rows = {
        cells[0]: cells[1]
        for line in done.stdout.splitlines()
        if len(cells := [c.strip() for c in line.strip("│┃ ").split("│")]) == 2
    }
    assert rows["operations submitted"] == "1"
    assert rows["operations objected"] == "1"
    assert rows["operations revised after objection"] == "1"
    assert rows["consultations asked"] == "0"
    assert rows["time to answer, median"] == "-"
    assert "coordination over [2026-12-01T00:00:00Z, 2026-12-02T00:00:00Z)" in done.stdout


def test_an_unrelated_party_has_nothing_to_report(db: str) -> None:
    done = run("--party", "Tallis Ferry Service", *DAY, "--db", db, "--json")
    body = json.loads(done.stdout)
    counts = [v for part in body.values() if isinstance(part, dict) for v in part.values()]
    assert all(v == 0 for v in counts if isinstance(v, int))
    assert body["consultations"]["time_to_answer"] == {"median_s": None, "p90_s": None}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "soon"], "error: --to: 'soon' is not an RFC 3339 timestamp"),
        (
            ["--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
            "error: --to: the period must end after it starts",
        ),
        (
            ["--from", "2020-01-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
            "error: --from: a report covers at most 366 days",
        ),
    ],
)
def test_a_bad_period_is_one_line_naming_the_option(db: str, args: list[str], message: str) -> None:
    done = run("--party", "Tallis Ferry Service", *args, "--db", db)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_party_is_refused(db: str) -> None:
    done = run("--party", "Nobody Such", "--db", db)
    assert done.returncode == 2
    assert "no party with id or name 'Nobody Such'" in done.stderr
