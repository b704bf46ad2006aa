"""The document store on Cloud Firestore (native mode).

Collections: ``submissions/{id}``, ``cases/{reference}`` with ``events/{seq}``, and
``pending_tasks/{kind}-{submission_id}``. A new submission is one batch of ``create`` writes,
so it lands completely or not at all; triage is a transaction that re-reads the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.documents import (
    case_doc,
    case_from_doc,
    event_doc,
    event_from_doc,
    event_id,
    pending_doc,
    pending_from_doc,
    submission_doc,
    submission_from_doc,
)
from shared.adapters.firestore_database import (
    TRANSACTION_ATTEMPTS,
    FirestoreDatabase,
    case_lock,
)
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
    matches,
)
from shared.domain.retention import content_free
from shared.ports.storage import IntakeStore, ReferenceTaken, SubmissionExists

# The equality filters list_cases can combine (any subset), before its optional
# next_deadline or feedback_due range and its received_at order: firestore_indexes.json
# declares an index for every combination (tests/infra checks).
CASE_FILTERS = ("form", "state", "assignee", "referral_status")


class FirestoreStore(IntakeStore):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db = database.client

    @classmethod
    def connect(cls, project: str, database: str, *, timeout: float) -> FirestoreStore:
        """A store on the project's database (tools and tests)."""
        return cls(FirestoreDatabase.connect(project, database, timeout=timeout))

    @property
    def database(self) -> FirestoreDatabase:
        """The database this store shares with the other Firestore adapters."""
        return self._database

    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        case_ref = self._db.collection("cases").document(case.reference)
        batch = self._db.batch()
        batch.create(self._db.collection("submissions").document(submission.id),
                     submission_doc(submission))
        batch.create(case_ref, case_doc(case))
        batch.create(case_ref.collection("events").document(event_id(first_event.seq)),
                     event_doc(first_event))
        batch.create(self._db.collection("pending_tasks").document(pending.key),
                     pending_doc(pending))
        try:
            self._database.call(batch.commit)
        except api_exceptions.AlreadyExists as error:
            # Nothing was written. Either this submission is stored already (a retry whose
            # first attempt landed) or the random reference collided.
            if self._database.get(f"submissions/{submission.id}") is not None:
                raise SubmissionExists(submission.id) from error
            raise ReferenceTaken(case.reference) from error

    def get_submission(self, submission_id: str) -> Submission | None:
        doc = self._database.get(f"submissions/{submission_id}")
        return submission_from_doc(doc) if doc else None

    def get_case(self, reference: str) -> Case | None:
        doc = self._database.get(f"cases/{reference}")
        return case_from_doc(doc) if doc else None

    def case_events(self, reference: str) -> list[CaseEvent]:
        events = self._db.collection("cases").document(reference).collection("events")
        snapshots = self._database.stream(events.order_by("seq"))
        return [event_from_doc(s.to_dict() or {}) for s in snapshots]

    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        case_ref = self._db.collection("cases").document(reference)
        pending = self._db.collection("pending_tasks")

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> CaseChange | None:
            snapshot = case_ref.get(transaction=transaction)
            if not snapshot.exists:
                raise LookupError(f"no case {reference}")
            change = decide(case_from_doc(snapshot.to_dict() or {}))
            if change is None:
                return None
            stripped = []
            if change.purge:  # every read of a transaction comes before its writes
                for event_snapshot in case_ref.collection("events").stream(
                        transaction=transaction):
                    event = event_from_doc(event_snapshot.to_dict() or {})
                    details = content_free(event.details)
                    if details != event.details:
                        stripped.append(replace(event, details=details))
            if change.write_case:
                transaction.set(case_ref, case_doc(change.case))
                for event in change.events:
                    transaction.create(
                        case_ref.collection("events").document(event_id(event.seq)),
                        event_doc(event))
            if change.purge:
                transaction.update(self._db.collection("submissions").document(
                    change.case.submission_id), {"sealed": {}})
                for event in stripped:
                    transaction.set(case_ref.collection("events").document(
                        event_id(event.seq)), event_doc(event))
            for key in change.remove_pending:
                transaction.delete(pending.document(key))
            for task in change.add_pending:
                transaction.set(pending.document(task.key), pending_doc(task))
            return change

        with case_lock(reference), self._database.guard():
            result: CaseChange | None = apply(
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
            return result

    def list_cases(self, query: CaseQuery) -> list[Case]:
        # Equality filters plus the received_at order (and a next_deadline range) need the
        # composite indexes of firestore_indexes.json (shared/adapters/firestore_indexes.py).
        found: Any = self._db.collection("cases")
        criteria = {"form": query.form, "state": query.state, "assignee": query.assignee,
                    "referral_status": query.referral}
        for field in CASE_FILTERS:
            value = criteria[field]
            if value is not None:
                found = found.where(filter=FieldFilter(field, "==", value))
        if query.rekey:  # on its own: one equality, a single-field index
            found = found.where(filter=FieldFilter("rekey_needed", "==", True))
            return [case_from_doc(s.to_dict() or {})
                    for s in self._database.stream(found.limit(query.limit))]
        if query.purge_before is not None:
            # One range and its order, which Firestore's single-field index serves; the
            # other criteria narrow what it finds (CaseQuery.purge_before).
            found = (found.where(filter=FieldFilter("purge_due", "<", query.purge_before))
                     .order_by("purge_due"))
            due = [case_from_doc(s.to_dict() or {})
                   for s in self._database.stream(found.limit(query.limit))]
            return [case for case in due if matches(case, query)]
        if query.due_before is not None:
            found = found.where(filter=FieldFilter("next_deadline", "<", query.due_before))
            found = found.order_by("next_deadline")
        if query.feedback_due_before is not None:
            found = found.where(filter=FieldFilter("feedback_due", "<",
                                                   query.feedback_due_before))
            found = found.order_by("feedback_due")
        found = found.order_by("received_at", direction=firestore.Query.DESCENDING)
        snapshots = self._database.stream(found.limit(query.limit))
        return [case_from_doc(s.to_dict() or {}) for s in snapshots]

    def forget_request_digests(self, at: datetime, limit: int) -> int:
        query = (self._db.collection("submissions")
                 .where(filter=FieldFilter("replay_until", "<=", at))
                 .order_by("replay_until")
                 .limit(limit))
        snapshots = list(self._database.stream(query))
        if snapshots:
            batch = self._db.batch()
            for snapshot in snapshots:
                batch.update(snapshot.reference, {"request_digest": "",
                                                  "replay_until": firestore.DELETE_FIELD})
            self._database.call(batch.commit)
        return len(snapshots)

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        query = (self._db.collection("pending_tasks")
                 .where(filter=FieldFilter("last_enqueued_at", "<", enqueued_before))
                 .order_by("last_enqueued_at")
                 .limit(limit))
        snapshots = self._database.stream(query)
        return [pending_from_doc(s.to_dict() or {}) for s in snapshots]

    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        ref = self._db.collection("pending_tasks").document(pending.key)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return
            current = int((snapshot.to_dict() or {}).get("generation", 0))
            transaction.update(ref, {"generation": max(generation, current),
                                     "last_enqueued_at": at})

        with self._database.guard():
            apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
