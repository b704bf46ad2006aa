"""The public pages in-process: every page in every language, a browser's form posts to the
submit functions, and what the pages refuse (forgery, honeypot, rate limit)."""
# The steps of a form, its labels and messages: test_form_steps.py. History, reloads,
# sending twice, the receipt and "Exit this page": test_form_safety.py.

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest

from shared.web.i18n import LANGUAGES, translations
from shared.web.render import CONTENT_SECURITY_POLICY
from tests.support.fakes import FlakyStore, InMemoryStore
from tests.support.harness import Harness
from tests.support.payloads import FUNCTIONS, flatten, payload
from tests.support.web import HTML, Browser, Page, read_page, receipt_on, reference_on, web_harness

FORMS = ["advice", "misconduct", "retaliation"]
PAGES = ["/", "/advice", "/misconduct", "/retaliation", "/follow-up", "/done"]


@pytest.fixture
def web(tmp_path: Path) -> Harness:
    return web_harness(tmp_path)


def stored(harness: Harness) -> int:
    store = harness.store
    assert isinstance(store, InMemoryStore)
    return len(store.submissions)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_every_language(web: Harness, path: str, lang: str) -> None:
    page = Browser(web).get(path, lang=lang)
    assert page.status == 200
    assert (page.lang, page.dir) == (LANGUAGES[lang].html_lang, LANGUAGES[lang].direction)
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for header, value in {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                          "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
                          "Content-Language": LANGUAGES[lang].html_lang}.items():
        assert page.headers[header] == value
    assert "Set-Cookie" in page.headers and "HttpOnly" in page.headers["Set-Cookie"]
    assert "SameSite=Strict" in page.headers["Set-Cookie"]
    # Neutral: the history, tabs and window list say only "Ethics Office".
    assert page.title == translations(lang).gettext("Ethics Office")
    assert 'href="/forms/exit"' in page.text and 'class="exit-button"' in page.text
    # No third-party asset: every URL the page loads is our own (root-relative).
    for url in re.findall(r'(?:src|href)="([^"#]+)"', page.text):
        assert url.startswith("/"), url
    if path not in ("/", "/done"):
        assert "csrf_token" in page.inputs


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_pages_are_translated(web: Harness, lang: str) -> None:
    english = Browser(web).get("/advice", lang="en")
    other = Browser(web).get("/advice", lang=lang)
    assert other.title != english.title
    assert "Do you want to ask anonymously?" in english.text
    assert "Ask for confidential ethics advice" not in other.text
    assert "Do you want to ask anonymously?" not in other.text


def test_the_language_comes_from_accept_language_unless_chosen(web: Harness) -> None:
    assert Browser(web, language="ar-EG,ar;q=0.9,en;q=0.5").get("/").lang == "ar"
    assert Browser(web, language="pt-BR").get("/").lang == "pt"
    assert Browser(web, language="de-DE,de;q=0.9").get("/").lang == "en"
    assert Browser(web, language="ar").get("/", lang="zh").lang == "zh-Hans"
    page = Browser(web).get("/", lang="fr")
    switcher = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang', page.text)
    assert [lang for _, lang in switcher] == [lang.html_lang for lang in LANGUAGES.values()]
    assert all(href.startswith("/forms/?lang=") for href, _ in switcher)


def test_assets_are_ours_cached_by_version_and_unknown_paths_are_pages(web: Harness) -> None:
    browser = Browser(web)
    css_url = re.search(r'href="(/forms/assets/app\.css\?v=[0-9a-f]+)"', browser.get("/").text)
    assert css_url
    path = css_url.group(1).removeprefix("/forms")
    css = browser.request("forms", path)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert "immutable" in css.headers["Cache-Control"]
    assert browser.request("forms", "/assets/../main.py").status_code == 404
    missing = read_page(browser.request("forms", "/no-such-page"))
    assert missing.status == 404 and missing.lang == "en" and missing.headers[
        "Content-Security-Policy"]
    wrong = browser.request("forms", "/done", method="POST", data=b"a=b")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET"


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/advice", "GET, POST"), ("PUT", "/received/", "GET, POST"),
    ("PATCH", "/follow-up", "GET, POST"), ("GET", "/follow-up/message", "POST"),
    ("HEAD", "/follow-up/leave", "POST"), ("POST", "/", "GET"),
    ("DELETE", "/received/text", "GET")])
def test_a_method_a_page_does_not_take_is_405_listing_those_it_does(
        web: Harness, method: str, path: str, allow: str) -> None:
    response = Browser(web).request("forms", path, method=method,
                                    data=b"a=b" if method != "HEAD" else None)
    assert (response.status_code, response.headers["Allow"]) == (405, allow)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/ADVICE"), ("GET", "/follow-up//case"), ("POST", "/assets/app.css"),
    ("GET", "/assets/a/app.css"), ("GET", "/assets/nope.css"), ("GET", "/advice/1")])
