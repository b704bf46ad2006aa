"""Deadlines are never missed silently: with an injected clock, sweep raises each alert once
per case and threshold, however many times and however concurrently it runs."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from shared.domain import casework
from shared.domain.policy import Policy
from shared.services.sweep import sweep
from shared.services.tasks import enqueue_stored
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness
from tests.support.payloads import SENSITIVE, payload

OFFICE = "ethics-operations@example.org"


@pytest.fixture
def desk(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                         components={"notifier": RecordingNotifier()},
                         INTAKE_ETHICS_OFFICE_MAILBOX=OFFICE)


def complaint(h: Harness) -> str:
    response = h.submit("submit_retaliation", payload("retaliation"))
    assert response.status_code == 201
    h.drain()
    return str(response.get_json()["reference"])


def run_sweep(h: Harness) -> list[str]:
    report = sweep(store=h.store, queue=h.queue, clock=h.clock,
                   grace=h.container.sweep_grace, batch=100)
    h.drain()
    return report.alerts


def alerts_of(h: Harness, reference: str) -> list[tuple[str, str]]:
    return [(e.details["deadline"], e.details["threshold"])
            for e in h.store.case_events(reference) if e.kind == "deadline_alert"]


def test_each_threshold_alerts_once_however_often_sweep_runs(desk: Harness) -> None:
    reference = complaint(desk)
    case = desk.store.get_case(reference)
    assert case is not None
    due = case.deadlines["preliminary_review_due"]
    notifier = desk.container.notifier
    assert isinstance(notifier, RecordingNotifier)

    checkpoints = [(due - timedelta(days=10), []),
                   (due - timedelta(days=7, hours=1), ["due_in_7_days"]),
                   (due - timedelta(days=3), []),
                   (due.replace(hour=0, minute=1), ["due_today"]),
                   (due.replace(hour=23, minute=59), []),
                   (due + timedelta(days=1), ["overdue"]),
                   (due + timedelta(days=40), [])]
    for moment, expected in checkpoints:
        desk.clock.current = moment
        raised = [run_sweep(desk) for _ in range(3)]
        assert [a.rsplit(":", 1)[1] for a in raised[0]] == expected, moment
        assert raised[1:] == [[], []]
    assert alerts_of(desk, reference) == [("preliminary_review_due", t)
                                          for t in ("due_in_7_days", "due_today", "overdue")]
    assert [m.to for m in notifier.sent] == [OFFICE] * 3
    assert all(reference in m.subject + m.body for m in notifier.sent)
    assert not [s for s in SENSITIVE for m in notifier.sent if s in m.subject + m.body]


def test_concurrent_sweeps_raise_an_alert_once(desk: Harness) -> None:
    references = [complaint(desk) for _ in range(3)]
    case = desk.store.get_case(references[0])
    assert case is not None
    desk.clock.current = case.deadlines["preliminary_review_due"] + timedelta(days=2)
    results: list[list[str]] = []

    def one_sweep() -> None:
        results.append(sweep(store=desk.store, queue=desk.queue, clock=desk.clock,
                             grace=desk.container.sweep_grace, batch=100).alerts)

    threads = [threading.Thread(target=one_sweep) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raised = sorted(alert for result in results for alert in result)
    assert len(raised) == 3 and len(set(raised)) == 3
    for reference in references:
        assert alerts_of(desk, reference) == [("preliminary_review_due", "overdue")]
    desk.drain()
    notifier = desk.container.notifier
    assert isinstance(notifier, RecordingNotifier) and len(notifier.sent) == 3


def test_the_assignee_is_alerted_too_and_a_case_that_moved_on_is_not(desk: Harness) -> None:
    waiting, reviewed = complaint(desk), complaint(desk)
    desk.store.update_case(waiting, lambda c: casework.assigned(
        c, "alice@example.org", "officer:bob@example.org", desk.clock.now()))
    for name in ("start_preliminary_review", "establish_prima_facie"):
        desk.store.update_case(reviewed, lambda c, n=name: casework.transitioned(  # type: ignore[misc]
            c, n, "officer:bob@example.org", desk.clock.now(), Policy()))
    case = desk.store.get_case(waiting)
    assert case is not None
    desk.clock.current = case.deadlines["preliminary_review_due"]
    run_sweep(desk)
    assert alerts_of(desk, waiting) == [("preliminary_review_due", "due_today")]
    assert alerts_of(desk, reviewed) == []
    notifier = desk.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    assert sorted(m.to for m in notifier.sent) == ["alice@example.org", OFFICE]


def test_a_lapsed_panel_window_is_kept_open_for_a_late_request(desk: Harness) -> None:
    reference = complaint(desk)
    for name in ("start_preliminary_review", "find_no_prima_facie"):
        change = desk.store.update_case(reference, lambda c, n=name: casework.transitioned(  # type: ignore[misc]
            c, n, "officer:bob@example.org", desk.clock.now(), Policy()))
        assert change is not None
        enqueue_stored(desk.queue, change.add_pending)
    case = desk.store.get_case(reference)
    # No window before the complainant is notified: the finding alone starts nothing.
    assert case is not None and case.deadlines == {}
    desk.drain()  # the notice goes out, and the window starts with it
    case = desk.store.get_case(reference)
    assert case is not None and set(case.deadlines) == {"panel_review_request_due"}
    desk.clock.current = case.deadlines["panel_review_request_due"] - timedelta(minutes=1)
    assert sweep(store=desk.store, queue=desk.queue, clock=desk.clock,
                 grace=desk.container.sweep_grace, batch=100).lapsed == []
    desk.clock.advance(minutes=2)
    lapsed = [sweep(store=desk.store, queue=desk.queue, clock=desk.clock,
                    grace=desk.container.sweep_grace, batch=100).lapsed for _ in range(2)]
    assert lapsed == [[reference], []]
    case = desk.store.get_case(reference)
    assert case is not None and case.state == "panel_window_lapsed" and case.deadlines == {}
    # Not closed for good: a late request is recorded, with its reason, and reviewed.
    late = casework.transitioned(case, "record_late_panel_request", "officer:bob@example.org",
                                 desk.clock.now(), Policy(), casework.TransitionDetails(
                                     note=("ab" * 16, {"v": 2})))
    assert late.case.state == "panel_review_requested"
