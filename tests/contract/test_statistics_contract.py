"""One suite, every statistics adapter: the in-memory fake, SQLite, and the Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shared.domain.records import Case, CaseEvent, Forwarding, PendingTask, Submission
from shared.domain.statistics import (
    IMPORTED,
    LOGGED,
    CaseCount,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    ImportManifest,
    RecordCount,
    StatRecord,
    SubmissionCount,
)
from shared.domain.workflow import outcome_after
from shared.ports import IntakeStore, StoreUnavailable
from shared.statistics_ports import ImportMismatch, LoggedServiceConflict, StatisticsStore
from tests.support.fakes import InMemoryStore
from tests.support.statistics_fakes import InMemoryStatistics

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass
class Stores:
    intake: IntakeStore
    stats: StatisticsStore


@pytest.fixture(params=["memory", "sqlite", "firestore"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "memory":
        intake = InMemoryStore()
        yield Stores(intake, InMemoryStatistics(intake, chunk_size=499))
    elif request.param == "sqlite":
        from shared.adapters.sqlite_statistics import SqliteStatistics
        from shared.adapters.sqlite_store import SqliteStore

        sqlite = SqliteStore(tmp_path / "intake.sqlite3")
        yield Stores(sqlite, SqliteStatistics(sqlite))
    else:
        from shared.adapters.firestore_statistics import FirestoreStatistics
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        firestore = FirestoreStore.connect(project, "(default)", timeout=10)
        yield Stores(firestore, FirestoreStatistics(firestore))


def record(n: int, category: str, day: date, **fields: object) -> StatRecord:
    return StatRecord(id=f"{n:032x}", category=category, day=day, source=IMPORTED,
                      recorded_at=T0, recorded_by="test", **fields)  # type: ignore[arg-type]


def import_all(stats: StatisticsStore, items: list[StatRecord | DisclosureYear],
               import_id: str = "a" * 32) -> ImportManifest:
    size = stats.chunk_size
    chunks = -(-len(items) // size)
    stats.begin_import(ImportManifest(import_id, len(items), chunks, size, T0))
    for index in range(chunks):
        chunk = items[index * size:(index + 1) * size]
        stats.write_import_chunk(import_id, index,
                                 [r for r in chunk if isinstance(r, StatRecord)],
                                 [d for d in chunk if isinstance(d, DisclosureYear)])
    return stats.finish_import(import_id, T0 + timedelta(minutes=1))


def test_records_are_counted_by_year_category_subcategory_and_outcome(stores: Stores) -> None:
    items: list[StatRecord | DisclosureYear] = [
        record(1, "training", date(2024, 1, 1), codes={"participants": 12}),
        record(2, "training", date(2024, 12, 31)),
        record(3, "training", date(2023, 12, 31)),
        record(4, "advice", date(2024, 6, 1), subcategory="coi_investments"),
        record(5, "advice", date(2024, 6, 2), subcategory="coi_investments"),
        record(6, "advice", date(2024, 6, 3), subcategory="other"),
        record(7, "retaliation", date(2024, 6, 3), outcome="suspended"),
        record(8, "retaliation", date(2024, 7, 3), outcome="no_prima_facie"),
        record(9, "misconduct", date(2025, 1, 1)),
    ]
    import_all(stores.stats, items)
    queries = [RecordCount(2024, "training"), RecordCount(2023, "training"),
               RecordCount(2025, "training"), RecordCount(2024, "advice"),
               RecordCount(2024, "advice", subcategory="coi_investments"),
               RecordCount(2024, "advice", subcategory="work_environment"),
               RecordCount(2024, "retaliation", outcome="suspended"),
               RecordCount(2024, "retaliation"), RecordCount(2025, "misconduct"),
               RecordCount(2024, "media_inquiry")]
    assert stores.stats.count(queries) == [2, 1, 0, 3, 2, 0, 1, 2, 1, 0]
    assert stores.stats.count([]) == []


def test_logged_and_imported_records_add_up_and_empty_sources_count_zero(
        stores: Stores) -> None:
    import_all(stores.stats, [record(1, "training", date(2024, 2, 1)),
                              record(2, "training", date(2024, 3, 1)),
                              record(3, "advice", date(2024, 3, 1), subcategory="other")])
    for n, day in ((10, date(2024, 9, 9)), (11, date(2022, 1, 1))):
        entry = StatRecord(id=f"{n:032x}", category="training", day=day, source=LOGGED,
                           recorded_at=T0, recorded_by="officer:x", codes={"participants": 3})
        stores.stats.add_logged_service(entry, f"digest-{n}")
    queries: list[CountQuery] = [
        RecordCount(2024, "training"), RecordCount(2022, "training"),
        RecordCount(2023, "training"), RecordCount(2024, "advice", subcategory="other"),
        RecordCount(2024, "advice"), RecordCount(2024, "advice", subcategory="coi_investments"),
        SubmissionCount(2024, "advice"), SubmissionCount(2024, "advice", subcategory="other"),
        CaseCount(2020, "retaliation"), CaseCount(2024, "retaliation", outcome="suspended"),
        ForwardedCount(2024)]
    assert stores.stats.count(queries) == [3, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0]


def _form(n: int, form: str, at: datetime, states: tuple[str, ...] = ("received",),
          subcategory: str | None = None, forwarded_at: datetime | None = None,
          ) -> tuple[Submission, Case, CaseEvent, PendingTask]:
    """A submission whose case went through ``states`` (its outcome follows them)."""
    sid, ref = f"{n:032x}", f"ETH-{form[:3].upper()}-{n:05d}-AAAAA"
    clear = {"subcategory": subcategory} if subcategory else {"allegation_type": "other"}
    outcome = None
    for state in states:
        outcome = outcome_after(form, outcome, state)
    forwarding = None if forwarded_at is None else Forwarding(
        referral_id=f"r{n}", attempts=1, investigations_case_id=f"OIAI-{n}",
        forwarded_at=forwarded_at)
    return (Submission(id=sid, form=form, reference=ref, received_at=at, clear=clear,
                       sealed={"v": 1}, anonymous=False, request_digest="ab" * 32),
            Case(reference=ref, submission_id=sid, form=form, state=states[-1], received_at=at,
                 updated_at=at, event_count=1, forwarding=forwarding, outcome=outcome),
            CaseEvent(seq=1, at=at, kind="received", actor="test", to_state=states[-1]),
            PendingTask("triage", sid, ref, at, at))


def test_submissions_and_cases_count_by_form_and_utc_year(stores: Stores) -> None:
    last_of_2023 = datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    first_of_2024 = datetime(2024, 1, 1, tzinfo=UTC)
    last_of_2024 = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    first_of_2025 = datetime(2025, 1, 1, tzinfo=UTC)
    received, reviewed = ("received",), ("received", "preliminary_review")
    forms: list[tuple[str, datetime, tuple[str, ...], str | None]] = [
        ("advice", last_of_2023, received, "other"),
        ("advice", first_of_2024, received, "other"),
        ("advice", last_of_2024, received, "coi_investments"),
        ("advice", first_of_2025, received, "other"),
        ("misconduct", first_of_2024, received, None),
        ("retaliation", first_of_2024, (*reviewed, "prima_facie_established"), None),
        ("retaliation", last_of_2024, (*reviewed, "suspended"), None),
        # closed: keeps the outcome of the state it was closed from
        ("retaliation", last_of_2024, (*reviewed, "suspended", "closed"), None),
        ("retaliation", last_of_2024, received, None),
        ("retaliation", last_of_2023, (*reviewed, "suspended"), None),
    ]
    for n, args in enumerate(forms):
        stores.intake.create_submission(*_form(n, *args))
    queries: list[CountQuery] = [
               SubmissionCount(2024, "advice"), SubmissionCount(2023, "advice"),
               SubmissionCount(2025, "advice"),
               SubmissionCount(2024, "advice", subcategory="other"),
               SubmissionCount(2024, "advice", subcategory="coi_investments"),
               SubmissionCount(2024, "misconduct"), CaseCount(2024, "retaliation"),
               CaseCount(2024, "retaliation", outcome="suspended"),
               CaseCount(2024, "retaliation", outcome="prima_facie_established"),
               CaseCount(2024, "retaliation", outcome="under_review"),
               CaseCount(2023, "retaliation", outcome="suspended"), CaseCount(2024, "advice")]
    assert stores.stats.count(queries) == [2, 1, 1, 1, 1, 1, 4, 2, 1, 1, 1, 2]


def test_referrals_made_count_by_the_utc_year_they_were_accepted(stores: Stores) -> None:
    received_2024 = datetime(2024, 12, 30, tzinfo=UTC)
    accepted = [datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # 2024
                datetime(2025, 1, 1, tzinfo=UTC),  # received in 2024, made in 2025
                datetime(2025, 6, 1, 12, tzinfo=UTC)]
    for n, at in enumerate(accepted):
        form = ("misconduct", "advice", "retaliation")[n]
        stores.intake.create_submission(*_form(n, form, received_2024, forwarded_at=at))
    # a referral still being retried is not one made
    stores.intake.create_submission(*_form(7, "misconduct", received_2024))
    assert stores.stats.count([ForwardedCount(2023), ForwardedCount(2024),
                               ForwardedCount(2025)]) == [0, 1, 2]


def test_a_logged_service_is_stored_once_per_key(stores: Stores) -> None:
    entry = StatRecord(id="b" * 32, category="media_inquiry", day=date(2024, 5, 1),
                       source=LOGGED, recorded_at=T0, recorded_by="officer:x")
    assert stores.stats.add_logged_service(entry, "digest-1") == (entry, True)
    retry = replace(entry, recorded_at=T0 + timedelta(hours=1))
    assert stores.stats.add_logged_service(retry, "digest-1") == (entry, False)
    with pytest.raises(LoggedServiceConflict):
        stores.stats.add_logged_service(replace(entry, category="training"), "digest-2")
    assert stores.stats.count([RecordCount(2024, "media_inquiry"),
                               RecordCount(2024, "training")]) == [1, 0]


def test_an_interrupted_import_resumes_and_never_counts_twice(stores: Stores) -> None:
    stats = stores.stats
    size = stats.chunk_size
    items = [record(n, "policy_input", date(2024, 1, 1 + n % 28)) for n in range(size + 3)]
    manifest = ImportManifest("c" * 32, len(items), 2, size, T0)
    progress = stats.begin_import(manifest)
    assert (progress.manifest, progress.written_chunks) == (manifest, frozenset())
    stats.write_import_chunk(manifest.id, 0, items[:size], [])
    assert [m.id for m in stats.incomplete_imports()] == [manifest.id]

    again = stats.begin_import(replace(manifest, started_at=T0 + timedelta(hours=1)))
    assert again.manifest == manifest  # the first registration is kept
    assert again.written_chunks == {0}
    stats.write_import_chunk(manifest.id, 0, items[:size], [])  # written twice: no copy
    with pytest.raises(ImportMismatch):
        stats.finish_import(manifest.id, T0)
    stats.write_import_chunk(manifest.id, 1, items[size:], [])
    done = stats.finish_import(manifest.id, T0 + timedelta(minutes=5))
    assert done.completed_at == T0 + timedelta(minutes=5)
    assert stats.finish_import(manifest.id, T0 + timedelta(hours=9)) == done
    assert stats.begin_import(manifest).manifest.complete
    assert stats.incomplete_imports() == []
    assert stats.count([RecordCount(2024, "policy_input")]) == [len(items)]


def test_chunks_outside_an_import_are_refused(stores: Stores) -> None:
    stats = stores.stats
    with pytest.raises(ImportMismatch):
        stats.write_import_chunk("d" * 32, 0, [record(1, "training", date(2024, 1, 1))], [])
    with pytest.raises(ImportMismatch):
        stats.finish_import("d" * 32, T0)
    stats.begin_import(ImportManifest("e" * 32, 1, 1, stats.chunk_size, T0))
    with pytest.raises(ImportMismatch):
        stats.write_import_chunk("e" * 32, 1, [record(1, "training", date(2024, 1, 1))], [])
    too_many = [record(n, "training", date(2024, 1, 1)) for n in range(stats.chunk_size + 1)]
    with pytest.raises(ValueError, match=r"at most|too large"):
        stats.write_import_chunk("e" * 32, 0, too_many, [])
    assert stats.count([RecordCount(2024, "training")]) == [0]


def test_disclosure_years_are_one_per_year_in_year_order(stores: Stores) -> None:
    import_all(stores.stats, [DisclosureYear(2024, 1754, 1750, "f" * 32, 2),
                              DisclosureYear(2018, 2160, 2158, "f" * 32, 1)], "f" * 32)
    import_all(stores.stats, [DisclosureYear(2024, 1755, 1755, "0" * 32, 1)], "0" * 32)
    assert stores.stats.disclosure_years() == [DisclosureYear(2018, 2160, 2158, "f" * 32, 1),
                                               DisclosureYear(2024, 1755, 1755, "0" * 32, 1)]


def test_firestore_down_raises_store_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.firestore_statistics import FirestoreStatistics
    from shared.adapters.firestore_store import FirestoreStore

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens there
    stats = FirestoreStatistics(FirestoreStore.connect("test-down", "(default)", timeout=1))
    with pytest.raises(StoreUnavailable):
        stats.count([RecordCount(2024, "training")])
    with pytest.raises(StoreUnavailable):
        stats.begin_import(ImportManifest("1" * 32, 1, 1, 499, T0))
