"""API benchmark: operation submissions per second and their latency over HTTP.

Each submission is `POST /v1/operations`: parsed, checked against every stored volume,
consulted and notified by agreement, committed durably (on disk before the answer), and
answered with the planner's view (or a receipt, `--prefer-minimal`). Two scenarios per backend:

- spread: the conflict benchmark's workload (bench/workload.py: 1,000,000 volumes over a
  500 km square and one day on SQLite, 10,000 on PostgreSQL) with zone and operation
  records beside them, and operations drawn from its own mix, by 1 and 8 clients;
- hotspot: 50,000 volumes within 5 km of one point, and 8 clients submitting operations
  that all overlap each other and that point; afterwards every submission's recorded
  conflicts are checked against a brute-force scan (bench/api_verify.py).

The server runs in its own process by default (`--server process`), so the clients' Python
does not take its GIL; `--server thread` runs uvicorn in a thread here, `both` does both.
Baselines are measured in the same run, just before each timed run and with as many
clients: `GET /healthz` and the authenticated `GET /v1/me` (`me`), and the submission use
case called directly, without HTTP, in one thread (`service`).

    python bench/api.py --quick
    python bench/api.py --backend sqlite --json bench/results/api-sqlite-1m.json
    python bench/api.py --backend postgres --json bench/results/api-postgres-10k.json
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table

if __package__ in (None, ""):
    # Run as `python bench/api.py`: make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api_load, api_server, api_world
from bench.api_verify import Oracle, verify
from bench.backends import chosen_backends
from bench.conflicts import Bench, postgres_bench, sqlite_bench
from bench.report import console, percentiles_us, results_table, write_json
from bench.workload import DEFAULT_CACHE_DIR, DEFAULT_SEED, Entry, Json, Workload
from deconflict.api.schemas.operations import OperationIn
from deconflict.api.settings import Settings
from deconflict.geometry import Reach
from deconflict.service import operations, parties
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore

FULL_STORED = {"sqlite": 1_000_000, "postgres": 10_000}
QUICK_STORED = 20_000
FULL_SUBMISSIONS = 2_000
QUICK_SUBMISSIONS = 300
HOT_STORED = 50_000
QUICK_HOT_STORED = 5_000
HOT_SUBMISSIONS = 300
QUICK_HOT_SUBMISSIONS = 200
CLIENTS = (1, 8)
HOT_CLIENTS = 8
#: Baseline calls per client before each timed run (half /healthz, half /v1/me).
BASELINE_CALLS = 200
#: Submissions made through the service directly (no HTTP), per store.
SERVICE_CALLS = 200
DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"


@dataclass(frozen=True, slots=True)
class Goal:
    """A figure a run must reach: on `backend`, in `scenario`, with `clients` clients."""

    backend: str
    scenario: str
    clients: int
    key: str
    label: str
    limit: float
    at_least: bool
    at_stored: int

    def matches(self, row: dict[str, object]) -> bool:
        return (row["backend"], row["scenario"], row["clients"]) == (
            self.backend,
            self.scenario,
            self.clients,
        )


#: The issue's latency target is a submission's own time, measured with one client: with 8
#: clients each waiting for its answer before the next, 200/s means 8 / 200 s = 40 ms per
#: answer on average (Little's law), so a 10 ms median at 8 clients would need ~800/s.
GOALS = (
    Goal("sqlite", "spread", 1, "p50_ms", "p50 per submission", 10.0, False, 1_000_000),
    Goal("sqlite", "spread", 8, "submissions_per_s", "submissions/s", 200.0, True, 1_000_000),
    Goal("sqlite", "hotspot", 8, "submissions_per_s", "submissions/s", 100.0, True, 50_000),
)

METRICS = (
    ("stored", "volumes stored"),
    ("submissions", "submissions"),
    ("failed", "failed"),
    ("submissions_per_s", "submissions / s"),
    ("p50_ms", "p50 (ms)"),
    ("p95_ms", "p95 (ms)"),
    ("p99_ms", "p99 (ms)"),
    ("p50_first_quarter_ms", "p50 first quarter (ms)"),
    ("p50_last_quarter_ms", "p50 last quarter (ms)"),
    ("conflicts_mean", "conflicts / submission"),
    ("healthz_p50_ms", "GET /healthz p50 (ms)"),
    ("me_p50_ms", "GET /v1/me p50 (ms)"),
    ("baseline_per_s", "baseline GETs / s"),
    ("p50_over_me", "p50 / me p50"),
    ("baseline_per_s_over_submissions_per_s", "GETs/s ÷ submissions/s"),
    ("service_p50_ms", "service only p50 (ms)"),
    ("p50_over_service", "p50 / service p50"),
    ("conflicts_verified", "conflicts verified"),
    ("verified_submissions", "verified submissions"),
)


# --- one store: build it, serve it, time it ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Served:
    """A built store, how to reach its database, and who submits."""

    bench: Bench
    database: str
    schema: str | None
    planners: list[api_world.Planner]
    workers: int  # server processes, in the "process" mode
    threads: int | None  # threads running requests per process (None: the default)

    @property
    def keys(self) -> list[str]:
        return [p.api_key for p in self.planners]


@contextmanager
def built(
    backend: str, entries: Iterable[Sequence[Entry]], args: argparse.Namespace
) -> Iterator[Served]:
    """A fresh store of `backend` holding `entries` (and their records), settled."""
    made = sqlite_bench(args.tmp_dir) if backend == "sqlite" else postgres_bench(args.pg_url)
    with made as bench:
        store = bench.store
        if isinstance(store, SqliteStore):
            database, schema = str(store.path), None
        else:
            assert isinstance(store, PostgresStore)
            database, schema = args.pg_url, store.schema
        planners = api_world.register_parties(api_server.service_over(store), args.planners)
        started = time.perf_counter()
        stored = api_world.load(store, entries)
        bench.settle()
        console().print(
            f"{backend}: loaded {stored:,} volumes in {time.perf_counter() - started:.1f} s"
        )
        yield Served(bench, database, schema, planners, args.workers, args.threads)


def server(served: Served, mode: str) -> AbstractContextManager[str]:
    if mode == "process":
        return api_server.in_process(served.database, served.schema, served.workers, served.threads)
    store = served.bench.store
    assert isinstance(store, SqliteStore | PostgresStore)
    app = api_server.app_over(served.database, api_server.service_over(store), served.threads)
    return api_server.in_thread(app)


def submission_calls(
    chosen: Sequence[tuple[Json, Reach]], *, minimal: bool = False
) -> list[api_load.Call]:
    """One submission each; `minimal` asks for receipts (`Prefer: return=minimal`)."""
    headers = (("Prefer", "return=minimal"),) if minimal else ()
    return [
        api_load.Call(
            "submit",
            "POST",
            "/v1/operations",
            api_world.submission_body(volume),
            201,
            i,
            headers,
        )
        for i, (volume, _) in enumerate(chosen)
    ]


def _conflict_count(answer: dict[str, Any]) -> int:
    """From the planner's view (a list) or a receipt (a count)."""
    found = answer["conflicts"]
    return found if isinstance(found, int) else len(found)


