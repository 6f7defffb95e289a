"""The API benchmark runs end to end at a tiny size, writes sane JSON, verifies conflicts.

Not a timed test: it checks the harness (a real server process, real HTTP, real stores)
and that every submission recorded every conflict, never how fast anything is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.api import main

KEYS = {
    "backend",
    "scenario",
    "server",
    "stored",
    "clients",
    "submissions",
    "submissions_per_s",
    "p50_ms",
    "p99_ms",
    "conflicts_mean",
    "healthz_p50_ms",
    "me_p50_ms",
    "service_p50_ms",
    "conflicts_verified",
}


def run_bench(tmp_path: Path, *options: str) -> list[dict[str, Any]]:
    out = tmp_path / "result.json"
    code = main(
        [
            "--stored=1000",
            "--submissions=16",
            "--hot-stored=300",
            "--hot-submissions=16",
            f"--json={out}",
            f"--cache-dir={tmp_path / 'cache'}",
            *options,
        ]
    )
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return rows


def check_rows(rows: list[dict[str, Any]], backend: str) -> None:
    runs = [(r["scenario"], r["clients"]) for r in rows]
    assert runs == [("spread", 1), ("spread", 8), ("hotspot", 8)]
    for row in rows:
        assert row.keys() >= KEYS
        assert (row["backend"], row["server"]) == (backend, "process")
        assert (row["submissions"], row["failed"]) == (16, 0)
        assert row["submissions_per_s"] > 0
        assert 0 < row["p50_ms"] <= row["p99_ms"]
        # Small enough to check every submission against a brute-force scan.
        assert row["conflicts_verified"] is True
        assert row["verified_submissions"] == 16
    assert rows[0]["stored"] == 1000
    hot = rows[2]
    assert hot["stored"] == 300
    # Hot-spot submissions all overlap each other: each meets at least those before it.
    assert hot["conflicts_mean"] >= (16 - 1) / 2


def test_sqlite_api_bench_runs_end_to_end(tmp_path: Path) -> None:
    rows = run_bench(tmp_path, "--backend=sqlite", f"--tmp-dir={tmp_path}")
    check_rows(rows, "sqlite")


@pytest.mark.postgres
def test_postgres_api_bench_runs_end_to_end(tmp_path: Path, pg_url: str) -> None:
    rows = run_bench(tmp_path, "--backend=postgres", f"--pg-url={pg_url}")
    check_rows(rows, "postgres")
