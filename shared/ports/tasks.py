"""The task queue that carries work to the task targets."""

from __future__ import annotations

import abc

from shared.domain.records import Task


class QueueUnavailable(Exception):
    """The task queue refused or failed to accept a task."""


class TaskQueue(abc.ABC):
    """Asynchronous, at-least-once delivery of tasks to functions."""

    @abc.abstractmethod
    def enqueue(self, task: Task) -> None:
        """Accept a task. A task whose name was already accepted is a no-op.

        Raises QueueUnavailable when the task could not be accepted.
        """
