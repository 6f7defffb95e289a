"""Measure PostgreSQL prefilter indexes for 4D boxes: cube GiST versus grid-cell tables.

Loads the same seeded boxes (500 km × 500 km, 24 h, volumes 200 m-5 km, windows 5 min-2 h,
altitudes 0-1,500 m) into each candidate, then times the bulk build, a batch of inserts
into the built index, and the bare prefilter query (count of overlapping boxes). Every
candidate must return the same count for every query, or the run stops.

    .venv/bin/python bench/pg_index_choice.py --sizes 100000,1000000 --json results.json
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

Conn = psycopg.Connection[TupleRow]
Boxes = npt.NDArray[np.float64]  # n × 8: lon_lo lat_lo alt_lo t_lo lon_hi lat_hi alt_hi t_hi

CENTRE_LON, CENTRE_LAT = 8.9, 47.3
HALF_SIDE_M = 250_000.0
DAY_S = 86_400.0
M_PER_DEG_LAT = 111_132.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))
#: Grid of the cell-table candidates: 0.05° (about 3.8 km × 5.6 km here) and one hour.
CELL_DEG = 0.05
CELL_S = 3_600.0
INSERT_BATCH = 10_000
MAINTENANCE_WORK_MEM = "512MB"


@dataclass(frozen=True, slots=True)
class Measurement:
    candidate: str
    boxes: int
    load_s: float
    index_s: float
    insert_per_s: float
    size_mb: float
    small_p50_ms: float  # queries shaped like the stored volumes
    small_p99_ms: float
    small_returned: float  # mean boxes a query returns
    large_p50_ms: float  # 10-50 km, 1-6 h queries
    large_p99_ms: float
    large_returned: float


@dataclass(frozen=True, slots=True)
class Shape:
    """Log-uniform ranges a class of boxes is drawn from."""

    half_side_m: tuple[float, float]
    duration_s: tuple[float, float]
    thickness_m: tuple[float, float]


#: Stored volumes and the everyday query: 200 m-5 km, 5 min-2 h, 30-500 m thick.
SMALL = Shape((100.0, 2_500.0), (300.0, 7_200.0), (30.0, 500.0))
#: A large reservation or a wide warning: 10-50 km, 1-6 h, up to the whole band.
LARGE = Shape((5_000.0, 25_000.0), (3_600.0, 21_600.0), (300.0, 1_500.0))


def log_uniform(rng: np.random.Generator, bounds: tuple[float, float], n: int) -> Boxes:
    return np.exp(rng.uniform(math.log(bounds[0]), math.log(bounds[1]), n))


def draw_boxes(rng: np.random.Generator, n: int, shape: Shape = SMALL) -> Boxes:
    half_w_m = log_uniform(rng, shape.half_side_m, n)
    half_h_m = log_uniform(rng, shape.half_side_m, n)
    x = rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, n) / M_PER_DEG_LON + CENTRE_LON
    y = rng.uniform(-HALF_SIDE_M, HALF_SIDE_M, n) / M_PER_DEG_LAT + CENTRE_LAT
    dur = log_uniform(rng, shape.duration_s, n)
    t0 = rng.uniform(0.0, DAY_S - dur)
    thick = np.minimum(log_uniform(rng, shape.thickness_m, n), 1_500.0)
    a0 = rng.uniform(0.0, 1_500.0 - thick)
    dx, dy = half_w_m / M_PER_DEG_LON, half_h_m / M_PER_DEG_LAT
    return np.column_stack((x - dx, y - dy, a0, t0, x + dx, y + dy, a0 + thick, t0 + dur))


def cell_ranges(b: Boxes, with_time: bool) -> list[npt.NDArray[np.int64]]:
    lo = [np.floor((b[:, 0] + 180.0) / CELL_DEG), np.floor((b[:, 1] + 90.0) / CELL_DEG)]
    hi = [np.floor((b[:, 4] + 180.0) / CELL_DEG), np.floor((b[:, 5] + 90.0) / CELL_DEG)]
    if with_time:
        lo.append(np.floor(b[:, 3] / CELL_S))
        hi.append(np.floor(b[:, 7] / CELL_S))
    return [np.asarray(v, dtype=np.int64) for pair in zip(lo, hi, strict=True) for v in pair]


def cells_of(b: Boxes, with_time: bool) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(box row, cell key) for every grid cell each box touches."""
    r = cell_ranges(b, with_time)
    spans = [r[i + 1] - r[i] + 1 for i in range(0, len(r), 2)]
    per_box = np.prod(spans, axis=0)
    owner = np.repeat(np.arange(len(b)), per_box)
    offset = np.arange(per_box.sum()) - np.repeat(np.cumsum(per_box) - per_box, per_box)
    key = np.zeros(len(owner), dtype=np.int64)
    for axis, span in enumerate(spans):
        step = offset % span[owner]
        offset //= span[owner]
        key = key * (1 << 16) + r[2 * axis][owner] + step
    return owner, key


