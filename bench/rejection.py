"""How much refusing bad input costs, as a ratio to parsing a normal polygon in the same run.

The design brief asks that rejection be cheap and happen before any index work: a tiny
degenerate polygon must never cost more than a normal one. Each case is parsed many times
through `parse_volume`; the table gives the median time per parse and its ratio to the
normal polygon's median, measured in the same process a moment apart.

    python -m bench.rejection [--repeat 200] [--json FILE]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rich.table import Table

from bench.report import console, percentiles_us, write_json
from deconflict import errors
from deconflict.geometry import parse_volume
from deconflict.geometry.limits import MAX_HOLES, MAX_VERTICES_PER_RING

JSON = dict[str, Any]


def _ring(count: int, lon: float, lat: float, size_deg: float) -> list[list[float]]:
    """A closed convex ring of `count` positions on an ellipse (longitude axis the longer)."""
    corners = count - 1
    ring = [
        [
            lon + size_deg * math.cos(2 * math.pi * k / corners),
            lat + 0.6 * size_deg * math.sin(2 * math.pi * k / corners),
        ]
        for k in range(corners)
    ]
    return [*ring, ring[0]]


def _volume(footprint: JSON) -> JSON:
    return {
        "footprint": footprint,
        "altitude_lower_m": 0,
        "altitude_upper_m": 120,
        "start": "2026-12-01T10:00:00Z",
        "end": "2026-12-01T12:00:00Z",
    }


def _polygon(*rings: list[Any]) -> JSON:
    return _volume({"type": "Polygon", "coordinates": list(rings)})


def _cases() -> dict[str, JSON]:
    normal = _ring(200, 23.74, 41.23, 0.05)
    tiny = _ring(200, 23.74, 41.23, 1e-9)
    bow_tie = [[23.7, 41.2], [23.8, 41.26], [23.8, 41.2], [23.7, 41.26], [23.7, 41.2]]
    spike = [[23.70, 41.20], [23.75, 41.20], [23.75, 41.23], [23.7500001, 41.26]]
    spike += [[23.7499999, 41.23], [23.70, 41.23], [23.70, 41.20]]
    near_nan = _ring(MAX_VERTICES_PER_RING, 23.74, 41.23, 0.05)
    near_nan[-2] = [math.nan, 41.2]
    return {
        "normal polygon, 200 vertices": _polygon(normal),
        "normal polygon, 1,000 vertices": _polygon(
            _ring(MAX_VERTICES_PER_RING, 23.74, 41.23, 0.05)
        ),
        "normal polygon, 1,000 vertices and 100 holes": _polygon(
            _ring(MAX_VERTICES_PER_RING, 23.74, 41.23, 0.05),
            *[
                _ring(10, 23.74 + 0.006 * (k % 10 - 4.5), 41.23 + 0.003 * (k // 10 - 4.5), 0.001)[
                    ::-1
                ]
                for k in range(MAX_HOLES)
            ],
        ),
        "normal circle": _volume({"type": "Circle", "center": [23.74, 41.23], "radius_m": 5e3}),
        "degenerate: 1e-9° polygon, 200 vertices": _polygon(tiny),
        "degenerate: 1e-9° triangle": _polygon(_ring(4, 23.74, 41.23, 1e-9)),
        "degenerate: sliver spike": _polygon(spike),
        "self-intersecting bow tie": _polygon(bow_tie),
        "NaN in the last position of 1,000": _polygon(near_nan),
        "unclosed ring of 1,000": _polygon(_ring(MAX_VERTICES_PER_RING, 23.74, 41.23, 0.05)[:-1]),
        "oversize: 1,001 positions in a ring": _polygon(
            _ring(MAX_VERTICES_PER_RING + 1, 23.74, 41.23, 0.05)
        ),
        "oversize: 1,000,000 positions in a ring": _polygon([[23.7, 41.2]] * 1_000_000),
        "oversize: 100,000 holes": _polygon(normal, *[[]] * 100_000),
        "oversize: 101 holes": _polygon(normal, *[_ring(5, 23.74, 41.23, 0.001)] * (MAX_HOLES + 1)),
        "oversize: 200° × 120° polygon": _polygon(_ring(5, 0.0, 10.0, 100.0)),
    }


def _time_ns(parse: Callable[[], object], repeat: int) -> tuple[list[int], str]:
    outcome = "accepted"
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        try:
            parse()
        except errors.InvalidInput as e:
            outcome = type(e).__name__
        samples.append(time.perf_counter_ns() - t0)
    return samples, outcome


def measure(repeat: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    baseline_us = 0.0
    for name, obj in _cases().items():
        samples, outcome = _time_ns(partial(parse_volume, obj), repeat)
        median_us, p95_us = percentiles_us(samples, 50, 95)
        baseline_us = baseline_us or median_us
        rows.append(
            {
                "case": name,
                "outcome": outcome,
                "median_us": median_us,
                "p95_us": p95_us,
                "ratio_to_normal": median_us / baseline_us,
            }
        )
    return rows


def _table(rows: list[dict[str, object]]) -> Table:
    table = Table(title="Cost of refusing input (parse_volume), against a normal polygon")
    table.add_column("case")
    table.add_column("outcome")
    for header in ("median µs", "p95 µs", "× normal"):
        table.add_column(header, justify="right")
    for row in rows:
        median, p95, ratio = row["median_us"], row["p95_us"], row["ratio_to_normal"]
        assert isinstance(median, float)
        assert isinstance(p95, float)
        assert isinstance(ratio, float)
        table.add_row(
            str(row["case"]), str(row["outcome"]), f"{median:,.1f}", f"{p95:,.1f}", f"{ratio:.2f}"
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=200, help="parses per case")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args()
    rows = measure(args.repeat)
    console().print(_table(rows))
    if args.json:
        write_json(args.json, rows)


if __name__ == "__main__":
    main()
