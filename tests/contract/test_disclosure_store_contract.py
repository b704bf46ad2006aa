"""One suite, every disclosure store: SQLite and the Firestore emulator."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shared.domain.disclosure import (
    ANNUAL,
    FILED,
    NO_CONFLICT,
    Campaign,
    Declaration,
    DeclarationVersion,
    HistoryEntry,
    Obligation,
    Review,
    parse_filer,
)
from shared.ports.disclosure import DeclarationConflict, DisclosureStore
from tests.support.disclosure import open_store, roster_line

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LEASE = timedelta(minutes=10)


@pytest.fixture(params=["sqlite", "firestore"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DisclosureStore:
    return open_store(request.param, tmp_path, request)


def declaration(n: int = 1, version: int = 1) -> tuple[Declaration, DeclarationVersion]:
    did = f"{n:032x}"
    sealed = {"v": 2, "ciphertext": f"c{version}"}
    return (Declaration(did, "S000001", ANNUAL, 2025, version, T0, T0, sealed, True),
            DeclarationVersion(did, version, T0, sealed))


def test_filers_round_trip_and_are_found_by_address(store: DisclosureStore) -> None:
    filers = [parse_filer(roster_line(n), at=T0) for n in range(600)]  # more than a batch
    store.put_filers(filers)
    assert store.filers() == filers
    assert store.filer_by_email("filer7@example.org") == filers[7]
    assert store.filer("S000599") == filers[599]
    assert store.filer("nobody") is None and store.filer_by_email("x@example.org") is None


def test_a_campaign_is_created_once_and_obligations_are_added_once(
        store: DisclosureStore) -> None:
    campaign = Campaign(2025, date(2026, 3, 31), T0, "admin@example.org")
    assert store.create_campaign(campaign) == (campaign, True)
    later = replace(campaign, due_on=date(2026, 4, 30))
    assert store.create_campaign(later) == (campaign, False)
    obligations = [Obligation(2025, f"S{n:06d}", date(2026, 3, 31), "u") for n in range(700)]
    assert store.add_obligations(obligations) == 700
    filled = replace(obligations[3], state=FILED, filed_at=T0, declaration_id="d" * 32)
    store.put_obligation(filled)
    assert store.add_obligations(obligations) == 0
    assert store.obligation(2025, "S000003") == filled
    assert len(store.pending_obligations(2025)) == 699
    assert len(store.obligations(2025)) == 700 and store.obligations(2024) == []


def test_versions_are_kept_and_a_stale_or_reviewed_declaration_is_not_amended(
        store: DisclosureStore) -> None:
    first, v1 = declaration()
    store.add_declaration(first, v1, None)
    with pytest.raises(DeclarationConflict):
        store.add_declaration(first, v1, None)
    second, v2 = declaration(version=2)
    store.amend_declaration(second, v2)
    with pytest.raises(DeclarationConflict) as stale:
        store.amend_declaration(second, v2)
    assert stale.value.reason == "version"
    assert [v.version for v in store.versions(first.id)] == [1, 2]
    review = Review(NO_CONFLICT, "officer@example.org", T0, False)
    assert store.review_declaration(first.id, review, None).review == review
    with pytest.raises(DeclarationConflict) as reviewed:
        store.review_declaration(first.id, review, None)
    assert reviewed.value.reason == "reviewed"
    third, v3 = declaration(version=3)
    with pytest.raises(DeclarationConflict):
        store.amend_declaration(third, v3)
    assert store.declaration(first.id) == replace(second, review=review)
    assert store.declarations(2025) == [replace(second, review=review)]
    assert store.declarations_of("S000001") == [replace(second, review=review)]


def test_two_amendments_at_once_make_one_version(store: DisclosureStore) -> None:
    first, v1 = declaration()
    store.add_declaration(first, v1, None)
    second, v2 = declaration(version=2)
    outcomes: list[str] = []

    def amend() -> None:
        try:
            store.amend_declaration(second, v2)
            outcomes.append("ok")
        except DeclarationConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=amend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert [v.version for v in store.versions(first.id)] == [1, 2]


def test_a_reminder_is_claimed_once_until_released_or_its_claim_lapses(
        store: DisclosureStore) -> None:
    key = "2025:S000001:reminder:-14"
    assert store.claim_reminder(key, T0, LEASE)
    assert not store.claim_reminder(key, T0 + timedelta(minutes=1), LEASE)
    store.release_reminder(key)
    assert store.claim_reminder(key, T0 + timedelta(minutes=2), LEASE)
    assert store.claim_reminder(key, T0 + timedelta(minutes=13), LEASE)  # lapsed
    store.reminder_sent(key, T0 + timedelta(minutes=13))
    store.release_reminder(key)  # a sent reminder stays sent
    assert not store.claim_reminder(key, T0 + timedelta(days=30), LEASE)
    assert store.reminders_sent(2025) == [key] and store.reminders_sent(2024) == []


def test_the_history_is_kept_in_order(store: DisclosureStore) -> None:
    entries = [HistoryEntry("declaration:x", T0 + timedelta(seconds=n), "a@example.org",
                            f"action{n}", {"n": n}) for n in range(5)]
    for entry in reversed(entries):
        store.append_history(entry)
    assert store.history("declaration:x") == entries
    assert store.history("declaration:y") == []


def test_sqlite_refuses_to_change_or_remove_history(tmp_path: Path) -> None:
    import sqlite3

    from shared.adapters.sqlite_database import SqliteDatabase
    from shared.adapters.sqlite_disclosure import SqliteDisclosureStore

    database = SqliteDatabase(tmp_path / "intake.sqlite3")
    store = SqliteDisclosureStore(database)
    store.append_history(HistoryEntry("filer:S1", T0, "a@example.org", "nominated"))
    for statement in ("UPDATE disclosure_history SET doc = '{}'", "DELETE FROM disclosure_history"):
        with pytest.raises(sqlite3.IntegrityError), database.transaction() as db:
            db.execute(statement)
    assert len(store.history("filer:S1")) == 1