def test_paths_no_page_has_are_404_pages(web: Harness, method: str, path: str) -> None:
    response = Browser(web).request("forms", path, method=method,
                                    data=b"a=b" if method == "POST" else None)
    assert response.status_code == 404 and "Allow" not in response.headers


def test_head_is_answered_as_get(web: Harness) -> None:
    for path in ("/", "/advice/", "/assets/app.css"):
        assert Browser(web).request("forms", path, method="HEAD").status_code == 200


def _pairs(form: str, **changes: object) -> list[tuple[str, str]]:
    return flatten(payload(form, **changes))


@pytest.mark.parametrize("form", FORMS)
def test_a_whole_form_in_one_post_gets_the_confirmation_page(web: Harness, form: str) -> None:
    page = Browser(web).submit(form, _pairs(form))
    assert page.status == 200, page.summary or page.text[:3000]
    reference = reference_on(page)
    case = web.store.get_case(reference)
    assert case is not None and case.form == form
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "What happens next" in page.text
    assert receipt_on(page)  # a named submitter gets a receipt code too


def test_an_anonymous_submission_shows_its_receipt_once_with_a_warning(web: Harness) -> None:
    from shared.domain.references import verify_receipt

    pairs = flatten({"category": "workplace_conflict", "question": "Anonymous question text",
                     "anonymous": True, "requester_type": "individual",
                     "consent_privacy_notice": True})
    page = Browser(web, language="fr").submit("advice", pairs)
    assert page.status == 200
    receipt = receipt_on(page)
    submission = web.store.get_submission(web.store.get_case(
        reference_on(page)).submission_id)  # type: ignore[union-attr]
    assert submission is not None and submission.receipt_hash
    assert verify_receipt(receipt, submission.receipt_hash)
    assert "Ce code n’est affiché qu’une seule fois" in page.text
    assert "data-print" in page.text  # the print button (shown by the script)


@pytest.mark.parametrize(("lang", "required"), [
    ("en", "Describe what happened"),
    ("fr", "Décrivez ce qui s’est passé"),
    ("ar", "صِف ما حدث"),
    ("zh", "请描述发生了什么"),
])
def test_a_whole_form_with_errors_comes_back_as_check_your_answers(
        web: Harness, lang: str, required: str) -> None:
    body = payload("misconduct", what=None, location="Juba", incident_date="2999-01-01")
    page = Browser(web, language=lang).submit("misconduct", flatten(body))
    assert page.status == 422
    assert stored(web) == 0
    assert page.step == "check" and page.lang == LANGUAGES[lang].html_lang
    assert page.title == translations(lang).gettext("Error: %(title)s") % {
        "title": translations(lang).gettext("Ethics Office")}
    assert any(required in item for item in page.summary), page.summary
    assert len(page.summary) == 2  # what: missing; incident_date: in the future
    assert "Juba" in page.text and "Bartholomew Quennell-Ashdown" in page.text
    assert 'href="#change-what"' in page.text and 'href="#change-when"' in page.text
    # The API says the same in its own words: its English, for programs.
    api = web.post("submit_misconduct", body).get_json()["errors"]
    assert set(api) == {"what", "incident_date"}
    assert not any(text in page.text for text in ("Missing data for required field",
                                                  "Must not be in the future"))


def test_check_your_answers_lists_each_problem_once_under_the_step_that_asks_it(
        web: Harness) -> None:
    # The identity questions are shown under "No" on the anonymity step too (with
    # JavaScript), but they are a step of their own: their problems are listed there only.
    body = payload("misconduct")
    body["reporter"]["email"] = "not an address"
    page = Browser(web).submit("misconduct", flatten(body))
    assert page.status == 422
    assert page.summary == ["How can we reach you?: Enter an e-mail address in the form "
                            "name@example.org"]
    assert 'href="#change-details"' in page.text


def test_a_cross_site_post_is_refused_before_anything_is_read(web: Harness) -> None:
    browser = Browser(web)
    page = browser.get("/advice")
    pairs = [("csrf_token", page.token), *_pairs("advice")]
    for headers in ({"origin": "https://evil.example", "fetch_site": None},
                    {"origin": None, "fetch_site": "cross-site"},
                    {"origin": "null", "fetch_site": "cross-site"}):
        refused = browser.post("submit_advice", pairs, **headers)
        assert refused.status == 403
        assert "Marguerite" not in refused.text
    assert stored(web) == 0


