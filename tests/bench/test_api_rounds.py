"""The rounds harness builds a kept world once, then serves fresh copies of it round by round.

Not a timed test: it checks the harness (a real server process, real HTTP, a real SQLite
file, CPU read from /proc), never how fast anything is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.api_rounds import DATABASE, main


def test_rounds_serve_copies_of_a_world_built_once(tmp_path: Path) -> None:
    world, out = tmp_path / "world", tmp_path / "rounds.json"
    options = [
        f"--world={world}",
        "--stored=400",
        "--rounds=2",
        "--submissions=12",
        "--clients=3",
        f"--cache-dir={tmp_path / 'cache'}",
        f"--tmp-dir={tmp_path}",
        f"--json={out}",
    ]
    assert main(options) == 0
    built = (world / DATABASE).stat().st_mtime_ns
    rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    assert [r["backend"] for r in rows] == ["round 1", "round 2"]
    for row in rows:
        assert (row["submissions"], row["failed"]) == (12, 0)
        assert row["submissions_per_s"] > 0
        assert row["server_user_ms"] > 0
        assert row["loop_ms"] > 0
        # Three clients, each connection accepted by one of the two processes.
        assert sum(int(n) for n in row["connections"].split("/")) == 3
    assert main(options) == 0  # the kept world is served again, not built again
    assert (world / DATABASE).stat().st_mtime_ns == built
