"""The officers' console in Debian chromium against the real local runner: a retaliation
complaint worked from received to prima facie, with a protective measure and a reply,
entirely in the console and without JavaScript, then read by the complainant on the
follow-up page; every console page axe-clean in every language; the keyboard alone."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from shared.web.i18n import LANGUAGES, translations
from tests.browser.conftest import TYPED
from tests.browser.console_flows import (
    AUDITOR,
    OFFICER,
    open_case,
    press,
    sign_in,
    state,
    submitted,
    to_prima_facie,
    wait_for_triage,
)
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner
from tests.support.keyboard import fill_and_send, focused
from tests.support.payloads import payload

NOTE = "The protected activity and the non-renewal are three weeks apart."
REPLY = "Your complaint shows a prima facie case; we asked for an interim measure."
KEYBOARD_NOTE = "Checked the dates of the contract with human resources."
TYPED.update({NOTE, REPLY, KEYBOARD_NOTE})


def test_a_retaliation_complaint_goes_to_prima_facie_in_the_console_without_javascript(
        page_without_js: Any, runner: Runner) -> None:
    page = page_without_js
    reference, receipt = submitted(page, runner)

    sign_in(page, runner)
    no_violations(page)
    open_case(page, runner, reference)
    assert state(page) == "Received"
    no_violations(page)
    to_prima_facie(page, NOTE, REPLY)
    assert state(page) == "Prima facie case established"
    assert "Temporary reassignment" in page.locator("#measures-title + .table-wrap").inner_text()
    history = page.locator(".timeline").inner_text()
    for line in ("Start the preliminary review", "Establish a prima facie case",
                 "Protective measure", NOTE, REPLY):
        assert line in history
    no_violations(page)

    # The complainant opens the follow-up page with the reference and receipt code.
    page.goto(f"{runner.base_url}/forms/follow-up")
    page.fill("#f-reference", reference)
    page.fill("#f-receipt", receipt)
    with page.expect_navigation():
        page.get_by_role("button", name="Open my case").click()
    assert REPLY in page.locator(".messages").inner_text()
    assert NOTE not in page.content()


def _submit_json(runner: Runner) -> str:
    request = urllib.request.Request(
        f"{runner.base_url}/submit_retaliation", data=json.dumps(payload("retaliation")).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        reference = str(json.loads(answer.read())["reference"])
    wait_for_triage(runner, reference)
    return reference


@pytest.fixture(scope="module")
def reference(runner: Runner) -> str:
    return _submit_json(runner)


def _t(lang: str, text: str) -> str:
    return str(translations(lang).gettext(text))


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_console_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, reference: str, lang: str) -> None:
    console = f"{runner.base_url}/console"
    page.goto(f"{console}/sign-in?lang={lang}")
    no_violations(page)
    sign_in(page, runner, OFFICER, lang)
    assert page.locator("html").get_attribute("lang") == LANGUAGES[lang].html_lang
    for path in ("", "cases", "cases?form=retaliation&sort=deadline", "cases?view=unassigned",
                 "cases?purge=30", "cases?feedback=owed&sort=feedback", "cases?feedback=7&due=30",
                 f"cases/{reference}", "cases/ETH-RET-AAAAA-AAAAA", "no-such-page",
                 "disclosure", "disclosure?year=1999"):
        separator = "&" if "?" in path else "?"
        page.goto(f"{console}/{path}{separator}lang={lang}")
        no_violations(page)
    # A problem shown beside its field.
    page.goto(f"{console}/cases/{reference}?lang={lang}")
    if page.locator("form#transition-suspend").count():
        press(page, "transition-suspend")
        assert page.locator(".error-summary").is_visible()
        assert page.title().startswith(_t(lang, "Error: %(title)s").split("%")[0].strip())
        no_violations(page)
    with page.expect_navigation():
        page.locator("form[action$='/sign-out'] button").click()
    no_violations(page)
    sign_in(page, runner, AUDITOR, lang)
    no_violations(page)
    page.goto(f"{console}/cases/{reference}?lang={lang}")
    assert page.locator("textarea").count() == 0
    no_violations(page)


def _tab_to(page: Any, wanted: dict[str, str], limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and all(wanted[k] in str(now.get(k, "")) for k in wanted):
            return
    raise AssertionError(f"never reached with Tab: {wanted}")


def test_the_console_works_with_the_keyboard_alone(page: Any, runner: Runner,
                                                   reference: str) -> None:
    page.goto(f"{runner.base_url}/console/")
    _tab_to(page, {"tag": "button", "value": OFFICER})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, {"tag": "a", "text": "Cases"})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, {"tag": "a", "text": reference})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert reference in page.locator("h1").inner_text()
    fill_and_send(page, {"text": KEYBOARD_NOTE}, submit_text="Add the note")
    assert page.locator(".notice").is_visible()
    assert KEYBOARD_NOTE in page.locator(".timeline").inner_text()
    _tab_to(page, {"tag": "button", "text": "Sign out"})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/console/sign-in" in page.url


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_recording_a_report_in_every_language_has_no_violations(
        page: Any, runner: Runner, lang: str) -> None:
    gettext = translations(lang).gettext
    report = payload("advice")
    TYPED.add(report["question"])
    sign_in(page, runner, OFFICER, lang)
    page.goto(f"{runner.base_url}/console/record?lang={lang}")
    assert page.locator("form#record").is_visible()
    no_violations(page)

    with page.expect_navigation():
        page.locator("form#record button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("h1").inner_text() == gettext(
        "Record a report taken on the reporter's behalf")
    no_violations(page)

    page.select_option("#record-form", "advice")
    page.select_option("#record-channel", "in_person")
    page.fill("#record-submission", json.dumps(report))
    with page.expect_navigation():
        page.locator("form#record button[type=submit]").click()
    assert page.locator("h1").inner_text() == gettext("The report is recorded")
    assert page.locator(".receipt-code").inner_text().count("-") == 3


@pytest.fixture(scope="module")
def with_photo(runner: Runner) -> str:
    """A misconduct report with a photo attached, through the API."""
    from tests.functions.test_evidence import multipart
    from tests.support import evidence_files as files

    body, content_type = multipart(payload("misconduct"), [
        ("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")])
    request = urllib.request.Request(f"{runner.base_url}/submit_misconduct", data=body,
                                     headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        reference = str(json.loads(answer.read())["reference"])
    wait_for_triage(runner, reference)
    return reference


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_opening_an_original_asks_for_a_reason_axe_clean_in_every_language(
        page: Any, runner: Runner, with_photo: str, lang: str) -> None:
    sign_in(page, runner, OFFICER, lang)
    open_case(page, runner, with_photo, lang)
    form = page.locator("form.originals")
    assert form.count() == 1
    no_violations(page)
    with page.expect_navigation():
        form.get_by_role("button", name=_t(lang, "Open the original")).click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#original-reason").count() == 1
    no_violations(page)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_figures_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, lang: str) -> None:
    gettext = translations(lang).gettext
    sign_in(page, runner, OFFICER, lang)
    page.goto(f"{runner.base_url}/console/figures?lang={lang}")
    assert page.locator("h1").inner_text().startswith(
        gettext("Handling times and clocks, %(year)s").split("%(year)s")[0].strip())
    assert page.locator("table").count() == 3
    no_violations(page)

    page.fill("#figures-year", "2025")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert "year=2025" in page.url and page.locator("table").count() == 3
    # A year out of range (the field itself refuses it: typed into the address).
    page.goto(f"{runner.base_url}/console/figures?lang={lang}&year=1900")
    assert page.locator(".error-summary").is_visible()
    no_violations(page)

    link = page.locator("a[download]")
    assert "/console/export?year=" in (link.get_attribute("href") or "")
    with page.expect_download() as download:
        link.click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved.startswith("reference,form,channel,state")
