"""One suite, both queue adapters: the in-process dispatcher and the Cloud Tasks emulator,
each delivering real HTTP requests to a local target."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters.local_dispatcher import Backoff, HttpDelivery, LocalDispatcher
from shared.domain.records import Task
from shared.ports.tasks import QueueUnavailable, TaskQueue
from tests.conftest import require_emulator
from tests.support.emulators import RecordingTarget, new_queue, serving

TASKS_IDENTITY = "tasks@test-project.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def tasks_client() -> Any:
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    return CloudTasksQueue.client(require_emulator("CLOUD_TASKS_EMULATOR_HOST"))


@pytest.fixture
def target() -> Iterator[tuple[RecordingTarget, str]]:
    app = RecordingTarget()
    with serving(app) as url:
        yield app, url


def make_queue(kind: str, base_url: str, request: pytest.FixtureRequest) -> TaskQueue:
    if kind == "local":
        return LocalDispatcher(HttpDelivery(base_url),
                               backoff=Backoff(minimum=0.05, maximum=0.2, attempts=8))
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    client = request.getfixturevalue("tasks_client")
    return CloudTasksQueue(client, project="test-project", location="europe-west1",
                           queue_ids={"triage": new_queue(client)},
                           url_for=lambda name: f"{base_url}/{name}",
                           service_accounts={"triage": TASKS_IDENTITY},
                           timeout=5)


@pytest.fixture(params=["local", "cloud_tasks"])
def queue(request: pytest.FixtureRequest,
          target: tuple[RecordingTarget, str]) -> Iterator[TaskQueue]:
    queue = make_queue(request.param, target[1], request)
    yield queue
    if isinstance(queue, LocalDispatcher):
        queue.close()


def task(name: str = "0123abcd-triage-0") -> Task:
    return Task(queue="triage", name=name, target="triage",
                payload={"submission_id": "0123abcd" * 4})


def test_a_task_is_posted_to_its_function_with_cloud_tasks_headers(
        queue: TaskQueue, target: tuple[RecordingTarget, str]) -> None:
    app, _ = target
    queue.enqueue(task())
    [received] = app.wait_for(1)
    assert received.path == "/triage"
    assert json.loads(received.body) == {"submission_id": "0123abcd" * 4}
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["X-Cloudtasks-Taskname"] == "0123abcd-triage-0"
    assert received.headers["X-Cloudtasks-Queuename"]
    assert received.headers["X-Cloudtasks-Taskretrycount"] == "0"


def test_a_failing_target_is_retried_until_it_succeeds(
        queue: TaskQueue, target: tuple[RecordingTarget, str]) -> None:
    app, _ = target
    app.statuses = [500, 503, 429]
    queue.enqueue(task())
    received = app.wait_for(4)
    assert len(received) >= 4
    assert [r.headers["X-Cloudtasks-Taskretrycount"] for r in received[:4]] == [
        "0", "1", "2", "3"]


def test_the_local_dispatcher_drops_a_repeated_name(
        target: tuple[RecordingTarget, str]) -> None:
    # Cloud Tasks answers ALREADY_EXISTS for a repeated name (the adapter treats that as
    # success); its emulator does not de-duplicate, so only our own adapter is held to it.
    app, url = target
    queue = LocalDispatcher(HttpDelivery(url))
    try:
        queue.enqueue(task())
        queue.enqueue(task())
        assert queue.drain(10)
        assert len(app.received) == 1
    finally:
        queue.close()


def test_the_local_dispatcher_backs_off_and_gives_up_after_its_budget(
        target: tuple[RecordingTarget, str]) -> None:
    app, url = target
    app.statuses = [500] * 10
    queue = LocalDispatcher(HttpDelivery(url), backoff=Backoff(minimum=0.05, maximum=1,
                                                               attempts=4))
    try:
        queue.enqueue(task())
        assert queue.drain(10)
    finally:
        queue.close()
    assert len(app.received) == 4


def test_backoff_doubles_up_to_the_maximum() -> None:
    backoff = Backoff(minimum=0.1, maximum=1.0, attempts=10)
    assert [backoff.delay(n) for n in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


def test_the_cloud_tasks_adapter_builds_an_http_task_with_an_oidc_token(
        tasks_client: Any) -> None:
    from google.cloud import tasks_v2

    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    queue_id = new_queue(tasks_client)
    queue = CloudTasksQueue(tasks_client, project="test-project", location="europe-west1",
                            queue_ids={"triage": queue_id},
                            url_for=lambda name: f"https://example.invalid/{name}",
                            service_accounts={"triage": TASKS_IDENTITY})
    parent = queue.queue_path("triage")
    tasks_client.pause_queue(name=parent)
    queue.enqueue(task())
    [created] = list(tasks_client.list_tasks(parent=parent))
    assert created.name == f"{parent}/tasks/0123abcd-triage-0"
    request = created.http_request
    assert request.http_method == tasks_v2.HttpMethod.POST
    assert request.url == "https://example.invalid/triage"
    assert request.oidc_token.service_account_email == (
        "tasks@test-project.iam.gserviceaccount.com")
    assert request.oidc_token.audience == "https://example.invalid/triage"
    tasks_client.purge_queue(name=parent)


def test_an_unreachable_cloud_tasks_raises_queue_unavailable() -> None:
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    queue = CloudTasksQueue(CloudTasksQueue.client("127.0.0.1:9"), project="p",
                            location="europe-west1", queue_ids={"triage": "triage"},
                            url_for=lambda name: f"http://127.0.0.1:9/{name}",
                            service_accounts={}, timeout=1)
    with pytest.raises(QueueUnavailable):
        queue.enqueue(task())


def test_a_missing_queue_raises_queue_unavailable(tasks_client: Any) -> None:
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    queue = CloudTasksQueue(tasks_client, project="test-project", location="europe-west1",
                            queue_ids={"triage": "no-such-queue"},
                            url_for=lambda name: f"http://127.0.0.1:9/{name}",
                            service_accounts={}, timeout=2)
    with pytest.raises(QueueUnavailable):
        queue.enqueue(task())


def test_the_local_dispatcher_serves_urgent_queues_first() -> None:
    import threading

    started, release, order = threading.Event(), threading.Event(), []

    def deliver(task: Task, attempt: int) -> int:
        if task.name == "blocker":
            started.set()
            release.wait(10)
        order.append(task.name)
        return 200

    queue = LocalDispatcher(deliver, workers=1, first_queues=["urgent_forward"])
    try:
        queue.enqueue(Task("forward", "blocker", "forward_to_investigations", {}))
        assert started.wait(10)  # the only worker is busy: the others wait in line
        for n in range(3):
            queue.enqueue(Task("forward", f"normal-{n}", "forward_to_investigations", {}))
        queue.enqueue(Task("urgent_forward", "urgent", "forward_to_investigations", {}))
        release.set()
        assert queue.drain(10)
    finally:
        queue.close()
    assert order == ["blocker", "urgent", "normal-0", "normal-1", "normal-2"]
