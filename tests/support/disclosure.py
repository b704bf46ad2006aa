"""The disclosure programme over a real store (SQLite or the Firestore emulator), real
envelope sealing with a local key, a fixed clock and a recording notifier."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.domain.disclosure import SECTIONS, ProgrammeSettings, members_of
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER, Officer
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
from shared.ports.disclosure import DisclosureStore
from shared.services.disclosure import Programme
from tests.support.fakes import FixedClock, RecordingQueue

ADMIN = "admin@example.org"
OFFICER = "officer@example.org"
OFFICERS = {
    ADMIN: Officer(ADMIN, "Ada Admin", frozenset({ETHICS_ADMIN})),
    OFFICER: Officer(OFFICER, "Otto Officer", frozenset({ETHICS_OFFICER})),
}
HEAD = "head.finance@example.org"
SETTINGS = ProgrammeSettings(unit_heads={HEAD: frozenset({"finance"})})


def open_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest
               ) -> DisclosureStore:
    if backend == "sqlite":
        from shared.adapters.sqlite_database import SqliteDatabase
        from shared.adapters.sqlite_disclosure import SqliteDisclosureStore

        return SqliteDisclosureStore(SqliteDatabase(tmp_path / "intake.sqlite3"))
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.firestore_disclosure import FirestoreDisclosureStore

    project = request.getfixturevalue("firestore_project")
    return FirestoreDisclosureStore(FirestoreDatabase.connect(project, "(default)",
                                                              timeout=30))


def programme(store: DisclosureStore, tmp_path: Path, *, start: datetime | None = None,
              settings: ProgrammeSettings = SETTINGS) -> Programme:
    keys = LocalKeyService.from_file(tmp_path / "keys" / "local.kek", create=True)
    return Programme(store=store, cipher=EnvelopeCipher({CASES_KEY: keys, MESSAGES_KEY: keys}),
                     clock=FixedClock(start or datetime(2026, 1, 5, 9, tzinfo=UTC)),
                     queue=RecordingQueue(), settings=settings, officers=OFFICERS,
                     filer_url="http://127.0.0.1:8080/disclosure")


@pytest.fixture(params=["sqlite", "firestore"])
def backend_programme(request: pytest.FixtureRequest, tmp_path: Path) -> Programme:
    return programme(open_store(request.param, tmp_path, request), tmp_path)


def nothing_to_declare(spouse: bool = False, children: int = 0) -> dict[str, Any]:
    members = members_of(spouse, children)
    return {"spouse": spouse, "children": children,
            "sections": {s: {m: {"nothing_to_declare": True} for m in members}
                         for s in SECTIONS}}


def with_items(spouse: bool = True, children: int = 1) -> dict[str, Any]:
    body = nothing_to_declare(spouse, children)
    body["sections"]["assets"]["spouse"] = {"items": [
        {"description": "Shares in a listed company", "counterpart": "Acme Supplies Ltd",
         "value_usd": 25000}]}
    body["sections"]["outside_activities"]["self"] = {"items": [
        {"description": "Board member of a charity", "counterpart": "Friends of the Park",
         "value_usd": None}]}
    return body


def roster_line(n: int, **fields: Any) -> dict[str, Any]:
    line = {"staff_id": f"S{n:06d}", "name": f"Filer {n}", "email": f"filer{n}@example.org",
            "grade": "P-5", "staff_category": "international_professional",
            "duty_station": "headquarters", "office": "Office of Finance",
            "reason": "seniority", "unit": "finance"}
    line.update(fields)
    return line
