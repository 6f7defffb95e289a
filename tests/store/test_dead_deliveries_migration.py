"""Dead deliveries stored by an earlier release, which kept no time of death in a column,
are purged a month after their last attempt once that time is taken from their documents
(013_dead_deliveries on SQLite, 014_dead_deliveries on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from deconflict.domain.webhook import (
    Delivery,
    DeliveryState,
    Purpose,
    delivered,
    failed,
    new_delivery,
    new_webhook,
)
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps
from deconflict.store.documents_delivery import delivery_to_json, webhook_to_json
from deconflict.store.interface import Store, Transaction
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.domain import NORTHMERE, T0
from tests.store.earlier_files import postgres_schema_with_rows, sqlite_file_with_rows

HOOK = new_webhook(
    "hook-1", NORTHMERE, "https://ops.northmere.example/hook", "s3cret", Purpose.PRIMARY, "", T0
)
#: Dead after its last attempt at T0 + 1 h; delivered at T0 + 2 h; still pending.
DEAD = failed(new_delivery("d-dead", HOOK, 1, T0), 500, "HTTP 500", None, T0 + timedelta(hours=1))
DELIVERED = delivered(new_delivery("d-done", HOOK, 2, T0), 204, T0 + timedelta(hours=2))
PENDING = new_delivery("d-pending", HOOK, 3, T0)


def rows_of_earlier_release() -> list[tuple[str, tuple[object, ...]]]:
    """The rows an earlier release wrote for `HOOK` and its deliveries, `?` placeholders."""

    def row(d: Delivery) -> tuple[str, tuple[object, ...]]:
        delivered_us = None if d.delivered_at is None else to_us(d.delivered_at)
        return (
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, state, next_attempt_us, "
            "lease_until_us, delivered_us, document) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)",
            (
                d.id,
                d.webhook_id,
                d.event_id,
                d.state.value,
                delivered_us,
                dumps(delivery_to_json(d)),
            ),
        )

    return [
        (
            "INSERT INTO webhooks (id, party_id, next_event_id, document) VALUES (?, ?, 4, ?)",
            (HOOK.id, HOOK.party_id, dumps(webhook_to_json(HOOK))),
        ),
        *(row(d) for d in (DEAD, DELIVERED, PENDING)),
    ]


def left_after_purging(store: Store, dead_before_hours: float) -> set[str]:
    def work(tx: Transaction) -> set[str]:
        tx.webhooks.purge_settled(
            delivered_before=T0, dead_before=T0 + timedelta(hours=dead_before_hours)
        )
        found = tx.webhooks.deliveries_of(HOOK.id, states=list(DeliveryState), after=None, limit=9)
        return {d.id for d in found}

    return store.write(work)


def assert_purged_by_time_of_death(store: Store) -> None:
    assert left_after_purging(store, 0.5) == {"d-dead", "d-done", "d-pending"}
    assert left_after_purging(store, 1.5) == {"d-done", "d-pending"}


def test_a_sqlite_file_purges_its_dead_deliveries(tmp_path: Path) -> None:
    path = tmp_path / "earlier.sqlite"
    sqlite_file_with_rows(path, "012_audit_salt.sql", rows_of_earlier_release())
    store = SqliteStore(path)
    try:
        assert_purged_by_time_of_death(store)
    finally:
        store.close()


def test_a_postgres_schema_purges_its_dead_deliveries(pg_url: str, pg_schema: str) -> None:
    postgres_schema_with_rows(pg_url, pg_schema, "013_audit_salt", rows_of_earlier_release())
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert_purged_by_time_of_death(store)
    finally:
        store.close()
