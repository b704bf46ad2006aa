"""The functions in-process: functions-framework apps, a container of chosen ports, and
delivery of queued tasks to the triage function as Cloud Tasks would."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import functions_framework
from werkzeug.test import TestResponse

from shared import bootstrap, config
from shared.adapters.local_dispatcher import cloud_tasks_headers
from shared.bootstrap import Container
from shared.config import Settings
from shared.ports.storage import IntakeStore
from tests.support.fakes import FixedClock, RecordingQueue, ledger_for, storage_for

ROOT = Path(__file__).resolve().parents[2]
_APPS: dict[str, Any] = {}


def function_app(name: str) -> Any:
    """The functions-framework app of functions/<name>/main.py, created once per process."""
    if name not in _APPS:
        _APPS[name] = functions_framework.create_app(  # type: ignore[no-untyped-call]
            name, str(ROOT / "functions" / name / "main.py"))
    return _APPS[name]


def settings_for(data_dir: Path, **overrides: str) -> Settings:
    """Embedded settings for in-process tests. The per-client limit of public posts is off
    (every test client is one address); tests of the limit set it."""
    env = {"INTAKE_DATA_DIR": str(data_dir), "INTAKE_BACKEND": "embedded",
           "INTAKE_SWEEP_GRACE_SECONDS": "600", "INTAKE_FORM_RATE_LIMIT": "0"}
    env.update(overrides)
    return config.load(env)


@dataclass
class Harness:
    container: Container
    store: IntakeStore
    queue: RecordingQueue
    clock: FixedClock
    deliveries: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def build(cls, data_dir: Path, store: IntakeStore, *,
              components: dict[str, object] | None = None, **settings: str) -> Harness:
        """A harness over ``store``; ``components`` replace other ports of the container
        (a gateway, a notifier, the cipher...)."""
        queue, clock = RecordingQueue(), FixedClock()
        s = settings_for(data_dir, **settings)
        components = dict(components or {})
        ledger = ledger_for(store) if "mail_ledger" not in components else None
        if ledger is not None:
            components["mail_ledger"] = ledger
        storage = storage_for(store)
        if storage is not None:
            components.setdefault("storage", storage)
        container = Container(s, store=store, queue=queue, clock=clock, **components)
        return cls(container, store, queue, clock)

    def post(self, function: str, body: Any = None, *, raw: bytes | None = None,
             content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> TestResponse:
        data = raw if raw is not None else json.dumps(body).encode()
        client = function_app(function).test_client()
        with bootstrap.using(self.container):
            response: TestResponse = client.post("/", data=data, content_type=content_type,
                                                 headers=headers or {})
        return response

    def submit(self, form_function: str, body: Any, **headers: str) -> TestResponse:
        return self.post(form_function, body, headers=headers)

    def store_unchecked(self, form: str, data: dict[str, Any]) -> str:
        """Store ``data`` (already loaded, as a schema loads it) as the submit functions
        store a submission, sealed and with its triage queued, without today's schema: a
        record written under older rules. Its reference."""
        from shared.domain.forms import FORMS
        from shared.services.receive import receive_submission

        c = self.container
        return receive_submission(FORMS[form], data, idempotency_key=None, store=c.store,
                                  queue=c.queue, sealer=c.sealer, digests=c.replay_digests,
                                  clock=c.clock, receipt_window=c.replay_receipt_window,
                                  signer=c.proof_signer).reference

    def drain(self, max_rounds: int = 50) -> list[tuple[str, int]]:
        """Deliver queued tasks like a queue would until none is left: a task answered
        with anything but 2xx goes back with its retry count increased."""
        retries: dict[str, int] = {}
        delivered: list[tuple[str, int]] = []
        for _ in range(max_rounds):
            tasks = self.queue.take()
            if not tasks:
                return delivered
            for task in tasks:
                attempt = retries.get(task.name, 0)
                status = self.post(task.target, task.payload,
                                   headers=cloud_tasks_headers(task, attempt)).status_code
                delivered.append((task.name, status))
                self.deliveries.append((task.name, status))
                if not 200 <= status < 300:
                    retries[task.name] = attempt + 1
                    self.queue.tasks.append(task)
        raise AssertionError(f"tasks still failing after {max_rounds} rounds: {delivered[-5:]}")

    def deliver_tasks(self, times: int = 1) -> list[int]:
        """Deliver every queued task ``times`` times to its target; the statuses."""
        statuses = []
        for task in self.queue.take():
            for attempt in range(times):
                response = self.post(task.target, task.payload,
                                     headers=cloud_tasks_headers(task, attempt))
                statuses.append(response.status_code)
                self.deliveries.append((task.name, response.status_code))
        return statuses
