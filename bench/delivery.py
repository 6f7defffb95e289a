"""Delivery benchmark: commit → webhook receipt and commit → stream receipt latency, per rate.

For each target rate (10, 100 and 500 events/s by default), on a fresh SQLite file:

- `deconflict serve` runs in a child process on loopback, as an operator runs it, except
  for allowing a loopback webhook and no alert re-sends within the run
  (bench/delivery_server.py);
- the receiving party, Valecrest Relief, has a field hospital zone, a webhook and an open
  event stream, both served by a second child process (bench/delivery_receiver.py) that
  verifies every webhook signature and stamps every receipt with the wall clock;
- the load is Northmere's liaison raising warnings over the hospital at the target rate
  for a fixed duration (bench/delivery_load.py): the cheapest write that makes an event
  for Relief, one `alert` per warning (the count is checked, not assumed);
- after a drain, Relief's record (`GET /v1/audit`) is compared with what arrived.

The warnings come from `--clients` (4) HTTP clients on one shared schedule: a single client
waits for each answer (~5 ms at best here), so alone it could not even ask for 500/s. When
the server cannot keep up, the achieved rate says so; writes never queue past the duration.

Latency is the receipt's wall clock minus the event's `at`, the audit timestamp taken in
the committing transaction (same machine, same clock). `at` is read before the commit, so
the figure includes the rest of that transaction (its audit appends and its fsync): it
overstates commit → receipt by at most the write's own time, shown as `write p50`.
`lost` counts events of the record that never reached a channel, `duplicated` receipts
beyond one per event id; both are summed over the two channels (the JSON has each).
The baseline, measured in the same run just before each load, is the round trip of a bare
`GET /healthz`; latencies are also given as its multiples, the machine being shared. The
server's CPU use (% of one core, from /proc) is shown idle — stream and webhook open, no
writes — and under the load, with the 1-minute load average of the machine.

    python bench/delivery.py --quick
    python bench/delivery.py --json bench/results/delivery.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np
from rich.table import Table

if __package__ in (None, ""):
    # Run as `python bench/delivery.py`: make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import delivery_load, delivery_server
from bench.delivery_receiver import STREAM, WEBHOOK
from bench.report import console, write_json

RATES = (10, 100, 500)
DURATION_S = 10.0
QUICK_DURATION_S = 3.0
DRAIN_S = 30.0
CLIENTS = 4
#: Each warning over the hospital alerts Relief once (checked: `events_per_write`).
EVENTS_PER_WRITE = 1
#: The issue's target: p99 ≤ 200 ms at 100 events/s on SQLite, on both channels.
TARGET_RATE = 100
TARGET_P99_MS = 200.0
HEALTHZ_SAMPLES = 200
#: How long the server's CPU use is watched with a stream and a webhook open and no load.
IDLE_S = 1.0
_ROOT = Path(__file__).resolve().parents[1]

Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Event:
    """One event of Relief's record: its id and its commit time (Unix seconds)."""

    id: int
    at_s: float


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--rates", default=",".join(map(str, RATES)), help="events/s, e.g. 10,100")
    parser.add_argument("--duration-s", type=float, help=f"load per rate (default {DURATION_S})")
    parser.add_argument("--drain-s", type=float, default=DRAIN_S, help="longest wait after load")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent HTTP clients")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DURATION_S:g} s per rate")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--tmp-dir", type=Path, help="where the SQLite files and logs go")
    args = parser.parse_args(argv)
    duration_s = args.duration_s or (QUICK_DURATION_S if args.quick else DURATION_S)
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-delivery-") as scratch:
        work = args.tmp_dir or Path(scratch)
        rows = [run_rate(rate, duration_s, args.clients, args.drain_s, work) for rate in rates]
    out = console()
    out.print(results_table(rows))
    for line in target_lines(rows):
        out.print(line)
    if args.json is not None:
        write_json(args.json, rows)
    return 0


def run_rate(rate: int, duration_s: float, clients: int, drain_s: float, work: Path) -> Row:
    """One rate on a fresh database, server and receiver."""
    work.mkdir(parents=True, exist_ok=True)
    database = work / f"delivery-{rate}.sqlite"
    for stale in work.glob(f"{database.name}*"):
        stale.unlink()
    keys = delivery_server.seed(database)
    with delivery_server.serving(database, work / f"server-{rate}.log") as server:
        base_url = server.base_url
        delivery_server.declare_hospital(base_url, keys)
        with _Receiver() as receiver:
            secret = _register_webhook(base_url, keys.relief_liaison, receiver.url)
            after = _last_event_id(base_url, keys.relief_liaison)
            receiver.start(base_url, keys.relief_liaison, secret, after)
            healthz_ms = _healthz_ms(base_url)
            _, idle_cpu = _with_cpu(server, lambda: time.sleep(IDLE_S))
            load, load_cpu = _with_cpu(
                server,
                lambda: delivery_load.run(
                    base_url,
                    keys.north_liaison,
                    rate=rate / EVENTS_PER_WRITE,
                    duration_s=duration_s,
                    clients=clients,
                ),
            )
            events = _events_after(base_url, keys.relief_liaison, after)
            receipts = receiver.drain({e.id for e in events}, drain_s)
            refused, stream_error = receiver.refused, receiver.stream_error
    row = _row(rate, clients, healthz_ms, load, events, receipts)
    # Each webhook's signature was checked with the package's verify helper: none may fail.
    row["refused_signatures"] = refused
    row["stream_error"] = stream_error
    # The machine is shared: how busy it was says how far to trust the figures.
    row["load_average_1m"] = os.getloadavg()[0]
    row["server_idle_cpu_pct"] = idle_cpu
    row["server_load_cpu_pct"] = load_cpu
    return row