def timed_run(
    base_url: str, keys: Sequence[str], clients: int, calls: Sequence[api_load.Call]
) -> tuple[dict[str, object], list[tuple[int, str]]]:
    """Baseline, then the submissions; the row's figures and (index, id) of each created."""
    pair = [api_load.Call("healthz", "GET", "/healthz"), api_load.Call("me", "GET", "/v1/me")]
    base = api_load.run(base_url, keys[:clients], pair * (BASELINE_CALLS // 2 * clients), clients)
    run = api_load.run(base_url, keys[:clients], calls, clients)
    lat = run.latencies_ns("submit")
    if not lat:
        raise RuntimeError(f"every submission failed; the first: {run.errors[0][:2000]}")
    p50, p95, p99 = (v / 1e3 for v in percentiles_us(lat, 50, 95, 99))
    (healthz,) = (v / 1e3 for v in percentiles_us(base.latencies_ns("healthz"), 50))
    (me,) = (v / 1e3 for v in percentiles_us(base.latencies_ns("me"), 50))
    per_s = run.per_s("submit")
    ordered = sorted((s for s in run.samples if s.label == "submit"), key=lambda s: s.index)
    quarter = max(1, len(ordered) // 4)
    (first_q,) = percentiles_us([s.latency_ns for s in ordered[:quarter]], 50)
    (last_q,) = percentiles_us([s.latency_ns for s in ordered[-quarter:]], 50)
    answers = [s for s in run.samples if s.answer is not None]
    conflicts = [_conflict_count(s.answer) for s in answers if s.answer is not None]
    if run.errors:
        console().print(f"[red]{len(run.errors)} calls failed; the first: {run.errors[0][:300]}[/]")
    row: dict[str, object] = {
        "clients": clients,
        "failed": len(run.errors),
        "submissions": len(lat),
        "submissions_per_s": round(per_s, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(p99, 2),
        "p50_first_quarter_ms": round(first_q / 1e3, 2),
        "p50_last_quarter_ms": round(last_q / 1e3, 2),
        "conflicts_mean": round(float(np.mean(conflicts)), 2),
        "healthz_p50_ms": round(healthz, 3),
        "me_p50_ms": round(me, 3),
        "baseline_per_s": round(len(base.samples) / (base.wall_ns / 1e9), 1),
        "p50_over_me": round(p50 / me, 1),
        "baseline_per_s_over_submissions_per_s": round(
            len(base.samples) / (base.wall_ns / 1e9) / per_s, 1
        ),
    }
    return row, [(s.index, str(s.answer["id"])) for s in answers if s.answer is not None]


def service_only(
    served: Served, chosen: Sequence[tuple[Json, Reach]], profile: Path | None
) -> float:
    """p50 (ms) of the submission use case called directly: body parsing, check, commit."""
    store = served.bench.store
    assert isinstance(store, SqliteStore | PostgresStore)
    svc = api_server.service_over(store)
    by = parties.authenticate(svc, served.keys[0])
    bodies = [api_world.submission_body(volume) for volume, _ in chosen]
    profiler = cProfile.Profile() if profile is not None else None
    latencies: list[int] = []
    for n, body in enumerate(bodies):
        # When profiling, every other submission is profiled and only the others timed.
        profiled = profiler is not None and n % 2 == 1
        if profiled and profiler is not None:
            profiler.enable()
        t0 = time.perf_counter_ns()
        plan = OperationIn.model_validate_json(body).to_domain(svc.model)
        operations.submit_operation(svc, by, plan)
        if not profiled:
            latencies.append(time.perf_counter_ns() - t0)
        elif profiler is not None:
            profiler.disable()
    if profiler is not None and profile is not None:
        profile.parent.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(profile)
        console().print(f"\nprofile {profile} (service only; top by cumulative time):")
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(30)
    (p50,) = percentiles_us(latencies, 50)
    return p50 / 1e3


def scenario(
    backend: str,
    name: str,
    stored: Stored,
    chosen: Sequence[tuple[Json, Reach]],
    client_counts: Sequence[int],
    args: argparse.Namespace,
) -> list[dict[str, object]]:
    """Every (server mode, client count) run; `chosen` is split among them.

    The runs share one store unless `stored.fresh_per_run`: then each (and the service-only
    run after them) starts from a store holding only `stored`, so none sees the others'.
    """
    runs = [(mode, clients) for mode in args.modes for clients in client_counts]
    share = len(chosen) // (len(runs) + 1)  # the last share goes to the service-only run
    parts = [chosen[n * share : (n + 1) * share] for n in range(len(runs) + 1)]
    rows: list[dict[str, object]] = []
    submitted: list[tuple[str, Reach]] = []
    with ExitStack() as stack:
        served = stack.enter_context(built(backend, stored.batches, args))
        for n, (mode, clients) in enumerate(runs):
            if stored.fresh_per_run and n > 0:
                stack.close()
                served = stack.enter_context(built(backend, stored.batches, args))
                submitted = []
            row = one_run(
                served, mode, clients, parts[n], stored, submitted, minimal=args.prefer_minimal
            )
            rows.append({"backend": backend, "scenario": name, "stored": stored.count, **row})
            console().print(
                f"{backend} {name} {mode} x{clients}: {row['submissions_per_s']}/s, "
                f"p50 {row['p50_ms']} ms, verified {row['conflicts_verified']}"
            )
        if stored.fresh_per_run:
            stack.close()
            served = stack.enter_context(built(backend, stored.batches, args))
        profile = None if args.profile is None else args.profile / f"{backend}-{name}.pstats"
        service_p50 = service_only(served, parts[-1], profile)
    for row in rows:
        row["service_p50_ms"] = round(service_p50, 2)
        p50 = row["p50_ms"]
        assert isinstance(p50, float)
        row["p50_over_service"] = round(p50 / service_p50, 2)
        row["seed"] = args.seed
    return rows


def one_run(
    served: Served,
    mode: str,
    clients: int,
    chosen: Sequence[tuple[Json, Reach]],
    stored: Stored,
    submitted: list[tuple[str, Reach]],
    *,
    minimal: bool = False,
) -> dict[str, object]:
    """Serve, time `chosen` with `clients` clients, then verify (adding to `submitted`)."""
    with server(served, mode) as base_url:
        api_load.wait_ready(base_url)
        calls = submission_calls(chosen, minimal=minimal)
        row, created = timed_run(base_url, served.keys, clients, calls)
    made = [(operation_id, chosen[index][1]) for index, operation_id in created]
    submitted += made
    workers = served.workers if mode == "process" else 1
    answer = "receipt" if minimal else "full"
    threads = served.threads or Settings.model_fields["request_threads"].default
    row = {"server": mode, "workers": workers, "threads": threads, "answer": answer, **row}
    row["conflicts_verified"] = None
    if stored.oracle is not None:
        store = served.bench.store
        assert isinstance(store, SqliteStore | PostgresStore)
        verdict = verify(store, stored.oracle, submitted, {i for i, _ in made})
        row["conflicts_verified"] = verdict.ok
        row["verified_submissions"] = verdict.checked
        row["verification_mismatches"] = verdict.mismatched[:20]
    return row


@dataclass(frozen=True, slots=True)
class Stored:
    """What a scenario stores: batches of entries, how many, and an oracle if verified."""

    batches: Iterable[Sequence[Entry]]
    count: int
    oracle: Oracle | None
    fresh_per_run: bool = False


def spread_stored(workload: Workload, verify_limit: int) -> Stored:
    if workload.stored > verify_limit:
        return Stored(workload.stored_batches(), workload.stored, None)
    batches = list(workload.stored_batches())
    return Stored(batches, workload.stored, Oracle([e for b in batches for e in b]))


def hot_stored(seed: int, count: int) -> Stored:
    entries = api_world.hot_stored(seed, count)
    return Stored([entries], count, Oracle(entries), fresh_per_run=True)


def run_backend(backend: str, args: argparse.Namespace) -> list[dict[str, object]]:
    out = console()
    stored = args.stored or (QUICK_STORED if args.quick else FULL_STORED[backend])
    submissions = args.submissions or (QUICK_SUBMISSIONS if args.quick else FULL_SUBMISSIONS)
    runs = len(args.modes) * len(CLIENTS) + 1
    workload = Workload(
        stored,
        0,
        seed=args.seed,
        cache_dir=None if args.no_cache else args.cache_dir,
        processes=args.processes,
    )
    started = time.perf_counter()
    made = workload.prepare()
    took = time.perf_counter() - started
    out.print(f"workload: {stored:,} stored; {made} chunks generated in {took:.1f} s")
    rows = scenario(
        backend,
        "spread",
        spread_stored(workload, args.verify_limit),
        api_world.spread_submissions(args.seed, submissions * runs),
        CLIENTS,
        args,
    )
    if args.hot_stored > 0:
        hot_runs = len(args.modes) + 1
        rows += scenario(
            backend,
            "hotspot",
            hot_stored(args.seed, args.hot_stored),
            api_world.hot_submissions(args.seed, args.hot_submissions * hot_runs),
            (HOT_CLIENTS,),
            args,
        )
    return rows


# --- the command line -----------------------------------------------------------------


def goals_table(rows: Sequence[dict[str, object]]) -> Table:
    table = Table(title="Targets")
    for header in ("run", "figure", "at stored", "target", "measured", "met"):
        table.add_column(header, justify="left" if header in ("run", "figure") else "right")
    for goal in GOALS:
        for row in (r for r in rows if goal.matches(r)):
            value = row[goal.key]
            assert isinstance(value, int | float)
            met = value >= goal.limit if goal.at_least else value <= goal.limit
            stored = row["stored"]
            assert isinstance(stored, int)
            verdict = "yes" if met else "no"
            if stored >= goal.at_stored:
                verdict = f"[green]{verdict}[/]" if met else f"[red]{verdict}[/]"
            else:
                verdict = f"[dim]({verdict})[/]"
            table.add_row(
                column(row),
                goal.label,
                f"{goal.at_stored:,}",
                f"{'≥' if goal.at_least else '≤'} {goal.limit:g}",
                f"{value:g}",
                verdict,
            )
    table.caption = "(in brackets): measured below the stored size the target is set for"
    return table


def column(row: dict[str, object]) -> str:
    server = f"{row['server']}" if row.get("workers", 1) == 1 else f"{row['workers']} processes"
    if row.get("threads") == 1:
        server += " × 1 thread"
    return f"{row['backend']} {row['scenario']} x{row['clients']} {server}"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="20,000 stored, 300 submissions")
    parser.add_argument(
        "--stored", type=int, help="volumes stored (default 1,000,000 SQLite, 10,000 PostgreSQL)"
    )
    parser.add_argument(
        "--submissions", type=int, help=f"per timed spread run (default {FULL_SUBMISSIONS:,})"
    )
    parser.add_argument(
        "--hot-stored", type=int, help=f"hot-spot volumes (default {HOT_STORED:,}; 0: no hot spot)"
    )
    parser.add_argument(
        "--hot-submissions", type=int, help=f"per hot-spot run (default {HOT_SUBMISSIONS})"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--server", choices=("process", "thread", "both"), default="process")
    parser.add_argument("--json", type=Path, help="write one result object per run here")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes on the port with --server process (deconflict serve --workers)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="threads running requests per server process (deconflict serve --threads)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--planners", type=int, default=HOT_CLIENTS, help="submitting parties")
    parser.add_argument(
        "--verify-limit",
        type=int,
        default=100_000,
        help="verify the spread scenario up to this many stored",
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--tmp-dir", type=Path, help="where the SQLite files are made")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--no-cache", action="store_true", help="generate, never read or write")
    parser.add_argument("--processes", type=int, default=2, help="for generating the workload")
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of the service-only runs here"
    )
    parser.add_argument("--show", type=Path, help="only print the tables of a JSON file written")
    parser.add_argument(
        "--prefer-minimal",
        action="store_true",
        help="submissions ask for receipts (Prefer: return=minimal) instead of the full view",
    )
    args = parser.parse_args(argv)
    if args.hot_stored is None:
        args.hot_stored = QUICK_HOT_STORED if args.quick else HOT_STORED
    if args.hot_submissions is None:
        args.hot_submissions = QUICK_HOT_SUBMISSIONS if args.quick else HOT_SUBMISSIONS
    args.modes = ["process", "thread"] if args.server == "both" else [args.server]
    return args


def show(rows: Sequence[dict[str, object]]) -> None:
    """One table per backend and scenario (a column per run), then the targets."""
    out = console()
    groups = dict.fromkeys((r["backend"], r["scenario"]) for r in rows)
    for backend, name in groups:
        runs = [r for r in rows if (r["backend"], r["scenario"]) == (backend, name)]
        labelled = [{**r, "backend": f"x{r['clients']} {r['server']}"} for r in runs]
        title = f"POST /v1/operations: {backend}, {name}"
        out.print(results_table(title, labelled, METRICS))
    out.print(goals_table(rows))
    out.print(
        "[dim]Latency per request as the client sees it; submissions/s over the run's wall "
        "time. Baselines just before each run, with as many clients; service = the use case "
        "called directly, one thread, no HTTP.[/]"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = console()
    if args.show is not None:
        show(json.loads(args.show.read_text(encoding="utf-8")))
        return 0
    backends = chosen_backends(args.backend, args.pg_url, out)
    if backends is None:
        return 2
    rows = [row for backend in backends for row in run_backend(backend, args)]
    show(rows)
    if args.json is not None:
        write_json(args.json, rows)
        out.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
