"""One suite, every store adapter: the in-memory fake, SQLite, and the Firestore emulator."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    CaseQuery,
    Forwarding,
    Happened,
    PendingTask,
    Submission,
    Triage,
    record,
)
from shared.domain.triage import triaged
from shared.ports.storage import IntakeStore, ReferenceTaken, StoreUnavailable, SubmissionExists
from tests.support.fakes import InMemoryStore

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "firestore"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IntakeStore]:
    if request.param == "memory":
        yield InMemoryStore()
    elif request.param == "sqlite":
        yield SqliteStore.open(tmp_path / "intake.sqlite3")
    else:
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        yield FirestoreStore.connect(project, "(default)", timeout=10)


def records(n: int = 1, *, at: datetime = T0, reference: str | None = None,
            submission_id: str | None = None) -> tuple[Submission, Case, CaseEvent, PendingTask]:
    sid = submission_id or f"{n:032x}"
    ref = reference or f"ETH-ADV-{n:05d}-AAAAA"
    submission = Submission(id=sid, form="advice", reference=ref, received_at=at,
                            clear={"subcategory": "other", "anonymous": True, "n": n},
                            sealed={"v": 1, "ciphertext": "AAAA"}, anonymous=True,
                            request_digest="ab" * 32, receipt_hash="scrypt$1$2$3$aa$bb")
    case = Case(reference=ref, submission_id=sid, form="advice", state="received",
                received_at=at, updated_at=at, event_count=1)
    event = CaseEvent(seq=1, at=at, kind="received", actor="system:intake",
                      to_state="received", details={"form": "advice"})
    return submission, case, event, PendingTask("triage", sid, ref, at, at)


TRIAGE = Triage(priority="urgent", route="preliminary_review", category="retaliation",
                triaged_at=T0 + timedelta(seconds=3),
                deadlines={"preliminary_review_due": T0 + timedelta(days=30)},
                flags=("filed_late",))


def test_a_created_submission_reads_back_exactly(store: IntakeStore) -> None:
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    assert store.get_submission(submission.id) == submission
    assert store.get_case(case.reference) == case
    assert store.case_events(case.reference) == [event]
    assert store.pending_tasks(T0 + timedelta(seconds=1), 10) == [pending]


def test_unknown_records_are_none(store: IntakeStore) -> None:
    assert store.get_submission("f" * 32) is None
    assert store.get_case("ETH-ADV-00000-00000") is None
    assert store.case_events("ETH-ADV-00000-00000") == []


def test_a_taken_submission_id_writes_nothing(store: IntakeStore) -> None:
    store.create_submission(*records(1))
    _, case, event, pending = records(2, submission_id=f"{1:032x}")
    with pytest.raises(SubmissionExists):
        store.create_submission(records(1)[0], case, event, pending)
    assert store.get_case(case.reference) is None


def test_a_taken_reference_writes_nothing(store: IntakeStore) -> None:
    store.create_submission(*records(1))
    clash = records(2, reference=records(1)[1].reference)
    with pytest.raises(ReferenceTaken):
        store.create_submission(*clash)
    assert store.get_submission(clash[0].id) is None
    assert len(store.pending_tasks(T0 + timedelta(days=1), 10)) == 1


def test_triage_is_recorded_once(store: IntakeStore) -> None:
    _, case, _, _ = records()
    store.create_submission(*records())
    at = T0 + timedelta(seconds=3)
    first = store.update_case(case.reference, lambda c: triaged(c, TRIAGE, at))
    again = store.update_case(case.reference, lambda c: triaged(
        c, replace(TRIAGE, priority="normal"), at + timedelta(seconds=1)))
    assert first is not None and first.result is True
    assert again is not None and again.result is False
    assert store.get_case(case.reference) == replace(
        case, triage=TRIAGE, updated_at=at, event_count=2, deadlines=TRIAGE.deadlines)
    assert [(e.seq, e.kind, e.at) for e in store.case_events(case.reference)] == [
        (1, "received", T0), (2, "triaged", at)]
    assert store.pending_tasks(T0 + timedelta(days=1), 10) == []


def test_the_name_index_is_stored_with_the_triage_and_reads_back_exactly(
        store: IntakeStore) -> None:
    from shared.domain.recusal import Marker, index_of

    marker = Marker(b"a name index key for the contract" * 2)
    index = index_of(["Dana Officer", "OFFICER, Dana <dana+x@example.org>", "Solo",
                      "Ravensworth, Philippa M."], marker)
    _, case, _, _ = records()
    store.create_submission(*records())
    at = T0 + timedelta(seconds=3)
    store.update_case(case.reference, lambda c: triaged(c, TRIAGE, at, named_index=index))
    stored = store.get_case(case.reference)
    assert stored is not None and stored.named_index == index
    [listed] = store.list_cases(CaseQuery())
    assert listed.named_index == index
    # Later writes keep it.
    store.update_case(case.reference, lambda c: CaseChange(*record(c, at, [Happened(
        "note", "officer:a@example.org", {})])))
    again = store.get_case(case.reference)
    assert again is not None and again.named_index == index
    empty = index_of([], marker)
    store.update_case(case.reference, lambda c: CaseChange(replace(c, named_index=empty)))
    emptied = store.get_case(case.reference)
    assert emptied is not None and emptied.named_index == empty


def test_an_update_writes_case_events_and_pending_work_together(store: IntakeStore) -> None:
    submission, case, _, pending = records()
    store.create_submission(*records())
    at = T0 + timedelta(minutes=1)
    forward = PendingTask("forward", submission.id, case.reference, at, at, urgent=True)
    notify = PendingTask("notify", submission.id, case.reference, at, at, item="office")

    def decide(current: Case) -> CaseChange:
        updated, events = record(
            current, at, [Happened("forwarded", "system:forward", {"n": 1}, "forwarded"),
                          Happened("note", "officer:a@example.org", {})],
            assignee="a@example.org", notifications_sent=("office",),
            forwarding=Forwarding("R1", urgent=True, attempts=2, last_attempt_at=at,
                                  investigations_case_id="OIAI-1", forwarded_at=at))
        return CaseChange(updated, events, (forward, notify), (pending.key,), result="done")

    change = store.update_case(case.reference, decide)
    assert change is not None and change.result == "done"
    stored = store.get_case(case.reference)
    assert stored == change.case
    assert stored is not None and stored.state == "forwarded" and stored.event_count == 3
    events = store.case_events(case.reference)
    assert [(e.seq, e.kind, e.from_state, e.to_state) for e in events] == [
        (1, "received", None, "received"), (2, "forwarded", "received", "forwarded"),
        (3, "note", None, None)]
    due = store.pending_tasks(at + timedelta(seconds=1), 10)
    assert sorted(due, key=lambda p: p.key) == sorted([forward, notify], key=lambda p: p.key)


def test_a_decision_of_none_writes_nothing(store: IntakeStore) -> None:
    _, case, _, _ = records()
    store.create_submission(*records())
    assert store.update_case(case.reference, lambda c: None) is None
    assert store.get_case(case.reference) == case
    assert len(store.case_events(case.reference)) == 1


def test_updating_an_unknown_case_raises(store: IntakeStore) -> None:
    with pytest.raises(LookupError):
        store.update_case("ETH-ADV-00000-00000", lambda c: triaged(c, TRIAGE, T0))


def test_concurrent_updates_are_serialised(store: IntakeStore) -> None:
    _, case, _, _ = records()
    store.create_submission(*records())

    def note(current: Case) -> CaseChange:
        updated, events = record(current, T0, [Happened("note", "officer:x", {})])
        return CaseChange(updated, events)

    threads = [threading.Thread(target=store.update_case, args=(case.reference, note))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [e.seq for e in store.case_events(case.reference)] == [1, 2, 3, 4, 5, 6]
    stored = store.get_case(case.reference)
    assert stored is not None and stored.event_count == 6


def test_concurrent_triage_records_exactly_once(store: IntakeStore) -> None:
    _, case, _, _ = records()
    store.create_submission(*records())
    results: list[bool] = []

    def triage() -> None:
        change = store.update_case(case.reference, lambda c: triaged(c, TRIAGE, T0))
        results.append(bool(change and change.result))

    threads = [threading.Thread(target=triage) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 4 + [True]
    assert len(store.case_events(case.reference)) == 2


def test_pending_tasks_are_due_strictly_before_the_cutoff_oldest_first(
        store: IntakeStore) -> None:
    for n in (3, 1, 2):
        store.create_submission(*records(n, at=T0 + timedelta(minutes=n)))
    due = store.pending_tasks(T0 + timedelta(minutes=3), 10)
    assert [p.reference for p in due] == ["ETH-ADV-00001-AAAAA", "ETH-ADV-00002-AAAAA"]
    assert len(store.pending_tasks(T0 + timedelta(hours=1), 2)) == 2


def test_mark_requeued_moves_the_task_and_never_lowers_its_generation(
        store: IntakeStore) -> None:
    _, _, _, pending = records()
    store.create_submission(*records())
    later = T0 + timedelta(minutes=15)
    store.mark_requeued(pending, 2, later)
    store.mark_requeued(pending, 1, later)
    assert store.pending_tasks(later, 10) == []
    [moved] = store.pending_tasks(later + timedelta(seconds=1), 10)
    assert (moved.generation, moved.last_enqueued_at, moved.created_at) == (2, later, T0)


def test_mark_requeued_after_completion_does_not_resurrect_the_task(
        store: IntakeStore) -> None:
    _, case, _, pending = records()
    store.create_submission(*records())
    store.update_case(case.reference, lambda c: triaged(c, TRIAGE, T0))
    store.mark_requeued(pending, 1, T0 + timedelta(minutes=15))
    assert store.pending_tasks(T0 + timedelta(days=1), 10) == []


def test_firestore_down_raises_store_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.firestore_store import FirestoreStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens there
    store = FirestoreStore.connect("test-down", "(default)", timeout=1)
    with pytest.raises(StoreUnavailable):
        store.get_case("ETH-ADV-00000-00000")
    with pytest.raises(StoreUnavailable):
        store.create_submission(*records())


def test_cases_are_listed_by_form_state_assignee_and_deadline(store: IntakeStore) -> None:
    day = timedelta(days=1)
    for n in range(1, 6):
        store.create_submission(*records(n, at=T0 + n * day))

    def change(n: int, **fields: object) -> None:
        def decide(current: Case) -> CaseChange:
            updated, events = record(current, T0, [Happened("edit", "test", {}, f"s{n % 2}")],
                                     **fields)
            return CaseChange(updated, events)

        store.update_case(records(n)[1].reference, decide)

    change(1, assignee="a@example.org", deadlines={"due": T0 + 10 * day})
    change(2, assignee="b@example.org", deadlines={"due": T0 + 3 * day, "later": T0 + 40 * day})
    change(3, deadlines={"due": T0 + 20 * day})

    def refs(**criteria: object) -> list[int]:
        return [int(c.reference.split("-")[2]) for c in
                store.list_cases(CaseQuery(**criteria))]  # type: ignore[arg-type]

    assert refs() == [5, 4, 3, 2, 1]
    assert refs(limit=2) == [5, 4]
    assert refs(form="advice", state="s1") == [3, 1]
    assert refs(state="received") == [5, 4]
    assert refs(assignee="b@example.org") == [2]
    assert refs(due_before=T0 + 15 * day) == [2, 1]
    assert refs(due_before=T0 + 15 * day, state="s1") == [1]
    assert refs(form="misconduct") == []


def test_idempotency_records_are_cleared_once_their_retention_has_passed(
        store: IntakeStore) -> None:
    """A submission's request digest (its idempotency record) is kept until its
    ``replay_until``; then ``forget_request_digests`` clears it, in batches, and nothing
    else of the submission."""
    day = timedelta(hours=24)
    kept = []
    for n in (1, 2, 3):
        submission, case, event, pending = records(n, at=T0 + timedelta(minutes=n))
        submission = replace(submission, replay_until=submission.received_at + day)
        store.create_submission(submission, case, event, pending)
        kept.append(submission)
    legacy, case, event, pending = records(4)  # stored before records had a retention
    store.create_submission(legacy, case, event, pending)
    assert store.get_submission(kept[0].id) == kept[0]
    assert store.forget_request_digests(T0 + day, 10) == 0
    assert store.forget_request_digests(T0 + day + timedelta(minutes=2), 1) == 1
    assert store.forget_request_digests(T0 + day + timedelta(minutes=2), 10) == 1
    for submission in kept[:2]:
        assert store.get_submission(submission.id) == replace(
            submission, request_digest="", replay_until=None)
    assert store.get_submission(kept[2].id) == kept[2]
    assert store.get_submission(legacy.id) == legacy
    assert store.forget_request_digests(T0 + 30 * day, 10) == 1
