"""The follow-up page in-process: opening a case with its receipt, replies and
added information, the lockout, and answers that never tell whether a reference exists."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest

from shared.domain.case_workflows import WORKFLOWS
from shared.domain.follow_up import REPLY_TO_SUBMITTER, submitter_status
from shared.domain.references import verify_receipt
from shared.ports.follow_up import FollowUpStore
from shared.services import follow_up as service
from shared.web.i18n import LANGUAGES, SOURCE_LANGUAGE, translations
from tests.support.harness import Harness
from tests.support.payloads import flatten
from tests.support.sealing import sealed_message
from tests.support.web import ORIGIN, Browser, Page, receipt_on, reference_on, web_harness

ANONYMOUS = {"category": "workplace_conflict", "question": "Follow-up page question",
             "anonymous": True, "requester_type": "individual",
             "consent_privacy_notice": True}
REPLY = "Thank you. Could you say which office this happened in?"
ADDED = "It happened in the Juba office,\nin the warehouse."


@pytest.fixture
def web(tmp_path: Path) -> Harness:
    return web_harness(tmp_path)


def anonymous_case(web: Harness) -> tuple[str, str]:
    page = Browser(web).submit("advice", flatten(ANONYMOUS))
    assert page.status == 200
    return reference_on(page), receipt_on(page)


def follow_up_of(web: Harness) -> FollowUpStore:
    return web.container.follow_up


def reply(web: Harness, reference: str, text: str = REPLY) -> None:
    """An officer's reply as the officers' API writes it: a sealed message event."""
    message_id, sealed = sealed_message(web.container.cipher, REPLY_TO_SUBMITTER, reference,
                                        text)
    follow_up_of(web).append_message(reference, kind=REPLY_TO_SUBMITTER,
                                     actor="officer:ethics.officer@example.org",
                                     message_id=message_id, sealed=sealed,
                                     at=web.clock.now())


def open_case(browser: Browser, reference: str, receipt: str, **extra: str) -> Page:
    """Open a case as a browser does: the post, then the page it is sent to."""
    page = browser.get("/follow-up")
    pairs = [("csrf_token", page.token), ("lang", page.inputs["lang"]),
             ("reference", reference), ("receipt", receipt), *extra.items()]
    return browser.follow(browser.post("forms", pairs, path="/follow-up"))


def add_information(browser: Browser, page: Page, text: str = ADDED,
                    message_id: str | None = None) -> Page:
    pairs = [("csrf_token", page.token), ("lang", "en"),
             ("message_id", message_id or page.inputs["message_id"]), ("message", text)]
    return browser.follow(browser.post("forms", pairs, path="/follow-up/message"))


def test_a_reporter_reads_the_state_and_replies_and_adds_information(web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    reply(web, reference)
    browser = Browser(web)
    page = open_case(browser, reference.lower().replace("-", " "), receipt.replace("-", ""))
    assert page.status == 200, page.summary
    assert reference in page.text
    assert "An ethics adviser will read your request and answer on this page." in page.text
    assert REPLY.replace("'", "&#39;") in page.text
    assert "ethics.officer@example.org" not in page.text

    added = add_information(browser, page)
    assert added.status == 200, added.summary
    assert "Your information was added" in added.text
    assert ADDED in added.text
    events = web.store.case_events(reference)
    assert [e.kind for e in events] == ["received", REPLY_TO_SUBMITTER, "submitter_message"]
    assert events[-1].actor == "submitter"
    assert "Juba" not in json.dumps(events[-1].details)  # sealed, never in clear
    resent = add_information(browser, page)
    assert resent.status == 200
    assert len(web.store.case_events(reference)) == 3  # a resent form adds nothing
    assert "Your information was added" not in browser.get("/follow-up/case").text


def test_added_information_with_hidden_characters_is_refused_and_nothing_added(
        web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    browser = Browser(web, language="fr")
    page = open_case(browser, reference, receipt)
    add = [("csrf_token", page.token), ("lang", "fr"),
           ("message_id", page.inputs["message_id"]),
           ("message", "Dans le bureau de \u202eabuJ\u202c, près de l’entrepôt.")]
    queued = list(web.queue.tasks)
    refused = browser.post("forms", add, path="/follow-up/message")
    assert refused.status == 422
    assert any("Supprimez le caractère de mise en forme invisible" in e
               and "U+202E" in e for e in refused.errors), refused.errors
    assert "\u202eabuJ" in refused.inputs["message"]  # kept whole, to be corrected
    assert [e.kind for e in web.store.case_events(reference)] == ["received"]
    assert web.queue.tasks == queued


def test_a_message_id_used_on_another_case_still_adds_the_message(web: Harness) -> None:
    # The id comes from the page, so a person (or an attacker) chooses it: it may only make
    # a resent form idempotent on its own case, never drop another case's message.
    shared_id = "ab" * 16
    added = []
    for _ in range(2):
        reference, receipt = anonymous_case(web)
        browser = Browser(web)
        page = open_case(browser, reference, receipt)
        answer = add_information(browser, page, f"About {reference}", shared_id)
        assert answer.status == 200 and "Your information was added" in answer.text
        assert f"About {reference}" in answer.text
        added.append(reference)
    for reference in added:
        assert [e.kind for e in web.store.case_events(reference)] == [
            "received", "submitter_message"]


def test_the_office_is_told_when_a_submitter_adds_information(tmp_path: Path) -> None:
    from tests.support.fakes import RecordingNotifier

    web = web_harness(tmp_path, INTAKE_ETHICS_OFFICE_MAILBOX="ethics-ops@example.org")
    notifier = RecordingNotifier()
    web.container._built["notifier"] = notifier
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    page = open_case(browser, reference, receipt)
    assert add_information(browser, page).status == 200
    assert add_information(browser, page).status == 200  # resent
    web.drain()
    [notice] = notifier.sent
    assert notice.to == "ethics-ops@example.org" and reference in notice.subject
    assert ADDED not in notice.subject + notice.body


def test_the_state_shown_follows_the_case_with_a_fallback(web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    store = web.store
    for state, expected in (("answered", "The Ethics Office has replied"),
                            ("closed", "The case is closed."),
                            ("escalated_somewhere_new", "The Ethics Office is working on your "
                                                        "case.")):
        store.cases[reference] = replace(store.cases[reference], state=state)  # type: ignore[attr-defined]
        page = open_case(Browser(web), reference, receipt)
        assert page.status == 200
        assert expected in page.text


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_state_of_every_form_is_shown_in_every_language(tmp_path: Path,
                                                              code: str) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1000")
    reference, receipt = anonymous_case(web)
    gettext = translations(code).gettext
    store = web.store
    for form, workflow in WORKFLOWS.items():
        for state in workflow.states:
            case = store.cases[reference]  # type: ignore[attr-defined]
            store.cases[reference] = replace(case, form=form, state=state)  # type: ignore[attr-defined]
            # The submission's form too: a case and a submission of different forms do not
            # belong together, and the page would refuse them.
            store.submissions[case.submission_id] = replace(  # type: ignore[attr-defined]
                store.submissions[case.submission_id], form=form)  # type: ignore[attr-defined]
            page = open_case(Browser(web, language=code), reference, receipt)
            assert page.status == 200 and page.lang == LANGUAGES[code].html_lang
            shown = html.unescape(page.text)
            status = submitter_status(state, form)
            for text in (status.label, status.next_step):
                assert gettext(text) in shown, (form, state, text)
                if code != SOURCE_LANGUAGE:
                    assert gettext(text) != text, (form, state, text)
            if code != SOURCE_LANGUAGE:
                assert status.next_step not in shown  # no English left on the page


def test_the_page_is_translated(web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    page = open_case(Browser(web, language="ar"), reference, receipt)
    assert page.status == 200 and page.dir == "rtl"
    assert "سيقرأ مستشار في الأخلاقيات طلبك" in page.text


def _comparable(page: Page) -> tuple[int, str, dict[str, str]]:
    """A page without what differs on every answer (fresh tokens and ids)."""
    text = re.sub(r'name="(csrf_token|message_id)" value="[^"]*"', r'name="\1"', page.text)
    headers = {k: v for k, v in page.headers.items() if k not in ("Set-Cookie", "Date")}
    return page.status, text, headers


WARNING = ("No case matches this reference and receipt code. Check both carefully: if the "
           "next attempt is wrong too, attempts from your network are paused for about an "
           "hour.")
PAUSED = ("Too many wrong attempts from your network for this reference. For your "
          "protection, attempts from your network are paused: try again in about an hour.")


def test_an_unknown_reference_and_a_wrong_receipt_get_the_same_answer(
        web: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same page, status and headers, the warning before the last attempt and the
    pause included, after the same work (one slow hash per counted check)."""
    reference, receipt = anonymous_case(web)
    unknown = "ETH-ADV-ZZZZZ-ZZZZZ"
    assert web.store.get_case(unknown) is None
    checks: list[str] = []
    real = verify_receipt

    def counted(code: str, stored: str) -> bool:
        checks.append(stored)
        return real(code, stored)

    monkeypatch.setattr(service, "verify_receipt", counted)
    wrong = "0000-0000-0000-0000"
    answers = []
    for ref in (reference, unknown):
        for attempt in range(6):
            checks.clear()
            page = open_case(Browser(web, address="203.0.113.66"), ref, wrong)
            answers.append((attempt, _comparable(page)))
            assert len(checks) == (1 if attempt < 5 else 0)  # a slow hash, or none if paused
    known, missing = answers[:6], answers[6:]
    for (attempt, a), (_, b) in zip(known, missing, strict=True):
        a_text = a[1].replace(reference, "REF")
        b_text = b[1].replace(unknown, "REF")
        assert (a[0], a_text, a[2]) == (b[0], b_text, b[2]), f"attempt {attempt}"
    assert [status for _, (status, _, _) in known] == [422] * 4 + [429] * 2
    warned = [WARNING in text for _, (_, text, _) in known]
    assert warned == [False, False, False, True, False, False]  # before the last attempt
    assert all(PAUSED in text for _, (_, text, _) in known[4:])
    assert receipt not in "".join(text for _, (_, text, _) in known)


