"""Another party's id costs what an unknown id costs: the same statements, the same rows.

The answers are byte-identical (tests/api/test_need_to_know.py); so must be the work, or
the time an answer takes would tell a caller that another party's entity exists. Timing
itself is not asserted (it is measured by bench/id_timing.py); what it follows is, on the
real databases: the statements each use case runs and the rows each returns, and on
SQLite the number of virtual machine instructions it executes, which counts the index
probes and the rows read and refused inside the engine too.
"""

from __future__ import annotations

import contextlib
import sqlite3
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from deconflict import errors
from deconflict.domain.consultation import ResponseKind
from deconflict.domain.ids import ConsultationId, MemberId, OperationId, Ovn, WarningId, ZoneId
from deconflict.domain.lifecycle import OperationAction
from deconflict.domain.operation import Plan
from deconflict.domain.subscription import Channel
from deconflict.domain.warning import Severity
from deconflict.domain.webhook import DeliveryState, Purpose, failed, new_delivery
from deconflict.geometry import Buffer
from deconflict.service import (
    operations,
    parties,
    responses,
    subscriptions,
    views,
    warnings,
    webhooks,
    zones,
)
from deconflict.service.context import Service
from deconflict.service.webhooks import WebhookPolicy
from deconflict.store import postgres, sqlite
from deconflict.store.interface import Transaction
from deconflict.store.records.bundle import RecordRepositories
from deconflict.store.sql_session import PostgresSession, Row, SqliteSession
from deconflict.store.sqlite import SqliteStore, SqliteTransaction
from tests.service.conftest import Cast, volume

#: Where the North and the South meet: the South's depot, the North's operation over it.
DEPOT = (23.40, 41.90)
#: Far from everyone: the Relief's own things, and what it asks to write.
FAR = (25.10, 43.20)


@dataclass
class Seen:
    """What one use case did in the database."""

    statements: list[str] = field(default_factory=list)  # SQLite: as run, ids masked
    rows: list[tuple[str, int]] = field(default_factory=list)  # each query, and its rows
    instructions: int = 0  # SQLite's virtual machine instructions
    #: PostgreSQL: each query's plan as run, node by node: what it scanned, the rows it
    #: found and the buffers it touched (EXPLAIN ANALYZE, BUFFERS), filled in afterwards.
    plans: list[list[tuple[object, ...]]] = field(default_factory=list)
    #: The parameters of each query, to explain it again; they differ by the id asked.
    params: list[Sequence[object]] = field(default_factory=list, compare=False)


