"""Checking the whole audit chain: every entry's hash and its link to the one before."""

from __future__ import annotations

from dataclasses import dataclass

from deconflict.domain.audit import GENESIS_HASH, AuditEntry, verify_chain
from deconflict.service.context import Service
from deconflict.store.interface import Transaction

_PAGE = 5_000


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first entry that does not verify, and how many entries were checked."""

    seq: int
    checked: int


def verify_audit(svc: Service) -> BrokenLink | None:
    """None when the chain is whole; otherwise the first bad entry. Reads in pages."""

    def work(tx: Transaction) -> BrokenLink | None:
        after, prev_hash, checked = -1, GENESIS_HASH, 0
        while True:
            page: list[AuditEntry] = tx.audit.all(after_seq=after, limit=_PAGE)
            if not page:
                return None
            bad = verify_chain(page, prev_hash)
            if bad is not None:
                return BrokenLink(page[bad].seq, checked + bad)
            checked += len(page)
            after, prev_hash = page[-1].seq, page[-1].hash

    return svc.read(work)
