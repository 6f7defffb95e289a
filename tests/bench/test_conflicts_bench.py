"""The conflict-search benchmark runs end to end at a tiny size and writes sane JSON.

Not a timed test: it checks the harness, never how fast the stores are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.conflicts import main

KEYS = {
    "backend",
    "stored",
    "queries",
    "build_s",
    "p50_us",
    "p95_us",
    "p99_us",
    "bare_p50_us",
    "full_over_bare_p50",
    "candidates_mean",
    "conflicts_mean",
}


def run_bench(tmp_path: Path, *options: str) -> dict[str, Any]:
    out = tmp_path / "result.json"
    code = main(
        [
            "--stored=2000",
            "--queries=200",
            "--warmup=20",
            f"--json={out}",
            f"--cache-dir={tmp_path / 'cache'}",
            *options,
        ]
    )
    assert code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def check_row(row: dict[str, Any], backend: str) -> None:
    assert row.keys() >= KEYS
    assert (row["backend"], row["stored"], row["queries"]) == (backend, 2000, 200)
    assert row["build_s"] > 0
    assert 0 < row["p50_us"] <= row["p95_us"] <= row["p99_us"]
    assert 0 < row["bare_p50_us"] <= row["bare_p99_us"]
    assert row["full_over_bare_p50"] == pytest.approx(row["p50_us"] / row["bare_p50_us"], rel=0.01)
    # The second pass: the search's SQL alone, beside its own bare prefilter.
    assert row["rows_p50_us"] > 0
    assert row["rows_bare_p50_us"] > 0
    assert row["rows_over_bare_p50"] == pytest.approx(
        row["rows_p50_us"] / row["rows_bare_p50_us"], rel=0.01
    )
    # The SQL's candidates lie between what the exact check keeps and what the index gave.
    assert row["conflicts_mean"] <= row["rows_mean"] <= row["candidates_mean"]
    # The seed is fixed: at this size some queries do meet stored volumes.
    assert 0 < row["conflicts_mean"] <= row["candidates_mean"]
    assert row["index_bytes"] > 0


def test_sqlite_bench_runs_end_to_end(tmp_path: Path) -> None:
    row = run_bench(tmp_path, "--backend=sqlite", f"--tmp-dir={tmp_path}")
    check_row(row, "sqlite")


@pytest.mark.postgres
def test_postgres_bench_runs_end_to_end(tmp_path: Path, pg_url: str) -> None:
    row = run_bench(tmp_path, "--backend=postgres", f"--pg-url={pg_url}")
    check_row(row, "postgres")
