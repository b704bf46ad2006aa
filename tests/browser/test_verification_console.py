"""The console's verification page in Debian chromium against the real local runner (the
``campaign`` fixture's roster and campaign): axe-clean in every language with the
allocation previewed, the sample drawn and the void form; a draw made with the keyboard
alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.console_flows import OFFICER, sign_in
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner
from tests.support.keyboard import focused


def _tab_to(page: Any, tag: str, words: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == tag and words in str(now.get("text")):
            return
    raise AssertionError(f"{words!r} is not reached with Tab")


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_verification_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, campaign: None, lang: str) -> None:
    sign_in(page, runner, OFFICER, lang)
    page.goto(f"{runner.base_url}/console/disclosure/verification?year=2025&lang={lang}")
    no_violations(page)
    if page.locator("form#draw").count():
        page.locator("#draw-share").fill("0.25")
        with page.expect_navigation():
            page.locator("form#draw button[name=dry_run]").click()
        assert page.locator("#preview-caption").count() == 1
        no_violations(page)
        page.locator("#draw-share").fill("0.25")
        with page.expect_navigation():
            page.locator("form#draw button:not([name])").click()
    assert page.locator("#sample-caption").count() == 1
    assert page.locator("form#void").count() == 1
    no_violations(page)
    page.locator("#void-reason").fill("")
    with page.expect_navigation():
        page.locator("form#void button").click()
    assert page.locator("#void-reason-error").count() == 1  # a reason is required
    no_violations(page)


def test_a_sample_drawn_with_the_keyboard_alone(page: Any, runner: Runner,
                                                campaign: None) -> None:
    sign_in(page, runner, OFFICER)
    page.goto(f"{runner.base_url}/console/disclosure/verification?year=2025")
    if page.locator("form#void").count():  # another test drew it: void with the keyboard
        page.locator("#void-reason").focus()
        page.keyboard.type("Redrawn by the keyboard test.")
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.locator("#draw-share").focus()
    page.keyboard.type("0.5")
    _tab_to(page, "button", "Draw")
    now = focused(page)
    assert now is not None and "Preview" not in str(now.get("text"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[role=status]").count() == 1
    assert page.locator("#sample-caption").count() == 1
