"""Hazard warnings, found by the party that raised them or by a party they alerted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from deconflict.domain.ids import PartyId, WarningId
from deconflict.domain.warning import HazardWarning
from deconflict.store.codec import to_us
from deconflict.store.documents import dumps, loads
from deconflict.store.documents_coordination import warning_from_json, warning_to_json
from deconflict.store.records.paging import check_limit, page
from deconflict.store.sql_session import SqlSession

#: The warning by id if it alerted the party: its alert row is found before the warning is.
_ALERTING = (
    "SELECT w.document FROM warning_alerts a JOIN warnings w ON w.id = a.warning_id "
    "WHERE a.warning_id = ? AND a.party_id = ?"
)


class SqlWarningRecords:
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    def put(self, warning: HazardWarning) -> None:
        self._session.execute(
            "INSERT INTO warnings (id, party_id, document) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET document = excluded.document",
            (warning.id, warning.party_id, dumps(warning_to_json(warning))),
        )
        # The alert rows only index the document: rewritten whole, they always agree with it.
        self._session.execute("DELETE FROM warning_alerts WHERE warning_id = ?", (warning.id,))
        self._session.executemany(
            "INSERT INTO warning_alerts (warning_id, party_id, silent_since_us, until_us, sends) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    warning.id,
                    alert.party_id,
                    None if alert.is_acknowledged else to_us(alert.last_sent_at),
                    to_us(warning.volume.time.end),
                    alert.sends,
                )
                for alert in warning.alerts
            ],
        )

    def resends_due(
        self, schedule_s: Sequence[int], *, now: datetime, limit: int
    ) -> list[HazardWarning]:
        """Warnings in force at `now` with a silent alert due for a re-send by `schedule_s`,
        the longest overdue first."""
        check_limit(limit)
        # One branch per wait of the schedule, each an index range on (sends, last send): only
        # alerts already due are read, however many wait out longer waits before them.
        branches: list[str] = []
        params: list[object] = []
        for condition, wait_s in _steps(schedule_s):
            wait_us = wait_s * 1_000_000
            branches.append(
                "SELECT warning_id, silent_since_us + ? AS due_us FROM warning_alerts "
                f"WHERE {condition} AND silent_since_us <= ? AND until_us > ?"
            )
            params += [wait_us, to_us(now) - wait_us, to_us(now)]
        rows = self._session.execute(
            "SELECT w.document FROM warnings w JOIN ("
            "SELECT warning_id, min(due_us) AS due_us FROM ("
            + " UNION ALL ".join(branches)
            + ") alerts GROUP BY warning_id"
            ") a ON a.warning_id = w.id ORDER BY a.due_us, w.id LIMIT ?",
            (*params, limit),
        )
        return [warning_from_json(loads(row[0])) for row in rows]

    def get(self, warning_id: WarningId) -> HazardWarning | None:
        rows = self._session.execute("SELECT document FROM warnings WHERE id = ?", (warning_id,))
        return warning_from_json(loads(rows[0][0])) if rows else None

    def get_seen_by(self, warning_id: WarningId, party_id: PartyId) -> HazardWarning | None:
        rows = self._session.execute(
            f"SELECT document FROM warnings WHERE id = ? AND party_id = ? UNION ALL {_ALERTING}",
            (warning_id, party_id, warning_id, party_id),
        )
        return warning_from_json(loads(rows[0][0])) if rows else None

    def get_alerting(self, warning_id: WarningId, party_id: PartyId) -> HazardWarning | None:
        rows = self._session.execute(_ALERTING, (warning_id, party_id))
        return warning_from_json(loads(rows[0][0])) if rows else None

    def raised_by(self, party_id: PartyId, *, after: str | None, limit: int) -> list[HazardWarning]:
        rows = page(
            self._session,
            "SELECT document FROM warnings",
            "party_id = ?",
            (party_id,),
            key="id",
            after=after,
            limit=limit,
        )
        return [warning_from_json(loads(row[0])) for row in rows]

    def alerting(self, party_id: PartyId, *, after: str | None, limit: int) -> list[HazardWarning]:
        rows = page(
            self._session,
            "SELECT w.document FROM warning_alerts a JOIN warnings w ON w.id = a.warning_id",
            "a.party_id = ?",
            (party_id,),
            key="a.warning_id",
            after=after,
            limit=limit,
        )
        return [warning_from_json(loads(row[0])) for row in rows]


def _steps(schedule_s: Sequence[int]) -> list[tuple[str, int]]:
    """Which alerts wait each wait of the schedule (as SQL on `sends`): the n-th wait those
    sent n times, the last wait those sent as often or more."""
    last = len(schedule_s)
    if last == 1:
        return [("TRUE", schedule_s[0])]
    steps = [("sends <= 1", schedule_s[0])]
    steps += [(f"sends = {n}", schedule_s[n - 1]) for n in range(2, last)]
    steps.append((f"sends >= {last}", schedule_s[-1]))
    return steps