def copy_text(conn: Conn, table: str, lines: Callable[[], io.StringIO]) -> None:
    with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as cp:
        cp.write(lines().getvalue())


def box_columns(ids: npt.NDArray[np.int64], b: Boxes) -> io.StringIO:
    out = io.StringIO()
    for i, row in zip(ids, b, strict=True):
        out.write(f"{i}\t" + "\t".join(map(repr, row.tolist())) + "\n")
    return out


def cube_rows(ids: npt.NDArray[np.int64], b: Boxes) -> io.StringIO:
    out = io.StringIO()
    for i, r in zip(ids, b.tolist(), strict=True):
        out.write(
            f"{i}\t({r[0]!r},{r[1]!r},{r[2]!r},{r[3]!r}),({r[4]!r},{r[5]!r},{r[6]!r},{r[7]!r})\n"
        )
    return out


BOX_COLS = ", ".join(
    f"{name} float8"
    for name in ("lon_lo", "lat_lo", "alt_lo", "t_lo", "lon_hi", "lat_hi", "alt_hi", "t_hi")
)
BOX_MATCH = (
    "b.lon_lo <= %(lon_hi)s AND b.lon_hi >= %(lon_lo)s AND b.lat_lo <= %(lat_hi)s"
    " AND b.lat_hi >= %(lat_lo)s AND b.alt_lo <= %(alt_hi)s AND b.alt_hi >= %(alt_lo)s"
    " AND b.t_lo <= %(t_hi)s AND b.t_hi >= %(t_lo)s"
)
NAMES = ("lon_lo", "lat_lo", "alt_lo", "t_lo", "lon_hi", "lat_hi", "alt_hi", "t_hi")


class Candidate:
    name = ""
    tables: tuple[str, ...] = ()

    def create(self, conn: Conn) -> None: ...
    def load(self, conn: Conn, ids: npt.NDArray[np.int64], b: Boxes) -> None: ...
    def index(self, conn: Conn) -> None: ...
    def query(self, conn: Conn, q: Boxes) -> int:
        raise NotImplementedError


class CubeGist(Candidate):
    name = "cube GiST (4D)"
    tables = ("cube_boxes",)

    def create(self, conn: Conn) -> None:
        conn.execute("CREATE TABLE cube_boxes (id bigint, box cube)")

    def load(self, conn: Conn, ids: npt.NDArray[np.int64], b: Boxes) -> None:
        copy_text(conn, "cube_boxes", lambda: cube_rows(ids, b))

    def index(self, conn: Conn) -> None:
        conn.execute("CREATE INDEX ON cube_boxes USING gist (box)")

    def query(self, conn: Conn, q: Boxes) -> int:
        row = conn.execute(
            "SELECT count(*) FROM cube_boxes WHERE box && cube(%s::float8[], %s::float8[])",
            (q[0, :4].tolist(), q[0, 4:].tolist()),
        ).fetchone()
        assert row is not None
        return int(row[0])


