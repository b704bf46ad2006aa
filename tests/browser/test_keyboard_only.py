"""Every form in every language, filled and sent with the keyboard only: first with
mistakes (error summary, messages beside the fields, values kept), then corrected (the
confirmation). axe-core runs on each page reached; none may have a violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.flows import (
    ERROR_PREFIX,
    FORMS,
    LANGUAGE_CODES,
    RECEIPT,
    REFERENCE,
    corrections,
    first_attempt,
    no_violations,
)
from tests.support.browser import Runner
from tests.support.keyboard import fill_and_send, focused


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("form", FORMS)
def test_a_form_filled_with_the_keyboard_only(page: Any, runner: Runner, form: str,
                                              lang: str) -> None:
    page.goto(f"{runner.base_url}/forms/{form}?lang={lang}")
    assert page.evaluate("() => document.documentElement.lang") in (lang, "zh-Hans")
    answers, wrong = first_attempt(form, lang)
    passed = fill_and_send(page, answers)
    assert "website" not in passed  # the honeypot is out of the focus order

    # Errors: a summary that has focus, the title says so, messages beside the fields.
    assert page.title().startswith(ERROR_PREFIX[lang])
    summary = focused(page)
    assert summary is not None and summary["tag"] == "div"
    links = page.eval_on_selector_all(".error-summary a", "as => as.map(a => a.hash)")
    assert {link.removeprefix("#f-") for link in links} == {
        name.replace(".", "-") for name in wrong}
    for name in wrong:
        control = page.locator(f"[name='{name}']")
        assert control.get_attribute("aria-invalid") == "true"
        error_id = control.get_attribute("aria-describedby").split()[-1]
        assert page.locator(f"#{error_id}").is_visible()
    for name, value in answers.items():  # every answer kept
        if isinstance(value, bool) or page.locator(f"[name='{name}'][type=radio]").count():
            checked = page.locator(f"[name='{name}']:checked")
            assert checked.count() == 1
            assert value is True or checked.get_attribute("value") == value
        elif name not in wrong:
            assert page.locator(f"[name='{name}']").input_value() == value, name
    no_violations(page)

    # The summary's first link takes focus to its field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    target = focused(page)
    assert target is not None and target["id"] == links[0].removeprefix("#")

    page.keyboard.press("Shift+Tab")  # back before the field, then walk on from there
    fill_and_send(page, corrections(form, lang))
    heading = page.locator("h1").inner_text()
    assert REFERENCE.search(page.locator(".reference").inner_text()), heading
    if form == "misconduct":  # anonymous: the receipt code, once
        assert RECEIPT.fullmatch(page.locator(".receipt .code").inner_text())
        assert page.locator("[data-print]").is_visible()  # shown by the script
    no_violations(page)
