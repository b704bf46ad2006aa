"""The Cloud Scheduler target that re-queues pending work, raises deadline alerts, sends
the disclosure programme's reminders, purges the cases whose retention date has passed and
sweeps orphaned files."""

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
    """Re-queue pending work, and remove stored files no case refers to; 503 if some work
    could not be re-queued or some file removed, so the scheduler records a failure and
    the next run tries again."""
    require_task_caller(request, uc, "sweep")
    require_post(request)
    report = uc.sweep()
    files = uc.sweep_files()
    failed = bool(report.failed or report.reminders_failed) or bool(files and files.failed)
    body: dict[str, object] = {
        "requeued": len(report.requeued), "failed": len(report.failed),
        "alerts": len(report.alerts), "lapsed": len(report.lapsed),
        "reminders": len(report.reminders),
        "reminders_failed": len(report.reminders_failed), "purged": len(report.purged)}
    if files is not None:
        body["files"] = {"orphans": files.orphans, "incoming": files.incoming,
                         "failed": files.failed}
    return json_response(503 if failed else 200, body, dict(RETRY_LATER) if failed else {})


def sweep_endpoint(wiring: Wiring) -> Handler:
    return endpoint("sweep", _sweep, wiring)
