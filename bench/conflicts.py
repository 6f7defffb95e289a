"""Conflict-search benchmark: build each store from the workload, then time its searches.

For each backend: the wall time of the bulk load, the size on disk, and per query the
latency of the full search (prefilter + exact check) as a use case pays it, interleaved
with the bare prefilter and an empty read transaction, so the ratios compare figures taken
side by side on the same (shared, noisy) machine. A second pass times the search's SQL
alone (its candidate rows, read as the search reads them, nothing decided) against the
bare prefilter the same way: the least full/bare any exact check could give.

    python bench/conflicts.py --quick                  # 10,000 stored, 2,000 queries
    python bench/conflicts.py --backend sqlite --json bench/results/conflicts.json
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import pstats
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
import psycopg
from psycopg import sql

from deconflict.domain.entities import VolumeOwner
from deconflict.geometry import Reach
from deconflict.store.interface import VolumeHit, VolumeIndex
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

if __package__ in (None, ""):
    # Run as `python bench/conflicts.py`: make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.backends import chosen_backends
from bench.report import (
    Target,
    console,
    percentiles_us,
    results_table,
    targets_table,
    write_json,
)
from bench.workload import DEFAULT_CACHE_DIR, DEFAULT_SEED, Workload

FULL_STORED = 1_000_000
FULL_QUERIES = 10_000
QUICK_STORED = 10_000
QUICK_QUERIES = 2_000
DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"

TARGETS = (
    Target("sqlite", "p50_us", "full search p50", 150.0, "µs", FULL_STORED),
    Target("sqlite", "p99_us", "full search p99", 500.0, "µs", FULL_STORED),
    Target("sqlite", "full_over_bare_p50", "full / bare prefilter p50", 2.0, "×", FULL_STORED),
    Target("sqlite", "build_s", "build", 60.0, "s", FULL_STORED),
    Target("postgres", "p50_us", "full search p50", 1_500.0, "µs", FULL_STORED),
)

METRICS = (
    ("stored", "volumes stored"),
    ("queries", "queries"),
    ("build_s", "build (s)"),
    ("index_mb", "on disk (MB)"),
    ("p50_us", "full search p50 (µs)"),
    ("p95_us", "full search p95 (µs)"),
    ("p99_us", "full search p99 (µs)"),
    ("bare_p50_us", "bare prefilter p50 (µs)"),
    ("bare_p99_us", "bare prefilter p99 (µs)"),
    ("full_over_bare_p50", "full / bare p50"),
    ("rows_p50_us", "candidate rows p50 (µs)"),
    ("rows_over_bare_p50", "candidate rows / bare p50"),
    ("empty_read_p50_us", "empty read p50 (µs)"),
    ("candidates_mean", "candidates per query, mean"),
    ("conflicts_mean", "conflicts per query, mean"),
    ("rows_mean", "candidate rows per query, mean"),
    ("candidates_p50", "candidates per query, p50"),
    ("conflicts_p50", "conflicts per query, p50"),
)


T = TypeVar("T")


class VolumeTransaction(Protocol):
    """The part of a store transaction this benchmark uses."""

    @property
    def volumes(self) -> VolumeIndex: ...


#: A read that counts what the bare prefilter returns.
Bare = Callable[[VolumeTransaction], int]


class VolumeStore(Protocol):
    """The part of `Store` this benchmark uses; nothing else of the store is needed here."""

    def write(self, work: Callable[[VolumeTransaction], T]) -> T: ...

    def read(self, work: Callable[[VolumeTransaction], T]) -> T: ...

    def close(self) -> None: ...


@dataclasses.dataclass(frozen=True, slots=True)
class Bench:
    """A freshly made, empty store, and how to settle and size it after the load."""

    store: VolumeStore
    settle: Callable[[], None]  # what a deployment's housekeeping would do after a load
    size_bytes: Callable[[], int]


@contextmanager
def sqlite_bench(tmp_dir: Path | None) -> Iterator[Bench]:
    with tempfile.TemporaryDirectory(prefix="deconflict-bench-", dir=tmp_dir) as tmp:
        path = Path(tmp) / "bench.sqlite"
        store = SqliteStore(path)
        try:
            yield Bench(store, partial(sqlite_checkpoint, path), partial(_sqlite_size, path))
        finally:
            store.close()


def sqlite_checkpoint(path: Path) -> None:
    """Copy a SQLite file's log into it and empty the log, so a load leaves no log behind."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _sqlite_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.iterdir() if p.name.startswith(path.name))


