"""Sealed values open only where they belong, on SQLite and on the Firestore emulator: an
internal note copied into another case's history as a reply, a value relabelled in its own
case, a case pointed at another case's submission or a submission's envelope swapped are
never shown; each is an ERROR line with its code, an ``integrity_alert`` in the history and
one e-mail to the Ethics Office. The public follow-up page reaches the messages key and no
other."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.google_id_tokens import GoogleIdTokenVerifier
from shared.bootstrap import Container
from shared.domain.officers import parse_directory
from shared.domain.records import Case, CaseChange, CaseEvent, Happened, record
from shared.domain.sealing import NOTE, REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE
from shared.ports.sealing import KeyService
from shared.ports.storage import IntakeStore
from shared.services.follow_up import add_message
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app
from tests.support.payloads import ADVICE_ANONYMOUS, MISCONDUCT_ANONYMOUS
from tests.support.tokens import CertServer, SigningKey
from tests.support.web import ORIGIN, Browser, Page

AUDIENCE = "https://europe-west1-ethics.cloudfunctions.net/cases"
OFFICER = "alice@example.org"
DIRECTORY = {OFFICER: {"name": "Alice Mbeki-Laurent", "roles": ["ethics_officer"]}}
NOTE_TEXT = "Internal: the requester is probably Ignatius Featherstonehaugh of the Juba office."
REPLY_TEXT = "Thank you for writing. Which office was it?"
ADDED_TEXT = "It was the warehouse office, on the second floor."
CANNOT_BE_SHOWN = "This message cannot be shown. The Ethics Office has been told."


@pytest.fixture(scope="module")
def certificates() -> Iterator[tuple[CertServer, SigningKey]]:
    key, server = SigningKey("google-1"), CertServer()
    server.publish(key)
    yield server, key
    server.close()


@dataclass
class Desk:
    """Two backends, one way in: submissions, the officers' API, the follow-up page."""

    harness: Harness
    key: SigningKey
    notifier: RecordingNotifier

    @property
    def store(self) -> IntakeStore:
        return self.harness.store

    def submit(self, body: dict[str, Any], function: str = "submit_advice") -> tuple[str, str]:
        response = self.harness.submit(function, body)
        assert response.status_code == 201, response.get_json()
        self.harness.drain()
        answer = response.get_json()
        return answer["reference"], answer["receipt"]

    def officer(self, method: str, path: str, body: Any = None) -> Any:
        now = int(time.time())
        token = self.key.sign({"iss": "https://accounts.google.com", "aud": AUDIENCE,
                               "sub": "1" * 21, "email": OFFICER, "email_verified": True,
                               "iat": now, "exp": now + 3600})
        client = function_app("cases").test_client()
        with bootstrap.using(self.harness.container):
            if method == "GET":
                return client.get(path, headers={"Authorization": f"Bearer {token}"})
            return client.post(path, data=json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"Bearer {token}"})

    def follow_up(self, reference: str, receipt: str, container: Container | None = None
                  ) -> Page:
        harness = self.harness if container is None else replace(self.harness,
                                                                 container=container)
        browser = Browser(harness)
        page = browser.get("/follow-up")
        return browser.follow(browser.post(
            "forms", [("csrf_token", page.token), ("lang", "en"), ("reference", reference),
                      ("receipt", receipt)], path="/follow-up"))

    def last(self, reference: str, kind: str) -> CaseEvent:
        return [e for e in self.store.case_events(reference) if e.kind == kind][-1]

    def copy_as(self, event: CaseEvent, reference: str, kind: str) -> None:
        """The attack: a sealed event's details written into a case's history as ``kind``,
        by someone who can write to the store."""
        sealed = event.details.get("note") or event.details
        details = {"message_id": sealed["message_id"], "sealed": sealed["sealed"]}
        at = self.harness.clock.now()

        def append(case: Case) -> CaseChange:
            updated, events = record(case, at, [Happened(kind, event.actor, details)])
            return CaseChange(updated, events)

        self.store.update_case(reference, append)

    def alerts(self, reference: str) -> list[dict[str, Any]]:
        return [e.details for e in self.store.case_events(reference)
                if e.kind == "integrity_alert"]

    def alert_mail(self, reference: str) -> list[str]:
        self.harness.drain()
        return [m.subject + "\n" + m.body for m in self.notifier.sent
                if m.to == self.harness.container.settings.ethics_office_mailbox
                and reference in m.subject and "SECURITY" in m.subject]


