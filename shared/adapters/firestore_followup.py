"""The follow-up store on Firestore, beside the intake store's collections.

Messages: ``cases/{reference}/events/{seq}`` like every history event, plus a marker
``cases/{reference}/message_ids/{message_id}`` created in the same transaction, so the
same message id on the same case is a no-op (and means nothing on another case). Lockouts:
``follow_up_lockouts/{reference}`` (with ``expires_at`` for a TTL policy), counted and
refunded in transactions.

Markers written before ids were scoped to their case (``follow_up_messages/{message_id}``)
are no longer read: a form sent before an upgrade and sent again after it would add its
message twice, never lose it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore

from shared.adapters.documents import (
    case_from_doc,
    event_doc,
    event_from_doc,
    event_id,
    pending_doc,
)
from shared.adapters.firestore_database import FirestoreDatabase, case_lock
from shared.adapters.followup_docs import (
    lockout_doc,
    lockout_from_doc,
    refund_fields,
    visit_doc,
    visit_from_doc,
)
from shared.domain.follow_up import MESSAGE_KINDS, Attempt, Lockout, Visit, message_details, visited
from shared.domain.records import CaseEvent, PendingTask
from shared.ports.follow_up import FollowUpStore
from shared.ports.storage import StoreUnavailable

# A case's messages and a reference's counter are single documents that several requests
# may write at once (a double click, a burst of guesses): threads of one instance take turns
# (``case_lock``), and contended transactions between instances are retried more than the
# client's default 5 times.
TRANSACTION_ATTEMPTS = 20


class FirestoreFollowUpStore(FollowUpStore):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db = database.client

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """The store's guard, plus the client's habit of masking a failed transaction
        begin with a ValueError about rolling back (the API error is its context)."""
        try:
            with self._database.guard():
                yield
        except ValueError as error:
            if isinstance(error.__context__, api_exceptions.GoogleAPIError):
                raise StoreUnavailable(f"firestore: {error.__context__}") from error
            raise

    def _events(self, reference: str) -> Any:
        return self._db.collection("cases").document(reference).collection("events")

    def messages(self, reference: str) -> list[CaseEvent]:
        return [e for e in self.events(reference) if e.kind in MESSAGE_KINDS]

    def events(self, reference: str) -> list[CaseEvent]:
        # Events are read by id (1..event_count), not queried: the public forms function
        # reads documents it can name and never needs the permission to list a collection.
        doc = self._database.get(f"cases/{reference}")
        if doc is None:
            return []
        case = case_from_doc(doc)
        refs = [self._events(reference).document(event_id(seq))
                for seq in range(1, case.event_count + 1)]
        snapshots = self._database.call(lambda **options: list(self._db.get_all(refs, **options)))
        events = [event_from_doc(s.to_dict() or {}) for s in snapshots if s.exists]
        return sorted(events, key=lambda e: e.seq)

    def _visit_ref(self, reference: str) -> Any:
        return self._db.collection("follow_up_visits").document(reference)

    def record_visit(self, reference: str, at: datetime) -> Visit:
        ref = self._visit_ref(reference)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> Visit:
            snapshot = ref.get(transaction=transaction)
            visit = visited(visit_from_doc(snapshot.to_dict() or {}) if snapshot.exists
                            else None, at)
            transaction.set(ref, visit_doc(visit))
            return visit

        with case_lock(reference), self._guard():
            return apply(  # type: ignore[no-any-return]
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def forget_visit(self, reference: str) -> None:
        self._database.call(self._visit_ref(reference).delete)

    def visit(self, reference: str) -> Visit | None:
        snapshot = self._database.call(self._visit_ref(reference).get)
        return visit_from_doc(snapshot.to_dict() or {}) if snapshot.exists else None

    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = (),
                       attachments: Sequence[Mapping[str, Any]] = ()) -> CaseEvent:
        case_ref = self._db.collection("cases").document(reference)
        marker_ref = case_ref.collection("message_ids").document(message_id)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> CaseEvent | int:
            marker = marker_ref.get(transaction=transaction)
            if marker.exists:
                return int((marker.to_dict() or {})["seq"])
            snapshot = case_ref.get(transaction=transaction)
            if not snapshot.exists:
                raise LookupError(f"no case {reference}")
            case = case_from_doc(snapshot.to_dict() or {})
            event = CaseEvent(seq=case.event_count + 1, at=at, kind=kind, actor=actor,
                              details=message_details(message_id, sealed, attachments))
            transaction.update(case_ref, {"event_count": event.seq, "updated_at": at})
            transaction.create(self._events(reference).document(event_id(event.seq)),
                               event_doc(event))
            transaction.create(marker_ref, {"seq": event.seq})
            for task in pending:
                transaction.set(self._db.collection("pending_tasks").document(task.key),
                                pending_doc(task))
            return event

        with case_lock(reference), self._guard():
            outcome = apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
        if isinstance(outcome, CaseEvent):
            return outcome
        snapshot = self._database.call(self._events(reference).document(event_id(outcome)).get)
        return event_from_doc(snapshot.to_dict() or {})

    def _lockout_ref(self, reference: str) -> Any:
        return self._db.collection("follow_up_lockouts").document(reference)

    def lockout(self, reference: str) -> Lockout:
        snapshot = self._database.call(self._lockout_ref(reference).get)
        return lockout_from_doc(snapshot.to_dict() or {}) if snapshot.exists else Lockout()

    def forget_lockouts(self, at: datetime) -> int:
        return 0  # the TTL policy on expires_at (infra/modules/intake, retention_ttl_field)

    def reserve_attempt(self, reference: str, *, at: datetime, limit: int,
                        lock_for: timedelta, pause: timedelta | None = None,
                        keep_for: timedelta = timedelta(0)) -> Attempt:
        ref = self._lockout_ref(reference)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> Attempt:
            snapshot = ref.get(transaction=transaction)
            current = lockout_from_doc(snapshot.to_dict() or {}) if snapshot.exists \
                else Lockout()
            counted = current.reserve(at, limit, lock_for, pause=pause)
            if counted is None:
                return Attempt(False, current)
            transaction.set(ref, lockout_doc(counted, lock_for, keep_for))
            return Attempt(True, counted)

        with case_lock(reference), self._guard():  # threads of an instance take turns
            return apply(  # type: ignore[no-any-return]
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def refund_attempt(self, reference: str, attempt: Attempt, *, limit: int) -> None:
        if not attempt.granted:
            return
        ref = self._lockout_ref(reference)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> None:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                return
            current = lockout_from_doc(snapshot.to_dict() or {})
            refunded = current.refund(attempt.lockout, limit)
            if refunded != current:
                transaction.update(ref, refund_fields(refunded))

        with case_lock(reference), self._guard():
            apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
