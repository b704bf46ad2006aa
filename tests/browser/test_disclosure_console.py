"""The console's disclosure page in Debian chromium against the real local runner, with a
campaign opened by `intake filers import` and `intake campaign open` on the runner's
database (the ``campaign`` fixture of conftest) and declarations filed through the filers'
form: axe-clean in every language, and reached with the keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.console_flows import OFFICER, sign_in
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner
from tests.support.keyboard import focused


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_disclosure_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, campaign: None, lang: str) -> None:
    sign_in(page, runner, OFFICER, lang)
    page.goto(f"{runner.base_url}/console/disclosure?lang={lang}")
    assert page.locator("table").count() == 3  # states, compliance, overdue filers
    assert "S000011" in page.locator("main").inner_text()
    no_violations(page)


def test_the_disclosure_page_is_reached_with_the_keyboard(page: Any, runner: Runner,
                                                          campaign: None) -> None:
    page.goto(f"{runner.base_url}/console/")
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "button" and OFFICER in str(now.get("value")):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "a" and "Financial disclosure" in str(
                now.get("text")):
            break
    else:
        raise AssertionError("the Financial disclosure link is not reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Financial disclosure"


@pytest.fixture(scope="module")
def filed(browser: Any, runner: Runner, campaign: None) -> None:
    """Filer 9 files through the declaration form, for officers to read and review."""
    from tests.browser.test_declaration_form import file_nothing_to_declare

    filer = browser.new_context()
    try:
        file_nothing_to_declare(filer.new_page(), runner, 9)
    finally:
        filer.close()


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_declaration_review_and_roster_pages_in_every_language_have_no_violations(
        browser: Any, runner: Runner, filed: None, lang: str) -> None:
    officer = browser.new_context()
    try:
        page = officer.new_page()
        sign_in(page, runner, OFFICER, lang)
        page.goto(f"{runner.base_url}/console/disclosure?lang={lang}")
        assert page.locator("form#campaign").count() == 1  # an administrator opens one
        no_violations(page)
        page.goto(f"{runner.base_url}/console/disclosure/declarations?year=2025&lang={lang}")
        no_violations(page)
        with page.expect_navigation():
            page.locator("main table a").first.click()
        assert page.locator("form#review").count() in (0, 1)
        no_violations(page)
        if page.locator("form#review").count():
            with page.expect_navigation():
                page.locator("form#review button[type=submit]").click()
            assert page.locator(".error-summary").count() == 1  # no outcome chosen
            no_violations(page)
        page.goto(f"{runner.base_url}/console/disclosure/filers?lang={lang}")
        assert "S000009" in page.locator("main").inner_text()
        no_violations(page)
    finally:
        officer.close()


def test_a_declaration_is_reviewed_with_the_keyboard(page: Any, runner: Runner,
                                                    browser: Any, campaign: None) -> None:
    from tests.browser.test_declaration_form import file_nothing_to_declare

    filer = browser.new_context()
    try:
        file_nothing_to_declare(filer.new_page(), runner, 8)
    finally:
        filer.close()
    sign_in(page, runner, OFFICER)
    page.goto(f"{runner.base_url}/console/disclosure/declarations?year=2025")
    for _ in range(80):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "a" and now.get("text") == "S000008":
            break
    else:
        raise AssertionError("the declaration is not reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(80):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("type") == "radio":
            break
    else:
        raise AssertionError("the review form is not reached with Tab")
    page.keyboard.press("Space")  # the first outcome: no conflict
    for _ in range(10):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "button":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "The review was recorded" in page.locator("main").inner_text()
    assert page.locator("form#review").count() == 0
