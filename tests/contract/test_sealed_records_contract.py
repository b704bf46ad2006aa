"""One suite, every SealedRecords adapter (what ``intake reseal`` reads and writes): SQLite
and the Firestore emulator, each beside its intake store on the same database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.domain.records import CaseChange, Happened, record
from shared.ports.sealing import SealedRecords
from shared.ports.storage import IntakeStore
from tests.contract.test_store_contract import T0, records

OLD = {"v": 1, "alg": "AES-256-GCM", "kid": "local:abc", "wrapped_key": "AAAA",
       "nonce": "BBBB", "ciphertext": "CCCC"}
NEW = {"v": 2, "alg": "AES-256-GCM", "kid": "local:def", "wrapped_key": "DDDD",
       "nonce": "EEEE", "ciphertext": "FFFF"}


@pytest.fixture(params=["sqlite", "firestore"])
def stores(request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[tuple[IntakeStore, SealedRecords]]:
    if request.param == "sqlite":
        from shared.adapters.sqlite_sealed import SqliteSealedRecords
        from shared.adapters.sqlite_store import SqliteStore

        sqlite = SqliteStore.open(tmp_path / "intake.sqlite3")
        yield sqlite, SqliteSealedRecords(sqlite.database)
    else:
        from shared.adapters.firestore_sealed import FirestoreSealedRecords
        from shared.adapters.firestore_store import FirestoreStore

        firestore = FirestoreStore.connect(request.getfixturevalue("firestore_project"),
                                           "(default)", timeout=10)
        yield firestore, FirestoreSealedRecords(firestore.database)


def _cases(store: IntakeStore, n: int) -> list[str]:
    references = []
    for i in range(1, n + 1):
        submission, case, event, pending = records(i)
        store.create_submission(submission, case, event, pending)
        references.append(case.reference)
    return references


def test_pages_of_submissions_and_cases_in_id_order(
        stores: tuple[IntakeStore, SealedRecords]) -> None:
    store, sealed = stores
    references = _cases(store, 5)
    ids = [s.id for s in sealed.submissions_after("", 2)]
    assert ids == [f"{1:032x}", f"{2:032x}"]
    assert [s.id for s in sealed.submissions_after(ids[-1], 10)] == [
        f"{n:032x}" for n in (3, 4, 5)]
    assert sealed.submissions_after(f"{5:032x}", 10) == []
    assert sealed.references_after("", 3) == sorted(references)[:3]
    assert sealed.references_after(sorted(references)[2], 3) == sorted(references)[3:]
    (first,) = sealed.submissions_after("", 1)
    assert first == store.get_submission(first.id)


def test_a_submission_seal_is_replaced_only_if_it_is_still_the_expected_one(
        stores: tuple[IntakeStore, SealedRecords]) -> None:
    store, sealed = stores
    _cases(store, 1)
    sid = f"{1:032x}"
    current = store.get_submission(sid)
    assert current is not None
    assert sealed.replace_submission_seal(sid, expected=current.sealed, sealed=NEW,
                                          request_digest="cd" * 32)
    after = store.get_submission(sid)
    assert after is not None
    assert (after.sealed, after.request_digest) == (NEW, "cd" * 32)
    assert after.clear == current.clear and after.receipt_hash == current.receipt_hash
    # Stale expectation, or no such submission: nothing written.
    assert not sealed.replace_submission_seal(sid, expected=current.sealed, sealed=OLD,
                                              request_digest="ef" * 32)
    assert not sealed.replace_submission_seal("f" * 32, expected=OLD, sealed=NEW,
                                              request_digest="ef" * 32)
    assert store.get_submission(sid) == after


def test_an_event_seal_is_replaced_in_place_and_only_if_expected(
        stores: tuple[IntakeStore, SealedRecords]) -> None:
    store, sealed = stores
    (reference,) = _cases(store, 1)

    def add(case):  # a note, then a transition with its note
        updated, events = record(case, T0, [
            Happened("note", "officer:a@example.org", {"message_id": "a" * 32,
                                                       "sealed": OLD}),
            Happened("transition", "officer:a@example.org", {
                "transition": "assign", "note": {"message_id": "b" * 32, "sealed": OLD}},
                "assigned")])
        return CaseChange(updated, events)

    store.update_case(reference, add)
    assert sealed.replace_event_seal(reference, 2, "", expected=OLD, sealed=NEW)
    assert sealed.replace_event_seal(reference, 3, "note", expected=OLD, sealed=NEW)
    events = store.case_events(reference)
    assert events[1].details == {"message_id": "a" * 32, "sealed": NEW}
    assert events[2].details == {"transition": "assign",
                                 "note": {"message_id": "b" * 32, "sealed": NEW}}
    assert (events[2].kind, events[2].to_state, events[2].seq) == ("transition", "assigned", 3)
    # Already replaced, the wrong field, an event without a seal, no such event or case.
    assert not sealed.replace_event_seal(reference, 2, "", expected=OLD, sealed=OLD)
    assert not sealed.replace_event_seal(reference, 2, "note", expected=NEW, sealed=OLD)
    assert not sealed.replace_event_seal(reference, 1, "", expected=OLD, sealed=NEW)
    assert not sealed.replace_event_seal(reference, 9, "", expected=OLD, sealed=NEW)
    assert not sealed.replace_event_seal("ETH-ADV-00000-00000", 2, "", expected=OLD,
                                         sealed=NEW)
    assert store.case_events(reference) == events
