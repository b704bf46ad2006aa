"""Abuse controls on every path into a submit function: JSON, form encoding with or without
a browser's Accept, the other content types a page of another site can send. The per-client
limit counts every post before its body is read; a post a browser marks as cross-site is
refused whatever path it takes; nothing is stored either way. The posts that move between
a form's steps pass the same checks, counted apart."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from werkzeug.test import TestResponse

from shared import bootstrap, config
from shared.endpoints import guards
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness, function_app
from tests.support.payloads import FUNCTIONS, flatten, payload
from tests.support.web import HOST, HTML, ORIGIN, Browser, web_harness

FORM_TYPE = "application/x-www-form-urlencoded"
DEFAULT_LIMIT = next(v.default for v in config.VARIABLES if v.name == "INTAKE_FORM_RATE_LIMIT")


def stored(harness: Harness) -> int:
    store = harness.store
    assert isinstance(store, InMemoryStore)
    return len(store.submissions)


def post(harness: Harness, function: str, data: bytes, content_type: str, *,
         headers: dict[str, str] | None = None) -> TestResponse:
    client = function_app(function).test_client()
    with bootstrap.using(harness.container):
        response: TestResponse = client.post("/", data=data, content_type=content_type,
                                             headers={"Host": HOST, **(headers or {})})
    return response


def as_form(form: str) -> bytes:
    return urlencode(flatten(payload(form))).encode()


# --- The per-client limit -----------------------------------------------------------------

def test_form_encoded_posts_without_a_browser_accept_are_limited(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT=DEFAULT_LIMIT)
    statuses = [post(web, "submit_advice", as_form("advice"), FORM_TYPE).status_code
                for _ in range(int(DEFAULT_LIMIT) + 5)]
    assert statuses == [201] * int(DEFAULT_LIMIT) + [429] * 5
    assert stored(web) == int(DEFAULT_LIMIT)


@pytest.mark.parametrize("form", list(FUNCTIONS))
def test_json_posts_are_limited_with_a_json_429(tmp_path: Path, form: str) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="3")
    assert [web.submit(FUNCTIONS[form], payload(form)).status_code
            for _ in range(3)] == [201, 201, 201]
    refused = web.submit(FUNCTIONS[form], payload(form))
    assert refused.status_code == 429 and refused.is_json
    assert 0 < int(refused.headers["Retry-After"]) <= 3601
    assert set(refused.get_json()) == {"message", "errors"}
    assert "nothing was stored" in refused.get_json()["message"]
    assert stored(web) == 3
    web.clock.advance(hours=1, seconds=1)
    assert web.submit(FUNCTIONS[form], payload(form)).status_code == 201


def test_every_post_counts_whatever_its_outcome_and_path(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="4")
    assert web.post("submit_advice", raw=b"{not json").status_code == 400
    assert web.submit("submit_advice", {"question": 3}).status_code == 422
    assert post(web, "submit_advice", b"x", "text/plain").status_code == 415
    assert Browser(web).submit("advice", flatten(payload("advice"))).status == 200  # received
    # The limit is spent by a malformed post, an invalid one, a wrong type and a browser's
    # post: every later post is refused, JSON, form encoding and browser alike.
    assert web.submit("submit_advice", payload("advice")).status_code == 429
    assert post(web, "submit_advice", as_form("advice"), FORM_TYPE).status_code == 429
    page = Browser(web).submit("advice", flatten(payload("advice")))
    assert page.status == 429 and int(page.headers["Retry-After"]) > 0
    assert page.step == "check"  # "Check your answers", with the answers kept
    assert html.escape(payload("advice")["question"]) in page.text
    assert stored(web) == 1


@pytest.mark.parametrize("content_type", ["application/json", FORM_TYPE, "text/plain"])
def test_the_limit_is_decided_before_the_body_is_read(
        tmp_path: Path, content_type: str, monkeypatch: pytest.MonkeyPatch) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1")
    assert web.submit("submit_advice", payload("advice")).status_code == 201

    def must_not_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the body was read")

    monkeypatch.setattr("shared.endpoints.submit.read_body", must_not_read)
    refused = post(web, "submit_advice", b"{}", content_type)
    assert refused.status_code == 429 and refused.is_json
    monkeypatch.undo()
    huge = post(web, "submit_advice", b"{" * (2 * 1024 * 1024), content_type)
    assert huge.status_code == 429  # not 413 or 400: neither size nor syntax is looked at
    assert stored(web) == 1


def test_clients_are_counted_apart(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1", INTAKE_PROXY_HOPS="1")

    def from_address(address: str) -> int:
        return web.submit("submit_advice", payload("advice"),
                          **{"X-Forwarded-For": f"198.51.100.9, {address}"}).status_code

    assert [from_address("203.0.113.7"), from_address("203.0.113.7"),
            from_address("203.0.113.8")] == [201, 429, 201]


# --- Cross-site posts ---------------------------------------------------------------------

CROSS_SITE = [
    {"Origin": "https://evil.example"},
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
    {"Origin": f"{ORIGIN}:8443"},  # another port is another origin
    {"Origin": ORIGIN.replace("http://", "https://")},  # and another scheme
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": ORIGIN},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
]
SIMPLE_TYPES = [FORM_TYPE, "multipart/form-data; boundary=x", "text/plain",
                "text/plain; charset=utf-8", "application/json"]


def _body(content_type: str, form: str) -> bytes:
    if content_type.startswith(FORM_TYPE):
        return as_form(form)
    if content_type.startswith("multipart/"):
        return b'--x\r\nContent-Disposition: form-data; name="question"\r\n\r\nhello\r\n--x--\r\n'
    import json

    return json.dumps(payload(form)).encode()


@pytest.mark.parametrize("accept", [HTML, "application/json", "*/*", None])
@pytest.mark.parametrize("content_type", SIMPLE_TYPES)
@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_post_is_refused_on_every_path(
        tmp_path: Path, headers: dict[str, str], content_type: str, accept: str | None) -> None:
    web = web_harness(tmp_path)
    for form, function in FUNCTIONS.items():
        sent = {**headers, **({"Accept": accept} if accept else {})}
        refused = post(web, function, _body(content_type, form), content_type, headers=sent)
        assert refused.status_code == 403, (function, refused.get_data(as_text=True)[:300])
    assert stored(web) == 0


@pytest.mark.parametrize("content_type", [FORM_TYPE, "text/plain", "application/json"])
def test_an_opaque_origin_is_refused_where_no_token_is_checked(tmp_path: Path,
                                                                content_type: str) -> None:
    web = web_harness(tmp_path)
    refused = post(web, "submit_misconduct", _body(content_type, "misconduct"), content_type,
                   headers={"Origin": "null"})
    assert refused.status_code == 403 and refused.is_json
    assert stored(web) == 0


@pytest.mark.parametrize("headers", [{}, {"Origin": ORIGIN}, {"Sec-Fetch-Site": "same-origin"},
                                     {"Origin": ORIGIN.upper() + ":80"},
                                     {"Sec-Fetch-Site": "none"}])
@pytest.mark.parametrize("content_type", [FORM_TYPE, "application/json"])
def test_our_own_site_and_plain_api_clients_are_accepted(
        tmp_path: Path, headers: dict[str, str], content_type: str) -> None:
    web = web_harness(tmp_path)
    response = post(web, "submit_advice", _body(content_type, "advice"), content_type,
                    headers=headers)
    assert response.status_code == 201, response.get_json()


def test_the_site_origin_comes_from_configuration_not_from_the_request(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FUNCTIONS_BASE_URL="https://ethics.example.org/intake")
    for origin, status in (("https://ethics.example.org", 201), (ORIGIN, 403),
                           ("https://evil.example", 403)):
        response = post(web, "submit_advice", as_form("advice"), FORM_TYPE,
                        headers={"Origin": origin, "Host": "evil.example"})
        assert response.status_code == status, origin


# --- The posts that move between a form's steps -------------------------------------------

def test_step_posts_are_counted_apart_and_held_back_with_the_answers_kept(
        tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1")
    browser = Browser(web)
    first = browser.get("/misconduct")
    assert first.step == "anonymity"
    moved = [browser.step("misconduct", first, {"anonymous": "yes"}).status
             for _ in range(guards.STEP_POSTS_PER_FORM)]
    assert moved == [200] * guards.STEP_POSTS_PER_FORM  # one form's worth of steps
    held = browser.step("misconduct", first, {"anonymous": "yes"})
    assert held.status == 429 and int(held.headers["Retry-After"]) > 0
    assert held.step == "anonymity" and held.inputs["anonymous"] == "yes"  # kept
    assert "Too many pages were sent from your network" in held.summary[0]
    # Submissions are counted apart: the client may still send its one form.
    assert Browser(web).submit("misconduct", flatten(payload("misconduct"))).status == 200
    assert stored(web) == 1
    web.clock.advance(hours=1, seconds=1)
    assert browser.step("misconduct", first, {"anonymous": "yes"}).status == 200


def test_a_step_post_over_the_limit_is_held_back_whatever_its_body(tmp_path: Path) -> None:
    web = web_harness(tmp_path, INTAKE_FORM_RATE_LIMIT="1")
    browser = Browser(web)
    first = browser.get("/misconduct")
    for _ in range(guards.STEP_POSTS_PER_FORM - 1):
        assert browser.step("misconduct", first, {"anonymous": "yes"}).status == 200
    # A post too large to read counts like any other, and the next is held back before
    # its size is looked at.
    huge = [("csrf_token", first.token), ("draft", first.inputs["draft"]),
            ("what", "x" * (3 * 1024 * 1024))]
    assert browser.post("forms", huge, path="/misconduct").status == 413
    assert browser.post("forms", huge, path="/misconduct").status == 429


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_step_post_is_refused(tmp_path: Path, headers: dict[str, str]) -> None:
    web = web_harness(tmp_path)
    browser = Browser(web)
    for form in FUNCTIONS:
        page = browser.get(f"/{form}")
        pairs = [(name, page.inputs.get(name, "")) for name in ("csrf_token", "lang", "draft",
                                                                 "step")]
        refused = browser.post("forms", [*pairs, ("action", "continue")], path=f"/{form}",
                               origin=None, fetch_site=None, headers=headers)
        assert refused.status == 403, form
        assert "draft" not in refused.inputs  # nothing of the form came back