@contextmanager
def postgres_bench(url: str) -> Iterator[Bench]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    store: PostgresStore | None = None
    try:
        store = PostgresStore(url, schema=schema)
        yield Bench(store, partial(_pg_vacuum, url, schema), partial(_pg_size, url, schema))
    finally:
        if store is not None:
            store.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _pg_tables(conn: psycopg.Connection[tuple[object, ...]], schema: str) -> list[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
    return [str(r[0]) for r in rows]


def _pg_vacuum(url: str, schema: str) -> None:
    # Autovacuum would analyse a million fresh rows on its own, in the middle of the timed
    # queries; doing it now gives the planner its statistics before the clock starts.
    with psycopg.connect(url, autocommit=True) as conn:
        for table in _pg_tables(conn, schema):
            conn.execute(
                sql.SQL("VACUUM (ANALYZE) {}.{}").format(*map(sql.Identifier, (schema, table)))
            )


def _pg_size(url: str, schema: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'm')",
            (schema,),
        ).fetchone()
    assert row is not None
    return int(str(row[0]))


# --- the measurements -----------------------------------------------------------------


def _add_many(
    tx: VolumeTransaction, *, entries: Sequence[tuple[VolumeOwner, Sequence[Reach]]]
) -> int:
    return tx.volumes.add_many(entries)


def _search(tx: VolumeTransaction, *, query: Reach, now: datetime) -> list[VolumeHit]:
    return tx.volumes.search(query, now=now)


def _prefilter(tx: VolumeTransaction, *, query: Reach, now: datetime) -> int:
    return tx.volumes.prefilter_count(query, now=now)


def _candidates(tx: VolumeTransaction, *, query: Reach, now: datetime) -> int:
    return tx.volumes.candidate_count(query, now=now)


def _nothing(tx: VolumeTransaction) -> None:
    del tx


def build(
    store: VolumeStore, workload: Workload, batch: int, profile: cProfile.Profile | None = None
) -> float:
    """Seconds spent inside `store.write` loading the workload; reading the cache is excluded.

    A profile, when given, likewise sees only the writes.
    """
    phase: AbstractContextManager[object] = profile if profile is not None else nullcontext()
    spent_ns = 0
    for chunk in workload.stored_batches():
        for first in range(0, len(chunk), batch):
            work = partial(_add_many, entries=chunk[first : first + batch])
            with phase:
                started = time.perf_counter_ns()
                store.write(work)
                spent_ns += time.perf_counter_ns() - started
    stored = store.read(lambda tx: tx.volumes.count())
    if stored != workload.stored:
        raise RuntimeError(f"the store holds {stored} volumes, not {workload.stored}")
    return spent_ns / 1e9


@dataclasses.dataclass(frozen=True, slots=True)
class Samples:
    full_ns: list[int]
    bare_ns: list[int]
    empty_ns: list[int]
    candidates: list[int]
    conflicts: list[int]
    # The second pass: the search's SQL alone, and the bare prefilter beside it.
    rows_ns: list[int]
    rows_bare_ns: list[int]
    rows: list[int]


def measure(store: VolumeStore, queries: Sequence[Reach], now: datetime, warmup: int) -> Samples:
    """Each query's full search and bare prefilter, each in its own read transaction, with
    an empty read transaction after each pair, the floor both stand on; then, in a second
    pass, each query's candidate rows beside its bare prefilter again."""
    full = [partial(_search, query=q, now=now) for q in queries]
    bare = [partial(_prefilter, query=q, now=now) for q in queries]
    rows = [partial(_candidates, query=q, now=now) for q in queries]
    for i in range(min(warmup, len(queries))):
        store.read(full[-1 - i])
        store.read(bare[-1 - i])
    samples = Samples([], [], [], [], [], [], [], [])
    clock = time.perf_counter_ns
    gc.collect()
    for full_ns, bare_ns, hits, candidates in _side_by_side(store, full, bare):
        t0 = clock()
        store.read(_nothing)
        samples.empty_ns.append(clock() - t0)
        samples.full_ns.append(full_ns)
        samples.bare_ns.append(bare_ns)
        samples.candidates.append(candidates)
        samples.conflicts.append(len(hits))
    gc.collect()
    for rows_ns, bare_ns, count, _ in _side_by_side(store, rows, bare):
        samples.rows_ns.append(rows_ns)
        samples.rows_bare_ns.append(bare_ns)
        samples.rows.append(count)
    return samples


def _side_by_side(
    store: VolumeStore, first: Sequence[Callable[[VolumeTransaction], T]], bare: Sequence[Bare]
) -> Iterator[tuple[int, int, T, int]]:
    """Per query, the nanoseconds and results of `first` and of `bare`, each in its own
    read transaction. The two alternate which goes first, so neither always finds the
    pages the other just read."""
    clock = time.perf_counter_ns
    for i, (work, count) in enumerate(zip(first, bare, strict=True)):
        if i % 2 == 0:
            t0 = clock()
            result = store.read(work)
            t1 = clock()
            counted = store.read(count)
            t2 = clock()
            yield t1 - t0, t2 - t1, result, counted
        else:
            t0 = clock()
            counted = store.read(count)
            t1 = clock()
            result = store.read(work)
            t2 = clock()
            yield t2 - t1, t1 - t0, result, counted


