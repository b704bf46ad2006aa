"""Which queue and function each kind of pending work goes to, and the task's name.

The name is derived from the record id and the pending task's generation, so enqueueing the
same work twice is a no-op, while ``sweep`` can still enqueue it again under a new generation.
The record id comes first because Cloud Tasks serves well-distributed name prefixes faster.
"""

from __future__ import annotations

from shared.domain.records import PendingTask, Task

# kind -> (logical queue, target function)
ROUTES = {
    "triage": ("triage", "triage"),
}


def task_for(pending: PendingTask) -> Task:
    queue, target = ROUTES[pending.kind]
    return Task(
        queue=queue,
        name=f"{pending.submission_id}-{pending.kind}-{pending.generation}",
        target=target,
        payload={"submission_id": pending.submission_id},
    )
