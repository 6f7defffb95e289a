"""Whether the time an answer takes tells an unknown id from another party's existing one.

The design brief: "lists, searches, counts, error messages and timings must not reveal that
other parties' entities exist. An unknown id and a forbidden id answer the same way." The
answers are byte-identical (tests/api/test_need_to_know.py); this measures their timing.

A fresh store per backend is seeded with a fictional world (bench/id_timing_world.py): the
Northmere Army, whose members make every request, and three parties whose zones,
operations, consultations, notices, warnings, subscriptions, webhooks, deliveries and
members Northmere may not see. The API is served by its own process (bench/api_server.py).
For each endpoint that takes an id (in its path, or as a list's cursor), the bench sends
pairs of requests: one for another party's id, one for an unknown id that differs from it
in its last hex digit (so a cursor lands in the same place of a list). The two of a pair
go one after the other in a random order, and pairs of all endpoints take turns, so the
machine's noise falls on both alike. Both must answer the same status (the bench checks).

The table gives, per endpoint, the median of each, their difference, the median of the
differences within pairs, and the Mann–Whitney U test (bench/ranks.py): z, two-sided p,
and P(forbidden slower), which is 0.5 when neither tends to take longer.

    python -m bench.id_timing [--backend sqlite|postgres|both] [--pairs 2000] [--quick]
                              [--json FILE] [--show FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import psycopg
from psycopg import sql
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api_server
from bench.backends import chosen_backends
from bench.id_timing_world import Probe, probes, seed
from bench.ranks import mann_whitney
from bench.report import console, write_json
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"
FULL_PAIRS = 2000
QUICK_PAIRS = 200
#: Pairs sent before the timed ones, per endpoint: connections, caches and plans warm up.
WARMUP_PAIRS = 20
#: Below this p the table marks a difference: strict, as some twenty endpoints are tested.
ALPHA = 0.001


@contextmanager
def fresh_database(backend: str, args: argparse.Namespace) -> Iterator[tuple[str, str | None]]:
    """A new, empty store of `backend` (schema made), as the server process will open it."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="deconflict-ids-", dir=args.tmp_dir) as tmp:
            path = Path(tmp) / "ids.sqlite"
            SqliteStore(path).close()
            yield str(path), None
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    PostgresStore(args.pg_url, schema=schema).close()
    try:
        yield args.pg_url, schema
    finally:
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _send(client: httpx.Client, probe: Probe, path: str) -> tuple[int, int]:
    started = time.perf_counter_ns()
    answer = client.request(probe.method, path, json=probe.body, headers=probe.headers)
    return time.perf_counter_ns() - started, answer.status_code


def _pair(client: httpx.Client, probe: Probe, k: int, forbidden_first: bool) -> tuple[int, int]:
    """One forbidden and one unknown request, in the order given; (forbidden ns, unknown ns)."""
    theirs, nobodys = probe.pairs[k % len(probe.pairs)]
    if forbidden_first:
        (f_ns, f_status), (u_ns, u_status) = (
            _send(client, probe, theirs),
            _send(client, probe, nobodys),
        )
    else:
        (u_ns, u_status), (f_ns, f_status) = (
            _send(client, probe, nobodys),
            _send(client, probe, theirs),
        )
    if f_status != u_status or f_status != probe.status:
        raise RuntimeError(
            f"{probe.name}: another party's id answered {f_status}, an unknown one {u_status} "
            f"(expected {probe.status} for both)"
        )
    return f_ns, u_ns


def measure(base_url: str, found: list[Probe], pairs: int, seed_: int) -> list[dict[str, object]]:
    rng = random.Random(seed_)
    clients = {
        key: httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {key}"})
        for key in {p.key for p in found}
    }
    samples: dict[str, tuple[list[int], list[int]]] = {p.name: ([], []) for p in found}
    try:
        for _ in range(WARMUP_PAIRS):
            for probe in found:
                _pair(clients[probe.key], probe, rng.randrange(1 << 30), rng.random() < 0.5)
        gc.collect()
        gc.freeze()  # the client's collections would fall on whichever request is running
        for k in range(pairs):
            order = list(found)
            rng.shuffle(order)
            for probe in order:
                f_ns, u_ns = _pair(clients[probe.key], probe, k, rng.random() < 0.5)
                samples[probe.name][0].append(f_ns)
                samples[probe.name][1].append(u_ns)
    finally:
        gc.unfreeze()
        for client in clients.values():
            client.close()
    return [_row(probe, *samples[probe.name]) for probe in found]