def test_one_client_is_paused_and_the_owner_opens_the_case_from_another(
        web: Harness) -> None:
    """Whoever knows a reference can pause only their own attempts on it."""
    reference, receipt = anonymous_case(web)
    attacker = Browser(web, address="203.0.113.66")
    pages = [open_case(attacker, reference, "1111-1111-1111-1111") for _ in range(5)]
    assert [p.status for p in pages] == [422] * 4 + [429]
    assert pages[3].summary == [WARNING]
    locked = open_case(attacker, reference, receipt)
    assert locked.status == 429 and locked.summary == [PAUSED]
    assert int(locked.headers["Retry-After"]) > 3500
    assert "attempts from that network are paused for about an hour" in locked.text
    owner = open_case(Browser(web, address="198.51.100.4"), reference, receipt)
    assert owner.status == 200 and reference in owner.text
    assert open_case(attacker, reference, receipt).status == 429  # still paused
    assert follow_up_of(web).lockout(reference).failures == 5  # the owner's given back
    web.clock.advance(minutes=61)
    assert open_case(attacker, reference, receipt).status == 200


def test_a_written_forwarded_address_does_not_make_a_new_client(tmp_path: Path) -> None:
    """Behind the front end (one proxy), the client is the address it appended: what the
    client wrote before it in X-Forwarded-For changes nothing."""
    web = web_harness(tmp_path, INTAKE_PROXY_HOPS="1")
    reference, receipt = anonymous_case(web)
    attacker = Browser(web)
    statuses = []
    for n in range(6):
        page = attacker.get("/follow-up")
        pairs = [("csrf_token", page.token), ("lang", "en"), ("reference", reference),
                 ("receipt", "1111-1111-1111-1111")]
        statuses.append(attacker.post("forms", pairs, path="/follow-up", headers={
            "X-Forwarded-For": f"10.9.8.{n}, 203.0.113.66"}).status)
    assert statuses == [422] * 4 + [429] * 2
    owner = Browser(web)
    page = owner.get("/follow-up")
    pairs = [("csrf_token", page.token), ("lang", "en"), ("reference", reference),
             ("receipt", receipt)]
    opened = owner.post("forms", pairs, path="/follow-up",
                        headers={"X-Forwarded-For": "203.0.113.66, 198.51.100.4"})
    assert opened.status == 303


