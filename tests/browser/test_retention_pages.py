"""The retention pages in Debian chromium against a real local runner whose advice requests
are kept 0 days: the console's legal hold and extension forms of a closed case (and their
problems beside the field), a purged case's tombstone in the console, and the follow-up
page of a purged case, axe-clean in every language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from shared.web.i18n import translations
from tests.browser.console_flows import OFFICER, press, sign_in, wait_for_triage
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner, local_runner
from tests.support.keyboard import fill_and_send
from tests.support.payloads import payload

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def retention_runner(components: None) -> Iterator[Runner]:
    with local_runner(INTAKE_FORM_RATE_LIMIT="0", INTAKE_RETENTION_ADVICE_DAYS="0") as running:
        yield running


def submit_advice(runner: Runner) -> tuple[str, str]:
    request = urllib.request.Request(
        f"{runner.base_url}/submit_advice", data=json.dumps(payload("advice")).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    wait_for_triage(runner, answer["reference"])
    return answer["reference"], answer["receipt"]


def close_in_console(page: Any, runner: Runner, reference: str) -> None:
    page.goto(f"{runner.base_url}/console/cases/{reference}?lang=en")
    press(page, "take")
    press(page, "transition-assign")
    press(page, "transition-answer")
    press(page, "transition-close")


def sweep(runner: Runner) -> dict[str, Any]:
    """``intake sweep`` on the runner's data folder, as Cloud Scheduler would call it."""
    env = {**os.environ, "INTAKE_DATA_DIR": str(runner.data_dir),
           "INTAKE_BACKEND": "embedded", "INTAKE_RETENTION_ADVICE_DAYS": "0"}
    env.pop("INTAKE_FUNCTIONS_BASE_URL", None)
    done = subprocess.run([sys.executable, "-c", "from shared.cli import main; main()",
                           "sweep"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture(scope="module")
def cases(retention_runner: Runner, browser: Any) -> dict[str, tuple[str, str]]:
    """A closed case kept by an extension (its forms stay on its page), and one purged."""
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, retention_runner, OFFICER)
        kept, purged = submit_advice(retention_runner), submit_advice(retention_runner)
        close_in_console(page, retention_runner, kept[0])
        page.fill("#extension-reason", "Still needed for a related request.")
        press(page, "extension")
        close_in_console(page, retention_runner, purged[0])
        report = sweep(retention_runner)
        assert purged[0] in report["purged"] and kept[0] not in report["purged"], report
    finally:
        context.close()
    return {"kept": kept, "purged": purged}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_hold_forms_and_a_tombstone_in_every_language_have_no_violations(
        page: Any, retention_runner: Runner, cases: dict[str, tuple[str, str]],
        lang: str) -> None:
    gettext = translations(lang).gettext
    console = f"{retention_runner.base_url}/console"
    sign_in(page, retention_runner, OFFICER, lang)
    kept, purged = cases["kept"][0], cases["purged"][0]
    page.goto(f"{console}/cases/{kept}?lang={lang}")
    assert page.locator("form#legal-hold").count() == 1
    assert page.locator("form#extension").count() == 0  # extended once already
    no_violations(page)
    press(page, "legal-hold")  # no reason: the problem beside its field
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#legal-hold-reason").get_attribute("aria-invalid") == "true"
    no_violations(page)
    page.fill("#legal-hold-reason", "Asked for by the legal office.")
    press(page, "legal-hold")
    assert gettext("Lift the legal hold") in page.locator("form#legal-hold").inner_text()
    no_violations(page)
    page.fill("#legal-hold-reason", "The legal office no longer needs it.")
    press(page, "legal-hold")
    assert gettext("Place a legal hold") in page.locator("form#legal-hold").inner_text()
    page.goto(f"{console}/cases?purge=30&lang={lang}")
    no_violations(page)
    page.goto(f"{console}/cases/{purged}?lang={lang}")
    assert page.locator("form#legal-hold, form#extension").count() == 0
    assert gettext("Records deleted") in page.locator("section").first.inner_text() or \
        gettext("Records deleted") in page.content()
    no_violations(page)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_follow_up_page_of_a_purged_case_in_every_language_has_no_violations(
        page: Any, retention_runner: Runner, cases: dict[str, tuple[str, str]],
        lang: str) -> None:
    gettext = translations(lang).gettext
    reference, receipt = cases["purged"]
    page.goto(f"{retention_runner.base_url}/forms/follow-up?lang={lang}")
    fill_and_send(page, {"reference": reference, "receipt": receipt},
                  submit_text=gettext("Open my case"))
    said = gettext("Closed. Its records were deleted on %(date)s.").split("%")[0].strip()
    assert said in page.content()
    assert page.locator("textarea").count() == 0  # takes no message
    no_violations(page)
