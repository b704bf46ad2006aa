"""The mail ledger on Firestore, beside the intake store's collections.

A claim is a ``claimed_until`` field on the pending task's own document
(``pending_tasks/{key}``), so it ends with the document when the notification is recorded
as sent. Send counters are ``mail_counters/{key}-{window start}`` documents (the key is an
HMAC, never an address) with an ``expires_at`` for a TTL policy.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from google.cloud import firestore

from shared.adapters.documents import timestamp
from shared.adapters.firestore_database import FirestoreDatabase, case_lock
from shared.domain.mail_limits import SendQuota
from shared.ports.mail import Claim, MailLedger, QuotaFull

# Every notification counts on the one overall counter of its window: contended
# transactions are retried more than the client's default 5 times, and the threads of one
# instance take turns first, so contention only arises between instances.
TRANSACTION_ATTEMPTS = 20
_COUNTERS_LOCK = threading.Lock()


class FirestoreMailLedger(MailLedger):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db = database.client

    def _pending(self, key: str) -> Any:
        return self._db.collection("pending_tasks").document(key)

    def claim(self, pending_key: str, at: datetime, lease: timedelta) -> Claim:
        ref = self._pending(pending_key)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> Claim:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return Claim.NOT_PENDING
            held = (snapshot.to_dict() or {}).get("claimed_until")
            if held is not None and timestamp(held) > at:
                return Claim.BUSY
            transaction.update(ref, {"claimed_until": at + lease})
            return Claim.CLAIMED

        with case_lock(pending_key), self._database.guard():
            return apply(  # type: ignore[no-any-return]
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def release(self, pending_key: str) -> None:
        ref = self._pending(pending_key)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> None:
            snapshot = ref.get(transaction=transaction)
            if snapshot.exists and "claimed_until" in (snapshot.to_dict() or {}):
                transaction.update(ref, {"claimed_until": firestore.DELETE_FIELD})

        with case_lock(pending_key), self._database.guard():
            apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def take_quota(self, quotas: Sequence[SendQuota], at: datetime) -> QuotaFull | None:
        counters = self._db.collection("mail_counters")
        windows = [(quota, *quota.window(at)) for quota in quotas]

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> QuotaFull | None:
            refs = [counters.document(f"{quota.key}-{start}") for quota, start, _ in windows]
            counts = [int((s.to_dict() or {}).get("count", 0)) if s.exists else 0
                      for s in (ref.get(transaction=transaction) for ref in refs)]
            full = [QuotaFull(quota.name, left) for (quota, _, left), count
                    in zip(windows, counts, strict=True) if count >= quota.limit]
            if full:
                return max(full, key=lambda f: f.seconds)
            for ref, count, (quota, start, _) in zip(refs, counts, windows, strict=True):
                expires = datetime.fromtimestamp(start + quota.window_seconds, UTC)
                transaction.set(ref, {"count": count + 1, "expires_at": expires})
            return None

        with _COUNTERS_LOCK, self._database.guard():
            return apply(  # type: ignore[no-any-return]
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
