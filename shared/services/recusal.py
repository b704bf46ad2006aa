"""Recusal over stored cases: a case never shows itself to an officer it names, nor to
an officer who declared an interest in what it names (``interests``: the counterparts of
the officer's own declarations, as a filer of the disclosure programme: a company,
organisation or person their household holds, earns from, works for or is related to).

Each case carries the blind index of the people it names (``shared.domain.recusal``),
written at triage from the opened submission. Lists compare the officer's own marks with
it and open nothing; a case without a current index (not triaged yet, triaged before the
index existed, or indexed under another key or fold) is checked by opening its
submission where it is kept (``shared.services.integrity``), and ``index_missing_names``
writes the missing indexes (``intake recusal-index``). A submission that fails its
integrity check cannot say whom it names: the case is then treated as naming the person
asked about (the alert is raised), never as naming nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from shared.domain import casework, recusal
from shared.domain.officers import Officer, normalise_email
from shared.domain.records import Case, CaseChange, CaseQuery
from shared.domain.sealing import IntegrityFailure
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services import integrity

log = get_logger(__name__)

# A list asks the store for this many cases more than it shows, then twice as many each
# time recused ones leave it short.
_LIST_MARGIN = 8


# An officer's address -> the counterparts of what they declared (empty when they are no
# filer, or declared nothing).
Interests = Callable[[str], Sequence[str]]

NAMED, DECLARED_INTEREST, BY_HAND = "recused", "declared_interest", "recused_by_administrator"


def named_index(form: str, payload: Mapping[str, Any],
                marker: recusal.Marker) -> recusal.NamedIndex:
    """The blind index of the people, organisations and offices a submission names."""
    return recusal.index_of(casework.people_named(form, payload), marker,
                            casework.organisations_named(form, payload))


@dataclass
class Recusal:
    """Who may see which case, for one request: officers' marks are computed once, and
    a case opened for the check is opened once (and only in place: see
    ``integrity.open_submission``)."""

    store: IntakeStore
    cipher: PayloadCipher
    queue: TaskQueue  # where an integrity alert's notice goes
    clock: Clock
    marker: recusal.Marker
    interests: Interests
    _marks: dict[tuple[str, str], recusal.OfficerMarks] = field(default_factory=dict)
    _interests: dict[str, recusal.InterestMarks] = field(default_factory=dict)
    _declared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _payloads: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    def marks(self, name: str, email: str) -> recusal.OfficerMarks:
        key = (name, normalise_email(email))
        if key not in self._marks:
            self._marks[key] = recusal.officer_marks(name, email, self.marker)
        return self._marks[key]

    def declared(self, email: str) -> tuple[str, ...]:
        key = normalise_email(email)
        if key not in self._declared:
            self._declared[key] = tuple(self.interests(key)) if key else ()
        return self._declared[key]

    def interest_marks(self, email: str) -> recusal.InterestMarks:
        key = normalise_email(email)
        if key not in self._interests:
            self._interests[key] = recusal.interest_marks(self.declared(key), self.marker)
        return self._interests[key]

    def indexed(self, case: Case) -> bool:
        """Whether the case's index can be compared with this marker's marks."""
        return case.named_index is not None and case.named_index.scheme == self.marker.scheme

    def by_index(self, case: Case, name: str, email: str) -> bool | None:
        """What the case's index says (None: no current index)."""
        return None if (why := self.reason_by_index(case, name, email)) is None \
            else bool(why)

    def reason_by_index(self, case: Case, name: str, email: str) -> str | None:
        """Why the case's index, or an administrator's recusal, recuses this person ("" : it
        does not; None: no current index to say)."""
        if email and normalise_email(email) in case.recused:
            return BY_HAND
        if not self.indexed(case):
            return None
        assert case.named_index is not None
        if recusal.index_names(self.marks(name, email), case.named_index):
            return NAMED
        if self.declared(email) and recusal.index_names_interest(
                self.interest_marks(email), case.named_index):
            return DECLARED_INTEREST
        return ""

    def payload(self, case: Case) -> dict[str, Any] | None:
        """The case's submission, opened where it is kept (None if it is not stored).
        Raises IntegrityFailure (alerted) if it is not this case's or does not open."""
        if case.reference not in self._payloads:
            submission = self.store.get_submission(case.submission_id)
            self._payloads[case.reference] = None if submission is None else \
                integrity.open_submission(case, submission, store=self.store,
                                          cipher=self.cipher, queue=self.queue,
                                          clock=self.clock)
        return self._payloads[case.reference]

    def by_payload(self, case: Case, payload: Mapping[str, Any], name: str,
                   email: str) -> bool:
        return bool(self.reason_by_payload(case, payload, name, email))

    def reason_by_payload(self, case: Case, payload: Mapping[str, Any], name: str,
                          email: str) -> str:
        """Why the opened submission, or an administrator's recusal, recuses this person
        ("": it does not)."""
        if email and normalise_email(email) in case.recused:
            return BY_HAND
        people = casework.people_named(case.form, payload)
        if recusal.is_named(name, email, people):
            return NAMED
        declared = self.declared(email)
        if declared and recusal.names_interest(
                declared, people, casework.organisations_named(case.form, payload)):
            return DECLARED_INTEREST
        return ""

    def names(self, case: Case, name: str, email: str) -> bool:
        """Whether the case names this person: by its index, or by opening it. A case
        whose submission fails its integrity check counts as naming them."""
        indexed = self.by_index(case, name, email)
        if indexed is not None:
            return indexed
        try:
            payload = self.payload(case)
        except IntegrityFailure:
            return True
        return payload is not None and self.by_payload(case, payload, name, email)

    def names_officer(self, case: Case, officer: Officer) -> bool:
        return self.names(case, officer.name, officer.email)

    def names_address(self, case: Case, email: str,
                      directory: Mapping[str, Officer]) -> bool:
        """Whether the case names the person of this address (an officer's name from the
        directory, when the address is in it)."""
        officer = directory.get(normalise_email(email))
        return self.names(case, officer.name if officer else "", email)


