"""Fakes of our own ports (never of an SDK): an in-memory store, a recording queue, a clock,
and proxies that inject failures into any implementation."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared.domain.follow_up import MESSAGE_KINDS, Attempt, Lockout, Visit, message_details, visited
from shared.domain.mail_limits import SendQuota
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
    Task,
    matches,
    next_deadline,
    referral_status,
)
from shared.domain.retention import content_free, purge_due, rekey_needed
from shared.ports.clock import Clock
from shared.ports.follow_up import FollowUpStore
from shared.ports.mail import Claim, Email, MailLedger, Notifier, NotifierUnavailable, QuotaFull
from shared.ports.storage import IntakeStore, ReferenceTaken, StoreUnavailable, SubmissionExists
from shared.ports.tasks import QueueUnavailable, TaskQueue

if TYPE_CHECKING:
    from shared.bootstrap import Storage


class FixedClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class InMemoryStore(IntakeStore):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.submissions: dict[str, Submission] = {}
        self.cases: dict[str, Case] = {}
        self.events: dict[str, list[CaseEvent]] = {}
        self.pending: dict[str, PendingTask] = {}

    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        with self._lock:
            if submission.id in self.submissions:
                raise SubmissionExists(submission.id)
            if case.reference in self.cases:
                raise ReferenceTaken(case.reference)
            self.submissions[submission.id] = submission
            self.cases[case.reference] = case
            self.events[case.reference] = [first_event]
            self.pending[pending.key] = pending

    def get_submission(self, submission_id: str) -> Submission | None:
        return self.submissions.get(submission_id)

    def get_case(self, reference: str) -> Case | None:
        return self.cases.get(reference)

    def case_events(self, reference: str) -> list[CaseEvent]:
        return list(self.events.get(reference, []))

    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        with self._lock:
            case = self.cases.get(reference)
            if case is None:
                raise LookupError(reference)
            change = decide(case)
            if change is None:
                return None
            if change.write_case:
                self.cases[reference] = change.case
                self.events[reference].extend(change.events)
            if change.purge:
                sid = change.case.submission_id
                self.submissions[sid] = replace(self.submissions[sid], sealed={})
                self.events[reference] = [replace(e, details=content_free(e.details))
                                          for e in self.events[reference]]
            for key in change.remove_pending:
                self.pending.pop(key, None)
            for task in change.add_pending:
                self.pending[task.key] = task
            return change

    def list_cases(self, query: CaseQuery) -> list[Case]:
        if query.purge_before is not None:  # the first due, narrowed (CaseQuery.purge_before)
            before = query.purge_before
            soonest = sorted((c for c in self.cases.values()
                              if (at := purge_due(c)) is not None and at < before),
                             key=lambda c: purge_due(c) or before)[:query.limit]
            return [c for c in soonest if matches(c, query)]
        found = [c for c in self.cases.values()
                 if (query.form is None or c.form == query.form)
                 and (query.state is None or c.state == query.state)
                 and (query.assignee is None or c.assignee == query.assignee)
                 and (query.referral is None or referral_status(c) == query.referral)
                 and (query.due_before is None or (
                     (due := next_deadline(c)) is not None and due < query.due_before))
                 and (not query.rekey or rekey_needed(c))]
        found.sort(key=lambda c: c.received_at, reverse=True)
        if query.due_before is not None:
            found.sort(key=lambda c: next_deadline(c) or query.due_before)  # type: ignore[arg-type,return-value]
        return found[:query.limit]

    def forget_request_digests(self, at: datetime, limit: int) -> int:
        with self._lock:
            due = [s for s in self.submissions.values()
                   if s.replay_until is not None and s.replay_until <= at][:limit]
            for s in due:
                self.submissions[s.id] = replace(s, request_digest="", replay_until=None)
            return len(due)

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        due = [p for p in self.pending.values() if p.last_enqueued_at < enqueued_before]
        return sorted(due, key=lambda p: p.last_enqueued_at)[:limit]

    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        with self._lock:
            current = self.pending.get(pending.key)
            if current is not None:
                self.pending[pending.key] = replace(
                    current, generation=max(generation, current.generation),
                    last_enqueued_at=at)


class RecordingQueue(TaskQueue):
    """Accepts tasks like Cloud Tasks (a repeated name is a no-op) and keeps them until a
    test delivers them. ``fail_next`` makes the next N enqueues fail."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.names: set[str] = set()
        self.fail_next = 0

    def enqueue(self, task: Task) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise QueueUnavailable("injected enqueue failure")
        if task.name in self.names:
            return
        self.names.add(task.name)
        self.tasks.append(task)

    def take(self) -> list[Task]:
        tasks, self.tasks = self.tasks, []
        return tasks


