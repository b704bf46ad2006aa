"""The document store on Cloud Firestore (native mode).

Collections: ``submissions/{id}``, ``cases/{reference}`` with ``events/{seq}``, and
``pending_tasks/{kind}-{submission_id}``. A new submission is one batch of ``create`` writes,
so it lands completely or not at all; triage is a transaction that re-reads the case.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
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
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
)
from shared.ports.storage import IntakeStore, ReferenceTaken, StoreUnavailable, SubmissionExists

T = TypeVar("T")
# Transactions on one case contend when a task is delivered twice at once or officers act
# together; the client retries an aborted transaction this many times before giving up.
TRANSACTION_ATTEMPTS = 15
# Threads of one instance updating the same case take turns here first, so contention
# (and aborted transactions) only arises between instances.
_CASE_LOCKS = tuple(threading.Lock() for _ in range(64))


def case_lock(reference: str) -> threading.Lock:
    """The in-instance lock of a case, held around a transaction that writes it."""
    return _CASE_LOCKS[zlib.crc32(reference.encode()) % len(_CASE_LOCKS)]


# The equality filters list_cases can combine (any subset), before its optional
# next_deadline range and its received_at order: firestore_indexes.json declares an index
# for every combination (tests/infra checks).
CASE_FILTERS = ("form", "state", "assignee", "referral_status")


class FirestoreStore(IntakeStore):
    def __init__(self, client: firestore.Client, *, timeout: float = 10.0) -> None:
        self._db = client
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)

    @classmethod
    def connect(cls, project: str, database: str, *, timeout: float) -> FirestoreStore:
        """A store on the project's database (the emulator if FIRESTORE_EMULATOR_HOST is set)."""
        return cls(firestore.Client(project=project, database=database), timeout=timeout)

    @property
    def client(self) -> firestore.Client:
        """The Firestore client, for sibling adapters of other ports on the same database."""
        return self._db

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Map Google API errors to StoreUnavailable."""
        try:
            yield
        except api_exceptions.AlreadyExists:
            raise
        except (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError) as error:
            raise StoreUnavailable(f"firestore: {type(error).__name__}: {error}") from error
        except ValueError as error:
            # The client gives up on a contended transaction with a bare ValueError whose
            # cause is the last Aborted/Conflict error.
            if isinstance(error.__cause__, api_exceptions.GoogleAPIError):
                raise StoreUnavailable(f"firestore: {error}") from error
            raise

    def call(self, call: Callable[..., T]) -> T:
        """Run a client call with this store's retry policy and deadline."""
        with self.guard():
            return call(retry=self._retry, timeout=self._timeout)

    def _get(self, path: str) -> dict[str, Any] | None:
        snapshot = self.call(self._db.document(path).get)
        return snapshot.to_dict() if snapshot.exists else None

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
            self.call(batch.commit)
        except api_exceptions.AlreadyExists as error:
            # Nothing was written. Either this submission is stored already (a retry whose
            # first attempt landed) or the random reference collided.
            if self._get(f"submissions/{submission.id}") is not None:
                raise SubmissionExists(submission.id) from error
            raise ReferenceTaken(case.reference) from error

    def get_submission(self, submission_id: str) -> Submission | None:
        doc = self._get(f"submissions/{submission_id}")
        return submission_from_doc(doc) if doc else None

    def get_case(self, reference: str) -> Case | None:
        doc = self._get(f"cases/{reference}")
        return case_from_doc(doc) if doc else None

    def case_events(self, reference: str) -> list[CaseEvent]:
        events = self._db.collection("cases").document(reference).collection("events")
        with self.guard():
            snapshots = list(events.order_by("seq").stream(retry=self._retry,
                                                           timeout=self._timeout))
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
            if change.write_case:
                transaction.set(case_ref, case_doc(change.case))
                for event in change.events:
                    transaction.create(
                        case_ref.collection("events").document(event_id(event.seq)),
                        event_doc(event))
            for key in change.remove_pending:
                transaction.delete(pending.document(key))
            for task in change.add_pending:
                transaction.set(pending.document(task.key), pending_doc(task))
            return change

        with case_lock(reference), self.guard():
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
        if query.due_before is not None:
            found = found.where(filter=FieldFilter("next_deadline", "<", query.due_before))
            found = found.order_by("next_deadline")
        found = found.order_by("received_at", direction=firestore.Query.DESCENDING)
        with self.guard():
            snapshots = list(found.limit(query.limit).stream(retry=self._retry,
                                                               timeout=self._timeout))
        return [case_from_doc(s.to_dict() or {}) for s in snapshots]

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        query = (self._db.collection("pending_tasks")
                 .where(filter=FieldFilter("last_enqueued_at", "<", enqueued_before))
                 .order_by("last_enqueued_at")
                 .limit(limit))
        with self.guard():
            snapshots = list(query.stream(retry=self._retry, timeout=self._timeout))
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

        with self.guard():
            apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
