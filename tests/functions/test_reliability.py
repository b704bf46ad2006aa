"""Nothing is lost: failures injected between the steps of a submission's path."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from tests.support.fakes import FlakyStore, InMemoryStore
from tests.support.harness import Harness
from tests.support.payloads import ADVICE_ANONYMOUS, payload

NO_FILES = {"files": {"orphans": 0, "incoming": 0, "failed": 0}}  # the sweep of files
QUIET = {"requeued": 0, "failed": 0, "alerts": 0, "lapsed": 0, **NO_FILES}
REQUEUED_ONE = {"requeued": 1, "failed": 0, "alerts": 0, "lapsed": 0, **NO_FILES}
FAILED_ONE = {"requeued": 0, "failed": 1, "alerts": 0, "lapsed": 0, **NO_FILES}

KEY = "5b0c1f7e-2d9a-4c61-9f0e-3a7b8c9d0e1f"


def _sweep(harness: Harness):
    return harness.post("sweep", {})


def test_enqueue_failure_after_the_write_still_acknowledges_and_sweep_triages(
        harness: Harness) -> None:
    harness.queue.fail_next = 1
    response = harness.submit("submit_advice", payload("advice"))
    assert response.status_code == 201
    reference = response.get_json()["reference"]
    assert harness.queue.tasks == []
    assert [p.reference for p in harness.store.pending_tasks(harness.clock.now() +
                                                              _grace(harness), 10)] == [
        reference]

    assert _sweep(harness).get_json() == QUIET  # within the grace
    harness.clock.advance(seconds=601)
    assert _sweep(harness).get_json() == REQUEUED_ONE
    assert harness.deliver_tasks() == [200]

    case = harness.store.get_case(reference)
    assert case is not None
    assert case.triage is not None
    assert harness.store.pending_tasks(harness.clock.now() + _grace(harness), 10) == []


def _grace(harness: Harness):
    return harness.container.sweep_grace


def test_sweep_answers_503_while_the_queue_is_down_and_keeps_the_work(harness: Harness) -> None:
    harness.queue.fail_next = 3
    reference = harness.submit("submit_advice", payload("advice")).get_json()["reference"]
    harness.clock.advance(minutes=11)
    response = _sweep(harness)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json() == FAILED_ONE
    harness.queue.fail_next = 0
    assert _sweep(harness).get_json() == REQUEUED_ONE
    harness.deliver_tasks()
    case = harness.store.get_case(reference)
    assert case is not None
    assert case.triage is not None


def test_a_task_lost_after_acceptance_is_requeued_under_a_new_name(harness: Harness) -> None:
    reference = harness.submit("submit_advice", payload("advice")).get_json()["reference"]
    lost = harness.queue.take()  # accepted by the queue, then never delivered
    harness.clock.advance(minutes=11)
    _sweep(harness)
    [again] = harness.queue.tasks
    assert again.name != lost[0].name
    assert again.payload == lost[0].payload
    harness.deliver_tasks()
    case = harness.store.get_case(reference)
    assert case is not None
    assert case.triage is not None


def test_a_triage_task_delivered_three_times_changes_the_case_once(harness: Harness) -> None:
    reference = harness.submit("submit_retaliation", payload("retaliation")).get_json()[
        "reference"]
    assert harness.deliver_tasks(times=3) == [200, 200, 200]
    case = harness.store.get_case(reference)
    events = harness.store.case_events(reference)
    assert case is not None
    assert case.event_count == 2
    assert [(e.seq, e.kind) for e in events] == [(1, "received"), (2, "triaged")]


def test_concurrent_deliveries_of_one_triage_task_change_the_case_once(
        sqlite_harness: Harness) -> None:
    h = sqlite_harness
    reference = h.submit("submit_misconduct", payload("misconduct")).get_json()["reference"]
    [task] = h.queue.take()
    statuses: list[int] = []

    def deliver() -> None:
        statuses.append(h.post("triage", task.payload).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert [e.kind for e in h.store.case_events(reference)] == ["received", "triaged"]


def test_triage_while_the_store_is_down_answers_503_and_a_redelivery_succeeds(
        tmp_path: Path) -> None:
    store = FlakyStore(InMemoryStore())
    harness = Harness.build(tmp_path, store)
    reference = harness.submit("submit_advice", payload("advice")).get_json()["reference"]
    [task] = harness.queue.take()
    store.fail("update_case")
    failed = harness.post("triage", task.payload)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]
    assert harness.post("triage", task.payload).status_code == 200
    assert [e.kind for e in store.case_events(reference)] == ["received", "triaged"]


def test_a_triage_task_for_an_unknown_submission_is_a_404(harness: Harness) -> None:
    response = harness.post("triage", {"submission_id": "0" * 32})
    assert response.status_code == 404
    assert "submission_id" in response.get_json()["errors"]


@pytest.mark.parametrize("body", [{}, {"submission_id": "../../etc"}, {"x": 1}])
def test_a_malformed_triage_task_is_a_422(harness: Harness, body: dict) -> None:
    assert harness.post("triage", body).status_code == 422


def test_the_store_down_at_submission_answers_503_and_stores_nothing(tmp_path: Path) -> None:
    store = FlakyStore(InMemoryStore())
    harness = Harness.build(tmp_path, store)
    store.fail("create_submission")
    response = harness.submit("submit_advice", payload("advice"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "nothing was stored" in response.get_json()["message"]
    assert isinstance(store.inner, InMemoryStore)
    assert store.inner.submissions == {}
    assert harness.queue.tasks == []


def test_a_locked_sqlite_store_answers_503_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "intake.sqlite3"
    SqliteStore.open(path)  # creates the tables
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database past our timeout
    try:
        harness = Harness.build(tmp_path, SqliteStore.open(path, timeout=0.2))
        response = harness.submit("submit_advice", payload("advice"))
    finally:
        holder.execute("ROLLBACK")
    assert response.status_code == 503
    assert holder.execute("SELECT COUNT(*) FROM submissions").fetchone() == (0,)
    assert harness.queue.tasks == []


def test_a_lost_answer_then_a_retry_with_the_same_key_keeps_one_record(tmp_path: Path) -> None:
    store = FlakyStore(InMemoryStore())
    harness = Harness.build(tmp_path, store)
    store.fail("create_submission", after=True)  # the write lands, the answer is lost
    first = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert first.status_code == 503
    retry = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert retry.status_code == 201
    assert isinstance(store.inner, InMemoryStore)
    assert len(store.inner.submissions) == 1
    assert retry.get_json()["receipt"]


class TestIdempotency:
    def test_the_same_key_and_body_replays_the_first_response(self, harness: Harness) -> None:
        first = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
        harness.clock.advance(seconds=5)
        again = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
        assert first.status_code == again.status_code == 201
        assert again.get_json() == first.get_json()  # the receipt too: it is re-derived
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(harness.store.submissions) == 1  # type: ignore[attr-defined]
        assert len(harness.queue.tasks) == 1

    def test_the_same_key_with_another_body_is_a_409(self, harness: Harness) -> None:
        harness.submit("submit_advice", payload("advice"), **{"Idempotency-Key": KEY})
        other = harness.submit("submit_advice", payload("advice", question="Something else"),
                               **{"Idempotency-Key": KEY})
        assert other.status_code == 409
        assert "Idempotency-Key" in other.get_json()["errors"]
        assert len(harness.store.submissions) == 1  # type: ignore[attr-defined]

    def test_the_hidden_form_token_works_like_the_header(self, harness: Harness) -> None:
        from urllib.parse import urlencode

        from tests.support.payloads import flatten

        raw = urlencode([*flatten(ADVICE_ANONYMOUS), ("idempotency_key", KEY)]).encode()
        first = harness.post("submit_advice", raw=raw,
                             content_type="application/x-www-form-urlencoded")
        again = harness.post("submit_advice", raw=raw,
                             content_type="application/x-www-form-urlencoded")
        assert first.status_code == again.status_code == 201
        assert first.get_json() == again.get_json()
        assert len(harness.store.submissions) == 1  # type: ignore[attr-defined]

    def test_keys_are_per_form(self, harness: Harness) -> None:
        a = harness.submit("submit_advice", payload("advice"), **{"Idempotency-Key": KEY})
        b = harness.submit("submit_misconduct", payload("misconduct"),
                           **{"Idempotency-Key": KEY})
        assert a.status_code == b.status_code == 201
        assert a.get_json()["reference"] != b.get_json()["reference"]

    def test_concurrent_retries_with_one_key_store_one_record(
            self, sqlite_harness: Harness) -> None:
        h = sqlite_harness
        answers: list[tuple[int, str]] = []

        def submit() -> None:
            response = h.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
            answers.append((response.status_code, response.get_data(as_text=True)))

        threads = [threading.Thread(target=submit) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {status for status, _ in answers} == {201}
        import json
        assert len({json.dumps(json.loads(body), sort_keys=True) for _, body in answers}) == 1
        reference = json.loads(answers[0][1])["reference"]
        case = h.store.get_case(reference)
        assert case is not None
        assert len(h.queue.tasks) == 1
