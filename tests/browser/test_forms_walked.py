"""Each form walked in Debian chromium, on a 360 x 740 phone and on a desktop, with
JavaScript on and off, in English and Arabic, as a reporter on a shared device would.

On every page: the title says only "Ethics Office", "Exit this page" is there, axe finds
nothing, and each label says what the schema says. On the way: the first page's problem
said in the page's words, an over-long answer refused and kept whole. At the end: the
confirmation once, then "This page has expired" on reload, and Back with a reload or a
second "Send" never makes a second case nor shows the receipt again.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from shared.web.i18n import LANGUAGES, translations
from shared.web.messages import DEFAULT
from shared.web.pages import PAGES
from tests.browser.conftest import TYPED
from tests.browser.flows import FORMS, no_violations
from tests.browser.walk import (
    DESKTOP,
    PHONE,
    body_for,
    cases,
    codes_on,
    every_page,
    press,
    walk,
)
from tests.support.browser import Runner

FIRST_PROBLEM = {"advice": PAGES["advice"].steps[0].items[0].messages["required"],  # type: ignore[union-attr]
                 "misconduct": PAGES["misconduct"].steps[0].items[0].messages["required"],  # type: ignore[union-attr]
                 "retaliation": "Enter your full name"}
NARRATIVE = {"advice": ("question", "question"), "misconduct": ("what", "what"),
             "retaliation": ("link", "link_explanation")}
LONG = ("Everything I saw, in order, with the names and the dates. " * 400)[:20010] + " END"
TYPED.add("Everything I saw, in order, with the names and the dates.")


def send_again(page: Any) -> None:
    """What a person can do from the confirmation with the browser's history: go back,
    and send what is there again (the page's button, or a reload that re-sends it)."""
    with contextlib.suppress(PlaywrightError):  # chromium keeps no page it was told not to
        page.go_back()
    page.wait_for_timeout(500)
    button = page.locator("form button.button[type=submit]")
    if page.url.startswith("http") and button.count():
        button.last.click()
    else:
        page.reload()
    page.wait_for_load_state("load")


def one_line(page: Any, selector: str) -> bool:
    return bool(page.eval_on_selector(selector, """e => {
        const range = document.createRange(); range.selectNodeContents(e);
        const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        return lines.size === 1 && e.scrollWidth <= e.clientWidth + 1;
    }"""))


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("form", FORMS)
def test_a_form_walked_on_a_shared_device(open_page: Any, runner: Runner, form: str,
                                          viewport: tuple[int, int], js: bool,
                                          lang: str) -> None:
    page = open_page(viewport=viewport, js=js)
    gettext = translations(lang).gettext
    body = body_for(form, lang)
    check = every_page(form, lang, body)
    before_cases = cases(runner)
    first = PAGES[form].steps[0].code
    narrative_step, narrative = NARRATIVE[form]
    locale = LANGUAGES[lang].babel_locale

    def before(page: Any, step: str) -> None:
        if step == first:  # nothing answered: the question says what to do, in its words
            press(page)
            summary = page.locator(".error-summary li").first.inner_text()
            assert summary == gettext(FIRST_PROBLEM[form])
            expect(page.locator(".error-summary")).to_be_focused()
            check(page, f"{step} with a problem")
        if step == narrative_step:  # too long: refused, said, and kept whole
            box = page.locator(f"[name={narrative}]")
            box.fill(LONG)
            if js:  # the counter says it before anything is sent
                expect(page.locator(f"#f-{narrative}-count")).to_have_text(gettext(
                    "You have %(count)s characters too many.") % {
                    "count": format_decimal(len(LONG) - 20000, locale=locale)})
            press(page)
            assert box.input_value() == LONG  # nothing cut
            assert page.locator(".error-summary li").first.inner_text() == " ".join((gettext(
                DEFAULT["too_long"]) % {"count": format_decimal(len(LONG), locale=locale),
                                        "max": format_decimal(20000, locale=locale)}
            ).split())
            check(page, f"{step} too long")

    walk(page, runner, form, lang, body, check=check, before=before)

    # The confirmation, once.
    assert page.url.endswith(f"/forms/received?lang={lang}")
    codes = codes_on(page)
    assert codes["reference"]
    assert codes["receipt"]  # every submitter's, named or anonymous
    assert page.title() == gettext("Ethics Office")
    no_violations(page)
    if viewport == PHONE:
        assert one_line(page, ".reference")
        assert one_line(page, ".receipt-code")
    assert cases(runner) == before_cases + 1

    response = page.reload()  # a reload shows nothing of it
    assert response is not None and response.status == 410
    assert page.locator("h1").inner_text() == gettext("This page has expired")
    assert codes["reference"] not in page.content()
    assert codes["receipt"] not in page.content()
    no_violations(page)

    send_again(page)  # Back, and the form sent again: no second case, no receipt
    assert page.locator("h1").inner_text() == gettext("This page has expired")
    assert codes["reference"] not in page.content()
    assert codes["receipt"] not in page.content()
    assert cases(runner) == before_cases + 1
