"""One suite, every statistics adapter: the in-memory fake, SQLite, and the Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shared.domain.records import (
    Case,
    CaseChange,
    CaseEvent,
    Forwarding,
    Happened,
    PendingTask,
    Submission,
)
from shared.domain.records import record as recorded
from shared.domain.statistics import (
    IMPORTED,
    LOGGED,
    CaseCount,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    ImportManifest,
    RecordCount,
    RecordSum,
    StatRecord,
    SubmissionCount,
)
from shared.ports.statistics import ImportMismatch, LoggedServiceConflict, StatisticsStore
from shared.ports.storage import IntakeStore, StoreUnavailable
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

        sqlite = SqliteStore.open(tmp_path / "intake.sqlite3")
        yield Stores(sqlite, SqliteStatistics(sqlite.database))
    else:
        from shared.adapters.firestore_statistics import FirestoreStatistics
        from shared.adapters.firestore_store import FirestoreStore

        project = request.getfixturevalue("firestore_project")
        firestore = FirestoreStore.connect(project, "(default)", timeout=10)
        yield Stores(firestore, FirestoreStatistics(firestore.database))


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
        CaseCount(2020, "retaliation"), CaseCount(2024, "retaliation"),
        SubmissionCount(2024, "advice", where=("anonymous", True)),
        RecordSum(2024, "training", "participants"), ForwardedCount(2024)]
    assert stores.stats.count(queries) == [3, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 3, 0]


def _form(n: int, form: str, at: datetime, *, subcategory: str | None = None,
          forwarded_at: datetime | None = None, **clear: object,
          ) -> tuple[Submission, Case, CaseEvent, PendingTask]:
    """A submission with its case, as received, with ``clear`` in its clear view."""
    sid, ref = f"{n:032x}", f"ETH-{form[:3].upper()}-{n:05d}-AAAAA"
    view: dict[str, object] = {"subcategory": subcategory} if subcategory else {
        "allegation_type": "other"}
    forwarding = None if forwarded_at is None else Forwarding(
        referral_id=f"r{n}", attempts=1, investigations_case_id=f"OIAI-{n}",
        forwarded_at=forwarded_at)
    return (Submission(id=sid, form=form, reference=ref, received_at=at,
                       clear=view | clear, sealed={"v": 1},
                       anonymous=bool(clear.get("anonymous")), request_digest="ab" * 32),
            Case(reference=ref, submission_id=sid, form=form, state="received",
                 received_at=at, updated_at=at, event_count=1, forwarding=forwarding),
            CaseEvent(seq=1, at=at, kind="received", actor="test", to_state="received"),
            PendingTask("triage", sid, ref, at, at))


def test_submissions_and_cases_count_by_form_and_utc_year(stores: Stores) -> None:
    last_of_2023 = datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    first_of_2024 = datetime(2024, 1, 1, tzinfo=UTC)
    last_of_2024 = datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    first_of_2025 = datetime(2025, 1, 1, tzinfo=UTC)
    forms: list[tuple[str, datetime, str | None]] = [
        ("advice", last_of_2023, "other"),
        ("advice", first_of_2024, "other"),
        ("advice", last_of_2024, "coi_investments"),
        ("advice", first_of_2025, "other"),
        ("misconduct", first_of_2024, None),
        ("retaliation", first_of_2024, None),
        ("retaliation", last_of_2024, None),
        ("retaliation", last_of_2023, None),
    ]
    for n, (form, at, subcategory) in enumerate(forms):
        stores.intake.create_submission(*_form(n, form, at, subcategory=subcategory))
    queries: list[CountQuery] = [
               SubmissionCount(2024, "advice"), SubmissionCount(2023, "advice"),
               SubmissionCount(2025, "advice"),
               SubmissionCount(2024, "advice", subcategory="other"),
               SubmissionCount(2024, "advice", subcategory="coi_investments"),
               SubmissionCount(2024, "misconduct"), CaseCount(2024, "retaliation"),
               CaseCount(2023, "retaliation"), CaseCount(2024, "advice")]
    assert stores.stats.count(queries) == [2, 1, 1, 1, 1, 1, 2, 1, 2]


def test_submissions_count_by_a_field_of_their_clear_view(stores: Stores) -> None:
    at = datetime(2024, 5, 1, tzinfo=UTC)
    stations = ["headquarters", "country_office", "country_office", "regional_office"]
    for n, station in enumerate(stations):
        stores.intake.create_submission(*_form(n, "retaliation", at, duty_station=station,
                                               anonymous=False))
    stores.intake.create_submission(*_form(10, "retaliation", at.replace(year=2023),
                                           duty_station="country_office"))
    for n, (requester, anonymous) in enumerate([("group", False), ("group", True),
                                                ("individual", True)], start=20):
        stores.intake.create_submission(*_form(n, "advice", at, subcategory="other",
                                               requester_type=requester,
                                               anonymous=anonymous))
    stores.intake.create_submission(*_form(30, "misconduct", at, anonymous=True))
    queries: list[CountQuery] = [
        SubmissionCount(2024, "retaliation", where=("duty_station", "country_office")),
        SubmissionCount(2024, "retaliation", where=("duty_station", "headquarters")),
        SubmissionCount(2024, "retaliation", where=("duty_station", "other")),
        SubmissionCount(2023, "retaliation", where=("duty_station", "country_office")),
        SubmissionCount(2024, "advice", where=("requester_type", "group")),
        SubmissionCount(2024, "advice", where=("anonymous", True)),
        SubmissionCount(2024, "misconduct", where=("anonymous", True)),
        SubmissionCount(2024, "retaliation", where=("anonymous", True))]
    assert stores.stats.count(queries) == [2, 1, 0, 1, 2, 2, 1, 0]


def test_records_count_by_code_and_add_up_participants(stores: Stores) -> None:
    day = date(2024, 4, 2)
    import_all(stores.stats, [
        record(1, "retaliation", day, outcome="no_prima_facie",
               codes={"duty_station": "country_office"}),
        record(2, "retaliation", day, outcome="prima_facie_established",
               codes={"duty_station": "headquarters", "protective_measures": True}),
        record(3, "retaliation", day, outcome="not_substantiated",
               codes={"protective_measures": True}),
        record(4, "advice", day, subcategory="other",
               codes={"requester_type": "group", "anonymous": True}),
        record(5, "advice", day, subcategory="other", codes={"anonymous": False}),
        record(6, "training", day, codes={"participants": 12}),
        record(7, "training", day, codes={"participants": 30}),
        record(8, "training", day.replace(year=2023), codes={"participants": 99}),
        record(9, "panel_review", day, outcome="returned"),
    ])
    logged: list[tuple[str, str | None, dict[str, object]]] = [
        ("advice", "coi_investments", {"requester_type": "group"}),
        ("advice", "coi_investments", {"requester_type": "individual"}),
        ("training", None, {"participants": 5}),
        ("misconduct", None, {"copied_only": True})]
    for n, (category, subcategory, codes) in enumerate(logged, start=20):
        stores.stats.add_logged_service(StatRecord(
            id=f"{n:032x}", category=category, day=day, source=LOGGED, recorded_at=T0,
            recorded_by="officer:x", subcategory=subcategory, codes=codes), f"digest-{n}")
    queries: list[CountQuery] = [
        RecordCount(2024, "retaliation", where=("duty_station", "country_office")),
        RecordCount(2024, "retaliation", where=("duty_station", "regional_office")),
        RecordCount(2024, "retaliation", where=("protective_measures", True)),
        RecordCount(2024, "advice", where=("requester_type", "group")),
        RecordCount(2024, "advice", where=("anonymous", True)),
        RecordCount(2024, "advice", subcategory="coi_investments"),
        RecordCount(2024, "advice"),
        RecordSum(2024, "training", "participants"),
        RecordSum(2023, "training", "participants"),
        RecordSum(2022, "training", "participants"),
        RecordCount(2024, "misconduct"),
        RecordCount(2024, "panel_review", outcome="returned"),
        RecordCount(2024, "retaliation")]
    assert stores.stats.count(queries) == [1, 0, 2, 2, 1, 2, 4, 47, 99, 0, 1, 1, 3]


def _transitions(stores: Stores, reference: str, *steps: tuple[datetime, str]) -> None:
    """Move a stored case through (time, state) steps, as the workflow records them."""
    for at, state in steps:
        def decide(case: Case, at: datetime = at, state: str = state) -> CaseChange:
            updated, events = recorded(case, at, [Happened("transition", "officer:o@x.org",
                                                         {"transition": "t"}, state)])
            return CaseChange(updated, events)

        stores.intake.update_case(reference, decide)


def test_case_histories_are_those_received_before_and_active_since(stores: Stores) -> None:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    cases = {
        "this year": (at("2024-03-01T10:00"), []),
        "last year, reviewed this year": (at("2023-11-01T10:00"), [
            (at("2023-11-02T10:00"), "preliminary_review"),
            (at("2024-02-01T10:00"), "prima_facie_established")]),
        "last year, quiet since": (at("2023-10-01T10:00"), [
            (at("2023-10-02T10:00"), "preliminary_review")]),
        "next year": (at("2025-01-01T00:00"), []),
        "last instant": (at("2024-12-31T23:59:59.999999"), []),
    }
    references = {}
    for n, (name, (received, steps)) in enumerate(cases.items()):
        submission, case, first, pending = _form(n, "retaliation", received)
        stores.intake.create_submission(submission, case, first, pending)
        _transitions(stores, case.reference, *steps)
        references[case.reference] = name
    stores.intake.create_submission(*_form(50, "advice", at("2024-03-01T10:00"),
                                           subcategory="other"))
    found = stores.stats.case_histories("retaliation", received_before=at("2025-01-01T00:00"),
                                        active_since=at("2024-01-01T00:00"))
    by_name = {references[h.reference]: h for h in found}
    assert set(by_name) == {"this year", "last year, reviewed this year", "last instant"}
    reviewed = by_name["last year, reviewed this year"]
    assert reviewed.received_at == at("2023-11-01T10:00")
    assert [(e.seq, e.at, e.to_state) for e in reviewed.events] == [
        (1, at("2023-11-01T10:00"), "received"),
        (2, at("2023-11-02T10:00"), "preliminary_review"),
        (3, at("2024-02-01T10:00"), "prima_facie_established")]
    assert by_name["last instant"].received_at == at("2024-12-31T23:59:59.999999")


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
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.firestore_statistics import FirestoreStatistics

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # nothing listens there
    stats = FirestoreStatistics(FirestoreDatabase.connect("test-down", "(default)", timeout=1))
    with pytest.raises(StoreUnavailable):
        stats.count([RecordCount(2024, "training")])
    with pytest.raises(StoreUnavailable):
        stats.begin_import(ImportManifest("1" * 32, 1, 1, 499, T0))


def test_sqlite_answers_every_counted_and_summed_code_from_an_index() -> None:
    from shared.adapters.sqlite_statistics import _COUNT_BY_CODE, _SUM_BY_CODE
    from shared.domain.statistics import COUNTED_CODES, SUMMED_CODES

    assert set(_COUNT_BY_CODE) == set(COUNTED_CODES)
    assert set(_SUM_BY_CODE) == set(SUMMED_CODES)
