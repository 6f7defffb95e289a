"""The SQLite conflict index's own SQL: plans that stay cheap at a million volumes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deconflict.store.sqlite import SqliteStore
from deconflict.store.sqlite_volumes import _newer_sql


@pytest.mark.parametrize("excluding", [False, True])
def test_a_search_after_a_mark_reads_only_the_ids_past_it(
    sqlite_path: Path, excluding: bool
) -> None:
    SqliteStore(sqlite_path).close()
    statement = _newer_sql(3, excluding)
    with sqlite3.connect(sqlite_path) as conn:
        # Statistics that make the index on end time look attractive, as a big file has.
        conn.execute("ANALYZE")
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement}", [0] * statement.count("?"))
        details = [row[3] for row in plan]
    conn.close()
    assert details == ["SEARCH v USING INTEGER PRIMARY KEY (rowid>?)"]
