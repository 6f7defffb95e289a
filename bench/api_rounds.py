"""Rounds of submissions on a kept world: where the server's CPU and the machine's idle go.

`bench/api.py` builds its world anew for every run, ~4 minutes at a million volumes, and
reports rates. To compare two versions of the code, or two settings, on one machine in
one hour, this keeps a world (volumes, records, parties and keys) in a directory, and for
each round serves a fresh copy of it with `--workers` processes and sends `--submissions`
submissions (receipts) from `--clients` clients taking them from one queue. Per round:
submissions/s, the server's user and system CPU per submission by thread (each process's
event loop, its busiest other threads), the clients' CPU, how idle the machine was, and
how the kernel spread the clients' connections over the processes.

    python bench/api_rounds.py --world /tmp/world-1m --rounds 3
    python /path/to/other/checkout/bench/api_rounds.py --world /tmp/world-1m  # its code

Each round's submissions are drawn afresh (`--offset` moves the draw), so rounds compare
through their own rates, not one submission against another.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api_load, api_server, api_world
from bench.api import HOT_CLIENTS, submission_calls
from bench.api_load import Call
from bench.conflicts import sqlite_checkpoint
from bench.proc_cpu import Cpu, machine_idle, thread_cpu
from bench.report import console, results_table, write_json
from bench.workload import DEFAULT_CACHE_DIR, DEFAULT_SEED, Workload
from deconflict.store.sqlite import SqliteStore

DATABASE = "bench.sqlite"
KEYS = "keys.json"

METRICS = (
    ("submissions_per_s", "submissions / s"),
    ("failed", "failed"),
    ("server_user_ms", "server user CPU / submission (ms)"),
    ("server_system_ms", "server system CPU / submission (ms)"),
    ("loop_ms", "event loops' CPU / submission (ms)"),
    ("busiest_thread_ms", "busiest other thread's CPU / submission (ms)"),
    ("clients_ms", "clients' CPU / submission (ms)"),
    ("idle_pct", "machine idle (%)"),
    ("connections", "connections per process"),
)


def build(world: Path, stored: int, planners: int, cache_dir: Path) -> None:
    """The world's volumes and records, and its planners' keys, in `world`."""
    world.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(world / DATABASE)
    try:
        made = api_world.register_parties(api_server.service_over(store), planners)
        loaded = api_world.load(store, Workload(stored, 0, cache_dir=cache_dir).stored_batches())
    finally:
        store.close()
    sqlite_checkpoint(world / DATABASE)
    (world / KEYS).write_text(json.dumps([p.api_key for p in made]), encoding="utf-8")
    console().print(f"built a world of {loaded:,} volumes in {world}")


def _server_threads(pids: set[int]) -> dict[tuple[int, int], Cpu]:
    return {(pid, tid): cpu for pid in pids for tid, cpu in thread_cpu(pid).items()}


def one_round(
    world: Path, args: argparse.Namespace, keys: Sequence[str], n: int, calls: Sequence[Call]
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="deconflict-rounds-", dir=args.tmp_dir) as tmp:
        for part in world.iterdir():
            if part.name.startswith(DATABASE):
                shutil.copy(part, Path(tmp) / part.name)
        os.sync()  # else the copy's write-back runs through the round
        with api_server.in_process(
            str(Path(tmp) / DATABASE), None, args.workers, args.threads
        ) as url:
            api_load.wait_ready(url)
            pids = api_server.wait_for_workers(url, args.workers)
            port = int(url.rsplit(":", 1)[1])
            split: dict[int, int] = {}
            before, idle_before, mine_before = _server_threads(pids), machine_idle(), os.times()
            run = api_load.run(
                url,
                keys[: args.clients],
                calls,
                args.clients,
                lambda: split.update(api_server.connections_by_pid(port)),
            )
            after, idle_after, mine_after = _server_threads(pids), machine_idle(), os.times()
    done = max(1, len(run.latencies_ns("submit")))
    used = {k: cpu - before.get(k, Cpu(0.0, 0.0)) for k, cpu in after.items()}
    loops = sum(cpu.total_s for (pid, tid), cpu in used.items() if pid == tid)
    others = [cpu.total_s for (pid, tid), cpu in used.items() if pid != tid]
    idle = None
    if idle_before is not None and idle_after is not None:
        ticks = idle_after[1] - idle_before[1]
        idle = 100.0 * (idle_after[0] - idle_before[0]) / ticks if ticks else None
    clients_s = (mine_after.user - mine_before.user) + (mine_after.system - mine_before.system)
    return {
        "backend": f"round {n + 1}",
        "submissions": done,
        "submissions_per_s": round(run.per_s("submit"), 1),
        "failed": len(run.errors),
        "server_user_ms": round(1e3 * sum(c.user_s for c in used.values()) / done, 2),
        "server_system_ms": round(1e3 * sum(c.system_s for c in used.values()) / done, 2),
        "loop_ms": round(1e3 * loops / done, 2),
        "busiest_thread_ms": round(1e3 * max(others, default=0.0) / done, 2),
        "clients_ms": round(1e3 * clients_s / done, 2),
        "idle_pct": None if idle is None else round(idle, 1),
        "connections": "/".join(str(c) for c in sorted(split.values(), reverse=True)),
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "label": args.label,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--world", type=Path, required=True, help="kept here; built if missing")
    parser.add_argument("--stored", type=int, default=1_000_000, help="volumes, when building")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=600, help="per round")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--offset", type=int, default=0, help="skip this many drawn submissions")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--label", default="", help="names the code or setting in the JSON")
    parser.add_argument("--tmp-dir", type=Path, help="where each round's copy is made")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--json", type=Path, help="write one object per round here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.world / KEYS).exists():
        build(args.world, args.stored, HOT_CLIENTS, args.cache_dir)
    keys = json.loads((args.world / KEYS).read_text(encoding="utf-8"))
    drawn = api_world.spread_submissions(
        args.seed + 7, args.offset + args.rounds * args.submissions
    )
    calls = submission_calls(drawn[args.offset :], minimal=True)
    rows = []
    for n in range(args.rounds):
        mine = calls[n * args.submissions : (n + 1) * args.submissions]
        rows.append(one_round(args.world, args, keys, n, mine))
        console().print(f"round {n + 1}: {rows[-1]['submissions_per_s']}/s")
    out = console()
    out.print(results_table(f"Rounds on {args.world} ({args.label or 'this code'})", rows, METRICS))
    if args.json is not None:
        write_json(args.json, rows)
        out.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