def visible_cases(officer: Officer, query: CaseQuery, check: Recusal) -> list[Case]:
    """Up to ``query.limit`` cases of the query that do not name the officer, in the
    query's order. Recused cases leave no gap: the store is asked for more until the list
    is full or the store has no more."""
    fetch = query.limit + _LIST_MARGIN
    while True:
        found = check.store.list_cases(replace(query, limit=fetch))
        visible = [c for c in found if not check.names_officer(c, officer)]
        if len(visible) >= query.limit or len(found) < fetch:
            unindexed = sum(1 for c in found if c.triage is not None and not check.indexed(c))
            if unindexed:
                log.warning("cases without a current name index were opened to check "
                            "recusal; run `intake recusal-index`", extra={
                                "event": "name_index_missing", "count": unindexed})
            return visible[:query.limit]
        fetch *= 2


@dataclass
class IndexReport:
    indexed: list[str] = field(default_factory=list)
    current: int = 0
    missing_submission: list[str] = field(default_factory=list)
    # Cases whose submission failed its integrity check (reference, code): alerted, left
    # without an index (lists keep them from everyone until they are resolved).
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def index_missing_names(store: IntakeStore, cipher: PayloadCipher, queue: TaskQueue,
                        clock: Clock, marker: recusal.Marker, *, every: bool = False,
                        progress: Callable[[str], None] | None = None) -> IndexReport:
    """Write the blind index of named people on every triaged case that has none, or one
    from another key or fold (every case with ``every``). Submissions are opened where
    they are kept, as every reader opens them. Idempotent; nothing else of a case changes
    and nothing is added to its history."""
    report = IndexReport()
    for case in _all_cases(store):
        if case.triage is None:
            continue  # triage writes it
        if not every and case.named_index is not None \
                and case.named_index.scheme == marker.scheme:
            report.current += 1
            continue
        submission = store.get_submission(case.submission_id)
        if submission is None:
            report.missing_submission.append(case.reference)
            continue
        try:
            payload = integrity.open_submission(case, submission, store=store, cipher=cipher,
                                                queue=queue, clock=clock)
        except IntegrityFailure as failure:
            report.unreadable.append((case.reference, failure.code))
            continue
        index = named_index(case.form, payload, marker)

        def write(current: Case, index: recusal.NamedIndex = index) -> CaseChange | None:
            if current.named_index == index:
                return None
            return CaseChange(replace(current, named_index=index))

        store.update_case(case.reference, write)
        report.indexed.append(case.reference)
        if progress is not None:
            progress(case.reference)
    log.info("name index written", extra={"event": "name_index_written",
                                          "count": len(report.indexed)})
    return report


def _all_cases(store: IntakeStore, page: int = 1000) -> Iterator[Case]:
    """Every case, newest first (pages grow until one comes back short)."""
    limit = page
    while True:
        found = store.list_cases(CaseQuery(limit=limit))
        if len(found) < limit:
            yield from found
            return
        limit *= 4