def _with_cpu(server: delivery_server.Server, work: Callable[[], T]) -> tuple[T, float | None]:
    """What `work` returns, and the server's CPU use meanwhile in % of one core."""
    before, started = server.cpu_s(), time.monotonic()
    result = work()
    after, wall_s = server.cpu_s(), time.monotonic() - started
    if before is None or after is None:
        return result, None
    return result, round(100 * (after - before) / wall_s, 1)


class _Receiver:
    """The receiver child process: started, told where to read, asked for receipts."""

    def __enter__(self) -> _Receiver:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "bench.delivery_receiver"],
            cwd=_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._child.stdout is not None
        line = self._child.stdout.readline().strip()
        if not line.isdigit():
            self._child.kill()  # __exit__ does not run when __enter__ fails
            self._child.wait(timeout=5)
            raise RuntimeError(f"the receiver did not start: {line!r}")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._receipts: list[list[Any]] = []
        self.refused = 0
        self.stream_error = ""
        return self

    def start(self, base_url: str, key: str, secret: str, after: int) -> None:
        assert self._child.stdin is not None
        assert self._child.stdout is not None
        setup = {"base_url": base_url, "key": key, "secret": secret, "after": after}
        self._child.stdin.write(json.dumps(setup) + "\n")
        self._child.stdin.flush()
        answer = self._child.stdout.readline().strip()
        if answer != "ready":
            raise RuntimeError(f"the receiver's stream did not open: {answer!r}")

    def fetch(self) -> list[list[Any]]:
        """Every receipt so far: `[channel, event id, at, received_s, delivery id]`."""
        url = f"http://127.0.0.1:{self.port}/receipts?from={len(self._receipts)}"
        found = httpx.get(url, timeout=30).json()
        self._receipts.extend(found["receipts"])
        self.refused = int(found["refused"])
        self.stream_error = str(found["stream_error"])
        return self._receipts

    def drain(self, ids: set[int], drain_s: float) -> list[list[Any]]:
        """Receipts once every id has come by both channels, or after `drain_s`."""
        deadline = time.monotonic() + drain_s
        while True:
            receipts = self.fetch()
            got = {
                channel: {r[1] for r in receipts if r[0] == channel}
                for channel in (WEBHOOK, STREAM)
            }
            if all(ids <= seen for seen in got.values()) or time.monotonic() > deadline:
                # A moment more, so that a duplicate right behind the last receipt shows too.
                time.sleep(0.5)
                return self.fetch()
            time.sleep(0.2)

    def __exit__(self, *_: object) -> None:
        if self._child.stdin is not None:
            self._child.stdin.close()
        try:
            self._child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait(timeout=5)
        if self._child.stdout is not None:
            self._child.stdout.close()


def _register_webhook(base_url: str, key: str, url: str) -> str:
    with delivery_server.client(base_url, key) as liaison:
        made = liaison.post("/v1/webhooks", json={"url": url, "description": "bench receiver"})
    if made.status_code != 201:
        raise RuntimeError(f"the webhook was refused: {made.status_code} {made.text}")
    return str(made.json()["secret"])


def _last_event_id(base_url: str, key: str) -> int:
    with delivery_server.client(base_url, key) as http:
        return max((e.id for e in _record(http, -1)), default=-1)


def _events_after(base_url: str, key: str, after: int) -> list[Event]:
    with delivery_server.client(base_url, key) as http:
        return _record(http, after)


def _record(http: httpx.Client, after: int) -> list[Event]:
    """The party's record after `after`, every page of it."""
    events: list[Event] = []
    while True:
        page = http.get("/v1/audit", params={"after": after, "limit": 500})
        page.raise_for_status()
        found = page.json()
        events += [Event(int(e["seq"]), _unix_s(e["at"])) for e in found["items"]]
        if found["next_after"] is None:
            return events
        after = int(found["next_after"])


def _unix_s(at: str) -> float:
    return datetime.fromisoformat(at).timestamp()