def run_backend(
    name: str, bench: Bench, workload: Workload, args: argparse.Namespace
) -> dict[str, object]:
    profile = None if args.profile is None else cProfile.Profile()
    build_s = build(bench.store, workload, args.batch, profile)
    if profile is not None:
        _report_profile(profile, args.profile / f"{name}-build.pstats")
    settle_started = time.perf_counter()
    bench.settle()
    settle_s = time.perf_counter() - settle_started
    size = bench.size_bytes()
    queries = workload.query_set()
    profile = None if args.profile is None else cProfile.Profile()
    with profile if profile is not None else nullcontext():
        samples = measure(bench.store, queries, workload.start, args.warmup)
    if profile is not None:
        _report_profile(profile, args.profile / f"{name}-queries.pstats")
    if args.samples is not None:
        write_json(args.samples / f"{name}-samples.json", [dataclasses.asdict(samples)])
    p50, p95, p99 = percentiles_us(samples.full_ns, 50, 95, 99)
    bare_p50, bare_p99 = percentiles_us(samples.bare_ns, 50, 99)
    (empty_p50,) = percentiles_us(samples.empty_ns, 50)
    (rows_p50,) = percentiles_us(samples.rows_ns, 50)
    (rows_bare_p50,) = percentiles_us(samples.rows_bare_ns, 50)
    row: dict[str, object] = {
        "backend": name,
        "stored": workload.stored,
        "queries": len(queries),
        "build_s": round(build_s, 3),
        "p50_us": round(p50, 1),
        "p95_us": round(p95, 1),
        "p99_us": round(p99, 1),
        "bare_p50_us": round(bare_p50, 1),
        # The index's own tail: a p99 target below it is out of reach of any exact check.
        "bare_p99_us": round(bare_p99, 1),
        "full_over_bare_p50": round(p50 / bare_p50, 3),
        "rows_p50_us": round(rows_p50, 1),
        "rows_bare_p50_us": round(rows_bare_p50, 1),
        "rows_over_bare_p50": round(rows_p50 / rows_bare_p50, 3),
        "rows_mean": round(float(np.mean(samples.rows)), 3),
        "candidates_mean": round(float(np.mean(samples.candidates)), 3),
        "conflicts_mean": round(float(np.mean(samples.conflicts)), 3),
        "candidates_p50": float(np.median(samples.candidates)),
        "conflicts_p50": float(np.median(samples.conflicts)),
        "index_bytes": size,
        "index_mb": round(size / 1e6, 1),
        "settle_s": round(settle_s, 3),
        "empty_read_p50_us": round(empty_p50, 1),
        "seed": workload.seed,
    }
    row["targets"] = [
        {
            "key": t.key,
            "limit": t.limit,
            "at_stored": t.at_stored,
            "met": t.is_met(row),
            "applies": t.applies(row),
        }
        for t in TARGETS
        if t.backend == name
    ]
    return row


def _report_profile(profile: cProfile.Profile, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(path)
    print(f"\nprofile {path} (top by own time):")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(15)


# --- the command line -----------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 stored, 2,000 queries")
    parser.add_argument("--stored", type=int, help=f"volumes stored (default {FULL_STORED:,})")
    parser.add_argument("--queries", type=int, help=f"query volumes (default {FULL_QUERIES:,})")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--json", type=Path, help="write one result object per backend here")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=10_000, help="volumes per write transaction")
    parser.add_argument("--warmup", type=int, default=200, help="untimed queries first")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--tmp-dir", type=Path, help="where the SQLite file is made")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--no-cache", action="store_true", help="generate, never read or write")
    parser.add_argument("--processes", type=int, default=2, help="for generating the workload")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of each phase here")
    parser.add_argument("--samples", type=Path, help="write every query's figures here")
    args = parser.parse_args(argv)
    args.stored = args.stored or (QUICK_STORED if args.quick else FULL_STORED)
    args.queries = args.queries or (QUICK_QUERIES if args.quick else FULL_QUERIES)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = console()
    backends = chosen_backends(args.backend, args.pg_url, out)
    if backends is None:
        return 2
    workload = Workload(
        args.stored,
        args.queries,
        seed=args.seed,
        cache_dir=None if args.no_cache else args.cache_dir,
        processes=args.processes,
    )
    started = time.perf_counter()
    made = workload.prepare()
    workload.query_set()
    out.print(
        f"workload: {args.stored:,} stored, {args.queries:,} queries, seed {args.seed}; "
        f"{made} chunks generated, ready in {time.perf_counter() - started:.1f} s"
    )
    rows = []
    for name in backends:
        bench = sqlite_bench(args.tmp_dir) if name == "sqlite" else postgres_bench(args.pg_url)
        with bench as b:
            rows.append(run_backend(name, b, workload, args))
        out.print(f"{name}: done")
    out.print(results_table("Conflict search", rows, METRICS))
    out.print(targets_table(rows, TARGETS))
    out.print(
        "[dim]full = store.read(search); bare = store.read(prefilter_count); "
        "empty = store.read(nothing); candidate rows = store.read(candidate_count), the "
        "search's SQL alone, timed against bare again in a second pass. Latencies per "
        "call, whole transaction included.[/]"
    )
    if args.json is not None:
        write_json(args.json, rows)
        out.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
