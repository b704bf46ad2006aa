"""axe-core on every page in every language (every step of every form, with and without
problems, and the confirmations are checked by test_forms_walked and test_keyboard_only),
plus what WCAG asks that axe does not check by itself: visible focus, text that reflows at
320 px, pages that work at 200 %."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.adapters.sqlite_followup import SqliteFollowUpStore
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.follow_up import REPLY_TO_SUBMITTER
from shared.domain.sealing import MESSAGES_KEY, event_context
from shared.web.i18n import translations
from tests.browser.conftest import TYPED
from tests.browser.flows import LANGUAGE_CODES, RECEIPT, REFERENCE, WORDS, no_violations
from tests.browser.walk import body_for, walk
from tests.support.browser import Runner, axe_violations
from tests.support.keyboard import fill_and_send

STATIC = ["", "advice", "misconduct", "retaliation", "follow-up", "done", "keys", "verify",
          "no-such-page"]
REPLY = "Could you tell us the month this happened, and who else was there?"
TYPED.add(REPLY)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("path", STATIC)
def test_every_page_in_every_language_has_no_violations(page: Any, runner: Runner,
                                                        path: str, lang: str) -> None:
    response = page.goto(f"{runner.base_url}/forms/{path}?lang={lang}")
    assert response.status == (404 if path == "no-such-page" else 200)
    no_violations(page)


def test_axe_reports_a_violation_when_there_is_one(page: Any, runner: Runner) -> None:
    page.goto(f"{runner.base_url}/forms/advice")
    page.evaluate("""() => {
        document.querySelector('label[for="f-anonymous-0"]').remove();
        document.documentElement.removeAttribute('lang');
    }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"label", "html-has-lang"} <= found


def reply_to(runner: Runner, reference: str) -> None:
    """An officer's reply, as the officers' API writes it, in the runner's own database."""
    store = SqliteStore.open(runner.data_dir / "intake.sqlite3")
    # The runner makes its messages key on first use: whoever comes first creates it.
    keys = LocalKeyService.from_file(runner.data_dir / "keys" / "messages.kek", create=True)
    message_id = secrets.token_hex(16)
    sealed = EnvelopeCipher({MESSAGES_KEY: keys}).seal(
        event_context(REPLY_TO_SUBMITTER, reference, message_id), REPLY.encode())
    case = store.get_case(reference)
    assert case is not None
    SqliteFollowUpStore(store.database).append_message(
        reference, kind=REPLY_TO_SUBMITTER, actor="officer:adviser@example.org",
        message_id=message_id, sealed=sealed, at=case.received_at)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_follow_up_pages_in_every_language(page: Any, runner: Runner, lang: str) -> None:
    words = WORDS[lang]
    gettext = translations(lang).gettext
    walk(page, runner, "misconduct", lang, body_for("misconduct", lang))
    reference = REFERENCE.search(page.locator(".reference").inner_text()).group()  # type: ignore[union-attr]
    receipt = page.locator(".receipt-code").inner_text()
    assert RECEIPT.fullmatch(receipt)

    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    opened = gettext("Open my case")
    fill_and_send(page, {"reference": reference, "receipt": "0000-0000-0000-0000"},
                  submit_text=opened)
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#f-receipt").input_value() == ""
    no_violations(page)

    reply_to(runner, reference)
    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    fill_and_send(page, {"reference": reference, "receipt": receipt}, submit_text=opened)
    assert REPLY in page.locator(".messages").inner_text()
    no_violations(page)

    fill_and_send(page, {"message": words["story"]},
                  submit_text=gettext("Send this information"))
    assert page.locator(".notice").is_visible()
    assert words["story"] in page.locator(".messages").inner_text()
    no_violations(page)

    # Back later: what changed since the last visit (the message sent is no change of
    # the office's; the section says when the last visit was).
    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    fill_and_send(page, {"reference": reference, "receipt": receipt}, submit_text=opened)
    assert page.locator(".since-last-visit").is_visible()
    no_violations(page)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_proof_pages_in_every_language(page: Any, runner: Runner, lang: str) -> None:
    """The proof on the confirmation, then pasted into the check page: valid, changed,
    with a copy that differs, and empty."""
    gettext = translations(lang).gettext
    walk(page, runner, "advice", lang, body_for("advice", lang))
    proof = page.locator("pre.proof-text").inner_text()
    assert proof.startswith("ethics-intake proof of submission")
    assert page.locator('a[href$="/forms/received/proof"]').is_visible()
    no_violations(page)

    check = gettext("Check the proof")
    for pasted, copy, expected in (
            (proof, "", "This proof is valid. It was signed by the Ethics Office's key and "
                        "nothing in it has been changed."),
            (proof.replace("form: advice", "form: misconduct"), "",
             "This proof is not valid: it was changed after it was signed, or it was not "
             "signed by the Ethics Office."),
            (proof, '{"question": "another"}', "The proof is valid, but what you pasted is "
             "not what was sent: it differs from the submission the proof covers.")):
        page.goto(f"{runner.base_url}/forms/verify?lang={lang}")
        fill_and_send(page, {"proof": pasted, "content": copy}, submit_text=check)
        assert gettext(expected) in page.locator(".proof-result").inner_text()
        no_violations(page)
    page.goto(f"{runner.base_url}/forms/verify?lang={lang}")
    fill_and_send(page, {"proof": ""}, submit_text=check)
    assert page.locator(".error-summary").is_visible()
    no_violations(page)


