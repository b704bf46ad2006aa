"""The officers' use cases, wired: what a front end for officers (the web console) calls.

The composition root builds one over the ports; a caller never sees a port. Each
operation takes the signed-in officer and is exactly the use case of
``shared.services.cases`` (or ``shared.services.workload``) that the case API runs, so
roles, recusal, the workflows' rules and the history of every read and write are the
same whichever way an officer works.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.domain.officers import ETHICS_OFFICER, Officer, normalise_email, officer_for
from shared.domain.records import Case, CaseQuery
from shared.services import cases, workload
from shared.services.cases import AuditView, CaseView, Desk


@dataclass(frozen=True)
class OfficerDesk:
    """Bound use cases over one ``Desk`` of ports and the officers directory."""

    _desk: Desk
    _directory: Mapping[str, Officer]

    def now(self) -> datetime:
        return self._desk.clock.now()

    def today(self) -> date:
        return self.now().date()

    def officer(self, email: str) -> Officer:
        """The directory's officer with this address (Forbidden if none)."""
        return officer_for(self._directory, email)

    def assignable(self) -> list[Officer]:
        """The directory's officers who may be given cases (each case still refuses an
        officer it names)."""
        return sorted((o for o in self._directory.values() if o.has_role(ETHICS_OFFICER)),
                      key=lambda o: (o.name.casefold(), o.email))

    def workload(self, officer: Officer) -> workload.Workload:
        return workload.workload(officer, self._desk)

    def list(self, officer: Officer, *, form: str | None = None, state: str | None = None,
             assignee: str | None = None, due_within_days: int | None = None,
             referral: str | None = None, limit: int = 100) -> list[Case]:
        due = self.now() + timedelta(days=due_within_days) \
            if due_within_days is not None else None
        return cases.list_cases(officer, CaseQuery(
            form=form, state=state, assignee=assignee, due_before=due, referral=referral,
            limit=limit), self._desk)

    def open(self, officer: Officer, reference: str) -> CaseView:
        return cases.open_case(reference, officer, self._desk)

    def audit(self, officer: Officer, reference: str) -> AuditView:
        return cases.audit_case(reference, officer, self._desk)

    def transition(self, officer: Officer, reference: str, name: str, *,
                   note: str | None = None, requester_consent: bool = False,
                   reason: str | None = None, allegation_type: str | None = None) -> Case:
        return cases.apply_transition(reference, name, officer, self._desk, note=note,
                                      requester_consent=requester_consent, reason=reason,
                                      allegation_type=allegation_type)

    def assign(self, officer: Officer, reference: str, assignee: str) -> Case:
        return cases.assign(reference, self._directory.get(normalise_email(assignee)),
                            officer, self._desk)

    def note(self, officer: Officer, reference: str, text: str) -> Case:
        return cases.add_note(reference, text, officer, self._desk)

    def reply(self, officer: Officer, reference: str, text: str) -> Case:
        return cases.reply(reference, text, officer, self._desk)

    def measure(self, officer: Officer, reference: str, *, kind: str, recommended_on: date,
                outcome: str, purpose: str = "protective", measure_id: str | None = None,
                decision: str | None = None, decided_on: date | None = None) -> Case:
        return cases.record_measure(
            reference, kind, recommended_on.isoformat(), outcome, officer, self._desk,
            measure_id=measure_id, purpose=purpose, decision=decision,
            decided_on=decided_on.isoformat() if decided_on else None)