class _Watch:
    """Records into `seen`, while it is set, what the SQL sessions run and SQLite executes."""

    def __init__(self) -> None:
        self.seen: Seen | None = None
        self.masks: Sequence[str] = ()

    def query(self, sql: str, params: Sequence[object], rows: list[Row]) -> None:
        if self.seen is not None:
            self.seen.rows.append((sql, len(rows)))
            self.seen.params.append(params)

    def statement(self, sql: str) -> None:
        if self.seen is not None:
            for mask in self.masks:
                sql = sql.replace(mask, "<id>")
            self.seen.statements.append(sql)

    def step(self) -> int:
        if self.seen is not None:
            self.seen.instructions += 1
        return 0


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> _Watch:
    made = _Watch()

    class CountedSqlite(SqliteSession):
        def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
            rows = super().execute(sql, params)
            made.query(sql, params, rows)
            return rows

    class CountedPostgres(PostgresSession):
        def execute(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
            rows = super().execute(sql, params)
            made.query(sql, params, rows)
            return rows

    monkeypatch.setattr(sqlite, "SqliteSession", CountedSqlite)
    monkeypatch.setattr(postgres, "PostgresSession", CountedPostgres)
    return made


@dataclass(frozen=True)
class Others:
    """Ids the Relief may not see, of the North's and the South's."""

    zone: str
    operation: str
    ovn: str
    consultation: str
    warning: str
    subscription: str
    webhook: str
    delivery: str
    member: str


def _seed(cast: Cast) -> tuple[Others, str]:
    """The others' entities, and the Relief's own webhook."""
    svc = cast.svc
    north, south = cast.north_planner, cast.south_planner
    zone = zones.protect(svc, north, "Northmere field", [volume(24.0, 42.5, 800)], Buffer(0, 0))
    zones.protect(svc, south, "Southvale depot", [volume(*DEPOT, 900)], Buffer(0, 0))
    plan = Plan((volume(*DEPOT, 1500), volume(DEPOT[0] + 0.01, DEPOT[1], 600)), 0, "", False)
    operation = operations.submit_operation(svc, north, plan)
    [asked] = svc.read(lambda tx: tx.consultations.of_operation(operation.id))
    assert asked.party_id == south.party_id
    hazard = warnings.raise_hazard(
        svc, cast.south_liaison, volume(24.0, 42.5, 3000), Severity.DANGER, "Fictional mines"
    )
    assert [a.party_id for a in hazard.alerts] == [north.party_id]
    interest = subscriptions.subscribe(
        svc, cast.north_liaison, "Field", [volume(24.0, 42.5, 900)], [], [Channel.WEBHOOK]
    )
    policy = WebhookPolicy()
    hook = webhooks.register(
        svc, cast.north_liaison, "https://hooks.example.org/in", Purpose.PRIMARY, "", policy
    )
    own = webhooks.register(
        svc, cast.relief_liaison, "https://hooks.example.net/in", Purpose.PRIMARY, "", policy
    )

    def dead(tx: Transaction) -> str:
        delivery = new_delivery(svc.new_id(), hook, 0, svc.clock.now())
        tx.webhooks.put_delivery(failed(delivery, 503, "HTTP 503", None, svc.clock.now()))
        return delivery.id

    others = Others(
        zone.id,
        operation.id,
        operation.ovn,
        asked.id,
        hazard.id,
        interest.id,
        hook.id,
        svc.write(dead),
        north.member.id,
    )
    return others, own.id


#: A use case called by the Relief: (service, cast, others' ids, the id asked, own webhook).
UseCase = Callable[[Service, Cast, Others, str, str], object]


def _cases() -> dict[str, UseCase]:
    """Each use case a route reaches with an id, called by the Relief with `id_`
    (`own` is the Relief's own webhook); they mirror the routes that take an id."""

    def far_plan() -> Plan:
        return Plan((volume(*FAR, 300),), 0, "", False)

    return {
        "read zone": lambda s, c, o, i, own: zones.own_zone(s, c.relief_planner, ZoneId(i)),
        "revise zone": lambda s, c, o, i, own: zones.revise_protection(
            s,
            c.relief_planner,
            ZoneId(i),
            named_version="1",
            volumes=[volume(*FAR, 300)],
            buffer=Buffer(0, 0),
        ),
        "retire zone": lambda s, c, o, i, own: zones.retire(s, c.relief_planner, ZoneId(i)),
        "read operation (planner)": lambda s, c, o, i, own: views.operation_for_planner(
            s, c.relief_planner, OperationId(i)
        ),
        "read operation (involved)": lambda s, c, o, i, own: views.operation_for_involved(
            s, c.relief_planner, OperationId(i)
        ),
        "revise operation": lambda s, c, o, i, own: operations.revise_operation(
            s, c.relief_planner, OperationId(i), ovn=Ovn(o.ovn), plan=far_plan()
        ),
        "withdraw operation": lambda s, c, o, i, own: operations.act_on_operation(
            s, c.relief_planner, OperationId(i), OperationAction.WITHDRAW
        ),
        "clear over objection": lambda s, c, o, i, own: operations.clear_operation_over_objection(
            s, c.relief_planner, OperationId(i), "Fictional", ovn=Ovn(o.ovn)
        ),
        "read consultation": lambda s, c, o, i, own: views.consultation_for_party(
            s, c.relief_liaison, ConsultationId(i)
        ),
        "respond": lambda s, c, o, i, own: responses.respond_to_consultation(
            s, c.relief_liaison, ConsultationId(i), ResponseKind.ACKNOWLEDGE
        ),
        "read warning": lambda s, c, o, i, own: views.warning_view(
            s, c.relief_liaison, WarningId(i)
        ),
        "acknowledge warning": lambda s, c, o, i, own: warnings.acknowledge_hazard(
            s, c.relief_liaison, WarningId(i)
        ),
        "read subscription": lambda s, c, o, i, own: subscriptions.own_subscription(
            s, c.relief_liaison, i
        ),
        "unsubscribe": lambda s, c, o, i, own: subscriptions.unsubscribe(s, c.relief_liaison, i),
        "read webhook": lambda s, c, o, i, own: webhooks.own_webhook(s, c.relief_liaison, i),
        "remove webhook": lambda s, c, o, i, own: webhooks.remove(s, c.relief_liaison, i),
        "list deliveries": lambda s, c, o, i, own: webhooks.deliveries(
            s, c.relief_liaison, i, list(DeliveryState), after=None, limit=10
        ),
        "replay (their webhook)": lambda s, c, o, i, own: webhooks.replay(
            s, c.relief_liaison, i, o.delivery
        ),
        "replay (own webhook, their delivery)": lambda s, c, o, i, own: webhooks.replay(
            s, c.relief_liaison, own, i
        ),
        "revoke key": lambda s, c, o, i, own: parties.revoke_key(
            s, MemberId(i), by=c.relief_planner
        ),
    }


#: Which of the others' ids each use case is asked about.
TARGET = {
    "read zone": "zone",
    "revise zone": "zone",
    "retire zone": "zone",
    "read operation (planner)": "operation",
    "read operation (involved)": "operation",
    "revise operation": "operation",
    "withdraw operation": "operation",
    "clear over objection": "operation",
    "read consultation": "consultation",
    "respond": "consultation",
    "read warning": "warning",
    "acknowledge warning": "warning",
    "read subscription": "subscription",
    "unsubscribe": "subscription",
    "read webhook": "webhook",
    "remove webhook": "webhook",
    "list deliveries": "webhook",
    "replay (their webhook)": "webhook",
    "replay (own webhook, their delivery)": "delivery",
    "revoke key": "member",
}


def unknown_beside(entity_id: str) -> str:
    """An id nobody holds, of the same length and almost the same value."""
    return entity_id[:-1] + format((int(entity_id[-1], 16) + 8) % 16, "x")


#: Lists paged after another party's id: the cursor is a place in the caller's own list.
LISTS: dict[str, tuple[str, UseCase]] = {
    "zones after": (
        "zone",
        lambda s, c, o, i, own: zones.own_zones(s, c.relief_planner, after=i, limit=10),
    ),
    "operations after": (
        "operation",
        lambda s, c, o, i, own: views.own_operations(s, c.relief_planner, after=i, limit=10),
    ),
    "consultations after": (
        "consultation",
        lambda s, c, o, i, own: views.inbox(s, c.relief_liaison, after=i, limit=10),
    ),
    "notices after": (
        "consultation",
        lambda s, c, o, i, own: views.notices(s, c.relief_liaison, after=i, limit=10),
    ),
    "warnings raised after": (
        "warning",
        lambda s, c, o, i, own: views.warnings_raised(s, c.relief_liaison, after=i, limit=10),
    ),
    "warnings received after": (
        "warning",
        lambda s, c, o, i, own: views.warnings_received(s, c.relief_liaison, after=i, limit=10),
    ),
    "subscriptions after": (
        "subscription",
        lambda s, c, o, i, own: subscriptions.own_subscriptions(
            s, c.relief_liaison, after=i, limit=10
        ),
    ),
    "webhooks after": (
        "webhook",
        lambda s, c, o, i, own: webhooks.own_webhooks(s, c.relief_liaison, after=i, limit=10),
    ),
    "deliveries after": (
        "delivery",
        lambda s, c, o, i, own: webhooks.deliveries(
            s, c.relief_liaison, own, list(DeliveryState), after=i, limit=10
        ),
    ),
}


def _sqlite_connection(svc: Service) -> sqlite3.Connection | None:
    """This thread's connection to a SQLite store, which its reads and writes use here."""
    if not isinstance(svc.store, SqliteStore):
        return None

    def conn(tx: Transaction) -> sqlite3.Connection:
        assert isinstance(tx, SqliteTransaction)
        return tx.conn

    return svc.store.read(conn)


@contextlib.contextmanager
def _watching(svc: Service, watch: _Watch, masks: Sequence[str]) -> Iterator[Seen]:
    seen = Seen()
    conn = _sqlite_connection(svc)
    if conn is not None:
        conn.set_trace_callback(watch.statement)
        conn.set_progress_handler(watch.step, 1)
    watch.seen, watch.masks = seen, masks
    try:
        yield seen
    finally:
        watch.seen = None
        if conn is not None:
            conn.set_trace_callback(None)
            conn.set_progress_handler(None, 1)


def _explain(svc: Service, seen: Seen) -> None:
    """On PostgreSQL, run each of `seen`'s reads again under EXPLAIN ANALYZE and keep, per
    plan node, what it scanned, the rows it found and the buffers it touched."""
    if isinstance(svc.store, SqliteStore):
        return

    def nodes(plan: dict[str, Any]) -> Iterator[tuple[object, ...]]:
        touched = int(plan["Shared Hit Blocks"]) + int(plan["Shared Read Blocks"])
        yield (
            plan["Node Type"],
            plan.get("Index Name", plan.get("Relation Name")),
            plan.get("Actual Rows"),
            plan.get("Actual Loops"),
            touched,
        )
        for child in plan.get("Plans", ()):
            yield from nodes(child)

    def work(tx: Transaction) -> None:
        # The records' SQL session of this transaction (as tests/api/matrix_world does).
        session = typing.cast(RecordRepositories, tx).parties._session
        for (sql, _), params in zip(seen.rows, seen.params, strict=True):
            if sql.lstrip().upper().startswith("SELECT"):
                [(explained,)] = session.execute(_EXPLAIN + sql, params)
                seen.plans.append(list(nodes(explained[0]["Plan"])))

    svc.store.read(work)


_EXPLAIN = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) "