class FlakyStore(IntakeStore):
    """Delegates to a real store, but makes chosen methods fail a given number of times.

    ``after=True`` performs the call first and then raises, as when the write lands but the
    answer is lost on the way back.
    """

    def __init__(self, inner: IntakeStore) -> None:
        self.inner = inner
        self._failures: dict[str, tuple[int, bool, int]] = {}

    def fail(self, method: str, times: int = 1, *, after: bool = False, skip: int = 0) -> None:
        """Make the ``times`` calls of ``method`` that follow the next ``skip`` ones fail."""
        self._failures[method] = (times, after, skip)

    def _call(self, method: str, call: Callable[[], Any]) -> Any:
        times, after, skip = self._failures.get(method, (0, False, 0))
        if skip:
            self._failures[method] = (times, after, skip - 1)
            return call()
        if not times:
            return call()
        self._failures[method] = (times - 1, after, 0)
        if after:
            call()
        raise StoreUnavailable(f"injected failure of {method}")

    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        self._call("create_submission",
                   lambda: self.inner.create_submission(submission, case, first_event, pending))

    def get_submission(self, submission_id: str) -> Submission | None:
        result: Submission | None = self._call(
            "get_submission", lambda: self.inner.get_submission(submission_id))
        return result

    def get_case(self, reference: str) -> Case | None:
        result: Case | None = self._call("get_case", lambda: self.inner.get_case(reference))
        return result

    def case_events(self, reference: str) -> list[CaseEvent]:
        result: list[CaseEvent] = self._call("case_events",
                                             lambda: self.inner.case_events(reference))
        return result

    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        result: CaseChange | None = self._call(
            "update_case", lambda: self.inner.update_case(reference, decide))
        return result

    def forget_request_digests(self, at: datetime, limit: int) -> int:
        result: int = self._call("forget_request_digests",
                                 lambda: self.inner.forget_request_digests(at, limit))
        return result

    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        result: list[PendingTask] = self._call(
            "pending_tasks", lambda: self.inner.pending_tasks(enqueued_before, limit))
        return result

    def list_cases(self, query: CaseQuery) -> list[Case]:
        result: list[Case] = self._call("list_cases", lambda: self.inner.list_cases(query))
        return result

    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        self._call("mark_requeued", lambda: self.inner.mark_requeued(pending, generation, at))


class RecordingNotifier(Notifier):
    """Keeps what would have been e-mailed; ``fail_next`` makes sends fail."""

    def __init__(self) -> None:
        self.sent: list[Email] = []
        self.fail_next = 0

    def send(self, email: Email) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise NotifierUnavailable("injected failure")
        self.sent.append(email)


# --- Public web forms and follow-up ---------------------------------------------------

