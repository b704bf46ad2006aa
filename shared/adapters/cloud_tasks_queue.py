"""The task queue on Cloud Tasks: HTTP tasks with an OIDC token, named for de-duplication."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
from google.cloud import tasks_v2

from shared.domain.records import Task
from shared.ports.tasks import QueueUnavailable, TaskQueue


class CloudTasksQueue(TaskQueue):
    def __init__(self, client: tasks_v2.CloudTasksClient, *, project: str, location: str,
                 queue_ids: Mapping[str, str], url_for: Callable[[str], str],
                 service_accounts: Mapping[str, str], timeout: float = 10.0) -> None:
        self._client = client
        self._project = project
        self._location = location
        self._queue_ids = dict(queue_ids)
        self._url_for = url_for
        self._service_accounts = dict(service_accounts)
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)

    @staticmethod
    def client(emulator_host: str = "") -> tasks_v2.CloudTasksClient:
        """A client for Cloud Tasks, or for the emulator over insecure gRPC."""
        if not emulator_host:
            return tasks_v2.CloudTasksClient()
        import grpc
        from google.cloud.tasks_v2.services.cloud_tasks.transports import (
            CloudTasksGrpcTransport,
        )
        return tasks_v2.CloudTasksClient(
            transport=CloudTasksGrpcTransport(channel=grpc.insecure_channel(emulator_host)))

    def queue_path(self, logical_queue: str) -> str:
        return self._client.queue_path(self._project, self._location,
                                       self._queue_ids[logical_queue])

    def enqueue(self, task: Task) -> None:
        parent = self.queue_path(task.queue)
        url = self._url_for(task.target)
        http_request = tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST, url=url,
            headers={"Content-Type": "application/json"},
            body=json.dumps(task.payload).encode())
        identity = self._service_accounts.get(task.queue)
        if identity:  # the only identity the target function accepts from this queue
            http_request.oidc_token = tasks_v2.OidcToken(service_account_email=identity,
                                                         audience=url)
        try:
            self._client.create_task(
                parent=parent,
                task=tasks_v2.Task(name=f"{parent}/tasks/{task.name}", http_request=http_request),
                retry=self._retry, timeout=self._timeout)
        except api_exceptions.AlreadyExists:
            return  # the same work was queued before: that is the point of the name
        except (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError) as error:
            raise QueueUnavailable(f"cloud tasks: {type(error).__name__}: {error}") from error