def _healthz_ms(base_url: str) -> float:
    """The median round trip of a bare `GET /healthz` on one kept-alive connection."""
    samples = []
    with httpx.Client(base_url=base_url, transport=delivery_load.transport()) as http:
        for n in range(HEALTHZ_SAMPLES + 20):
            started = time.perf_counter()
            http.get("/healthz").raise_for_status()
            if n >= 20:  # the first ones warm the connection and the server's code paths
                samples.append((time.perf_counter() - started) * 1000)
    return float(np.median(samples))


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def _row(
    rate: int,
    clients: int,
    healthz_ms: float,
    load: delivery_load.Load,
    events: list[Event],
    receipts: list[list[Any]],
) -> Row:
    ids = {e.id for e in events}
    at_s = {e.id: e.at_s for e in events}
    row: Row = {
        "backend": "sqlite",
        "events_per_s": rate,
        "achieved_events_per_s": round(len(events) / load.elapsed_s, 1),
        "duration_s": round(load.elapsed_s, 2),
        "clients": clients,
        "writes": len(load.ok),
        "failed_writes": len(load.writes) - len(load.ok),
        "events": len(events),
        "events_per_write": round(len(events) / len(load.ok), 3) if load.ok else None,
        "lost": 0,
        "duplicated": 0,
    }
    for channel in (WEBHOOK, STREAM):
        first: dict[int, float] = {}
        duplicated = 0
        for kind, event_id, _at, received_s, _delivery in receipts:
            if kind != channel or event_id not in ids:
                continue  # the other channel, or events from before the load
            if event_id in first:
                duplicated += 1
            else:
                first[event_id] = received_s
        latencies = [(received - at_s[i]) * 1000 for i, received in first.items()]
        p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
        row[f"{channel}_p50_ms"] = p50
        row[f"{channel}_p99_ms"] = p99
        row[f"{channel}_max_ms"] = max(latencies, default=None)
        row[f"{channel}_p99_per_healthz"] = None if p99 is None else round(p99 / healthz_ms, 1)
        row[f"{channel}_lost"] = len(ids - first.keys())
        row[f"{channel}_duplicated"] = duplicated
        row["lost"] += row[f"{channel}_lost"]
        row["duplicated"] += duplicated
    writes_ms = [w.latency_ms for w in load.ok]
    row["write_p50_ms"] = _percentile(writes_ms, 50)
    row["write_p99_ms"] = _percentile(writes_ms, 99)
    row["healthz_p50_ms"] = healthz_ms
    return row


def results_table(rows: Sequence[Row]) -> Table:
    table = Table(title="Delivery latency, commit → receipt (SQLite, loopback)")
    headers = (
        "target ev/s",
        "achieved ev/s",
        "webhook p50 / p99 ms",
        "stream p50 / p99 ms",
        "lost",
        "dup",
        "write p50 ms",
        "healthz p50 ms",
        "p99 ÷ healthz (wh / st)",
        "server CPU % idle / load",
    )
    for header in headers:
        table.add_column(header, justify="right")
    for row in rows:
        table.add_row(
            f"{row['events_per_s']:,}",
            f"{row['achieved_events_per_s']:,.1f}",
            f"{_ms(row['webhook_p50_ms'])} / {_ms(row['webhook_p99_ms'])}",
            f"{_ms(row['stream_p50_ms'])} / {_ms(row['stream_p99_ms'])}",
            f"{row['lost']} ({row['webhook_lost']} + {row['stream_lost']})",
            f"{row['duplicated']} ({row['webhook_duplicated']} + {row['stream_duplicated']})",
            _ms(row["write_p50_ms"]),
            f"{row['healthz_p50_ms']:.2f}",
            f"{row['webhook_p99_per_healthz']} / {row['stream_p99_per_healthz']}",
            f"{_pct(row['server_idle_cpu_pct'])} / {_pct(row['server_load_cpu_pct'])}",
        )
    table.caption = (
        "lost, dup: webhook + stream. p99 at 10 ev/s is nearly the maximum. "
        "Server CPU in % of one core: idle with the stream and webhook open, and under load."
    )
    return table


def target_lines(rows: Sequence[Row]) -> list[str]:
    lines = []
    for row in (r for r in rows if r["events_per_s"] == TARGET_RATE):
        for channel in (WEBHOOK, STREAM):
            p99 = row[f"{channel}_p99_ms"]
            met = p99 is not None and p99 <= TARGET_P99_MS
            verdict = "[green]met[/]" if met else "[red]not met[/]"
            lines.append(
                f"target {channel} p99 ≤ {TARGET_P99_MS:g} ms at {TARGET_RATE} events/s: "
                f"{_ms(p99)} ms, {verdict}"
            )
    return lines


def _pct(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, int | float) else "-"


def _ms(value: object) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


if __name__ == "__main__":
    sys.exit(main())