@pytest.fixture(params=["sqlite", "firestore"])
def desk(request: pytest.FixtureRequest, tmp_path: Path,
         certificates: tuple[CertServer, SigningKey]) -> Desk:
    if request.param == "sqlite":
        from shared.adapters.sqlite_store import SqliteStore

        store: IntakeStore = SqliteStore.open(tmp_path / "intake.sqlite3")
    else:
        from shared.adapters.firestore_store import FirestoreStore

        store = FirestoreStore.connect(request.getfixturevalue("firestore_project"),
                                       "(default)", timeout=10)
    server, key = certificates
    notifier = RecordingNotifier()
    harness = Harness.build(tmp_path, store, components={
        "verifier": GoogleIdTokenVerifier(AUDIENCE, server.url),
        "officers": parse_directory(json.dumps(DIRECTORY)), "notifier": notifier},
        INTAKE_FORM_RATE_LIMIT="1000", INTAKE_FUNCTIONS_BASE_URL=ORIGIN)
    return Desk(harness, key, notifier)


def history(desk: Desk, reference: str) -> tuple[int, list[dict[str, Any]], str]:
    response = desk.officer("GET", f"/{reference}")
    return response.status_code, response.get_json().get("history", []), response.get_data(
        as_text=True)


def test_a_note_copied_into_another_case_as_a_reply_is_never_shown(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    """The review's attack: case A's internal note, written into case B's history as a
    reply_to_submitter, was shown on B's follow-up page."""
    a, _ = desk.submit(ADVICE_ANONYMOUS)
    b, b_receipt = desk.submit(ADVICE_ANONYMOUS)
    assert desk.officer("POST", f"/{a}/notes", {"text": NOTE_TEXT}).status_code == 200
    desk.copy_as(desk.last(a, NOTE), b, REPLY_TO_SUBMITTER)

    with caplog.at_level(logging.INFO):
        page = desk.follow_up(b, b_receipt)
    assert page.status == 200
    assert NOTE_TEXT not in page.text and "Featherstonehaugh" not in page.text
    assert CANNOT_BE_SHOWN in page.text
    errors = [r for r in caplog.records if getattr(r, "event", "") == "seal_broken"]
    assert errors and all(r.levelno == logging.ERROR for r in errors)
    assert NOTE_TEXT not in caplog.text
    seq = desk.last(b, REPLY_TO_SUBMITTER).seq
    assert desk.alerts(b) == [{"code": "seal_broken", "where": f"event_{seq}"}]

    status, events, body = history(desk, b)
    assert status == 200 and NOTE_TEXT not in body
    (copied,) = [e for e in events if e["kind"] == REPLY_TO_SUBMITTER]
    assert (copied["text"], copied["unreadable"]) == (None, True)
    assert not any(e["unreadable"] for e in events if e is not copied)

    # Told once, by e-mail, with the reference and no content; reading again adds nothing.
    desk.follow_up(b, b_receipt)
    history(desk, b)
    assert len(desk.alerts(b)) == 1
    (mail,) = desk.alert_mail(b)
    assert NOTE_TEXT not in mail and "Featherstonehaugh" not in mail
    # The note still opens where it belongs.
    status, events, _ = history(desk, a)
    assert [e["text"] for e in events if e["kind"] == NOTE] == [NOTE_TEXT]


@pytest.mark.parametrize(("source", "target"), [
    (NOTE, REPLY_TO_SUBMITTER),  # an internal note shown to the submitter
    (SUBMITTER_MESSAGE, REPLY_TO_SUBMITTER),  # the submitter's words shown as the office's
    (REPLY_TO_SUBMITTER, NOTE),
    (REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE),
    ("transition", NOTE),  # a transition's note (a determination) relabelled
])
def test_a_value_relabelled_in_its_own_case_does_not_open(desk: Desk, source: str,
                                                          target: str) -> None:
    reference, receipt = desk.submit(ADVICE_ANONYMOUS)
    c = desk.harness.container
    if source == NOTE:
        desk.officer("POST", f"/{reference}/notes", {"text": NOTE_TEXT})
    elif source == REPLY_TO_SUBMITTER:
        desk.officer("POST", f"/{reference}/replies", {"text": NOTE_TEXT})
    elif source == SUBMITTER_MESSAGE:
        add_message(reference, NOTE_TEXT, "c" * 32, store=c.store, follow_up=c.follow_up,
                    cipher=c.cipher, queue=c.queue, clock=c.clock, policy=c.policy)
    else:
        response = desk.officer("POST", f"/{reference}/transitions",
                                {"name": "assign", "note": NOTE_TEXT})
        if response.status_code != 200:
            response = desk.officer("POST", f"/{reference}/transitions",
                                    {"name": response.get_json()["errors"]["allowed"][0],
                                     "note": NOTE_TEXT})
        assert response.status_code == 200, response.get_json()
    desk.copy_as(desk.last(reference, source), reference, target)

    status, events, _ = history(desk, reference)
    assert status == 200
    assert [e["text"] for e in events if e["text"] is not None] == [NOTE_TEXT]
    copied = [e for e in events if e["kind"] == target][-1]
    assert (copied["text"], copied["unreadable"]) == (None, True)
    page = desk.follow_up(reference, receipt)
    assert page.status == 200
    # The genuine message shows where it belongs; the relabelled copy never does.
    genuine = 1 if source in (REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE) else 0
    assert page.text.count(NOTE_TEXT) == genuine
    assert [a["code"] for a in desk.alerts(reference)] == ["seal_broken"]


def point_case_at(store: IntakeStore, reference: str, submission_id: str) -> None:
    """The other attack on pointers: a case made to name another case's submission."""
    store.update_case(reference, lambda case: CaseChange(replace(case,
                                                                 submission_id=submission_id)))


def test_a_case_pointed_at_another_submission_is_refused_and_alerted(
        desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    a, a_receipt = desk.submit(ADVICE_ANONYMOUS)
    b, _ = desk.submit(ADVICE_ANONYMOUS)
    desk.officer("POST", f"/{b}/replies", {"text": REPLY_TEXT})
    case_a = desk.store.get_case(a)
    assert case_a is not None
    point_case_at(desk.store, b, case_a.submission_id)

    # A's receipt does not open B, though B now points at A's submission (and its hash).
    with caplog.at_level(logging.ERROR):
        page = desk.follow_up(b, a_receipt)
    assert page.status == 422 and REPLY_TEXT not in page.text
    assert any(getattr(r, "event", "") == "records_disagree" for r in caplog.records)
    # The officers' API serves neither submission under B's reference: a clear 409.
    response = desk.officer("GET", f"/{b}")
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"_integrity": ["records_disagree"]}
    assert "Theodric" not in response.get_data(as_text=True)
    assert desk.alerts(b) == [{"code": "records_disagree", "where": "submission"}]
    assert len(desk.alert_mail(b)) == 1
    # A itself is untouched.
    assert desk.follow_up(a, a_receipt).status == 200


def test_a_submissions_envelope_swapped_for_another_is_refused(desk: Desk) -> None:
    a, _ = desk.submit(ADVICE_ANONYMOUS)
    b, _ = desk.submit(MISCONDUCT_ANONYMOUS, "submit_misconduct")
    case_a, case_b = desk.store.get_case(a), desk.store.get_case(b)
    assert case_a is not None and case_b is not None
    sub_a = desk.store.get_submission(case_a.submission_id)
    sub_b = desk.store.get_submission(case_b.submission_id)
    assert sub_a is not None and sub_b is not None
    assert desk.harness.container.sealed_records.replace_submission_seal(
        sub_a.id, expected=sub_a.sealed, sealed=sub_b.sealed,
        request_digest=sub_a.request_digest)
    response = desk.officer("GET", f"/{a}")
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"_integrity": ["seal_broken"]}
    assert "Zephyrine" not in response.get_data(as_text=True)
    assert desk.alerts(a) == [{"code": "seal_broken", "where": "submission"}]


