"""The id timing bench runs end to end at a tiny size and writes sane JSON.

Not a timed test: it checks the harness (a real server process, real HTTP, a real store,
a seeded world) and that every pair answered alike, never how long anything took.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.id_timing import main
from bench.id_timing_world import sibling


def test_an_unknown_id_beside_another_differs_only_in_its_last_digit() -> None:
    known = "0f3c2a9e-5b7d-4c1e-8a2f-6d9b3e1c7a5f"
    assert sibling(known) == known[:-1] + "7"
    assert sibling(sibling(known)) == known


def test_the_bench_asks_every_endpoint_in_pairs_on_sqlite(tmp_path: Path) -> None:
    out = tmp_path / "ids.json"
    code = main(
        [
            "--backend=sqlite",
            "--pairs=3",
            "--count=2",
            "--vertices=8",
            f"--json={out}",
            f"--tmp-dir={tmp_path}",
        ]
    )
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == len({r["endpoint"] for r in rows}) >= 28
    for row in rows:
        assert (row["backend"], row["pairs"]) == ("sqlite", 3)
        assert row["status"] in (200, 404)
        assert 0.0 <= row["p"] <= 1.0
        assert 0.0 <= row["p_forbidden_slower"] <= 1.0
        assert row["forbidden_median_us"] > 0
        assert row["unknown_median_us"] > 0