class CellBtree(Candidate):
    """Boxes keyed by every (lon, lat, hour) grid cell they touch; btree on the key."""

    name = "cell table 3D (btree)"
    tables = ("cell_boxes", "cells")

    def create(self, conn: Conn) -> None:
        conn.execute(f"CREATE TABLE cell_boxes (id bigint PRIMARY KEY, {BOX_COLS})")
        conn.execute("CREATE TABLE cells (cell bigint, box_id bigint)")

    def load(self, conn: Conn, ids: npt.NDArray[np.int64], b: Boxes) -> None:
        copy_text(conn, "cell_boxes", lambda: box_columns(ids, b))
        owner, key = cells_of(b, with_time=True)

        def lines() -> io.StringIO:
            out = io.StringIO()
            out.writelines(
                f"{k}\t{i}\n" for k, i in zip(key.tolist(), ids[owner].tolist(), strict=True)
            )
            return out

        copy_text(conn, "cells", lines)

    def index(self, conn: Conn) -> None:
        conn.execute("CREATE INDEX ON cells (cell, box_id)")

    def query(self, conn: Conn, q: Boxes) -> int:
        _, keys = cells_of(q, with_time=True)
        row = conn.execute(
            "SELECT count(*) FROM cell_boxes b WHERE b.id IN"
            " (SELECT box_id FROM cells WHERE cell = ANY(%(cells)s)) AND " + BOX_MATCH,
            {"cells": keys.tolist(), **dict(zip(NAMES, q[0].tolist(), strict=True))},
        ).fetchone()
        assert row is not None
        return int(row[0])


class CellArrayGin(Candidate):
    """As the InterUSS DSS does with S2 cells: an array of 2D cells per box, GIN-indexed."""

    name = "cell array 2D (GIN)"
    tables = ("gin_boxes",)

    def create(self, conn: Conn) -> None:
        conn.execute(f"CREATE TABLE gin_boxes (id bigint, cells bigint[], {BOX_COLS})")

    def load(self, conn: Conn, ids: npt.NDArray[np.int64], b: Boxes) -> None:
        owner, key = cells_of(b, with_time=False)
        bounds = np.searchsorted(owner, np.arange(len(b) + 1))
        keys = key.tolist()

        def lines() -> io.StringIO:
            out = io.StringIO()
            for n, (i, row) in enumerate(zip(ids.tolist(), b.tolist(), strict=True)):
                cells = ",".join(map(str, keys[bounds[n] : bounds[n + 1]]))
                out.write(f"{i}\t{{{cells}}}\t" + "\t".join(map(repr, row)) + "\n")
            return out

        copy_text(conn, "gin_boxes", lines)

    def index(self, conn: Conn) -> None:
        conn.execute("CREATE INDEX ON gin_boxes USING gin (cells)")

    def query(self, conn: Conn, q: Boxes) -> int:
        _, keys = cells_of(q, with_time=False)
        row = conn.execute(
            "SELECT count(*) FROM gin_boxes b WHERE cells && %(cells)s::bigint[] AND " + BOX_MATCH,
            {"cells": keys.tolist(), **dict(zip(NAMES, q[0].tolist(), strict=True))},
        ).fetchone()
        assert row is not None
        return int(row[0])


CANDIDATES: tuple[Candidate, ...] = (CubeGist(), CellBtree(), CellArrayGin())


