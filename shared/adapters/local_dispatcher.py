"""The embedded task queue: worker threads that POST tasks to the local functions with the
headers Cloud Tasks sends, retrying with exponential backoff like a Cloud Tasks queue.

Tasks live in memory: if the process stops, the pending records in the store remain and
``sweep`` re-queues them, exactly as it would after a lost Cloud Tasks task.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from shared.domain.records import Task
from shared.logs import get_logger
from shared.ports.tasks import QueueUnavailable, TaskQueue

log = get_logger(__name__)

# (task, attempt number from 0) -> HTTP status; an exception counts as a failed attempt.
Delivery = Callable[[Task, int], int]


def cloud_tasks_headers(task: Task, attempt: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-CloudTasks-QueueName": task.queue,
        "X-CloudTasks-TaskName": task.name,
        "X-CloudTasks-TaskRetryCount": str(attempt),
        "X-CloudTasks-TaskExecutionCount": str(attempt),
    }


class HttpDelivery:
    """Delivers a task by POSTing its payload to ``<base_url>/<target>``, over one
    keep-alive connection per dispatcher thread."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) base URL: {base_url!r}")
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection",
                                                                None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=self._timeout)
            self._local.connection = connection
        return connection

    def __call__(self, task: Task, attempt: int) -> int:
        connection = self._connection()
        try:
            connection.request("POST", f"{self._prefix}/{task.target}",
                               body=json.dumps(task.payload).encode(),
                               headers=cloud_tasks_headers(task, attempt))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()  # a stale keep-alive connection: the next attempt reconnects
            self._local.connection = None
            raise
        return int(response.status)


@dataclass(frozen=True)
class Backoff:
    """Cloud Tasks' retry shape: doubling from ``minimum`` up to ``maximum`` seconds."""

    minimum: float = 0.1
    maximum: float = 10.0
    attempts: int = 8

    def delay(self, attempt: int) -> float:
        return float(min(self.maximum, self.minimum * 2 ** attempt))


class LocalDispatcher(TaskQueue):
    """Tasks of ``first_queues`` are delivered before any other task that is due, as a
    Cloud Tasks queue with a higher dispatch rate would."""

    def __init__(self, deliver: Delivery, *, backoff: Backoff | None = None,
                 workers: int = 2, first_queues: Iterable[str] = ()) -> None:
        self._deliver = deliver
        self._backoff = backoff or Backoff()
        self._first = frozenset(first_queues)
        # one heap per priority (0 first), each ordered by due time then arrival
        self._heaps: tuple[list[tuple[float, int, Task, int]], ...] = ([], [])
        self._order = itertools.count()
        self._names: set[str] = set()
        self._busy = 0
        self._closed = False
        self._condition = threading.Condition()
        self._threads = [threading.Thread(target=self._work, name=f"dispatch-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def enqueue(self, task: Task) -> None:
        with self._condition:
            if self._closed:
                raise QueueUnavailable("local dispatcher is stopped")
            if task.name in self._names:
                return
            self._names.add(task.name)
            self._push(task, 0, time.monotonic())
            self._condition.notify()

    def _push(self, task: Task, attempt: int, due: float) -> None:
        heap = self._heaps[0 if task.queue in self._first else 1]
        heapq.heappush(heap, (due, next(self._order), task, attempt))

    def _next(self) -> tuple[Task, int] | None:
        with self._condition:
            while not self._closed:
                now = time.monotonic()
                for heap in self._heaps:
                    if heap and heap[0][0] <= now:
                        _, _, task, attempt = heapq.heappop(heap)
                        self._busy += 1
                        return task, attempt
                dues = [heap[0][0] for heap in self._heaps if heap]
                self._condition.wait(min(dues) - now if dues else None)
            return None

    def _work(self) -> None:
        while (item := self._next()) is not None:
            task, attempt = item
            try:
                status = self._deliver(task, attempt)
            except Exception as error:  # noqa: BLE001 (a failed delivery is retried, not fatal)
                status, reason = 0, type(error).__name__
            else:
                reason = f"HTTP {status}"
            with self._condition:
                self._busy -= 1
                if not 200 <= status < 300:
                    self._retry_or_drop(task, attempt, reason)
                self._condition.notify_all()

    def _retry_or_drop(self, task: Task, attempt: int, reason: str) -> None:
        if attempt + 1 < self._backoff.attempts:
            self._push(task, attempt + 1, time.monotonic() + self._backoff.delay(attempt))
            log.warning("task delivery failed; retrying", extra={
                "event": "task_retry", "task": task.name, "target": task.target,
                "attempt": attempt + 1, "reason": reason})
        else:
            log.error("task delivery failed for good; its pending record stays for sweep",
                      extra={"event": "task_dropped", "task": task.name,
                             "target": task.target, "attempts": attempt + 1, "reason": reason})

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no task is queued or in flight; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while any(self._heaps) or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
        return True

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)
