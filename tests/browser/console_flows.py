"""An officer at work in the console, in the browser, as a person does it: the development
sign-in of the local runner, the case list, the case page's buttons and boxes."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from tests.browser.flows import RECEIPT, REFERENCE
from tests.browser.walk import body_for, walk
from tests.support.browser import Runner

OFFICER = "officer@localhost.test"
AUDITOR = "auditor@localhost.test"


def submitted(page: Any, runner: Runner, form: str = "retaliation",
              lang: str = "en") -> tuple[str, str]:
    """A form sent on the public pages: its reference and receipt code, once triaged."""
    walk(page, runner, form, lang, body_for(form, lang))
    found = REFERENCE.search(page.locator(".reference").inner_text())
    assert found is not None
    receipt = page.locator(".receipt-code").inner_text()
    assert RECEIPT.fullmatch(receipt)
    wait_for_triage(runner, found.group())
    return found.group(), receipt


def wait_for_triage(runner: Runner, reference: str, timeout: float = 30) -> None:
    """Until the runner's in-process queue has triaged the case (read only)."""
    deadline = time.monotonic() + timeout
    path = runner.data_dir / "intake.sqlite3"
    while time.monotonic() < deadline:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT doc FROM cases WHERE reference = ?",
                             (reference,)).fetchone()
        if row and json.loads(row[0]).get("triage"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{reference} was not triaged within {timeout} s")


def sign_in(page: Any, runner: Runner, email: str = OFFICER, lang: str = "en") -> None:
    """The development sign-in: open the console, choose the officer."""
    page.goto(f"{runner.base_url}/console/?lang={lang}")
    assert "/console/sign-in" in page.url
    with page.expect_navigation():
        page.locator(f"button[name=email][value='{email}']").click()
    assert page.locator("h1").count() == 1


def open_case(page: Any, runner: Runner, reference: str, lang: str = "en") -> None:
    """From the console's list, as an officer finds a case."""
    page.goto(f"{runner.base_url}/console/cases?lang={lang}")
    with page.expect_navigation():
        page.get_by_role("link", name=reference, exact=True).click()


def press(page: Any, form: str) -> None:
    """Press the submit button of one of the case page's forms."""
    with page.expect_navigation():
        page.locator(f"form#{form} button[type=submit]").click()


def state(page: Any) -> str:
    return str(page.locator(".case-facts dd").first.inner_text())


def to_prima_facie(page: Any, note: str, reply: str) -> None:
    """Take the case, review it, find a prima facie case, recommend a protective measure,
    and reply to the complainant: every step on the case page."""
    press(page, "take")
    press(page, "transition-start_preliminary_review")
    page.fill("#transition-establish_prima_facie-note", note)
    press(page, "transition-establish_prima_facie")
    page.select_option("#measure-protective-kind", "temporary_reassignment")
    press(page, "measure-protective")
    page.fill("#reply-text", reply)
    press(page, "reply")
