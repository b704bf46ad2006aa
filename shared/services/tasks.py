"""Which queue and function each kind of pending work goes to, the task's name, and
enqueueing newly stored work.

The name is derived from the record id, the item and the pending task's generation, so
enqueueing the same work twice is a no-op, while ``sweep`` can still enqueue it again under
a new generation. The record id comes first because Cloud Tasks serves well-distributed
name prefixes faster.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.records import PendingTask, Task
from shared.logs import get_logger
from shared.ports.tasks import QueueUnavailable, TaskQueue

log = get_logger(__name__)

# kind -> (logical queue, target function)
ROUTES = {
    "triage": ("triage", "triage"),
    "forward": ("forward", "forward_to_investigations"),
    "notify": ("notify", "notify"),
}
# Sexual exploitation and abuse and sexual harassment: a queue of their own, served first.
URGENT_QUEUES = {"forward": "urgent_forward"}


def task_for(pending: PendingTask) -> Task:
    queue, target = ROUTES[pending.kind]
    if pending.urgent:
        queue = URGENT_QUEUES.get(pending.kind, queue)
    # Task names allow only letters, digits, - and _: an item's dots become "--".
    suffix = f"-{pending.item.replace('.', '--')}" if pending.item else ""
    payload = {"submission_id": pending.submission_id}
    if pending.item:
        payload["item"] = pending.item
    return Task(queue=queue, name=f"{pending.submission_id}-{pending.kind}{suffix}-"
                                  f"{pending.generation}", target=target, payload=payload)


def enqueue_stored(queue: TaskQueue, pending: Iterable[PendingTask]) -> None:
    """Queue work that was just stored as pending. A failure is logged and left to sweep:
    the pending record is what guarantees the work is done."""
    for task in pending:
        try:
            queue.enqueue(task_for(task))
        except QueueUnavailable as error:
            log.error("enqueue failed; the work stays pending and sweep re-queues it",
                      extra={"event": "enqueue_failed", "reference": task.reference,
                             "kind": task.kind, "error": type(error).__name__})
