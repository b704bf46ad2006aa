"""The rate limit's page, in a browser: friendly, accessible, the answers kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.flows import WORDS, no_violations
from tests.browser.walk import body_for, walk
from tests.support.browser import Runner, local_runner

CLIENTS = {"en": "203.0.113.10", "ar": "203.0.113.11"}


@pytest.fixture(scope="module")
def limited(components: None) -> Iterator[Runner]:
    # One post per client; the client's address comes from X-Forwarded-For (one proxy),
    # so each test below is a client of its own.
    with local_runner(INTAKE_FORM_RATE_LIMIT="1", INTAKE_PROXY_HOPS="1") as running:
        yield running


@pytest.mark.parametrize("lang", list(CLIENTS))
def test_the_second_form_within_the_window_is_held_back(browser: Any, limited: Runner,
                                                         lang: str) -> None:
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": CLIENTS[lang]})
    try:
        page = context.new_page()
        statuses: list[int] = []
        page.on("response", lambda r: statuses.append(r.status)
                if r.request.method == "POST" and "/submit_" in r.url else None)
        for _ in range(2):
            walk(page, limited, "misconduct", lang, body_for("misconduct", lang))
        assert statuses == [303, 429]
        assert page.locator(".error-summary").is_visible()
        assert WORDS[lang]["story"] in page.locator("main").inner_text()  # kept
        no_violations(page)
    finally:
        context.close()
