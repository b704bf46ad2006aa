"""Every form in every language, filled and sent with the keyboard only, step by step:
first the first page sent with nothing answered (error summary focused, title says so, its
link takes focus to the question), then every step answered, "Check your answers", and
the confirmation. axe-core runs on the pages with problems and on the confirmations."""

from __future__ import annotations

from typing import Any

import pytest

from shared.web.i18n import translations
from shared.web.pages import PAGES
from tests.browser.flows import (
    ERROR_PREFIX,
    FORMS,
    LANGUAGE_CODES,
    RECEIPT,
    REFERENCE,
    no_violations,
)
from tests.browser.walk import CONTROLS, _value, answers_of, body_for, step_of
from tests.support.browser import Runner
from tests.support.keyboard import autofocused, fill_and_send, focused


def keyboard_body(form: str, lang: str) -> dict[str, Any]:
    """What is typed: anonymous where allowed, no row to add beyond the first."""
    body = body_for(form, lang)
    if form == "advice":
        body = {k: v for k, v in body.items() if k not in ("name", "email",
                                                           "contact_method")}
        body["anonymous"] = True
    body.pop("subjects", None)
    body.pop("witnesses", None)
    return body


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("form", FORMS)
def test_a_form_filled_with_the_keyboard_only(page: Any, runner: Runner, form: str,
                                              lang: str) -> None:
    gettext = translations(lang).gettext
    go_on = gettext("Continue")
    answers = answers_of(keyboard_body(form, lang))
    page.goto(f"{runner.base_url}/forms/{form}?lang={lang}")
    assert page.evaluate("() => document.documentElement.lang") in (lang, "zh-Hans")

    passed = fill_and_send(page, {}, submit_text=go_on)  # nothing answered
    assert "website" not in passed  # the honeypot is out of the focus order
    assert page.title().startswith(ERROR_PREFIX[lang])
    summary = autofocused(page)
    assert summary is not None and summary["tag"] == "div"
    links = page.eval_on_selector_all(".error-summary a", "as => as.map(a => a.hash)")
    assert links
    no_violations(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    target = focused(page)
    assert target is not None and target["id"] == links[0].removeprefix("#")
    page.keyboard.press("Shift+Tab")

    for _ in range(20):
        if step_of(page) == "check":
            break
        names = page.eval_on_selector_all(CONTROLS, "es => es.map(e => e.name)")
        here = {name: value for name in names if (value := _value(answers, name)) is not None}
        fill_and_send(page, here, submit_text=go_on)
        assert page.locator(".error-summary").count() == 0, page.locator(
            ".error-summary").inner_text()
    consent = PAGES[form].consent.name
    fill_and_send(page, {consent: True}, submit_text=gettext(PAGES[form].submit_label))
    assert REFERENCE.search(page.locator(".reference").inner_text())
    if form != "retaliation":  # anonymous: the receipt code, once
        assert RECEIPT.fullmatch(page.locator(".receipt-code").inner_text())
        assert page.locator("[data-print]").is_visible()  # shown by the script
    no_violations(page)