def _row(probe: Probe, forbidden_ns: list[int], unknown_ns: list[int]) -> dict[str, object]:
    f = np.asarray(forbidden_ns, dtype=np.float64) / 1_000.0
    u = np.asarray(unknown_ns, dtype=np.float64) / 1_000.0
    test = mann_whitney(f.tolist(), u.tolist())
    return {
        "endpoint": probe.name,
        "path": probe.template,
        "status": probe.status,
        "pairs": len(f),
        "forbidden_median_us": float(np.median(f)),
        "unknown_median_us": float(np.median(u)),
        "difference_us": float(np.median(f) - np.median(u)),
        "paired_difference_us": float(np.median(f - u)),
        "u": test.u,
        "z": test.z,
        "p": test.p,
        "p_forbidden_slower": test.superiority,
    }


def run_backend(backend: str, args: argparse.Namespace) -> list[dict[str, object]]:
    out = console()
    pairs = args.pairs or (QUICK_PAIRS if args.quick else FULL_PAIRS)
    with (
        fresh_database(backend, args) as (database, schema),
        api_server.in_process(database, schema) as base_url,
    ):
        started = time.perf_counter()
        world = seed(base_url, database, schema, vertices=args.vertices, count=args.count)
        found = probes(world)
        out.print(f"{backend}: seeded in {time.perf_counter() - started:.1f} s; {pairs} pairs")
        started = time.perf_counter()
        rows = measure(base_url, found, pairs, args.seed)
        out.print(f"{backend}: measured in {time.perf_counter() - started:.1f} s")
    return [{"backend": backend, "vertices": args.vertices, **row} for row in rows]


def table(backend: str, rows: Sequence[dict[str, object]]) -> Table:
    first = rows[0] if rows else {}
    title = (
        f"Another party's id against an unknown id: {backend}, "
        f"{first.get('pairs', 0):,} pairs, polygons of {first.get('vertices', '?')} vertices"
    )
    result = Table(title=title)
    result.add_column("endpoint")
    for header in (
        "status",
        "forbidden p50 µs",
        "unknown p50 µs",
        "Δ p50 µs",
        "paired Δ µs",
        "z",
        "p",
        "P(forbidden slower)",
    ):
        result.add_column(header, justify="right")
    for row in rows:
        p = float(str(row["p"]))
        mark = "[red]" if p < ALPHA else ""
        result.add_row(
            str(row["endpoint"]),
            str(row["status"]),
            f"{row['forbidden_median_us']:,.0f}",
            f"{row['unknown_median_us']:,.0f}",
            f"{mark}{row['difference_us']:+,.0f}",
            f"{mark}{row['paired_difference_us']:+,.0f}",
            f"{row['z']:+.1f}",
            f"{mark}{p:.2g}",
            f"{row['p_forbidden_slower']:.3f}",
        )
    result.caption = f"red: p < {ALPHA} (two-sided Mann–Whitney U)"
    return result


def show(rows: Sequence[dict[str, object]]) -> None:
    out = console()
    for backend in dict.fromkeys(str(r["backend"]) for r in rows):
        out.print(table(backend, [r for r in rows if r["backend"] == backend]))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAIRS} pairs per endpoint")
    parser.add_argument("--pairs", type=int, help=f"pairs per endpoint (default {FULL_PAIRS})")
    parser.add_argument(
        "--vertices", type=int, default=200, help="positions in each seeded polygon's ring"
    )
    parser.add_argument("--count", type=int, default=8, help="entities of each kind per party")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--json", type=Path, help="write one result object per endpoint here")
    parser.add_argument("--show", type=Path, help="only print the tables of a JSON file written")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--tmp-dir", type=Path, help="where the SQLite file is made")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = console()
    if args.show is not None:
        show(json.loads(args.show.read_text(encoding="utf-8")))
        return 0
    backends = chosen_backends(args.backend, args.pg_url, out)
    if backends is None:
        return 2
    rows = []
    for backend in backends:
        measured = run_backend(backend, args)
        out.print(table(backend, measured))
        rows += measured
    if args.json is not None:
        write_json(args.json, rows)
        out.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
