"""The Ethics Office at work on one real backend (SQLite, or the Firestore emulator): the
functions in-process, officers signed in with development tokens, referrals delivered over
HTTP to a served reference receiver, e-mails recorded, and the annual report's store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from reference_receiver.store import Referral
from shared import bootstrap
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.bootstrap import Container
from shared.domain.officers import parse_directory
from shared.domain.records import Case, CaseEvent
from shared.ports.mail import Email
from shared.ports.statistics import StatisticsStore
from shared.ports.storage import IntakeStore
from shared.services.sweep import sweep
from tests.support.fakes import FixedClock, RecordingNotifier, RecordingQueue, storage_for
from tests.support.harness import Harness, function_app, settings_for
from tests.support.payloads import payload
from tests.support.processes import free_port
from tests.support.receiver import SECRET, ServedReceiver, new_receiver
from tests.support.tokens import dev_bearer, dev_verifier

OFFICER = "olga@example.org"
COLLEAGUE = "omar@example.org"
DIRECTORY = {OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]},
             COLLEAGUE: {"name": "Omar Officer", "roles": ["ethics_officer", "ethics_admin"]}}
OFFICE_MAILBOX = "ethics-operations@example.org"
INVESTIGATIONS_MAILBOX = "intake@oiai.example.org"
FUNCTIONS = {"advice": "submit_advice", "misconduct": "submit_misconduct",
             "retaliation": "submit_retaliation"}


@dataclass
class Office:
    """The office on one backend, and what left it."""

    h: Harness
    receiver: ServedReceiver
    notifier: RecordingNotifier
    statistics: StatisticsStore

    @property
    def store(self) -> IntakeStore:
        return self.h.store

    @property
    def clock(self) -> FixedClock:
        return self.h.clock

    @property
    def container(self) -> Container:
        return self.h.container

    def submit(self, form: str, body: dict[str, Any] | None = None, *,
               drain: bool = True) -> dict[str, Any]:
        response = self.h.submit(FUNCTIONS[form], body or payload(form))
        assert response.status_code == 201, response.get_json()
        if drain:
            self.h.drain()
        answer: dict[str, Any] = response.get_json()
        return answer

    def call(self, method: str, path: str, body: Any = None, *,
             who: str = OFFICER) -> TestResponse:
        client = function_app("cases").test_client()
        with bootstrap.using(self.container):
            if method == "GET":
                response: TestResponse = client.get(path, headers=dev_bearer(who))
            else:
                response = client.post(path, data=json.dumps(body),
                                       content_type="application/json",
                                       headers=dev_bearer(who))
        return response

    def act(self, reference: str, name: str, *, drain: bool = True,
            **details: Any) -> dict[str, Any]:
        """A transition an officer applies; it must succeed. Its case summary."""
        response = self.call("POST", f"/{reference}/transitions", {"name": name, **details})
        assert response.status_code == 200, response.get_json()
        if drain:
            self.h.drain()
        case: dict[str, Any] = response.get_json()["case"]
        return case

    def walk(self, reference: str, *names: str) -> None:
        for name in names:
            self.act(reference, name)

    def case(self, reference: str) -> Case:
        case = self.store.get_case(reference)
        assert case is not None
        return case

    def events(self, reference: str) -> list[CaseEvent]:
        return self.store.case_events(reference)

    def listed(self, query: str) -> list[str]:
        response = self.call("GET", f"/?{query}")
        assert response.status_code == 200, response.get_json()
        return [c["reference"] for c in response.get_json()["cases"]]

    def referrals(self) -> list[Referral]:
        return self.receiver.receiver.store.referrals()

    def fail_next(self, count: int, status: int = 503) -> None:
        self.receiver.receiver.store.set_controls(fail_next=count, fail_status=status)

    def mail_to(self, address: str) -> list[Email]:
        return [m for m in self.notifier.sent if m.to == address]

    def sweep_at(self, moment: datetime) -> list[str]:
        self.clock.current = moment
        report = sweep(store=self.store, queue=self.h.queue, clock=self.clock,
                       grace=self.container.sweep_grace, batch=100)
        self.h.drain()
        return [*report.alerts, *(f"{r} lapsed" for r in report.lapsed)]

    def alerts(self, reference: str) -> list[tuple[str, str]]:
        return [(e.details["deadline"], e.details["threshold"])
                for e in self.events(reference) if e.kind == "deadline_alert"]


def open_office(backend: str, tmp_path: Path, request: pytest.FixtureRequest, *,
                directory: dict[str, Any] | None = None,
                components: dict[str, object] | None = None,
                firestore_client: Any = None,
                **settings: str) -> Office:
    """The office on ``backend`` ("sqlite" or "firestore": the emulator, required in CI;
    ``firestore_client``, a callable, makes the Firestore client of a project)."""
    store: IntakeStore
    statistics: StatisticsStore
    if backend == "sqlite":
        from shared.adapters.sqlite_statistics import SqliteStatistics
        from shared.adapters.sqlite_store import SqliteStore

        store = SqliteStore.open(tmp_path / "intake.sqlite3")
        statistics = SqliteStatistics(store.database)
    else:
        from shared.adapters.firestore_database import FirestoreDatabase
        from shared.adapters.firestore_statistics import FirestoreStatistics
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        if firestore_client is None:
            store = FirestoreStore.connect(project, "(default)", timeout=10)
        else:
            store = FirestoreStore(FirestoreDatabase(firestore_client(project), timeout=10))
        statistics = FirestoreStatistics(store.database)
    served = ServedReceiver(new_receiver(tmp_path), free_port())
    served.start()
    request.addfinalizer(served.stop)
    notifier = RecordingNotifier()
    env = {"INTAKE_ETHICS_OFFICE_MAILBOX": OFFICE_MAILBOX,
           "INTAKE_INVESTIGATIONS_MAILBOX": INVESTIGATIONS_MAILBOX,
           "INTAKE_FORWARD_MAX_ATTEMPTS": "4", **settings}
    queue, clock = RecordingQueue(), FixedClock()
    storage = storage_for(store)
    assert storage is not None
    container = Container(settings_for(tmp_path, **env), store=store, statistics=statistics,
                          storage=storage,
                          queue=queue, clock=clock, verifier=dev_verifier(),
                          officers=parse_directory(json.dumps(directory or DIRECTORY)),
                          notifier=notifier,
                          gateway=HttpInvestigationsGateway(served.url, SECRET, timeout=5),
                          **(components or {}))
    return Office(Harness(container, store, queue, clock), served, notifier, statistics)