def test_a_reference_tried_from_many_networks_is_paced_the_same_known_or_not(
        web: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the ceiling for a reference (lowered here), every client waits its turn, and
    the owner gets in at hers; an unknown reference answers the same."""
    monkeypatch.setattr(service, "REFERENCE_FAILURES_BEFORE_PACING", 4)
    reference, receipt = anonymous_case(web)
    unknown = "ETH-ADV-ZZZZZ-ZZZZZ"
    answers = []
    for ref in (reference, unknown):
        for n in range(4):
            assert open_case(Browser(web, address=f"192.0.2.{n}"), ref,
                             "1111-1111-1111-1111").status == 422
        page = open_case(Browser(web, address="198.51.100.4"), ref, receipt)
        answers.append(_comparable(page))
    (status, text, headers), (other_status, other_text, other_headers) = answers
    assert (status, text.replace(reference, "REF"), headers) == (
        other_status, other_text.replace(unknown, "REF"), other_headers)
    assert status == 429 and int(headers["Retry-After"]) <= 15 * 60 + 1
    assert ("Many wrong attempts have been made for this reference. For your protection, "
            "it can only be tried now and then: try again in about 15 minutes.") in text
    web.clock.advance(minutes=15)
    assert open_case(Browser(web, address="198.51.100.4"), reference, receipt).status == 200


def test_a_named_case_cannot_be_opened_with_any_receipt(web: Harness) -> None:
    page = Browser(web).submit("advice", flatten({
        "category": "other", "question": "Named question", "anonymous": False,
        "name": "Named Person", "email": "named@example.org",
        "requester_type": "individual", "consent_privacy_notice": True}))
    assert page.status == 200
    assert open_case(Browser(web), reference_on(page), "0000-0000-0000-0000").status == 422


def test_a_success_gives_back_only_its_own_attempt(web: Harness) -> None:
    # Failures are not the owner's to erase: at most five wrong receipts are checked per
    # client and reference per lock period.
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    for _ in range(4):
        open_case(browser, reference, "1111-1111-1111-1111")
    assert open_case(browser, reference, receipt).status == 200
    assert follow_up_of(web).lockout(reference).failures == 4
    assert open_case(browser, reference, "1111-1111-1111-1111").status == 429
    web.clock.advance(minutes=61)
    assert open_case(browser, reference, receipt).status == 200
    assert follow_up_of(web).lockout(reference).failures == 0


def test_a_burst_of_wrong_receipts_with_the_right_one_pauses_that_client(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from shared.adapters.sqlite_store import SqliteStore
    from shared.domain.follow_up import FAILURES_BEFORE_LOCK

    web = web_harness(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                      INTAKE_FORM_RATE_LIMIT="0")
    reference, receipt = anonymous_case(web)
    codes = ["1111-1111-1111-1111"] * 10 + [receipt] + ["1111-1111-1111-1111"] * 9
    browsers = [Browser(web) for _ in codes]
    forms = [b.get("/follow-up") for b in browsers]
    statuses: dict[int, int] = {}
    start = threading.Barrier(len(codes))
    checked: list[str] = []

    def counted(code: str, stored: str) -> bool:
        checked.append(code)  # list.append is atomic
        return verify_receipt(code, stored)

    monkeypatch.setattr(service, "verify_receipt", counted)

    def check(n: int) -> None:
        pairs = [("csrf_token", forms[n].token), ("lang", "en"), ("reference", reference),
                 ("receipt", codes[n])]
        start.wait()
        statuses[n] = browsers[n].post("forms", pairs, path="/follow-up").status

    threads = [threading.Thread(target=check, args=(n,)) for n in range(len(codes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wrong = [statuses[n] for n in range(len(codes)) if codes[n] != receipt]
    wrong_checked = checked.count("1" * 16)  # codes reach the check without hyphens
    state = follow_up_of(web).lockout(reference)
    # Every wrong receipt checked is counted; no more are checked than this client's limit,
    # which pauses it. The others were refused unchecked (429).
    assert state.failures == wrong_checked <= FAILURES_BEFORE_LOCK
    assert set(wrong) <= {422, 429} and statuses[codes.index(receipt)] in (303, 429)
    while open_case(Browser(web), reference, "1111-1111-1111-1111").status == 422:
        pass
    assert follow_up_of(web).lockout(reference).failures == FAILURES_BEFORE_LOCK
    assert open_case(Browser(web), reference, receipt).status == 429
    assert open_case(Browser(web, address="198.51.100.4"), reference, receipt).status == 200


def test_malformed_entries_say_which_field_and_count_nothing(web: Harness) -> None:
    page = open_case(Browser(web), "not a reference", "short")
    assert page.status == 422
    assert len(page.summary) == 2
    assert page.inputs["reference"] == "not a reference"
    assert page.inputs["receipt"] == ""  # a receipt code is never shown back


def test_an_expired_page_keeps_the_message_and_adds_it_with_the_receipt(
        web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    opened = open_case(browser, reference, receipt)
    web.clock.advance(minutes=16)  # the case closes on the device after 15 idle minutes
    page = add_information(browser, opened)
    assert page.status == 403
    assert page.inputs["message"] == ADDED
    again = open_case(browser, reference, receipt, message=ADDED,
                      message_id=page.inputs["message_id"])
    assert again.status == 200 and "Your information was added" in again.text
    assert web.store.case_events(reference)[-1].kind == "submitter_message"


def test_access_to_one_case_does_not_open_another(web: Harness) -> None:
    first, receipt = anonymous_case(web)
    second, _ = anonymous_case(web)
    browser = Browser(web)
    opened = open_case(browser, first, receipt)
    stranger = Browser(web)
    stranger.get("/follow-up")
    stolen = dict(browser.cookies)  # the case cookie, without the browser it is bound to
    stranger.cookies.update({k: v for k, v in stolen.items() if k == "case"})
    add = [("csrf_token", stranger.get("/follow-up").token), ("lang", "en"),
           ("message_id", "a" * 32), ("message", "x")]
    assert opened.status == 200
    assert stranger.post("forms", add, path="/follow-up/message").status == 403
    assert stranger.get("/follow-up/case").status == 410
    assert [e.kind for e in web.store.case_events(second)] == ["received"]
    assert [e.kind for e in web.store.case_events(first)] == ["received"]


def test_follow_up_posts_are_protected_like_the_forms(web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    token = browser.get("/follow-up").token
    pairs = [("csrf_token", token), ("reference", reference), ("receipt", receipt)]
    assert browser.post("forms", pairs, path="/follow-up",
                        origin="https://evil.example", fetch_site=None).status == 403
    assert browser.post("forms", pairs[1:], path="/follow-up", origin=None,
                        fetch_site=None).status == 403
    assert browser.post("forms", [("website", "x"), *pairs], path="/follow-up").status == 400
    assert follow_up_of(web).lockout(reference).failures == 0


def test_look_ups_are_rate_limited_per_client(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="3")
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    statuses = [open_case(browser, f"ETH-ADV-{n:05d}-AAAAA", "0000-0000-0000-0000").status
                for n in range(3)]
    assert statuses == [422, 422, 422]
    limited = open_case(browser, reference, receipt)
    assert limited.status == 429 and "Retry-After" in limited.headers


def test_the_case_is_shown_through_a_short_lived_cookie_and_leave_ends_it(
        web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    reply(web, reference)
    browser = Browser(web)
    form = browser.get("/follow-up")
    pairs = [("csrf_token", form.token), ("lang", "en"), ("reference", reference),
             ("receipt", receipt)]
    answer = browser.post("forms", pairs, path="/follow-up")
    # Post, redirect, get: the answer to the post holds nothing of the case.
    assert answer.status == 303 and answer.location == "/forms/follow-up/case?lang=en"
    assert reference not in answer.text and REPLY not in answer.text
    assert "case" in browser.cookies
    opened = browser.get("/follow-up/case")
    assert opened.status == 200 and reference in opened.text
    assert opened.headers["Cache-Control"] == "no-store"
    assert browser.get("/follow-up/case").status == 200  # a reload while it is open
    left = browser.post("forms", [("csrf_token", opened.token), ("lang", "en")],
                        path="/follow-up/leave")
    assert left.status == 303 and left.location.startswith("/forms/done")
    again = browser.get("/follow-up/case")  # Back, or a reload, after leaving
    assert again.status == 410
    assert reference not in again.text and REPLY.replace("'", "&#39;") not in again.text


def test_the_case_cookie_is_strict_short_and_ends_by_itself(web: Harness) -> None:
    reference, receipt = anonymous_case(web)
    browser = Browser(web)
    form = browser.get("/follow-up")
    answer = browser.request("forms", "/follow-up", method="POST", data=urlencode([
        ("csrf_token", form.token), ("lang", "en"), ("reference", reference),
        ("receipt", receipt)]).encode(), headers={"Origin": ORIGIN,
                                                    "Sec-Fetch-Site": "same-origin"})
    [header] = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("case=")]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Max-Age=900" in header
    assert reference not in header
    for _ in range(8):  # used every 14 minutes, it stays open, up to two hours in all
        web.clock.advance(minutes=14)
        assert browser.get("/follow-up/case").status == 200
    web.clock.advance(minutes=14)
    assert browser.get("/follow-up/case").status == 410


def test_switching_language_keeps_what_was_typed(web: Harness) -> None:
    browser = Browser(web)
    form = browser.get("/follow-up")
    assert 'value="lang:fr"' in form.text and 'form="follow-up-form"' in form.text
    pairs = [("csrf_token", form.token), ("lang", "en"), ("reference", "ETH-ADV-AAAAA-BBBBB"),
             ("receipt", "7K3M-Q9TZ-4XAB-CD12"), ("action", "lang:fr")]
    page = browser.post("forms", pairs, path="/follow-up")
    assert page.status == 200 and page.lang == "fr"
    assert page.inputs["reference"] == "ETH-ADV-AAAAA-BBBBB"
    assert page.inputs["receipt"] == ""  # a receipt code is never written back
    assert follow_up_of(web).lockout("ETH-ADV-AAAAA-BBBBB").failures == 0