def test_a_post_without_a_valid_token_is_refused(web: Harness) -> None:
    browser, other = Browser(web), Browser(web)
    mine = browser.get("/advice").token
    theirs = other.get("/advice").token
    pairs = _pairs("advice")
    unknown = {"origin": None, "fetch_site": None}  # an old browser: no word on the origin
    assert browser.post("submit_advice", pairs, **unknown).status == 403  # type: ignore[arg-type]
    assert browser.post("submit_advice", [("csrf_token", theirs), *pairs],
                        **unknown).status == 403  # type: ignore[arg-type]
    assert browser.post("submit_advice", [("csrf_token", mine + "x"), *pairs],
                        **unknown).status == 403  # type: ignore[arg-type]
    sandboxed = Browser(web)  # Origin: null, and no cookie: what a cross-site frame sends
    assert sandboxed.post("submit_advice", [("csrf_token", mine), *pairs], origin="null",
                          fetch_site=None).status == 403
    assert stored(web) == 0
    assert browser.post("submit_advice", [("csrf_token", mine), *pairs],
                        **unknown).status == 303  # type: ignore[arg-type]


def test_a_stale_token_from_our_own_page_gives_the_form_back_with_its_values(
        web: Harness) -> None:
    page = Browser(web).post("submit_advice", [("csrf_token", "forged"), *_pairs("advice")])
    assert page.status == 403
    assert stored(web) == 0
    assert page.step == "check" and "Marguerite Okonkwo-Lindqvist" in page.text
    assert page.summary and page.inputs["csrf_token"] != "forged"


def test_cookies_blocked_but_our_page_and_token_pass(web: Harness) -> None:
    token = Browser(web).get("/advice").token
    cookieless = Browser(web)  # never got the cookie the token is bound to
    page = cookieless.post("submit_advice", [("csrf_token", token), *_pairs("advice")])
    assert page.status == 201  # no cookie to carry the confirmation: it comes at once
    assert (reference_on(page) and "Set-Cookie" not in page.headers) or "receipt=" not in \
        page.headers.get("Set-Cookie", "")


def test_the_honeypot_refuses_and_stores_nothing(web: Harness) -> None:
    browser = Browser(web)
    form = browser.get("/advice")
    pairs = [("csrf_token", form.token), ("website", "http://spam.example"),
             *_pairs("advice")]
    refused = browser.post("submit_advice", pairs)
    assert refused.status == 400
    assert stored(web) == 0
    assert refused.inputs["website"] == ""
    assert "Marguerite Okonkwo-Lindqvist" in refused.text
    blank = [("website", " "), *pairs[:1], *pairs[2:]]  # a person who tabbed through it
    assert browser.post("submit_advice", blank).status == 303


def test_the_rate_limit_answers_a_friendly_429_and_keeps_the_answers(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="2")
    browser = Browser(web)
    assert [browser.submit("advice", _pairs("advice")).status for _ in range(2)] == [200, 200]
    page = browser.submit("advice", _pairs("advice"))
    assert page.status == 429
    assert int(page.headers["Retry-After"]) > 0
    assert "Marguerite Okonkwo-Lindqvist" in page.text and page.step == "check"
    assert "wait about an hour and send the form again" in page.summary[0]
    assert stored(web) == 2
    api = web.submit("submit_advice", payload("advice"))  # the same client on the API
    assert api.status_code == 429 and api.is_json and int(api.headers["Retry-After"]) > 0
    assert stored(web) == 2
    web.clock.advance(hours=1, seconds=1)
    assert browser.submit("advice", _pairs("advice")).status == 200


