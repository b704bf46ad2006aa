"""The console's disclosure page in Debian chromium against the real local runner, with a
campaign opened by `intake filers import` and `intake campaign open` on the runner's
database: axe-clean in every language, and reached with the keyboard alone."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console_flows import OFFICER, sign_in
from tests.browser.flows import LANGUAGE_CODES, no_violations
from tests.support.browser import Runner
from tests.support.disclosure import roster_line
from tests.support.keyboard import focused

ROOT = Path(__file__).resolve().parents[2]


def intake(runner: Runner, *args: str) -> str:
    env = {**os.environ, "INTAKE_DATA_DIR": str(runner.data_dir), "INTAKE_BACKEND": "embedded"}
    done = subprocess.run([sys.executable, "-c", "from shared.cli import main; main()", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def campaign(runner: Runner, tmp_path_factory: pytest.TempPathFactory) -> None:
    roster = tmp_path_factory.mktemp("roster") / "roster.csv"
    lines = [roster_line(n, unit=f"unit-{n % 3}") for n in range(12)]
    with roster.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=sorted(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    intake(runner, "filers", "import", str(roster))
    intake(runner, "campaign", "open", "--year", "2025", "--due-on", "2026-01-31")


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_disclosure_page_in_every_language_has_no_violations(
        page: Any, runner: Runner, campaign: None, lang: str) -> None:
    sign_in(page, runner, OFFICER, lang)
    page.goto(f"{runner.base_url}/console/disclosure?lang={lang}")
    assert page.locator("table").count() == 3  # states, compliance, overdue filers
    assert "S000011" in page.locator("main").inner_text()
    no_violations(page)


def test_the_disclosure_page_is_reached_with_the_keyboard(page: Any, runner: Runner,
                                                          campaign: None) -> None:
    page.goto(f"{runner.base_url}/console/")
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "button" and OFFICER in str(now.get("value")):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and now.get("tag") == "a" and "Financial disclosure" in str(
                now.get("text")):
            break
    else:
        raise AssertionError("the Financial disclosure link is not reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Financial disclosure"
