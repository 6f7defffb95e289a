"""Every record repository of one transaction, built over its SQL session."""

from __future__ import annotations

from typing import Final

from deconflict.store.records.agreements import SqlAgreementRecords
from deconflict.store.records.audit import SqlAuditRecords
from deconflict.store.records.conflicts import SqlConflictRecords
from deconflict.store.records.consultations import SqlConsultationRecords
from deconflict.store.records.idempotency import SqlIdempotencyRecords
from deconflict.store.records.members import SqlMemberRecords
from deconflict.store.records.operations import SqlOperationRecords
from deconflict.store.records.parties import SqlPartyRecords
from deconflict.store.records.subscriptions import SqlSubscriptionRecords
from deconflict.store.records.warnings import SqlWarningRecords
from deconflict.store.records.webhooks import SqlWebhookRecords
from deconflict.store.records.zones import SqlZoneRecords
from deconflict.store.sql_session import SqlSession


class RecordRepositories:
    """The records half of a `Transaction`; each store's transaction class extends it.

    Read-only attributes serve as the protocol's properties.
    """

    def __init__(self, session: SqlSession) -> None:
        self.parties: Final = SqlPartyRecords(session)
        self.members: Final = SqlMemberRecords(session)
        self.agreements: Final = SqlAgreementRecords(session)
        self.zones: Final = SqlZoneRecords(session)
        self.operations: Final = SqlOperationRecords(session)
        self.conflicts: Final = SqlConflictRecords(session)
        self.consultations: Final = SqlConsultationRecords(session)
        self.warnings: Final = SqlWarningRecords(session)
        self.audit: Final = SqlAuditRecords(session)
        self.idempotency: Final = SqlIdempotencyRecords(session)
        self.subscriptions: Final = SqlSubscriptionRecords(session)
        self.webhooks: Final = SqlWebhookRecords(session, before_reading_audit=self.audit.flush)

    def finish(self) -> None:
        """Write what the repositories keep back until the end; call it before COMMIT."""
        self.audit.flush()
