"""A whole disclosure cycle on each backend (SQLite, the Firestore emulator): 2,000
generated filers, a campaign, declarations on time and late, leavers and joiners, reminders
exactly once per threshold, reviews, and Table 2 against figures counted here."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.disclosure import (
    CONFLICT_MITIGATED,
    FILED,
    GUIDANCE_GIVEN,
    NO_CONFLICT,
    PENDING,
    SEPARATED,
)
from shared.domain.statistics import DisclosureYear, ImportManifest
from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES
from shared.services import disclosure as programme_service
from shared.services.annual_report import annual_report
from shared.services.disclosure import (
    Programme,
    ReminderMail,
    caller,
    queue_reminders,
    send_reminder,
)
from tests.support.disclosure import (  # noqa: F401
    ADMIN,
    OFFICER,
    backend_programme,
    nothing_to_declare,
    roster_line,
    with_items,
)
from tests.support.fakes import FixedClock, InMemoryStore, RecordingNotifier, RecordingQueue
from tests.support.statistics_fakes import InMemoryStatistics

YEAR = 2025
DUE = date(2026, 3, 31)
GRADES = ("D-2", "D-1", "P-5", "P-4", "G-7", "NO-C")
UNITS = tuple(f"unit-{n:02d}" for n in range(20))


def generated_roster(rng: random.Random, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [roster_line(n, duty_station=rng.choice(list(DUTY_STATIONS)),
                        staff_category=rng.choice(list(STAFF_CATEGORIES)),
                        grade=rng.choice(GRADES), unit=rng.choice(UNITS),
                        reason=rng.choice(("seniority", "procurement", "investment",
                                           "confidential_information")))
            for n in range(start, start + count)]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_a_whole_cycle(backend_programme: Programme) -> None:  # noqa: F811
    p = backend_programme
    clock = p.clock
    assert isinstance(clock, FixedClock)
    notifier = RecordingNotifier()
    admin, officer = caller(p, ADMIN), caller(p, OFFICER)
    rng = random.Random(2025)
    roster = generated_roster(rng, 2000)
    ids = [line["staff_id"] for line in roster]

    imported = programme_service.import_roster(p, admin, roster)
    assert (imported.joined, imported.left, imported.changed) == (2000, 0, 0)
    opened = programme_service.open_campaign(p, admin, YEAR)
    assert opened.created and opened.obligations_added == 2000
    assert opened.campaign.due_on == DUE
    again = programme_service.open_campaign(p, admin, YEAR)
    assert not again.created and again.obligations_added == 0

    def file(staff: list[str], day: date) -> list[str]:
        clock.current = at(day)
        made = []
        for n, staff_id in enumerate(staff):
            body = with_items() if n % 10 == 0 else nothing_to_declare()
            d = programme_service.file_declaration(
                p, caller(p, f"filer{int(staff_id[1:])}@example.org"), body,
                kind="annual", year=YEAR)
            made.append(d.id)
        return made

    on_time = file(ids[:1700], date(2026, 2, 15))

    # HR's roster of 1 March: ten pending filers left, five joined (appointed 20 March).
    leavers = set(ids[1700:1710])
    joiners = generated_roster(rng, 5, start=5000)
    for line in joiners:
        line["appointed_on"] = "2026-03-20"
    joiner_ids = [line["staff_id"] for line in joiners]
    clock.current = at(date(2026, 3, 1))
    changed = programme_service.import_roster(
        p, admin, [line for line in roster if line["staff_id"] not in leavers] + joiners)
    assert (changed.joined, changed.left, changed.changed) == (5, 10, 0)
    assert changed.obligations_closed == 10 and changed.obligations_added == 5
    assert {o.staff_id: o.due_on for o in p.store.obligations(YEAR)
            if o.staff_id in joiner_ids} == dict.fromkeys(joiner_ids, date(2026, 4, 19))

    sent_keys: list[str] = []

    queue = RecordingQueue()
    mail = ReminderMail(store=p.store, clock=clock, notifier=notifier, settings=p.settings,
                        filer_url=p.filer_url, ethics_office_mailbox="ethics@example.org")

    def sweep_on(day: date) -> set[str]:
        """Two sweeps (the second queues again what the first queued, in the same hour:
        no new task), then each task delivered twice: each reminder goes out once."""
        clock.current = at(day)
        first = queue_reminders(store=p.store, clock=clock, settings=p.settings, queue=queue)
        queue_reminders(store=p.store, clock=clock, settings=p.settings, queue=queue)
        tasks = queue.take()
        assert sorted(t.payload["reminder"] for t in tasks) == sorted(first.queued)
        sent = [key for task in tasks + tasks
                if send_reminder(task.payload["reminder"], mail=mail) == "sent"
                for key in [task.payload["reminder"]]]
        assert len(sent) == len(set(sent))
        sent_keys.extend(sent)
        # A later sweep the same day queues nothing: they went out.
        assert queue_reminders(store=p.store, clock=clock, settings=p.settings,
                               queue=queue).queued == []
        return set(sent)

    main_pending = [s for s in ids[1700:] if s not in leavers]  # 290
    assert sweep_on(date(2026, 3, 17)) == {f"{YEAR}:{s}:reminder:-14" for s in main_pending}
    on_time += file(main_pending[:200], date(2026, 3, 20))
    still = main_pending[200:]  # 90
    assert sweep_on(date(2026, 3, 28)) == {f"{YEAR}:{s}:reminder:-3" for s in still}
    late = file(still[:60], date(2026, 4, 5))
    overdue = still[60:]  # 30
    assert sweep_on(date(2026, 4, 7)) == (
        {f"{YEAR}:{s}:reminder:+7" for s in overdue}
        | {f"{YEAR}:{s}:reminder:-14" for s in joiner_ids})
    assert sweep_on(date(2026, 4, 15)) == {f"{YEAR}:{s}:escalation:+14" for s in overdue}
    assert sweep_on(date(2026, 4, 16)) == {f"{YEAR}:{s}:reminder:-3" for s in joiner_ids}
    assert sweep_on(date(2026, 4, 17)) == set()
    file(joiner_ids, date(2026, 4, 17))

    assert len(sent_keys) == len(set(sent_keys)) == 290 + 90 + 30 + 5 + 30 + 5
    assert sorted(sent_keys) == p.store.reminders_sent(YEAR)
    reminder_mail = [e for e in notifier.sent if "Acme" not in e.body]
    assert len(notifier.sent) == len(reminder_mail)  # links only, never content
    escalations = [e for e in notifier.sent if "your unit" in e.body]
    assert len(escalations) == 30 and all(e.to == "ethics@example.org" for e in escalations)

    # Reviews: 200 of the on-time declarations, four with guidance.
    clock.current = at(date(2026, 5, 1))
    for n, declaration_id in enumerate(on_time[:200]):
        outcome = GUIDANCE_GIVEN if n < 4 else (CONFLICT_MITIGATED if n % 7 == 0
                                                else NO_CONFLICT)
        programme_service.review_declaration(p, officer, declaration_id, outcome,
                                             "Sell the shares." if n < 4 else None)
    # The four guidance notices: queued at the review, sent once each by notify.
    notices = sweep_on(date(2026, 5, 1))
    assert {key.split(":")[2] for key in notices} == {"guidance"} and len(notices) == 4
    assert all("Sell" not in e.body for e in notifier.sent[-4:])

    # What this test counts on its own.
    filers = 2000 + 5
    filed = 1700 + 200 + 60 + 5
    states = {o.staff_id: o.state for o in p.store.obligations(YEAR)}
    assert sum(s == FILED for s in states.values()) == filed
    assert {s for s, st in states.items() if st == SEPARATED} == leavers
    assert {s for s, st in states.items() if st == PENDING} == set(overdue)
    assert sum(o.late for o in p.store.obligations(YEAR)) == len(late) == 60

    status = programme_service.campaign_status(p, admin, YEAR)
    assert status.states == {"pending": 30, "filed": filed, "separated": 10, "withdrawn": 0}
    assert {o.staff_id for o in status.overdue} == set(overdue)
    assert status.reminders_sent == {"reminder": 290 + 90 + 30 + 5 + 5, "escalation": 30}

    intake = InMemoryStore()
    stats = InMemoryStatistics(intake, chunk_size=499)
    # The imported history (2024) stays as it is beside the year from the records.
    stats.begin_import(ImportManifest("b" * 32, 1, 1, 499, at(date(2026, 1, 1))))
    stats.write_import_chunk("b" * 32, 0, [], [DisclosureYear(2024, 1754, 1750)])
    stats.finish_import("b" * 32, at(date(2026, 1, 1)))
    report = annual_report(YEAR, store=stats, disclosure=p.store)
    row = report.table_2[YEAR]
    assert row is not None
    assert (row.filers, row.compliant, row.separated_without_filing) == (filers, filed, 10)
    assert row.compliance == round(100 * filed / filers, 1)
    assert row.compliance_still_employed == round(100 * filed / (filers - 10), 1)
    imported_row = report.table_2[2024]
    assert imported_row is not None and (imported_row.filers, imported_row.compliant) == (
        1754, 1750)
    outcomes = report.disclosure_outcomes
    assert outcomes is not None
    assert (outcomes.reviewed, outcomes.cleared, outcomes.guidance) == (200, 196, 4)
    assert (outcomes.cleared_percent, outcomes.guidance_percent) == (98.0, 2.0)
