"""What every statistics adapter reads of a year's cases for the handling times and the
export (``case_facts``), and the indicators made of it: the in-memory fake, SQLite, and the
Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    Triage,
)
from shared.domain.records import record as recorded
from shared.domain.recusal import Marker, index_of
from shared.ports.statistics import StatisticsStore
from shared.ports.storage import IntakeStore
from shared.services.handling_times import exported_cases, management_indicators
from tests.support.fakes import InMemoryStore
from tests.support.statistics_fakes import InMemoryStatistics

T0 = datetime(2024, 3, 1, 9, tzinfo=UTC)
MARKER = Marker(b"k" * 32)


@dataclass
class Stores:
    intake: IntakeStore
    stats: StatisticsStore


@pytest.fixture(params=["memory", "sqlite", "firestore"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    if request.param == "memory":
        intake = InMemoryStore()
        yield Stores(intake, InMemoryStatistics(intake))
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


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def store_case(stores: Stores, n: int, form: str, received_at: datetime, *,
               deadlines: dict[str, datetime] | None = None,
               forwarded_at: datetime | None = None, channel: str = "web",
               acknowledged_at: datetime | None = None) -> str:
    sid, ref = f"{n:032x}", f"ETH-{form[:3].upper()}-{n:05d}-AAAAA"
    triage = Triage(priority="normal", route="ethics", category=form, triaged_at=received_at,
                    deadlines=deadlines or {})
    forwarding = None if forwarded_at is None else Forwarding(
        referral_id=f"r{n}", attempts=1, investigations_case_id=f"OIAI-{n}",
        forwarded_at=forwarded_at)
    case = Case(reference=ref, submission_id=sid, form=form, state="received",
                received_at=received_at, updated_at=received_at, event_count=1,
                triage=triage, deadlines=deadlines or {}, forwarding=forwarding,
                channel=channel, named_index=index_of(["Dana Officer"], MARKER))
    first = CaseEvent(seq=1, at=received_at, kind="received", actor="system:intake",
                      to_state="received", details={
                          "form": form, "acknowledged_at":
                          (acknowledged_at or received_at).isoformat(),
                          "proof_key": "k1"})
    submission = Submission(id=sid, form=form, reference=ref, received_at=received_at,
                            clear={}, sealed={"v": 1}, anonymous=False,
                            request_digest="ab" * 32)
    stores.intake.create_submission(submission, case, first,
                                    PendingTask("triage", sid, ref, received_at, received_at))
    return ref


def move(stores: Stores, reference: str, at: datetime, state: str,
         ended: tuple[str, ...] = (), kind: str = "transition") -> None:
    def decide(case: Case) -> CaseChange:
        details: dict[str, object] = {"transition": "t", "note": "Zebulon Quartermaine-Oyelowo"}
        if ended:
            details["deadlines_ended"] = list(ended)
        updated, events = recorded(case, at, [Happened(kind, "officer:o@x.org", details,
                                                       state or None)])
        return CaseChange(updated, events)

    stores.intake.update_case(reference, decide)


def test_case_facts_are_the_year_s_cases_of_the_form_in_order_received(
        stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    import shared.adapters.firestore_statistics as firestore_statistics
    import shared.adapters.sqlite_statistics as sqlite_statistics

    # Pages of two: the paging itself is read across.
    monkeypatch.setattr(sqlite_statistics, "FACTS_PAGE", 2)
    monkeypatch.setattr(firestore_statistics, "FACTS_PAGE", 2)
    received = [datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2024, 1, 1, tzinfo=UTC), day(0), day(0), day(1),
                datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2025, 1, 1, tzinfo=UTC)]
    refs = [store_case(stores, n, "advice", at, deadlines={"feedback_due": at + timedelta(90)},
                       channel="telephone" if n == 2 else "web",
                       acknowledged_at=at + timedelta(days=2) if n == 2 else None)
            for n, at in enumerate(received)]
    store_case(stores, 90, "misconduct", day(0), forwarded_at=day(0.01))
    move(stores, refs[2], day(3), "assigned")
    move(stores, refs[2], day(4), "answered", ("feedback_due",))
    found = list(stores.stats.case_facts("advice", received_from=datetime(2024, 1, 1,
                                                                         tzinfo=UTC),
                                         received_before=datetime(2025, 1, 1, tzinfo=UTC)))
    assert [f.reference for f in found] == refs[1:6]
    facts = found[1]
    assert facts.reference == refs[2] and facts.form == "advice"
    assert facts.channel == "telephone" and facts.state == "answered"
    assert facts.received_at == day(0) and facts.priority == "normal"
    assert facts.triage_deadlines == {"feedback_due": day(90)}
    assert facts.named_index == index_of(["Dana Officer"], MARKER)
    assert [(e.seq, e.at, e.kind, e.to_state) for e in facts.events] == [
        (1, day(0), "received", "received"), (2, day(3), "transition", "assigned"),
        (3, day(4), "transition", "answered")]
    # Of the details, only what the timeline needs: never a note or any other text.
    assert facts.events[0].details == {"acknowledged_at": day(2).isoformat()}
    assert facts.events[1].details == {}
    assert facts.events[2].details == {"deadlines_ended": ["feedback_due"]}
    [misconduct] = stores.stats.case_facts("misconduct", received_from=day(-1),
                                           received_before=day(1))
    assert misconduct.forwarded_at == day(0.01)


def test_indicators_on_known_data(stores: Stores) -> None:
    # Advice: first responses after 1, 2, 3, 4 and 10 days: median 3, 90th percentile
    # 4 + (10 - 4) * 0.6 = 7.6. One closed after 6 days and reopened.
    for n, first in enumerate([1, 2, 3, 4, 10]):
        ref = store_case(stores, n, "advice", day(n / 10), deadlines={
            "advice_answer_due": day(n / 10 + 5), "feedback_due": day(n / 10 + 90)})
        move(stores, ref, day(n / 10 + first), "assigned")
        if n == 0:
            move(stores, ref, day(3), "answered", ("advice_answer_due", "feedback_due"))
            move(stores, ref, day(6), "closed")
            move(stores, ref, day(8), "assigned")
        if n == 4:
            move(stores, ref, day(20), "answered", ("advice_answer_due", "feedback_due"))
    # Retaliation: determinations after 12 and 40 days; one suspended, reopened twice.
    for n, (determined, state) in enumerate([(12, "prima_facie_established"),
                                             (40, "no_prima_facie")]):
        ref = store_case(stores, 10 + n, "retaliation", day(0), deadlines={
            "preliminary_review_due": day(30), "feedback_due": day(92)})
        move(stores, ref, day(1), "preliminary_review")
        move(stores, ref, day(determined), state, ("preliminary_review_due", "feedback_due"))
    ref = store_case(stores, 12, "retaliation", day(0), deadlines={
        "preliminary_review_due": day(30), "feedback_due": day(92)})
    for at, state in ((2, "suspended"), (5, "reopened"), (6, "suspended"), (9, "reopened")):
        move(stores, ref, day(at), state,
             ("preliminary_review_due", "feedback_due") if at == 2 else ())
    # Misconduct: accepted by the investigations office after half a day; acknowledged
    # late (recorded by an officer 9 days after it was received).
    store_case(stores, 20, "misconduct", day(0), forwarded_at=day(0.5),
               deadlines={"feedback_due": day(92)}, channel="post",
               acknowledged_at=day(9))
    # Another year's case counts nowhere.
    store_case(stores, 30, "advice", datetime(2023, 6, 1, tzinfo=UTC))

    figures = management_indicators(2024, store=stores.stats, now=day(100)).forms
    advice = figures["advice"]
    assert advice.cases == 5
    times = advice.durations["first_response"]
    assert (times.reached, times.median, times.p90) == (5, 3.0, 7.6)
    assert (advice.durations["close"].reached, advice.durations["close"].median) == (1, 6.0)
    assert (advice.reopened_cases, advice.reopenings) == (1, 1)
    answer = advice.clocks["advice_answer_due"]
    # n=0 met (day 3 <= 5), n=4 missed (day 20 > 5.4), three still running past due
    assert (answer.met, answer.missed, answer.overdue, answer.running) == (1, 1, 3, 0)
    assert answer.percent_met == 20.0
    feedback = advice.clocks["feedback_due"]
    assert (feedback.met, feedback.overdue, feedback.percent_met) == (2, 3, 40.0)

    retaliation = figures["retaliation"]
    determination = retaliation.durations["prima_facie_determination"]
    assert (determination.reached, determination.pending) == (2, 1)
    assert (determination.median, determination.p90) == (26.0, 37.2)
    assert (retaliation.reopened_cases, retaliation.reopenings) == (1, 2)
    review = retaliation.clocks["preliminary_review_due"]
    assert (review.met, review.missed, review.percent_met) == (2, 1, 66.7)

    misconduct = figures["misconduct"]
    assert misconduct.durations["referral"].median == 0.5
    ack = misconduct.clocks["acknowledgement"]
    assert (ack.met, ack.missed, ack.percent_met) == (0, 1, 0.0)


def test_the_export_has_a_row_per_case_and_none_of_its_text(stores: Stores) -> None:
    ref = store_case(stores, 1, "misconduct", day(0), forwarded_at=day(0.5),
                     deadlines={"feedback_due": day(92)}, channel="email")
    move(stores, ref, day(1), "forwarded")
    store_case(stores, 2, "advice", day(1))
    header, *rows = list(exported_cases(2024, store=stores.stats, now=day(10)))
    assert len(rows) == 2
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    row = by_ref[ref]
    assert (row["form"], row["channel"], row["state"]) == ("misconduct", "email", "forwarded")
    assert row["referred_at"] == day(0.5).isoformat(timespec="seconds")
    assert row["feedback_due_status"] == "running"
    text = repr(rows)
    assert "Zebulon" not in text and "Quartermaine" not in text and "Dana" not in text
