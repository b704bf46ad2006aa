"""Wrong receipt codes on the follow-up page, in Debian chromium: the page warns before the
last attempt, in the page's language, then pauses that network only; the owner opens the
case from another network. The client's address comes from X-Forwarded-For (one proxy,
as on Cloud Functions), so each browser context below is a network of its own."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from shared.web.i18n import translations
from tests.browser.conftest import Watch
from tests.browser.flows import no_violations
from tests.support.browser import Runner, local_runner, without_js
from tests.support.payloads import payload

LAST_ATTEMPT = ("No case matches this reference and receipt code. Check both carefully: if "
                "the next attempt is wrong too, attempts from your network are paused for "
                "%(time)s.")
NO_MATCH = "No case matches this reference and receipt code. Check both and try again."
PAUSED = ("Too many wrong attempts from your network for this reference. For your "
          "protection, attempts from your network are paused: try again in %(time)s.")
NETWORKS = {"en": ("203.0.113.20", "198.51.100.20"), "ar": ("203.0.113.21", "198.51.100.21")}


@pytest.fixture(scope="module")
def behind_proxy(components: None) -> Iterator[Runner]:
    with local_runner(INTAKE_FORM_RATE_LIMIT="0", INTAKE_PROXY_HOPS="1") as running:
        yield running


def _submitted(runner: Runner) -> dict[str, Any]:
    """A case sent through the API (its reference and receipt code)."""
    request = urllib.request.Request(
        f"{runner.base_url}/submit_advice", data=json.dumps(payload("advice")).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _try(page: Any, runner: Runner, lang: str, reference: str, receipt: str) -> int:
    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    page.fill("[name=reference]", reference)
    page.fill("[name=receipt]", receipt)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("button.button[value=open]").click()
    page.wait_for_load_state("load")
    return int(answer.value.status)


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", list(NETWORKS))
def test_the_page_warns_before_the_last_attempt_and_pauses_only_that_network(
        browser: Any, watch: Watch, behind_proxy: Runner, lang: str, js: bool) -> None:
    gettext = translations(lang).gettext
    hour = gettext("about an hour")
    case = _submitted(behind_proxy)
    attacker_address, owner_address = NETWORKS[lang]
    contexts = [browser.new_context(java_script_enabled=js, extra_http_headers={
        "X-Forwarded-For": address}) for address in (attacker_address, owner_address)]
    attacker, owner = contexts if js else [without_js(c) for c in contexts]
    try:
        page = watch.attach(attacker.new_page())
        said = []
        for _ in range(4):
            status = _try(page, behind_proxy, lang, case["reference"], "1111-1111-1111-1111")
            assert status == 422
            said.append(page.locator(".error-summary").inner_text())
        assert all(gettext(NO_MATCH) in text for text in said[:3])
        assert gettext(LAST_ATTEMPT) % {"time": hour} in said[3]
        assert not any(gettext(LAST_ATTEMPT) % {"time": hour} in text for text in said[:3])
        assert page.locator("[name=receipt]").input_value() == ""  # never shown back
        no_violations(page)  # the warning state is accessible
        assert _try(page, behind_proxy, lang, case["reference"], "1111-1111-1111-1111") == 429
        assert gettext(PAUSED) % {"time": hour} in page.locator(".error-summary").inner_text()
        # Even the right code waits on that network; from another, the owner gets in.
        assert _try(page, behind_proxy, lang, case["reference"], case["receipt"]) == 429
        theirs = watch.attach(owner.new_page())
        assert _try(theirs, behind_proxy, lang, case["reference"], case["receipt"]) == 303
        assert theirs.url.endswith(f"/forms/follow-up/case?lang={lang}")
        assert case["reference"] in theirs.locator("main").inner_text()
    finally:
        attacker.close()
        owner.close()
    assert watch.errors == []
