"""Re-sealing on Firestore: pages of ``submissions`` and ``cases`` in document id order,
and compare-and-set replacement of one envelope in a transaction. Listing whole collections
is an operator's permission: no function's role holds ``datastore.entities.list`` on them
for this purpose (docs/deploy.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.documents import event_id, submission_from_doc
from shared.adapters.firestore_database import TRANSACTION_ATTEMPTS, FirestoreDatabase, case_lock
from shared.domain.records import Submission
from shared.ports.sealing import SealedRecords


class FirestoreSealedRecords(SealedRecords):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db = database.client

    def _ids_after(self, collection: str, after: str, limit: int) -> list[Any]:
        """Up to ``limit`` snapshots of ``collection`` with ids after ``after``, in order."""
        query = self._db.collection(collection).order_by(FieldPath.document_id())
        if after:
            query = query.start_after({FieldPath.document_id(): after})
        query = query.limit(limit)
        return self._database.call(lambda **options: list(query.stream(**options)))

    def submissions_after(self, submission_id: str, limit: int) -> list[Submission]:
        return [submission_from_doc(s.to_dict() or {})
                for s in self._ids_after("submissions", submission_id, limit)]

    def references_after(self, reference: str, limit: int) -> list[str]:
        return [s.id for s in self._ids_after("cases", reference, limit)]

    def replace_submission_seal(self, submission_id: str, *, expected: Mapping[str, Any],
                                sealed: Mapping[str, Any], request_digest: str) -> bool:
        ref = self._db.collection("submissions").document(submission_id)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> bool:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists or (snapshot.to_dict() or {}).get("sealed") != dict(
                    expected):
                return False
            transaction.update(ref, {"sealed": dict(sealed),
                                     "request_digest": request_digest})
            return True

        with self._database.guard():
            return bool(apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS)))

    def replace_event_seal(self, reference: str, seq: int, field: str, *,
                           expected: Mapping[str, Any], sealed: Mapping[str, Any]) -> bool:
        ref = (self._db.collection("cases").document(reference)
               .collection("events").document(event_id(seq)))
        path = f"details.{field}.sealed" if field else "details.sealed"

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> bool:
            snapshot = ref.get(transaction=transaction)
            details = (snapshot.to_dict() or {}).get("details") if snapshot.exists else None
            holder = (details or {}).get(field) if field else details
            if not isinstance(holder, dict) or holder.get("sealed") != dict(expected):
                return False
            transaction.update(ref, {path: dict(sealed)})
            return True

        with case_lock(reference), self._database.guard():
            return bool(apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS)))
