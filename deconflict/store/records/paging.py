"""Keyset pages: rows after the last key of the previous page, in ascending key order."""

from __future__ import annotations

from collections.abc import Sequence

from deconflict.store.sql_session import Row, SqlSession


def check_limit(limit: int) -> None:
    # A negative LIMIT means "no limit" to SQLite and an error to PostgreSQL.
    if limit < 1:
        raise ValueError("a page needs a limit of at least 1")


def page(
    session: SqlSession,
    select: str,
    where: str,
    params: Sequence[object],
    *,
    key: str,
    after: object | None,
    limit: int,
) -> list[Row]:
    """`select` rows matching `where`, ordered by `key`, after `after` (None: from the start).

    Keyed rather than offset pages, so rows inserted meanwhile never shift a page.
    """
    check_limit(limit)
    # Two statements rather than `? IS NULL OR ...`: PostgreSQL cannot type a bare NULL
    # parameter, and the planner would not use the index for the OR.
    if after is None:
        sql = f"{select} WHERE {where} ORDER BY {key} LIMIT ?"
        return session.execute(sql, (*params, limit))
    sql = f"{select} WHERE {where} AND {key} > ? ORDER BY {key} LIMIT ?"
    return session.execute(sql, (*params, after, limit))
