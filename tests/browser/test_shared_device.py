"""A reporter on a shared device, in Debian chromium: the browser's autofill learns nothing
of who they are, "Exit this page" works with the keyboard and without JavaScript, the
follow-up case leaves nothing in the history, the receipt is downloaded once without
leaving the page, and what a thumb must hit on a phone is big enough."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shared.web.i18n import LANGUAGES, translations
from shared.web.pages import PAGES
from tests.browser.conftest import TYPED
from tests.browser.flows import WORDS, no_violations
from tests.browser.walk import (
    PHONE,
    body_for,
    codes_on,
    fill,
    press,
    step_of,
    walk,
)
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, Runner

IDENTITY = {"name": "Zebulon Quartermaine-Adeyemi", "email": "zebulon.qa@example.org",
            "phone": "+41 22 555 0177"}
TYPED.update(IDENTITY.values())


def _autofill_text(profile: Path) -> str:
    """Everything chromium keeps for filling forms in, as text (its "Web Data" file)."""
    found = []
    for name in ("Web Data", "Web Data-journal"):
        path = profile / "Default" / name
        if path.exists():
            copy = Path(tempfile.mkdtemp()) / name
            shutil.copy(path, copy)
            found.append(copy)
    text = []
    for path in found:
        if path.name.endswith("journal"):
            text.append(path.read_bytes().decode("utf-8", "replace"))
            continue
        with sqlite3.connect(path) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE "
                                               "type = 'table'")]
            for table in tables:
                for row in db.execute(f'SELECT * FROM "{table}"'):  # noqa: S608
                    text.append(" ".join(str(value) for value in row))
    return "\n".join(text)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_browser_keeps_no_identity_after_a_failed_attempt(browser: Any, runner: Runner,
                                                              js: bool) -> None:
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        java_script_enabled=js)
    try:
        page = context.new_page()
        page.goto(f"{runner.base_url}/forms/advice?lang=en")
        page.check("[name=anonymous][value=no]")
        if not js:
            press(page)
        page.fill("[name=name]", IDENTITY["name"])
        page.fill("[name=email]", "not an address")  # the attempt fails
        page.fill("[name=phone]", IDENTITY["phone"])
        press(page)
        assert page.locator(".error-summary").is_visible()
        page.fill("[name=email]", IDENTITY["email"])
        press(page)
        assert step_of(page) == "topic"
        page.goto(f"{runner.base_url}/forms/")
    finally:
        context.close()
    kept = _autofill_text(profile)
    assert kept, "chromium wrote no Web Data file: the check would prove nothing"
    for value in (*IDENTITY.values(), "not an address"):
        assert value not in kept and value.lower() not in kept.lower(), value


def _neutral(page: Any, neutral_site: str) -> None:
    page.wait_for_url(neutral_site)
    assert page.title() == "Weather"


def test_escape_three_times_leaves_at_once_and_the_form_is_not_in_the_history(
        open_page: Any, runner: Runner, neutral_site: str) -> None:
    page = open_page(js=True)
    page.goto(f"{runner.base_url}/forms/misconduct?lang=ar")
    page.check("[name=anonymous][value=yes]")
    press(page)
    assert step_of(page) == "kind"
    page.locator("h1").click()  # a person reading the page
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    status = page.locator(".exit-this-page [role=status]")
    expect(status).to_have_text(translations("ar").gettext(
        "Escape: press 1 more time to exit this page."))
    page.wait_for_timeout(5300)  # too slow: the count starts again
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert "/forms/misconduct" in page.url
    page.keyboard.press("Escape")
    _neutral(page, neutral_site)
    assert {c["name"] for c in page.context.cookies(runner.base_url)} == set()
    page.go_back()  # the page was replaced in the history, not left behind
    assert "/forms/misconduct" not in page.url or step_of(page) != "kind"


def test_exit_this_page_without_javascript_is_a_plain_link(open_page: Any, runner: Runner,
                                                          neutral_site: str) -> None:
    page = open_page(js=False, viewport=PHONE)
    page.goto(f"{runner.base_url}/forms/retaliation?lang=en")
    page.locator("a.exit-button").click()
    _neutral(page, neutral_site)
    assert {c["name"] for c in page.context.cookies(runner.base_url)} == set()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_follow_up_case_leaves_nothing_in_the_history(open_page: Any, runner: Runner,
                                                          js: bool) -> None:
    page = open_page(js=js)
    words = WORDS["fr"]
    walk(page, runner, "misconduct", "fr", body_for("misconduct", "fr"))
    codes = codes_on(page)
    page.goto(f"{runner.base_url}/forms/follow-up?lang=fr")
    page.fill("[name=reference]", codes["reference"])
    page.fill("[name=receipt]", codes["receipt"])
    page.locator("button.button[value=open]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/forms/follow-up/case?lang=fr")
    page.fill("[name=message]", words["place"])
    page.locator("button.button[value=send]").click()
    page.wait_for_load_state("load")
    assert words["place"] in page.locator(".messages").inner_text()
    assert page.reload() is not None  # open: a reload shows it again
    assert codes["reference"] in page.content()
    no_violations(page)
    page.locator(".leave button").click()
    page.wait_for_load_state("load")
    assert "/forms/done" in page.url
    page.go_back()  # the case page, from the history
    assert page.locator("h1").inner_text() == translations("fr").gettext(
        "This page has expired")
    assert codes["reference"] not in page.content() and words["place"] not in page.content()
    response = page.reload()
    assert response is not None and response.status == 410
    no_violations(page)


def test_the_receipt_downloads_once_and_the_page_stays(open_page: Any,
                                                       runner: Runner) -> None:
    page = open_page(js=False, viewport=PHONE)
    walk(page, runner, "misconduct", "en", body_for("misconduct", "en"))
    codes = codes_on(page)
    with page.expect_download() as download:
        page.locator("a[href$='/forms/received/text']").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert codes["reference"] in text and codes["receipt"] in text
    assert page.locator(".receipt-code").inner_text() == codes["receipt"]  # still here
    page.locator("button.button[type=submit]").click()  # "I have written it down"
    page.wait_for_load_state("load")
    assert "/forms/done" in page.url
    page.go_back()
    assert codes["receipt"] not in page.content()


def _size(page: Any, selector: str) -> list[tuple[float, float]]:
    return [(box["width"], box["height"]) for box in (
        element.bounding_box() for element in page.locator(selector).all()) if box]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_touch_targets_are_44_pixels_on_a_phone(open_page: Any, runner: Runner,
                                                lang: str) -> None:
    page = open_page(viewport=PHONE)
    for path in ("", "advice", "follow-up"):
        page.goto(f"{runner.base_url}/forms/{path}?lang={lang}")
        targets = {"languages": ".languages a, .languages button",
                   "footer": ".footer-links a"}
        if path == "advice":
            targets["anonymity"] = ".choice label[for^=f-anonymous]"
        for what, selector in targets.items():
            sizes = _size(page, selector)
            assert sizes, (path, what)
            assert all(w >= 44 and h >= 44 for w, h in sizes), (path, what, sizes)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_each_question_says_its_problem_in_the_pages_language(open_page: Any, runner: Runner,
                                                              lang: str) -> None:
    gettext = translations(lang).gettext
    page = open_page(viewport=PHONE, js=False)
    page.goto(f"{runner.base_url}/forms/advice?lang={lang}")
    press(page)
    message = PAGES["advice"].steps[0].items[0].messages["required"]  # type: ignore[union-attr]
    assert page.locator(".error-summary li").inner_text() == gettext(message)
    assert page.locator("#f-anonymous-error").inner_text().endswith(gettext(message))
    no_violations(page)
    fill(page, {"anonymous": "no"})
    press(page)
    page.fill("[name=email]", "not an address")
    press(page)
    shown = page.locator(".error-summary li").all_inner_texts()
    assert gettext("Enter your full name") in shown
    assert gettext("Enter an e-mail address in the form name@example.org") in shown
    if lang != "en":
        assert "Enter your full name" not in shown
    no_violations(page)
