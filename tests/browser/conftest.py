"""One local runner and one chromium per test session (per xdist worker); a fresh browser
context (cookies, JavaScript setting) per test. Every page a test opens is also watched for
Content-Security-Policy violations and script errors, which fail the test."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    Runner,
    chromium,
    local_runner,
    missing_components,
    without_js,
)
from tests.support.disclosure import roster_line
from tests.support.logscan import find_leaks
from tests.support.processes import free_port

IN_CI = os.environ.get("CI", "").lower() == "true"
# Everything the browser tests type: none of it may reach the runner's log.
TYPED: set[str] = set()


@pytest.fixture(scope="session")
def components() -> None:
    missing = missing_components()
    if missing:
        message = "browser tests need " + "; ".join(missing)
        if IN_CI:
            pytest.fail(f"CI=true requires the real components: {message}")
        pytest.skip(message)


class _Neutral(BaseHTTPRequestHandler):
    """The neutral outside page "Exit this page" leads to (no outside site is reachable
    here)."""

    def do_GET(self) -> None:
        body = b"<!doctype html><title>Weather</title><p>Sunny.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def neutral_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Neutral)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/weather"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def runner(components: None, neutral_site: str) -> Iterator[Runner]:
    with local_runner(INTAKE_FORM_RATE_LIMIT="0", INTAKE_EXIT_URL=neutral_site) as running:
        yield running
    leaks = find_leaks(running.log.read_text(encoding="utf-8").splitlines(), TYPED)
    assert not leaks, f"typed text reached the runner's log: {leaks[:3]}"


@pytest.fixture(scope="session")
def browser(components: None) -> Iterator[Any]:
    with chromium() as running:
        yield running


class Watch:
    """Console errors (a CSP violation is one) of every page of a context."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Any) -> Any:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                and "status of 4" not in m.text and "status of 5" not in m.text else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Any, watch: Watch) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield watch.attach(context.new_page())
    finally:
        context.close()
    assert watch.errors == []


@pytest.fixture
def open_page(browser: Any, watch: Watch) -> Iterator[Any]:
    """A page in a context of its own: ``open_page(viewport=(w, h), js=False)``."""
    contexts: list[Any] = []

    def make(*, viewport: tuple[int, int] = (1280, 900), js: bool = True) -> Any:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      java_script_enabled=js)
        if not js:
            without_js(context)
        contexts.append(context)
        return watch.attach(context.new_page())

    yield make
    for context in contexts:
        context.close()
    assert watch.errors == []


@pytest.fixture
def page_without_js(browser: Any, watch: Watch) -> Iterator[Any]:
    context = without_js(browser.new_context(java_script_enabled=False))
    try:
        yield watch.attach(context.new_page())
    finally:
        context.close()
    assert watch.errors == []


# The disclosure programme's roster and campaign, on the runner's database.

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
    # One roster for every browser test of the programme (an import is a diff: a filer
    # absent from it would leave): 0-11 for the console, 20-37 for the declaration form.
    lines = [roster_line(n, unit=f"unit-{n % 3}") for n in [*range(12), *range(20, 38)]]
    with roster.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=sorted(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    intake(runner, "filers", "import", str(roster))
    intake(runner, "campaign", "open", "--year", "2025", "--due-on", "2026-01-31")