def relation_bytes(conn: Conn, name: str) -> int:
    row = conn.execute("SELECT pg_total_relation_size(%s)", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def measure(
    conn: Conn, c: Candidate, stored: Boxes, extra: Boxes, queries: tuple[Boxes, Boxes]
) -> tuple[Measurement, list[int]]:
    c.create(conn)
    t = time.perf_counter()
    c.load(conn, np.arange(len(stored), dtype=np.int64), stored)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    c.index(conn)
    for name in c.tables:
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(name)))
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    c.load(conn, np.arange(len(stored), len(stored) + len(extra), dtype=np.int64), extra)
    insert_per_s = len(extra) / (time.perf_counter() - t)
    size = sum(relation_bytes(conn, name) for name in c.tables)
    small_p50, small_p99, small_counts = time_queries(conn, c, queries[0])
    large_p50, large_p99, large_counts = time_queries(conn, c, queries[1])
    return (
        Measurement(
            c.name,
            len(stored),
            load_s,
            index_s,
            insert_per_s,
            size / 2**20,
            small_p50,
            small_p99,
            sum(small_counts) / len(small_counts),
            large_p50,
            large_p99,
            sum(large_counts) / len(large_counts),
        ),
        small_counts + large_counts,
    )


def time_queries(conn: Conn, c: Candidate, queries: Boxes) -> tuple[float, float, list[int]]:
    """p50 and p99 latency (ms) and each query's count, after a warm-up from memory."""
    for q in queries[:50]:
        c.query(conn, q[None, :])
    times, counts = [], []
    for q in queries:
        t = time.perf_counter()
        counts.append(c.query(conn, q[None, :]))
        times.append((time.perf_counter() - t) * 1000.0)
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[98], counts


def run(url: str, sizes: list[int], n_queries: int, seed: int) -> list[Measurement]:
    results = []
    rng = np.random.default_rng(seed)
    queries = (draw_boxes(rng, n_queries), draw_boxes(rng, n_queries, LARGE))
    extra = draw_boxes(rng, INSERT_BATCH)
    for size in sizes:
        stored = draw_boxes(np.random.default_rng([seed, size]), size)
        reference: list[int] | None = None
        for c in CANDIDATES:
            schema = f"bench_pg_index_{os.getpid()}"
            with psycopg.connect(url, autocommit=True) as conn:
                ext = conn.execute(
                    "SELECT extnamespace::regnamespace::text FROM pg_extension"
                    " WHERE extname = 'cube'"
                ).fetchone()
                assert ext is not None, "the cube extension is not installed"
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
                try:
                    conn.execute(
                        sql.SQL("SET search_path TO {}, {}").format(
                            sql.Identifier(schema), sql.Identifier(ext[0])
                        )
                    )
                    conn.execute(
                        sql.SQL("SET maintenance_work_mem = {}").format(
                            sql.Literal(MAINTENANCE_WORK_MEM)
                        )
                    )
                    m, counts = measure(conn, c, stored, extra, queries)
                finally:
                    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
            if reference is None:
                reference = counts
            elif counts != reference:
                raise SystemExit(f"{c.name} disagrees with {CANDIDATES[0].name} at {size} boxes")
            print(f"  measured {m.candidate} at {size:,} boxes", flush=True)
            results.append(m)
    return results


def table(results: list[Measurement]) -> str:
    head = (
        "| candidate | boxes | load s | index s | inserts/s | size MB"
        " | small p50 ms | small p99 ms | small returned"
        " | large p50 ms | large p99 ms | large returned |"
    )
    rule = "|---|" + "---:|" * 11
    rows = [
        f"| {m.candidate} | {m.boxes:,} | {m.load_s:.1f} | {m.index_s:.1f} | {m.insert_per_s:,.0f}"
        f" | {m.size_mb:,.0f} | {m.small_p50_ms:.2f} | {m.small_p99_ms:.2f}"
        f" | {m.small_returned:.1f} | {m.large_p50_ms:.2f} | {m.large_p99_ms:.2f}"
        f" | {m.large_returned:.1f} |"
        for m in results
    ]
    return "\n".join([head, rule, *rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("DECONFLICT_TEST_PG_URL", "postgresql://127.0.0.1:5432/test"),
    )
    parser.add_argument("--sizes", default="100000,1000000", help="stored boxes, comma-separated")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(args.url, sizes, args.queries, args.seed)
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.python_version()}")
    print(table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([asdict(m) for m in results], f, indent=2)


if __name__ == "__main__":
    main()
