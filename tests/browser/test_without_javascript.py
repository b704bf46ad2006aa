"""Every essential path with JavaScript turned off, in Portuguese: each form sent to its
confirmation step by step (the identity asked on a page of its own, a row added with
"Add another"), and the follow-up page opened with a receipt to add information."""

from __future__ import annotations

from typing import Any

from tests.browser.flows import FORMS, RECEIPT, REFERENCE, WORDS
from tests.browser.walk import body_for, codes_on, walk
from tests.support.browser import Runner

W = WORDS["pt"]


def test_every_form_works_without_javascript(page_without_js: Any, runner: Runner) -> None:
    page = page_without_js
    for form in FORMS:
        body = body_for(form, "pt")
        if form == "misconduct":
            body["witnesses"] = [{"name": W["name"], "may_contact": True}]
        steps = walk(page, runner, form, "pt", body)
        if form == "advice":
            assert steps[:2] == ["anonymity", "details"]  # the identity on its own page
        assert REFERENCE.search(page.locator(".reference").inner_text()), page.content()[:2000]
        if form == "misconduct":
            assert RECEIPT.fullmatch(page.locator(".receipt-code").inner_text())
            assert page.locator("[data-print]").is_hidden()  # the print button needs JS
            assert page.locator("a[href$='/forms/received/text']").is_visible()


def test_the_follow_up_page_works_without_javascript(page_without_js: Any,
                                                      runner: Runner) -> None:
    page = page_without_js
    walk(page, runner, "misconduct", "pt", body_for("misconduct", "pt"))
    codes = codes_on(page)
    page.goto(f"{runner.base_url}/forms/follow-up?lang=pt")
    page.fill("#f-reference", codes["reference"])
    page.fill("#f-receipt", codes["receipt"])
    page.locator("button.button[value=open]").click()
    page.wait_for_load_state("load")
    assert codes["reference"] in page.locator(".status").inner_text()
    page.fill("#f-message", W["story"])
    page.locator("button.button[value=send]").click()
    page.wait_for_load_state("load")
    assert page.locator(".notice").is_visible()
    assert W["story"] in page.locator(".messages").inner_text()
