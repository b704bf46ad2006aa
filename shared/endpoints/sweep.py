"""The Cloud Scheduler target that re-queues pending work."""

from __future__ import annotations

from flask import Request, Response

from shared.bootstrap import Container
from shared.endpoints.base import RETRY_AFTER_SECONDS, handle
from shared.endpoints.task_caller import require_task_caller
from shared.http import json_response, require_post
from shared.services.sweep import sweep


def sweep_endpoint(request: Request) -> Response:
    """Cloud Scheduler target: re-queue pending work; 503 if some could not be re-queued,
    so the scheduler records a failure and the next run tries again."""

    def run(c: Container) -> Response:
        require_task_caller(request, c, "sweep")
        require_post(request)
        report = sweep(store=c.store, queue=c.queue, clock=c.clock, grace=c.sweep_grace,
                       batch=c.settings.sweep_batch)
        status = 503 if report.failed else 200
        headers = {"Retry-After": RETRY_AFTER_SECONDS} if report.failed else {}
        return json_response(status, {"requeued": len(report.requeued),
                                      "failed": len(report.failed),
                                      "alerts": len(report.alerts),
                                      "lapsed": len(report.lapsed)}, headers)

    return handle("sweep", request, run)
