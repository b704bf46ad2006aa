"""Files added later, on the follow-up page, without JavaScript: the same limits, checks,
cleaning and scanning as the forms, what the submitter is told in their language, the files
recorded in the case history with the message, and carried to the investigations office as
a supplement to a misconduct report's referral. Both stores of cases (SQLite with the data
folder, the Firestore emulator with the Cloud Storage emulator)."""

from __future__ import annotations

import hashlib
import html
import io
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from shared.domain.follow_up import SUBMITTER_MESSAGE
from shared.ports.evidence import EvidenceBlobs
from tests.support import evidence_files as files
from tests.support.casework import OFFICER, Office, open_office
from tests.support.payloads import payload
from tests.support.web import ORIGIN, Browser, Page, read_page

MESSAGE = "Here is the photo of the delivery note I mentioned."


def multipart(pairs: list[tuple[str, str]],
              attachments: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A form post as a browser sends it with files chosen: fields first, then files."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in pairs:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  .encode() + value.encode() + b"\r\n")
    for name, data, content_type in attachments:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
                  f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                  + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def gcs_blobs(request: pytest.FixtureRequest) -> EvidenceBlobs:
    from shared.adapters.gcs_evidence import GcsEvidenceBlobs
    from tests.conftest import require_emulator
    from tests.contract.test_evidence_blobs_contract import gcs_bucket

    host = require_emulator("STORAGE_EMULATOR_HOST")
    return GcsEvidenceBlobs.connect("test", gcs_bucket(host), emulator_host=host)


def office_on(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
              **settings: str) -> Office:
    """SQLite with the data folder, or Firestore with Cloud Storage, as deployed."""
    components: dict[str, object] = {}
    if backend == "firestore":
        components["evidence_blobs"] = gcs_blobs(request)
    env = {"INTAKE_FUNCTIONS_BASE_URL": ORIGIN, **settings}
    return open_office(backend, tmp_path, request, components=components,
                       **env)  # type: ignore[arg-type]  # settings only, all strings


def stored(office: Office) -> list[str]:
    return office.container.evidence_blobs.names()


def reported(office: Office, form: str = "misconduct") -> tuple[str, str]:
    """A report sent through the API (no files) and triaged: its reference and receipt."""
    response = office.h.submit(f"submit_{form}", payload(form))
    assert response.status_code == 201, response.get_json()
    office.h.drain()
    answer = response.get_json()
    return answer["reference"], answer["receipt"]


def open_case(browser: Browser, reference: str, receipt: str) -> Page:
    page = browser.get("/follow-up")
    pairs = [("csrf_token", page.token), ("lang", page.inputs["lang"]),
             ("reference", reference), ("receipt", receipt)]
    opened = browser.follow(browser.post("forms", pairs, path="/follow-up"))
    assert opened.status == 200, opened.summary
    return opened


def add_with_files(browser: Browser, page: Page, attachments: list[tuple[str, bytes, str]],
                   text: str = MESSAGE, message_id: str | None = None) -> Page:
    """Press "Send this information" with files chosen, as a browser without JavaScript
    posts the case page's multipart form."""
    pairs = [("csrf_token", page.token), ("lang", page.inputs["lang"]),
             ("message_id", message_id or page.inputs["message_id"]), ("message", text),
             ("action", "send")]
    body, content_type = multipart(pairs, attachments)
    response = browser.request("forms", "/follow-up/message", method="POST", data=body,
                               content_type=content_type,
                               headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"})
    return browser.follow(read_page(response))


def message_events(office: Office, reference: str) -> list[Any]:
    return [e for e in office.store.case_events(reference) if e.kind == SUBMITTER_MESSAGE]


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_files_added_on_the_follow_up_page_are_cleaned_recorded_and_sent_on(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    office = office_on(backend, tmp_path, request)
    reference, receipt = reported(office)
    [referral] = office.receiver.receiver.store.referrals()
    assert referral.attachments == ()  # the report itself came without files
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    assert 'enctype="multipart/form-data"' in page.text
    assert '<input type="file" id="evidence" name="evidence" multiple' in page.text

    photo = files.jpeg_with_gps()
    added = add_with_files(browser, page, [
        ("photo-1.jpg", photo, "image/jpeg"),
        ("notes.docx", files.docx_with_comments_and_changes(), "")])
    assert added.status == 200, added.summary
    assert "Your information was added" in added.text
    assert "We removed location, camera details and other photo details from photo-1.jpg." \
        in added.text
    assert "notes.docx" in added.text and "was not checked for viruses" in added.text

    # Recorded in the case history with the message, sealed (no name in clear).
    [event] = message_events(office, reference)
    recorded = event.details["attachments"]
    assert [a["kind"] for a in recorded] == ["jpeg", "docx"]
    assert recorded[0]["removed"] == ["location", "camera", "image_details"]
    assert "photo-1" not in str(event.details)
    assert len(stored(office)) == 4  # each file's original and cleaned copy

    # Officers see them with the case's files, and download the cleaned copy.
    listed = office.call("GET", f"/{reference}/attachments").get_json()["attachments"]
    assert [a["attachment_id"] for a in listed] == [a["attachment_id"] for a in recorded]
    download = office.call("GET", f"/{reference}/attachments/{listed[0]['attachment_id']}")
    assert download.status_code == 200
    assert files.CAMERA_SERIAL.encode() not in download.data and download.data != photo
    assert ("attachment_downloaded", f"officer:{OFFICER}") in [
        (e.kind, e.actor) for e in office.store.case_events(reference)]

    # The supplement carries the cleaned copies, checked and kept by the receiver.
    office.h.drain()
    [referral] = office.receiver.receiver.store.referrals()
    [supplement] = referral.supplements
    assert supplement.document["text"] == MESSAGE
    sent = supplement.document["attachments"]
    assert [s["sha256"] for s in sent] == [a["sha256"] for a in recorded]
    assert "content_base64" not in sent[0]  # the receiver keeps the bytes apart
    assert [a["sha256"] for a in referral.attachments] == [a["sha256"] for a in recorded]
    content = office.receiver.receiver.store.attachment(referral.referral_id,
                                                        recorded[0]["attachment_id"])
    assert content is not None and hashlib.sha256(content).hexdigest() == recorded[0]["sha256"]
    case = office.store.get_case(reference)
    assert case is not None and case.forwarding is not None
    assert [s.delivered_at is not None for s in case.forwarding.supplements] == [True]

    # The same form sent again (a reload) adds nothing, and leaves no file behind.
    again = add_with_files(browser, page, [("photo-1.jpg", photo, "image/jpeg")],
                           message_id=page.inputs["message_id"])
    assert again.status == 200, again.summary
    assert len(message_events(office, reference)) == 1
    assert len(stored(office)) == 4


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_a_refused_file_adds_nothing_and_keeps_the_message(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    office = office_on(backend, tmp_path, request)
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h, language="fr")
    page = open_case(browser, reference, receipt)
    refused = add_with_files(browser, page, [
        ("photo.jpg", files.jpeg_with_gps(), "image/jpeg"),
        ("rapport.pdf", files.png_image(), "application/pdf")])
    assert refused.status == 422
    assert "rapport.pdf n'a pas pu être joint" in html.unescape(refused.text)
    assert refused.inputs["message"] == MESSAGE  # kept, to be sent again
    assert 'id="evidence"' in refused.text
    assert message_events(office, reference) == []
    assert stored(office) == []


def test_a_file_over_the_limit_is_named_with_413_on_the_case_page(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    office = office_on("sqlite", tmp_path, request)
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    limit = office.container.settings.evidence.max_file_bytes
    refused = add_with_files(browser, page, [("huge.txt", files.oversized(limit),
                                              "text/plain")])
    assert refused.status == 413
    assert "huge.txt could not be attached: it is larger than 10 MiB." in refused.text
    assert refused.inputs["message"] == MESSAGE
    assert reference in refused.text  # the case page, not a dead end
    assert message_events(office, reference) == []
    assert stored(office) == []


def test_too_many_files_are_refused_with_422(tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    office = office_on("sqlite", tmp_path, request, INTAKE_EVIDENCE_MAX_FILES="2")
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    refused = add_with_files(browser, page, [(f"n{i}.txt", b"note\n", "text/plain")
                                             for i in range(3)])
    assert refused.status == 422
    assert "n2.txt" in refused.text
    assert message_events(office, reference) == []
    assert stored(office) == []


def test_an_infected_file_is_quarantined_and_never_sent_on(
        tmp_path: Path, request: pytest.FixtureRequest, clamd_address: str) -> None:
    office = office_on("sqlite", tmp_path, request, INTAKE_CLAMD=clamd_address)
    reference, receipt = reported(office)
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    added = add_with_files(browser, page, [("invoice.txt", files.EICAR, "text/plain"),
                                           ("note.txt", b"A clean note.\n", "text/plain")])
    assert added.status == 200, added.summary
    assert "invoice.txt could not be accepted" in added.text
    [event] = message_events(office, reference)
    infected, clean = event.details["attachments"]
    assert infected["status"] == "quarantined" and clean["scan"] == "clean"
    assert office.call("GET", f"/{reference}/attachments/{infected['attachment_id']}"
                       ).status_code == 409
    office.h.drain()
    [referral] = office.receiver.receiver.store.referrals()
    [supplement] = referral.supplements
    assert supplement.document["attachments"][0] == {
        "attachment_id": infected["attachment_id"], "withheld": "infected"}
    assert [a["attachment_id"] for a in referral.attachments] == [clean["attachment_id"]]


def test_files_sent_after_the_case_closed_on_this_device_are_asked_for_again(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    office = office_on("sqlite", tmp_path, request)
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    browser.cookies.pop(next(n for n in browser.cookies if "case" in n))
    expired = add_with_files(browser, page, [("note.txt", b"A note.\n", "text/plain")])
    assert expired.status == 403
    assert "Attach your files again when you send it." in expired.text
    assert message_events(office, reference) == []
    assert stored(office) == []


def test_files_that_cannot_be_stored_add_nothing(tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    from shared.ports.evidence import EvidenceUnavailable

    class Unreachable(EvidenceBlobs):
        def put(self, name: str, sealed: bytes) -> None:
            raise EvidenceUnavailable("bucket unreachable")

        def get(self, name: str) -> bytes:
            raise EvidenceUnavailable("bucket unreachable")

        def delete(self, name: str) -> None:
            raise EvidenceUnavailable("bucket unreachable")

        def names(self, prefix: str = "") -> list[str]:
            return []

        def names_older_than(self, before: datetime) -> list[str]:
            return []

    office = open_office("sqlite", tmp_path, request,
                         components={"evidence_blobs": Unreachable()},
                         INTAKE_FUNCTIONS_BASE_URL=ORIGIN)
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    busy = add_with_files(browser, page, [("note.txt", b"A note.\n", "text/plain")])
    assert busy.status == 503
    assert busy.inputs["message"] == MESSAGE
    assert message_events(office, reference) == []


def test_posts_with_files_are_counted_before_their_body_is_read(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    # As the forms' posts: a post refused for its size still counts, so a client cannot
    # send large bodies without end.
    office = office_on("sqlite", tmp_path, request, INTAKE_FORM_RATE_LIMIT="2")
    reference, receipt = reported(office, "advice")
    browser = Browser(office.h)
    page = open_case(browser, reference, receipt)
    limit = office.container.settings.evidence.max_file_bytes
    statuses = [add_with_files(browser, page, [("huge.txt", files.oversized(limit),
                                                "text/plain")]).status for _ in range(2)]
    assert statuses == [413, 413]
    limited = add_with_files(browser, page, [("n.txt", b"A note.\n", "text/plain")])
    assert limited.status == 429 and "Retry-After" in limited.headers
    assert message_events(office, reference) == []
    assert stored(office) == []
