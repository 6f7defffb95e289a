"""The delivery benchmark runs end to end at a tiny size: sane JSON, nothing lost or doubled.

Not a timed test: it checks the harness (a real `deconflict serve` process, a receiver
process verifying signatures, a real stream, the party's record compared with what came),
never how fast anything is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.delivery import main

KEYS = {
    "events_per_s",
    "achieved_events_per_s",
    "webhook_p50_ms",
    "webhook_p99_ms",
    "stream_p50_ms",
    "stream_p99_ms",
    "lost",
    "duplicated",
}


def test_delivery_bench_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "delivery.json"
    code = main(
        [
            "--rates=10",
            "--duration-s=2",
            "--drain-s=10",
            f"--json={out}",
            f"--tmp-dir={tmp_path}",
        ]
    )
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 1
    row = rows[0]
    assert row.keys() >= KEYS
    assert row["events_per_s"] == 10
    # One alert per warning, every warning accepted, every event received once per channel.
    assert row["failed_writes"] == 0
    assert row["events"] == row["writes"] > 0
    assert row["events_per_write"] == 1
    assert (row["lost"], row["duplicated"]) == (0, 0)
    assert (row["webhook_lost"], row["stream_lost"]) == (0, 0)
    assert (row["refused_signatures"], row["stream_error"]) == (0, "")
    assert 0 < row["achieved_events_per_s"] <= 10.5
    for channel in ("webhook", "stream"):
        assert 0 < row[f"{channel}_p50_ms"] <= row[f"{channel}_p99_ms"]
    assert row["healthz_p50_ms"] > 0