def test_a_wait_under_a_minute_reads_as_a_minute_not_as_one_minutes(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1")
    browser = Browser(web)
    assert browser.submit("advice", _pairs("advice")).status == 200
    web.clock.advance(minutes=59, seconds=30)
    page = browser.submit("advice", _pairs("advice"))
    assert page.status == 429 and 0 < int(page.headers["Retry-After"]) <= 60
    assert "wait about a minute and send the form again" in page.summary[0]
    assert "1 minutes" not in page.text


def test_the_limit_is_per_client_address(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1", INTAKE_PROXY_HOPS="1")

    def from_address(address: str) -> Page:
        return Browser(web).submit("advice", _pairs("advice"),
                                   headers={"X-Forwarded-For": f"198.51.100.9, {address}"})

    assert from_address("203.0.113.7").status == 200
    assert from_address("203.0.113.7").status == 429
    assert from_address("203.0.113.8").status == 200


def test_no_address_is_stored_with_an_anonymous_submission(tmp_path: Path) -> None:
    from shared.adapters.sqlite_store import SqliteStore

    web = web_harness(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                      INTAKE_PROXY_HOPS="1")
    pairs = flatten({"category": "other", "question": "Where is my address?",
                     "anonymous": True, "requester_type": "individual",
                     "consent_privacy_notice": True})
    page = Browser(web).submit("advice", pairs, headers={"X-Forwarded-For": "203.0.113.77"})
    assert page.status == 200
    with sqlite3.connect(tmp_path / "intake.sqlite3") as db:
        dump = "\n".join(db.iterdump())
    assert "203.0.113.77" not in dump and "203-0-113-77" not in dump


def test_the_json_api_is_unchanged_for_clients_that_do_not_ask_for_pages(web: Harness) -> None:
    form_body = urlencode(_pairs("advice")).encode()
    response = web.post("submit_advice", raw=form_body,
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201 and response.is_json
    refused = web.post("submit_advice", raw=form_body,
                       content_type="application/x-www-form-urlencoded",
                       headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and refused.is_json
    assert refused.get_json()["errors"] == {
        "Sec-Fetch-Site": ["A form posted from another site is not accepted."]}


def test_a_browser_opening_a_submit_url_is_sent_to_the_form(web: Harness) -> None:
    response = Browser(web).request("submit_retaliation", "/?lang=ar")
    assert response.status_code == 303
    assert response.headers["Location"] == "/forms/retaliation?lang=ar"


def test_a_store_that_is_down_keeps_the_answers_and_says_try_again(tmp_path: Path) -> None:
    flaky = FlakyStore(InMemoryStore())
    web = web_harness(tmp_path, flaky)
    flaky.fail("create_submission")
    page = Browser(web).submit("advice", _pairs("advice"))
    assert page.status == 503
    assert page.headers["Retry-After"] == "30"
    assert "Marguerite Okonkwo-Lindqvist asks whether" in page.text and page.step == "check"
    assert flaky.inner.get_case(reference_on(Browser(web).submit(
        "advice", _pairs("advice")))) is not None  # and the next try lands


def test_an_oversized_post_gets_a_page_not_a_trace(web: Harness) -> None:
    browser = Browser(web)
    token = browser.get("/advice").token
    huge = [("csrf_token", token), ("question", "x" * (4 * 262144 + 10))]
    page = browser.post("submit_advice", huge)
    assert page.status == 413
    assert page.lang == "en" and "too long" in page.text
    malformed = read_page(browser.request("submit_advice", "/", method="POST",
                                          data=b"a..b=1", headers={"Accept": HTML}))
    assert malformed.status == 400


@pytest.mark.parametrize("function", sorted(set(FUNCTIONS.values())))
def test_the_last_page_of_a_form_posts_to_its_submit_function(web: Harness,
                                                              function: str) -> None:
    form = function.removeprefix("submit_")
    first = Browser(web).get(f"/{form}")
    assert f'action="/forms/{form}"' in first.text and "novalidate" in first.text
    check = Browser(web).walk(form, dict(_pairs(form)), until="check")
    assert check.step == "check"
    assert f'action="/{function}"' in check.text and "novalidate" in check.text


@pytest.mark.parametrize(("working_days", "english", "french"), [
    ("10", "within about two weeks", "dans un délai d’environ deux semaines"),
    ("2", "within a few days", "dans quelques jours"),
    ("30", "within about a month", "dans un délai d’environ un mois"),
])
def test_the_advice_answer_time_is_the_configured_one_in_plain_words(
        tmp_path: Path, working_days: str, english: str, french: str) -> None:
    """The start page and the advice confirmation say the deployment's time limit
    (INTAKE_POLICY_ADVICE_WORKING_DAYS) as a person says it, in the page's language."""
    web = web_harness(tmp_path, INTAKE_POLICY_ADVICE_WORKING_DAYS=working_days)
    for lang, words in (("en", english), ("fr", french)):
        gettext = translations(lang).gettext
        start = Browser(web).get("/", lang=lang)
        assert gettext("An ethics adviser answers, usually %(when)s.") % {
            "when": words} in start.text
        browser = Browser(web, language=lang)
        page = browser.submit("advice", flatten(payload("advice")))
        assert page.status == 200, page.summary
        assert gettext("You get an answer by the way you chose, usually %(when)s.") % {
            "when": words} in page.text


@pytest.mark.parametrize(("working_days", "said"), [
    ("10", "usually within 10 working days."), ("1", "usually within 1 working day."),
    ("25", "usually within 25 working days.")])
def test_the_api_says_the_configured_advice_answer_time(tmp_path: Path, working_days: str,
                                                        said: str) -> None:
    harness = Harness.build(tmp_path, InMemoryStore(),
                            INTAKE_POLICY_ADVICE_WORKING_DAYS=working_days,
                            INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS="45")
    advice = harness.submit("submit_advice", payload("advice")).get_json()
    assert [step for step in advice["next_steps"] if said in step], advice["next_steps"]
    retaliation = harness.submit("submit_retaliation", payload("retaliation")).get_json()
    assert "The preliminary review is due within 45 days of receipt." in retaliation[
        "next_steps"]
