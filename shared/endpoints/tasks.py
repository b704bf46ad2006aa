"""The Cloud Tasks targets (triage, forward_to_investigations, notify, which also sends
the disclosure programme's reminders): one endpoint for
all of them, each a ``TaskTarget`` naming its schema and how its use case runs a task. The
function picks its use case from the wired ones (``lambda uc: uc.triage``), so that its
import graph, and its bundle, hold that use case's dependencies and no other target's.

200 once the task is settled, and a redelivery answers 200 and changes nothing. 503 with
Retry-After while the work must wait (the investigations office or the mail service down,
a send limit, another delivery at work): the queue retries with its backoff. A task that
can never succeed (a body the schema refuses, a submission that is not stored, an item the
system never makes) answers its 4xx and is logged as an ERROR, ``task_refused``: only our
own queues call these targets, so it means a bug or a forged task; the queue gives up on it
after its ``max_attempts``, and nothing is left pending for ``sweep`` to re-queue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from flask import Request, Response
from marshmallow import Schema

from schemas.tasks import NOTIFICATION_ITEM, SUPPLEMENT_ITEM, ReminderTaskSchema, TaskSchema
from shared import logs
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.errors import answer_for
from shared.endpoints.task_caller import require_task_caller
from shared.endpoints.validation import validated
from shared.http.bodies import read_body
from shared.http.problems import HttpProblem, json_response

if TYPE_CHECKING:
    from shared.bootstrap import UseCases
    from shared.services.forward import ForwardOutcome
    from shared.services.triage import TriageOutcome

log = logs.get_logger(__name__)

MAX_TASK_BYTES = 4096
U = TypeVar("U")  # a target's use case, as wired


@dataclass(frozen=True)
class TaskTarget(Generic[U]):
    function: str
    schema: Schema
    # Runs the use case on the validated task: the 200 body.
    run: Callable[[U, Mapping[str, Any]], Mapping[str, Any]]
    # The payload field that marks this target's tasks, where a function serves several.
    marker: str = "submission_id"


def _triage(triage: Callable[[str], TriageOutcome],
            task: Mapping[str, Any]) -> Mapping[str, Any]:
    outcome = triage(task["submission_id"])
    return {"reference": outcome.reference, "changed": outcome.changed,
            "priority": outcome.triage.priority, "route": outcome.triage.route}


def _forward(forward: Callable[..., ForwardOutcome],
             task: Mapping[str, Any]) -> Mapping[str, Any]:
    outcome = forward(task["submission_id"], item=task.get("item", ""))
    return {"reference": outcome.reference, "status": outcome.status,
            "attempt": outcome.attempt}


def _notify(notify: Callable[[str, str], str], task: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"status": notify(task["submission_id"], task["item"])}


def _remind(remind: Callable[[str], str], task: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"status": remind(task["reminder"])}


TRIAGE: TaskTarget[Callable[[str], TriageOutcome]] = TaskTarget(
    "triage", TaskSchema(), _triage)
FORWARD: TaskTarget[Callable[..., ForwardOutcome]] = TaskTarget(
    "forward_to_investigations", TaskSchema(item=SUPPLEMENT_ITEM), _forward)
NOTIFY: TaskTarget[Callable[[str, str], str]] = TaskTarget(
    "notify", TaskSchema(item=NOTIFICATION_ITEM), _notify)
# The notify function also sends the disclosure programme's reminders, which sweep queues.
DISCLOSURE_REMINDER: TaskTarget[Callable[[str], str]] = TaskTarget(
    "notify", ReminderTaskSchema(), _remind, marker="reminder")


def _status(error: Exception) -> int:
    if isinstance(error, HttpProblem):
        return error.status
    answer = answer_for(error)
    return answer.problem(error).status if answer is not None else 500


def task_endpoint(target: TaskTarget[U], use_case: Callable[[UseCases], U],
                  wiring: Wiring, *also: tuple[TaskTarget[Any], Callable[[UseCases], Any]]
                  ) -> Handler:
    """The handler of a task target, running the use case ``use_case`` picks from the
    wired ones; ``also``: other targets of the same function, each chosen when its
    ``marker`` field is in the payload (else ``target`` is)."""

    def run(uc: UseCases, request: Request) -> Response:
        require_task_caller(request, uc, target.function)
        try:
            payload = read_body(request, MAX_TASK_BYTES, allow_form=False)
            chosen: tuple[TaskTarget[Any], Callable[[UseCases], Any]] = next(
                ((t, u) for t, u in also if t.marker in payload), (target, use_case))
            task = validated(chosen[0].schema, payload, uc)
            body = chosen[0].run(chosen[1](uc), task)
        except Exception as error:
            status = _status(error)
            if 400 <= status < 500:
                log.error("task refused: it can never succeed, and is not retried beyond "
                          "the queue's attempts", extra={
                              "event": "task_refused", "function": target.function,
                              "status": status, "error": type(error).__name__})
            raise
        return json_response(200, dict(body))

    return endpoint(target.function, run, wiring)