class InMemoryFollowUpStore(FollowUpStore):
    """The follow-up port over an InMemoryStore's cases and events."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.lockouts: dict[str, Lockout] = {}
        self.visits: dict[str, Visit] = {}
        self.expires: dict[str, datetime] = {}
        self._messages: dict[tuple[str, str], int] = {}

    def messages(self, reference: str) -> list[CaseEvent]:
        return [e for e in self._store.case_events(reference) if e.kind in MESSAGE_KINDS]

    def events(self, reference: str) -> list[CaseEvent]:
        return list(self._store.case_events(reference))

    def record_visit(self, reference: str, at: datetime) -> Visit:
        with self._store._lock:
            self.visits[reference] = visited(self.visits.get(reference), at)
            return self.visits[reference]

    def visit(self, reference: str) -> Visit | None:
        return self.visits.get(reference)

    def forget_visit(self, reference: str) -> None:
        self.visits.pop(reference, None)

    def append_message(self, reference: str, *, kind: str, actor: str, message_id: str,
                       sealed: Mapping[str, Any], at: datetime,
                       pending: Sequence[PendingTask] = (),
                       attachments: Sequence[Mapping[str, Any]] = ()) -> CaseEvent:
        with self._store._lock:
            if (reference, message_id) in self._messages:
                seq = self._messages[reference, message_id]
                return next(e for e in self._store.events[reference] if e.seq == seq)
            case = self._store.cases.get(reference)
            if case is None:
                raise LookupError(reference)
            event = CaseEvent(seq=case.event_count + 1, at=at, kind=kind, actor=actor,
                              details=message_details(message_id, sealed, attachments))
            self._store.cases[reference] = replace(case, event_count=event.seq, updated_at=at)
            self._store.events[reference].append(event)
            self._messages[reference, message_id] = event.seq
            for task in pending:
                self._store.pending[task.key] = task
            return event

    def lockout(self, reference: str) -> Lockout:
        return self.lockouts.get(reference, Lockout())

    def reserve_attempt(self, reference: str, *, at: datetime, limit: int,
                        lock_for: timedelta, pause: timedelta | None = None,
                        keep_for: timedelta = timedelta(0)) -> Attempt:
        with self._store._lock:
            current = self.lockout(reference)
            counted = current.reserve(at, limit, lock_for, pause=pause)
            if counted is None:
                return Attempt(False, current)
            self.lockouts[reference] = counted
            last = counted.locked_until or counted.last_failure_at or at
            self.expires[reference] = last + max(lock_for, keep_for)
            return Attempt(True, counted)

    def forget_lockouts(self, at: datetime) -> int:
        with self._store._lock:
            gone = [r for r, expires in self.expires.items() if expires <= at]
            for reference in gone:
                self.lockouts.pop(reference, None)
                del self.expires[reference]
            return len(gone)

    def refund_attempt(self, reference: str, attempt: Attempt, *, limit: int) -> None:
        if attempt.granted:
            with self._store._lock:
                self.lockouts[reference] = self.lockout(reference).refund(attempt.lockout,
                                                                          limit)


# --- Notification e-mail: claims on pending notifications and send counters -----------

class InMemoryMailLedger(MailLedger):
    """The mail ledger over an InMemoryStore's pending tasks."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.claims: dict[str, datetime] = {}
        self.counters: dict[tuple[str, int], int] = {}

    def claim(self, pending_key: str, at: datetime, lease: timedelta) -> Claim:
        with self._store._lock:
            if pending_key not in self._store.pending:
                self.claims.pop(pending_key, None)  # the task is gone, and its claim with it
                return Claim.NOT_PENDING
            held = self.claims.get(pending_key)
            if held is not None and held > at:
                return Claim.BUSY
            self.claims[pending_key] = at + lease
            return Claim.CLAIMED

    def release(self, pending_key: str) -> None:
        with self._store._lock:
            self.claims.pop(pending_key, None)

    def take_quota(self, quotas: Sequence[SendQuota], at: datetime) -> QuotaFull | None:
        with self._store._lock:
            windows = [(quota, *quota.window(at)) for quota in quotas]
            full = [QuotaFull(quota.name, left) for quota, start, left in windows
                    if self.counters.get((quota.key, start), 0) >= quota.limit]
            if full:
                return max(full, key=lambda f: f.seconds)
            for quota, start, _ in windows:
                self.counters[(quota.key, start)] = self.counters.get((quota.key, start), 0) + 1
            return None


def ledger_for(store: IntakeStore) -> MailLedger | None:
    """The mail ledger on the same data as ``store``, for the stores the composition root
    cannot pair on its own (the in-memory one, a failure-injecting proxy); None for the
    others, whose ledger it builds on first use."""
    if isinstance(store, InMemoryStore):
        return InMemoryMailLedger(store)
    if not isinstance(store, FlakyStore):
        return None
    store = store.inner
    if isinstance(store, InMemoryStore):
        return InMemoryMailLedger(store)
    from shared.adapters.sqlite_store import SqliteStore

    if isinstance(store, SqliteStore):
        from shared.adapters.sqlite_mail import SqliteMailLedger

        return SqliteMailLedger(store.database)
    return None


def storage_for(store: IntakeStore) -> Storage | None:
    """The backend storage ``store`` (or the store a failure-injecting proxy wraps) is built
    on, so that a container given ``store`` builds its other storage adapters on the same
    database; None for the in-memory store."""
    from shared.adapters.firestore_store import FirestoreStore
    from shared.adapters.sqlite_store import SqliteStore
    from shared.bootstrap import FirestoreStorage, SqliteStorage

    inner = store.inner if isinstance(store, FlakyStore) else store
    if isinstance(inner, SqliteStore):
        return SqliteStorage(inner.database)
    if isinstance(inner, FirestoreStore):
        return FirestoreStorage(inner.database)
    return None