def test_a_stale_form_comes_back_with_its_answers(page: Any, runner: Runner) -> None:
    body = body_for("misconduct", "ar")
    walk(page, runner, "misconduct", "ar", body, until="what")
    page.fill("#f-what", WORDS["ar"]["story"])
    page.evaluate("() => { document.querySelector('[name=csrf_token]').value = 'stale'; }")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status)
            if r.request.method == "POST" else None)
    page.locator("form#step-form button.button[value=continue]").click()
    page.wait_for_load_state("load")
    assert response_status == [403]
    assert page.locator("#f-what").input_value() == WORDS["ar"]["story"]
    no_violations(page)


def test_focus_is_always_visible(page: Any, runner: Runner) -> None:
    page.goto(f"{runner.base_url}/forms/retaliation?lang=fr")
    seen = 0
    for _ in range(25):  # round the whole page, and back to its start
        page.keyboard.press("Tab")
        style = page.evaluate("""() => {
            const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName,
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                    shadow: s.boxShadow !== 'none', background: s.backgroundColor};
        }""")
        if style["tag"] == "BODY":  # past the last control: the browser's own controls
            continue
        assert style["outline"] or style["shadow"], style
        seen += 1
    assert seen >= 20


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_pages_reflow_at_320_pixels_and_zoom(browser: Any, runner: Runner, lang: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        for path in ("", "retaliation", "misconduct", "follow-up", "done", "keys", "verify"):
            page.goto(f"{runner.base_url}/forms/{path}?lang={lang}")
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= 320, (path, overflow)
            assert axe_violations(page) == []
    finally:
        context.close()


def officer_token(runner: Runner, email: str = "officer@localhost.test") -> str:
    """The officer's development token, as the runner printed it."""
    found = re.search(rf"  {re.escape(email)}:\n    export INTAKE_OFFICER_TOKEN='([^']+)'",
                      runner.log.read_text(encoding="utf-8"))
    assert found, "the runner printed no development token"
    return found.group(1)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_proxy_intake_review_in_every_language(page: Any, runner: Runner,
                                                   lang: str) -> None:
    gettext = translations(lang).gettext
    body: dict[str, Any] = {"form": "retaliation", "channel": "in_person",
                            "received_on": (date.today() - timedelta(days=3)).isoformat(),
                            "submission": body_for("retaliation", lang)}
    response = requests.post(f"{runner.base_url}/cases/records", json=body, timeout=30,
                             headers={"Authorization": f"Bearer {officer_token(runner)}"})
    assert response.status_code == 201, response.text
    answer = response.json()

    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    fill_and_send(page, {"reference": answer["reference"], "receipt": answer["receipt"]},
                  submit_text=gettext("Open my case"))
    assert page.locator(".officer-record").is_visible()
    no_violations(page)

    page.locator(".officer-record button.secondary").click()  # a correction, unsaid
    assert page.locator(".error-summary").is_visible()
    no_violations(page)

    page.fill("#f-correction", WORDS[lang]["story"])
    page.locator(".officer-record button.secondary").click()
    assert page.locator(".notice").is_visible()
    assert WORDS[lang]["story"] in page.locator(".messages").inner_text()
    no_violations(page)
