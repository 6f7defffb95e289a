"""Alerts stored by an earlier release, which kept no count of sends in `warning_alerts`,
are re-sent by when they fall due once the count is taken from their documents
(010_alert_sends on SQLite, 011_alert_sends on PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from deconflict.domain.warning import HazardWarning
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps
from deconflict.store.documents_coordination import warning_to_json
from deconflict.store.interface import Store
from deconflict.store.postgres import PostgresStore
from deconflict.store.sqlite import SqliteStore
from tests.domain import NORTHMERE, T0, VALECREST
from tests.store.earlier_files import postgres_schema_with_rows, sqlite_file_with_rows
from tests.store.record_specimens import warning

SCHEDULE = (120, 300)
NOW = T0 + timedelta(minutes=20)


def sent(warning_id: str, times: int, seconds_ago: int) -> HazardWarning:
    made = warning(warning_id, NORTHMERE, [VALECREST])
    last = NOW - timedelta(seconds=seconds_ago)
    return replace(
        made, alerts=tuple(replace(a, last_sent_at=last, sends=times) for a in made.alerts)
    )


#: Sent twice 200 s ago, it waits 300 s: not due, though silent longer than the first wait.
STORED = (sent("w-waits", 2, 200), sent("w-due", 1, 150))


def rows_of_earlier_release() -> list[tuple[str, tuple[object, ...]]]:
    """The rows an earlier release wrote for `STORED`, with `?` placeholders."""
    rows: list[tuple[str, tuple[object, ...]]] = []
    for w in STORED:
        rows.append(
            (
                "INSERT INTO warnings (id, party_id, document) VALUES (?, ?, ?)",
                (w.id, w.party_id, dumps(warning_to_json(w))),
            )
        )
        rows += [
            (
                "INSERT INTO warning_alerts (warning_id, party_id, silent_since_us, until_us) "
                "VALUES (?, ?, ?, ?)",
                (w.id, a.party_id, to_us(a.last_sent_at), to_us(w.volume.time.end)),
            )
            for a in w.alerts
        ]
    return rows


def due(store: Store) -> list[str]:
    found = store.read(lambda tx: tx.warnings.resends_due(SCHEDULE, now=NOW, limit=10))
    return [w.id for w in found]


def test_a_sqlite_file_counts_the_sends_of_its_alerts(tmp_path: Path) -> None:
    path = tmp_path / "earlier.sqlite"
    # The release before 010_alert_sends.sql.
    sqlite_file_with_rows(path, "009_volumes_unique_per_entity.sql", rows_of_earlier_release())
    store = SqliteStore(path)
    try:
        assert due(store) == ["w-due"]
    finally:
        store.close()


def test_a_postgres_schema_counts_the_sends_of_its_alerts(pg_url: str, pg_schema: str) -> None:
    postgres_schema_with_rows(pg_url, pg_schema, "010_terrain_range", rows_of_earlier_release())
    store = PostgresStore(pg_url, schema=pg_schema)
    try:
        assert due(store) == ["w-due"]
    finally:
        store.close()
