"""The Cloud Scheduler target that re-queues pending work, raises deadline alerts and
purges the cases whose retention date has passed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request, Response

from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.errors import RETRY_LATER
from shared.endpoints.task_caller import require_task_caller
from shared.http.problems import json_response, require_post

if TYPE_CHECKING:
    from shared.bootstrap import UseCases


def _sweep(uc: UseCases, request: Request) -> Response:
    """Re-queue pending work; 503 if some could not be re-queued, so the scheduler records
    a failure and the next run tries again."""
    require_task_caller(request, uc, "sweep")
    require_post(request)
    report = uc.sweep()
    failed = report.failed or report.reminders_failed
    return json_response(503 if failed else 200,
                         {"requeued": len(report.requeued), "failed": len(report.failed),
                          "alerts": len(report.alerts), "lapsed": len(report.lapsed),
                          "reminders": len(report.reminders),
                          "reminders_failed": len(report.reminders_failed),
                          "purged": len(report.purged)},
                         dict(RETRY_LATER) if failed else {})


def sweep_endpoint(wiring: Wiring) -> Handler:
    return endpoint("sweep", _sweep, wiring)