class Forbidden(KeyService):
    """A key the function must never reach: any use fails the test."""

    used: list[str]

    def __init__(self) -> None:
        self.used = []

    @property
    def key_id(self) -> str:
        self.used.append("key_id")
        raise AssertionError("the cases key was reached")

    def wrap(self, data_key: bytes, associated: bytes) -> bytes:
        self.used.append("wrap")
        raise AssertionError("the cases key was reached")

    def unwrap(self, wrapped: bytes, associated: bytes, key_id: str) -> bytes:
        self.used.append("unwrap")
        raise AssertionError("the cases key was reached")


def test_the_follow_up_page_uses_the_messages_key_and_no_other(desk: Desk) -> None:
    reference, receipt = desk.submit(ADVICE_ANONYMOUS)
    desk.officer("POST", f"/{reference}/notes", {"text": NOTE_TEXT})
    desk.officer("POST", f"/{reference}/replies", {"text": REPLY_TEXT})
    h = desk.harness
    cases_key = Forbidden()
    forms = Container(h.container.settings, store=h.store, storage=h.container.storage,
                      queue=h.queue, clock=h.clock,
                      follow_up=h.container.follow_up, case_keys=cases_key)
    page = desk.follow_up(reference, receipt, forms)
    assert page.status == 200 and REPLY_TEXT in page.text and NOTE_TEXT not in page.text
    browser = Browser(replace(h, container=forms))
    opened = browser.get("/follow-up")
    opened = browser.follow(browser.post(
        "forms", [("csrf_token", opened.token), ("lang", "en"), ("reference", reference),
                  ("receipt", receipt)], path="/follow-up"))
    added = browser.follow(browser.post(
        "forms", [("csrf_token", opened.token), ("lang", "en"),
                  ("message_id", opened.inputs["message_id"]), ("message", ADDED_TEXT)],
        path="/follow-up/message"))
    assert added.status == 200 and ADDED_TEXT in added.text
    assert cases_key.used == []
    # The officers read what the page sealed.
    _, events, _ = history(desk, reference)
    assert [e["text"] for e in events if e["kind"] == SUBMITTER_MESSAGE] == [ADDED_TEXT]
