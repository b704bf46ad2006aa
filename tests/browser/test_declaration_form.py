"""The filers' declaration form in Debian chromium against the real local runner, with a
roster and a campaign set up by `intake filers import` and `intake campaign open` on the
runner's database (the ``campaign`` fixture of conftest): signed in through the
development sign-in, each page axe-clean in every language (with errors shown too), the
whole declaration filed and amended with the keyboard alone, and the form working without
JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from shared.web.i18n import translations
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner
from tests.support.keyboard import fill_and_send, focused

SECTIONS = ("assets", "outside_income", "gifts", "liabilities", "stock_options",
            "outside_activities", "relationships")
# One filer per test that files (each files once for the year).
FILERS = {lang: 20 + n for n, lang in enumerate(LANGUAGE_CODES)}
KEYBOARD = {lang: 32 + n for n, lang in enumerate(LANGUAGE_CODES)}
NO_JS = 31


def sign_in(page: Any, runner: Runner, n: int, lang: str = "en") -> None:
    page.goto(f"{runner.base_url}/forms/declarations?lang={lang}")
    assert "/forms/declarations/sign-in" in page.url
    page.fill("#f-email", f"filer{n}@example.org")
    with page.expect_navigation():
        page.locator("button[value=sign-in]").click()
    assert page.url.split("?")[0].endswith("/forms/declarations")


def file_nothing_to_declare(page: Any, runner: Runner, n: int) -> None:
    """Filer ``n`` files their annual declaration: nothing to declare, no household."""
    sign_in(page, runner, n)
    page.goto(f"{runner.base_url}/forms/declarations/new?kind=annual&year=2025")
    page.check("#f-spouse-no")
    page.fill("#f-children", "0")
    for section in SECTIONS:
        page.check(f"#f-{section.replace('_', '-')}--self--answer")
    with page.expect_navigation():
        page.locator("button[value=send]").click()
    assert page.locator(".notice").count() == 1


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_declaration_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, campaign: None, lang: str) -> None:
    page.goto(f"{runner.base_url}/forms/declarations/sign-in?lang={lang}")
    no_violations(page)
    sign_in(page, runner, FILERS[lang], lang)
    assert f"Filer {FILERS[lang]}" in page.locator("main").inner_text()
    no_violations(page)  # the filer's page, with the thresholds explained
    with page.expect_navigation():
        page.locator("main a[href*='kind=annual']").click()
    no_violations(page)  # the empty form
    page.check("#f-spouse")
    page.fill("#f-children", "1")
    with page.expect_navigation():
        page.locator("button[value=household]").click()
    assert page.locator("input[name='gifts__child_1__answer']").count() == 2
    with page.expect_navigation():
        page.locator("button[value=send]").click()
    assert page.locator(".error-summary").count() == 1
    no_violations(page)  # every answer missing, each one said
    for section in SECTIONS:
        for member in ("self", "spouse", "child_1"):
            page.check(f"#f-{section.replace('_', '-')}--{member.replace('_', '-')}--answer")
    page.check("#f-assets--spouse--answer-items")
    page.fill("#f-assets--spouse--0--description", "Shares")
    page.fill("#f-assets--spouse--0--counterpart", "Acme Supplies Ltd")
    page.fill("#f-assets--spouse--0--value", "25000")
    with page.expect_navigation():
        page.locator("button[value=send]").click()
    assert "Acme Supplies Ltd" in page.locator("main").inner_text()
    no_violations(page)  # the declaration as filed


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_a_declaration_is_filed_and_amended_with_the_keyboard_alone(
        page: Any, runner: Runner, campaign: None, lang: str) -> None:
    gettext = translations(lang).gettext
    page.goto(f"{runner.base_url}/forms/declarations?lang={lang}")
    for _ in range(20):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now["name"] == "email":
            break
    page.keyboard.type(f"filer{KEYBOARD[lang]}@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now["tag"] == "a" and "kind=annual" in page.evaluate(
                "() => document.activeElement.getAttribute('href') || ''"):
            break
    else:
        raise AssertionError("the link to the annual declaration is not reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    answers: dict[str, str | bool] = {"spouse": "no", "children": "0"}
    answers.update({f"{s}__self__answer": "nothing" for s in SECTIONS})
    answers["gifts__self__answer"] = "items"
    answers["gifts__self__0__description"] = "Dinner at a supplier's"
    answers["gifts__self__0__counterpart"] = "Acme Supplies Ltd"
    answers["gifts__self__0__value"] = "300"
    fill_and_send(page, answers, submit_text=gettext("Send my declaration"))
    assert "Acme Supplies Ltd" in page.locator("main").inner_text()
    amend = gettext("Amend this declaration")
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now["tag"] == "a" and amend in now["text"]:
            break
    else:
        raise AssertionError("the amend link is not reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    fill_and_send(page, {"gifts__self__0__counterpart": "Acme Holdings"},
                  submit_text=gettext("Send the amended declaration"))
    assert "Acme Holdings" in page.locator("main").inner_text()
    assert gettext("Your amended declaration was sent. The earlier version is kept.") in \
        page.locator(".notice").inner_text()


def test_the_form_works_without_javascript(page_without_js: Any, runner: Runner,
                                           campaign: None) -> None:
    page = page_without_js
    sign_in(page, runner, NO_JS)
    page.goto(f"{runner.base_url}/forms/declarations/new?kind=ad_hoc")
    page.fill("#f-ad-hoc-reason", "A new board seat")
    page.check("#f-spouse-no")
    page.fill("#f-children", "0")
    page.check("#f-outside-activities--self--answer-items")
    page.fill("#f-outside-activities--self--0--description", "Board member")
    with page.expect_navigation():
        page.locator("button[value='add:outside_activities__self']").click()
    page.fill("#f-outside-activities--self--1--description", "Treasurer of a club")
    for section in SECTIONS:
        if section != "outside_activities":
            page.check(f"#f-{section.replace('_', '-')}--self--answer")
    with page.expect_navigation():
        page.locator("button[value=send]").click()
    text = page.locator("main").inner_text()
    assert "Board member" in text and "Treasurer of a club" in text
    assert "A new board seat" in text
