"""The intake store: submissions, cases, their history and pending work, and the
errors every store raises."""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import datetime

from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    PendingTask,
    Submission,
)


class StoreUnavailable(Exception):
    """The document store could not be reached or did not answer in time."""


class SubmissionExists(Exception):
    """A submission with this id is already stored (an idempotent retry)."""


class ReferenceTaken(Exception):
    """The randomly drawn case reference is already in use; draw another."""


class IntakeStore(abc.ABC):
    """Document store of submissions, cases, their history and pending work.

    Every method is atomic: it either happens completely or not at all.
    """

    @abc.abstractmethod
    def create_submission(self, submission: Submission, case: Case, first_event: CaseEvent,
                          pending: PendingTask) -> None:
        """Store a new submission with its case, first history event and pending triage.

        Raises SubmissionExists if ``submission.id`` is taken, ReferenceTaken if
        ``case.reference`` is, and StoreUnavailable if the store cannot be reached.
        """

    @abc.abstractmethod
    def get_submission(self, submission_id: str) -> Submission | None:
        """The stored submission, or None."""

    @abc.abstractmethod
    def get_case(self, reference: str) -> Case | None:
        """The case, or None."""

    @abc.abstractmethod
    def case_events(self, reference: str) -> list[CaseEvent]:
        """The case's history, oldest first."""

    @abc.abstractmethod
    def forget_request_digests(self, at: datetime, limit: int) -> int:
        """Clear the request digest (the idempotency record) of up to ``limit`` submissions
        whose ``replay_until`` has passed at ``at``, and their ``replay_until``; how many."""

    @abc.abstractmethod
    def list_cases(self, query: CaseQuery) -> list[Case]:
        """Cases matching the query, most recently received first."""

    @abc.abstractmethod
    def update_case(self, reference: str,
                    decide: Callable[[Case], CaseChange | None]) -> CaseChange | None:
        """Read the case, let ``decide`` (pure: it may run more than once) say what changes,
        and write all of it atomically: the case, its new history events, pending tasks
        added and removed. If another writer changed the case meanwhile, ``decide`` runs
        again on the new version. ``None`` from ``decide`` writes nothing.

        Raises LookupError if there is no such case.
        """

    @abc.abstractmethod
    def pending_tasks(self, enqueued_before: datetime, limit: int) -> list[PendingTask]:
        """Pending tasks last enqueued before the given time, oldest first."""

    @abc.abstractmethod
    def mark_requeued(self, pending: PendingTask, generation: int, at: datetime) -> None:
        """Record that a pending task was enqueued again under ``generation``.

        Does nothing if the task completed in the meantime.
        """