def _run(case: UseCase, cast: Cast, others: Others, id_: str, own: str, refused: bool) -> None:
    if refused:
        with pytest.raises(errors.NotFound):
            case(cast.svc, cast, others, id_, own)
    else:
        case(cast.svc, cast, others, id_, own)


def _differences(
    cast: Cast,
    watch: _Watch,
    cases: dict[str, tuple[str, UseCase]],
    *,
    refused: bool,
) -> dict[str, tuple[Seen, Seen]]:
    """Each case asked about another party's id and an unknown one beside it, after a
    first round that warms caches; the cases whose work differed, with what each did."""
    others, own = _seed(cast)
    differ = {}
    for name, (kind, case) in cases.items():
        theirs = getattr(others, kind)
        nobodys = unknown_beside(theirs)
        masks = (theirs, nobodys)
        for id_ in masks:
            _run(case, cast, others, id_, own, refused)
        with _watching(cast.svc, watch, masks) as forbidden:
            _run(case, cast, others, theirs, own, refused)
        with _watching(cast.svc, watch, masks) as unknown:
            _run(case, cast, others, nobodys, own, refused)
        assert forbidden.rows, f"{name}: nothing was observed"
        for seen in (forbidden, unknown):
            _explain(cast.svc, seen)
        if forbidden != unknown:
            differ[name] = (forbidden, unknown)
    return differ


def _explained(differ: dict[str, tuple[Seen, Seen]]) -> str:
    lines = []
    for name, (forbidden, unknown) in differ.items():
        lines.append(
            f"{name}: another party's id ran {len(forbidden.statements)} statements, "
            f"{forbidden.instructions} instructions, rows {[n for _, n in forbidden.rows]}; "
            f"an unknown id {len(unknown.statements)}, {unknown.instructions}, "
            f"{[n for _, n in unknown.rows]}"
            + ("" if forbidden.plans == unknown.plans else "; their plans differ as run")
        )
    return "\n".join(lines)


def test_another_partys_id_does_the_work_of_an_unknown_id(cast: Cast, watch: _Watch) -> None:
    cases = {name: (TARGET[name], case) for name, case in _cases().items()}
    assert set(cases) == set(TARGET)
    differ = _differences(cast, watch, cases, refused=True)
    assert not differ, _explained(differ)


def test_a_cursor_of_another_partys_id_pages_as_an_unknown_one(cast: Cast, watch: _Watch) -> None:
    differ = _differences(cast, watch, LISTS, refused=False)
    assert not differ, _explained(differ)
