"""The disclosure programme's reminders through the deployed path, in-process: the sweep
function queues each reminder due, the notify function sends it once (a failed send is
retried, a redelivery sends nothing), escalations reach the head of unit, and a filed
declaration stops them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from shared.domain.officers import parse_directory
from shared.services import disclosure as programme_service
from tests.support.disclosure import nothing_to_declare, roster_line
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness

ADMIN, HEAD = "ada@example.org", "hana@example.org"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness.build(
        tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
        components={"notifier": RecordingNotifier(),
                    "officers": parse_directory(json.dumps(
                        {ADMIN: {"name": "Ada", "roles": ["ethics_admin"]}}))},
        INTAKE_DISCLOSURE=json.dumps({"unit_heads": {HEAD: ["finance"]}}))
    p = harness.container.programme
    admin = programme_service.caller(p, ADMIN)
    programme_service.import_roster(p, admin, [roster_line(n) for n in range(3)])
    programme_service.open_campaign(p, admin, 2025)
    return harness


def sweep(h: Harness) -> dict[str, int]:
    response = h.post("sweep", {})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def sent(h: Harness) -> list[tuple[str, str]]:
    notifier = h.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    return [(e.to, e.subject) for e in notifier.sent]


def test_each_reminder_goes_out_once_through_sweep_and_notify(h: Harness) -> None:
    p = h.container.programme
    programme_service.file_declaration(p, programme_service.caller(p, "filer0@example.org"),
                                       nothing_to_declare(), kind="annual", year=2025)
    h.clock.current = datetime(2026, 3, 17, 8, tzinfo=UTC)
    assert sweep(h)["reminders"] == 2  # the two filers who have not filed
    notifier = h.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    notifier.fail_next = 1  # the first send fails: retried, then sent once
    h.drain()
    assert sorted(sent(h)) == [
        ("filer1@example.org", "Your financial disclosure declaration is due"),
        ("filer2@example.org", "Your financial disclosure declaration is due")]
    assert sweep(h)["reminders"] == 0
    h.clock.current = datetime(2026, 3, 17, 11, tzinfo=UTC)  # a later hour: nothing new
    assert sweep(h)["reminders"] == 0
    assert h.deliver_tasks(times=2) == []

    h.clock.current = datetime(2026, 4, 15, 8, tzinfo=UTC)  # +15 days
    assert sweep(h)["reminders"] == 4  # +7 reminder and +14 escalation, each of two
    statuses = h.deliver_tasks(times=2)  # every task delivered twice
    assert statuses == [200] * 8
    escalations = [to for to, subject in sent(h) if "your unit" in subject]
    assert escalations == [HEAD, HEAD]
    assert len(sent(h)) == 2 + 2 + 2
    # A link to the filers' pages, where they sign in; nothing of any declaration.
    pages = h.container.settings.forms.declarations_url
    assert pages.endswith("/forms/declarations")
    assert all("Acme" not in e.body and pages in e.body for e in notifier.sent)


def test_a_reminder_queued_before_its_filer_filed_is_not_sent(h: Harness) -> None:
    h.clock.current = datetime(2026, 3, 17, 8, tzinfo=UTC)
    assert sweep(h)["reminders"] == 3
    p = h.container.programme
    programme_service.file_declaration(p, programme_service.caller(p, "filer1@example.org"),
                                       nothing_to_declare(), kind="annual", year=2025)
    h.drain()
    assert sorted(to for to, _ in sent(h)) == ["filer0@example.org", "filer2@example.org"]
