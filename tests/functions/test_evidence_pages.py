"""Attaching files on the pages, without JavaScript: "Check your answers" is a plain
multipart form with a file input; what the reporter is told comes on the confirmation, in
their language; a refused file brings the page back with every answer kept, the file
named, and nothing stored."""

from __future__ import annotations

import html
import uuid
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from shared.domain.records import CaseQuery
from tests.support import evidence_files as files
from tests.support.payloads import flatten, payload
from tests.support.web import ORIGIN, Browser, Page, read_page, web_harness


def multipart(pairs: list[tuple[str, str]],
              attachments: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in pairs:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      .encode() + value.encode() + b"\r\n")
    for name, data, content_type in attachments:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
                      f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                      + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def send_with_files(browser: Browser, form: str, check: Page,
                    attachments: list[tuple[str, bytes, str]]) -> Page:
    """Press "Send" on "Check your answers" with files chosen, as a browser without
    JavaScript posts it."""
    pairs = [(name, check.inputs.get(name, "")) for name in
             ("csrf_token", "lang", "draft", "step", "website")]
    consent = [name for name in check.names if name.startswith("consent_")]
    pairs += [(name, "true") for name in consent] + [("action", "send")]
    body, content_type = multipart(pairs, attachments)
    response = browser.request(f"submit_{form}", "/", method="POST", data=body,
                               content_type=content_type,
                               headers={"Origin": ORIGIN,
                                        "Sec-Fetch-Site": "same-origin"})
    return read_page(response)


@pytest.fixture
def web(tmp_path: Path):
    return web_harness(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))


def check_page(web, form: str, language: str | None = None) -> tuple[Browser, Page]:
    browser = Browser(web, language=language)
    check = browser.walk(form, dict(flatten(payload(form))), until="check")
    assert check.status == 200 and check.step == "check", check.text[:500]
    return browser, check


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_check_your_answers_is_a_multipart_form_with_a_file_input(web, form: str) -> None:
    _, check = check_page(web, form)
    assert 'enctype="multipart/form-data"' in check.text
    assert '<input type="file" id="evidence" name="evidence" multiple autocomplete="off"' \
        in check.text
    # Back and Change go to the pages, which read form encoding.
    assert check.text.count('formenctype="application/x-www-form-urlencoded"') >= 2


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_a_file_sent_from_the_page_is_cleaned_and_the_reporter_told(web, form: str) -> None:
    browser, check = check_page(web, form)
    done = send_with_files(browser, form, check,
                           [("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")])
    assert done.status == 201, done.text[:1500]
    assert "We removed location, camera details and other photo details from photo-1.jpg." \
        in done.text
    assert "was not checked for viruses" in done.text
    [case] = web.store.list_cases(CaseQuery(limit=5))
    [received] = [e for e in web.store.case_events(case.reference) if e.kind == "received"]
    assert received.details["attachments"][0]["removed"] == ["location", "camera",
                                                             "image_details"]


def test_the_confirmation_speaks_the_reporters_language(web) -> None:
    browser, check = check_page(web, "misconduct", language="es")
    done = send_with_files(browser, "misconduct", check,
                           [("informe.pdf", files.pdf_with_author_and_xmp(),
                             "application/pdf")])
    assert done.status == 201
    assert "Quitamos los nombres de autor, las propiedades del documento y los scripts de " \
           "informe.pdf." in done.text


def test_a_refused_file_keeps_the_answers_names_the_file_and_stores_nothing(web) -> None:
    browser, check = check_page(web, "misconduct", language="fr")
    again = send_with_files(browser, "misconduct", check,
                            [("rapport.pdf", files.png_image(), "application/pdf")])
    assert again.status == 422 and again.step == "check"
    assert "rapport.pdf n'a pas pu être joint" in html.unescape(again.text)
    assert again.inputs["draft"]  # every answer kept, sealed in the page
    assert web.store.list_cases(CaseQuery(limit=5)) == []
    assert not (web.container.settings.data_dir / "evidence").exists()


def test_an_oversized_file_comes_back_named_with_413(web) -> None:
    browser, check = check_page(web, "advice")
    limit = web.container.settings.evidence.max_file_bytes
    again = send_with_files(browser, "advice", check,
                            [("huge.txt", files.oversized(limit), "text/plain")])
    assert again.status == 413 and again.step == "check"
    assert "huge.txt could not be attached: it is larger than 10 MiB." in again.text
    assert web.store.list_cases(CaseQuery(limit=5)) == []
