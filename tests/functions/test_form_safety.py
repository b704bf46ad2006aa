"""A reporter on a shared device, in-process: nothing comes back from the history, a form
sent twice makes one case, the receipt is shown once, nothing identifies the person to
the device, every title is neutral, and "Exit this page" ends what the pages keep."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.web.i18n import LANGUAGES, translations
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness
from tests.support.payloads import ADVICE_ANONYMOUS, MISCONDUCT_ANONYMOUS, flatten, payload
from tests.support.web import Browser, Page, receipt_on, reference_on, web_harness

ANONYMOUS = {"advice": dict(ADVICE_ANONYMOUS, requester_type="individual"),
             "misconduct": MISCONDUCT_ANONYMOUS}
FORMS = ["advice", "misconduct", "retaliation"]


@pytest.fixture
def web(tmp_path: Path) -> Harness:
    return web_harness(tmp_path, INTAKE_EXIT_URL="https://neutral.example/weather")


def stored(web: Harness) -> int:
    store = web.store
    assert isinstance(store, InMemoryStore)
    return len(store.submissions)


def answers(form: str) -> dict[str, str]:
    return dict(flatten(ANONYMOUS.get(form) or payload(form)))


def checked(browser: Browser, form: str) -> Page:
    page = browser.walk(form, answers(form), until="check")
    assert page.step == "check" and page.status == 200, page.summary
    return page


def send(browser: Browser, form: str, page: Page) -> Page:
    return browser.step(form, page, answers(form), "send")


def neutral(page: Page, lang: str = "en") -> bool:
    gettext = translations(lang).gettext
    return page.title in (gettext("Ethics Office"),
                          gettext("Error: %(title)s") % {"title": gettext("Ethics Office")})


@pytest.mark.parametrize("form", FORMS)
def test_sending_redirects_to_a_confirmation_shown_once(web: Harness, form: str) -> None:
    browser = Browser(web)
    sent = send(browser, form, checked(browser, form))
    assert sent.status == 303 and sent.location == "/forms/received?lang=en"
    assert sent.text == "" and "ETH-" not in str(sent.headers)
    [cookie] = [h for h in sent.headers.get("Set-Cookie", "").split("\n") if h]
    assert cookie.startswith("receipt=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Max-Age=1800" in cookie
    shown = browser.follow(sent)
    assert shown.status == 200 and neutral(shown)
    reference = reference_on(shown)
    if form != "retaliation":
        receipt = receipt_on(shown)
        assert receipt not in cookie and reference not in cookie
    again = browser.get("/received")  # a reload, or the page reached again from history
    assert again.status == 410 and neutral(again)
    assert "This page has expired" in again.text
    assert reference not in again.text and "receipt-code" not in again.text
    assert stored(web) == 1


@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_again_never_makes_a_second_case_nor_shows_the_receipt(
        web: Harness, form: str) -> None:
    browser = Browser(web)
    check = checked(browser, form)
    browser.follow(send(browser, form, check))
    resent = send(browser, form, check)  # Back to the last page, and Send again
    assert resent.status == 410 and "This page has expired" in resent.text
    assert "ETH-" not in resent.text and neutral(resent)
    earlier = browser.walk(form, answers(form), until="check")  # a new form: a new key
    assert earlier.inputs["draft"] != check.inputs["draft"]
    assert stored(web) == 1


def test_every_page_of_a_sent_form_is_expired_in_the_history(web: Harness) -> None:
    browser = Browser(web)
    pages = []
    page = browser.get("/misconduct")
    while page.step != "check":
        pages.append(page)
        page = browser.step("misconduct", page, answers("misconduct"))
    browser.follow(send(browser, "misconduct", page))
    for old in pages[1:]:  # each step's page, re-sent by Back and reload
        again = browser.step("misconduct", old, answers("misconduct"))
        assert again.status == 410, old.step
        assert "Distribution site" not in again.text
    for action in ("lang:ar", "back", "add:subjects", "change:what"):
        assert browser.step("misconduct", pages[-1], {}, action).status == 410
    assert stored(web) == 1


def test_a_double_click_on_send_still_shows_the_confirmation_once(web: Harness) -> None:
    browser = Browser(web)
    check = checked(browser, "advice")
    first = send(browser, "advice", check)
    second = send(browser, "advice", check)  # the second click's answer replaces the first
    assert (first.status, second.status) == (303, 303)
    assert second.location == "/forms/received?lang=en"
    shown = browser.follow(second)
    assert receipt_on(shown)
    assert browser.get("/received").status == 410
    assert send(browser, "advice", check).status == 410
    assert stored(web) == 1


def test_the_receipt_can_be_downloaded_once_as_a_text_file(web: Harness) -> None:
    browser = Browser(web)
    shown = browser.follow(send(browser, "misconduct", checked(browser, "misconduct")))
    assert 'href="/forms/received/text"' in shown.text
    response = browser.request("forms", "/received/text")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ethics-office.txt"')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert reference_on(shown) in text and receipt_on(shown) in text
    assert "follow-up" in text
    assert browser.request("forms", "/received/text").status_code == 410


def test_written_down_ends_the_confirmation(web: Harness) -> None:
    browser = Browser(web)
    shown = browser.follow(send(browser, "advice", checked(browser, "advice")))
    done = browser.post("forms", [("csrf_token", shown.token), ("lang", "en")],
                        path="/received")
    assert done.status == 303 and done.location == "/forms/done?lang=en"
    assert "receipt=;" in done.headers["Set-Cookie"] and "Max-Age=0" in done.headers[
        "Set-Cookie"]
    assert browser.get("/done").status == 200
    assert browser.request("forms", "/received/text").status_code == 410


def test_nothing_on_the_confirmation_leads_away_before_it_is_written_down(
        web: Harness) -> None:
    browser = Browser(web)
    shown = browser.follow(send(browser, "misconduct", checked(browser, "misconduct")))
    links = re.findall(r'<a [^>]*href="([^"]+)"', shown.text)
    # The two files of the confirmation itself: the codes, and the proof of submission.
    assert sorted(links) == ["#main", "/forms/exit", "/forms/received/proof",
                             "/forms/received/text"]
    assert 'class="languages"' not in shown.text and "site-footer" not in shown.text
    assert "I have written it down" in shown.text
    assert 'action="/forms/received"' in shown.text


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_page_is_titled_only_ethics_office(web: Harness, lang: str) -> None:
    browser = Browser(web, language=lang)
    seen = []
    page = browser.get("/misconduct", lang=lang)
    while page.step != "check":
        seen.append(page)
        page = browser.step("misconduct", page, answers("misconduct"))
    seen.append(page)
    seen.append(browser.step("misconduct", page, {}, "send"))  # no consent: an error
    shown = browser.follow(send(browser, "misconduct", page))
    seen += [shown, browser.get("/received"), browser.get("/follow-up"), browser.get("/"),
             browser.get("/done"), browser.get("/no-such-page")]
    for page in seen:
        assert neutral(page, lang), page.title
    assert seen[-7].status == 422 and seen[-7].title != seen[-6].title  # "Error: ..."


@pytest.mark.parametrize("form", FORMS)
def test_no_form_lets_the_browser_remember_or_cut_what_is_typed(web: Harness,
                                                                 form: str) -> None:
    browser = Browser(web)
    page = browser.get(f"/{form}")
    pages = [page]
    while page.step != "check":
        page = browser.step(form, page, answers(form))
        pages.append(page)
    for page in pages:
        for tag in re.findall(r"<form[^>]*>", page.text):
            assert 'autocomplete="off"' in tag, tag
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page.text):
            if 'type="hidden"' in tag or 'type="radio"' in tag or 'type="checkbox"' in tag:
                continue
            assert 'autocomplete="off"' in tag, tag
        assert not re.search(r'autocomplete="(name|email|tel|given-name|family-name)', page.text)
        assert "maxlength" not in page.text  # a pasted text is never cut by the browser


@pytest.mark.parametrize("form", ["advice", "misconduct"])
def test_the_anonymity_question_comes_first_and_identity_only_after_no(
        web: Harness, form: str) -> None:
    browser = Browser(web)
    first = browser.get(f"/{form}")
    assert first.step == "anonymity"
    identity = {"name", "email", "phone", "reporter.name", "reporter.email",
                "reporter.phone"}
    shown = set(first.names) & identity
    assert shown and shown <= first.disabled  # under "No", for JavaScript to show
    assert re.search(r'<div class="reveal" id="[^"]+" hidden>', first.text)
    named = browser.step(form, first, {"anonymous": "no"})
    assert named.step == "details" and set(named.names) & identity
    assert not named.disabled
    anonymous = browser.step(form, first, {"anonymous": "yes"})
    assert anonymous.step != "details" and not set(anonymous.names) & identity


def test_identity_given_then_withdrawn_is_forgotten(web: Harness) -> None:
    browser = Browser(web)
    body = payload("misconduct")
    page = browser.walk("misconduct", dict(flatten(body)), until="check")
    assert "Ottoline Farquharson" in page.text
    anonymity = browser.step("misconduct", page, {}, "change:anonymity")
    assert anonymity.step == "anonymity"
    back = browser.step("misconduct", anonymity, {"anonymous": "yes"})
    assert back.step == "check"
    assert "Ottoline" not in back.text and "ottoline.f@example.org" not in back.text
    shown = browser.follow(browser.step("misconduct", back, {"consent_forwarding": "yes"},
                                        "send"))
    submission = web.store.get_submission(
        web.store.get_case(reference_on(shown)).submission_id)  # type: ignore[union-attr]
    assert submission is not None and submission.anonymous and receipt_on(shown)


def test_the_named_reporter_answers_the_identity_on_the_same_page_with_javascript(
        web: Harness) -> None:
    browser = Browser(web)
    first = browser.get("/misconduct")
    first.disabled.clear()  # what JavaScript does once "No" is chosen
    page = browser.step("misconduct", first, {
        "anonymous": "no", "reporter.name": "Ottoline Farquharson",
        "reporter.email": "ottoline.f@example.org"})
    assert page.step == "kind"  # the identity step is already answered
    blank = browser.step("misconduct", first, {"anonymous": "no",
                                               "reporter.name": "Ottoline Farquharson"})
    assert blank.status == 422 and blank.step == "anonymity"
    assert blank.summary == ["Enter an e-mail address or a telephone number"]


@pytest.mark.parametrize("form", FORMS)
def test_safety_advice_and_who_will_know_on_each_form_and_confirmation(
        web: Harness, form: str) -> None:
    browser = Browser(web)
    first = browser.get(f"/{form}")
    head = first.text.split('id="step-form"')[0]
    assert "Stay safe on this device" in head and 'class="safety"' in head
    assert "Who will know it was you" in first.text
    check = checked(browser, form)
    assert "Who will know it was you" in check.text
    shown = browser.follow(send(browser, form, check))
    assert "Stay safe on this device" in shown.text
    assert "Who will know it was you" in shown.text


def test_exit_this_page_ends_what_the_pages_keep_and_leaves(web: Harness) -> None:
    browser = Browser(web)
    check = checked(browser, "misconduct")
    exit_ = browser.request("forms", "/exit")
    assert exit_.status_code == 303
    assert exit_.headers["Location"] == "https://neutral.example/weather"
    assert exit_.headers["Clear-Site-Data"] == '"cookies"'
    cleared = exit_.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cleared} == {"csrf", "receipt", "case", "filer_session"}
    assert all("Max-Age=0" in c for c in cleared)
    assert browser.cookies.get("csrf") == ""
    browser.cookies.clear()
    again = browser.step("misconduct", check, answers("misconduct"), "back")
    assert again.status in (400, 403)  # the answers were sealed to the ended session
    assert "Distribution site" not in again.text


def test_the_exit_address_is_configured_and_must_be_https(tmp_path: Path) -> None:
    from shared.config import ConfigError, load

    assert load({"INTAKE_EXIT_URL": "https://www.example.org/news"}).forms.exit_url == (
        "https://www.example.org/news")
    assert load({"INTAKE_EXIT_URL": "http://127.0.0.1:8099/weather"}).forms.exit_url
    for bad in ("http://example.org", "javascript:alert(1)", "/forms/", "https://",
                "http://127.0.0.1.example.org/"):
        with pytest.raises(ConfigError, match="INTAKE_EXIT_URL"):
            load({"INTAKE_EXIT_URL": bad})


def test_a_sent_form_comes_back_expired_even_with_a_stale_token(web: Harness) -> None:
    browser = Browser(web)
    check = checked(browser, "misconduct")
    browser.follow(send(browser, "misconduct", check))
    check.inputs["csrf_token"] = "stale"  # a day later, from the history
    for function, action in (("submit_misconduct", "send"), ("forms", "back")):
        page = browser.step("misconduct", check, answers("misconduct"), action)
        assert page.status == 410, function
        assert "Distribution site" not in page.text
    assert stored(web) == 1
