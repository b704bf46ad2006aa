"""Real components for the browser tests: the local runner in its own process, Debian's
chromium driven by Playwright (no browser download), and axe-core from npm.

Under CI=true a missing chromium or axe-core fails the run; elsewhere the browser tests
are skipped with the command that installs what is missing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("INTAKE_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# What this machine's closed network and a root user need (see the machine notes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def missing_components() -> list[str]:
    """What the browser tests need and is not installed, with how to install it."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium; scripts/test does it)")
    if not AXE.exists():
        missing.append(f"{AXE} (npm ci --prefix tools/axe; scripts/test does it)")
    return missing


# The officers the local runner's directory holds in the browser tests (as scripts/run's
# demo directory): the console's development sign-in offers them.
DEMO_OFFICERS = {
    "officer@localhost.test": {"name": "Local Officer",
                               "roles": ["ethics_officer", "ethics_admin"]},
    "adviser@localhost.test": {"name": "Amina Adviser", "roles": ["ethics_officer"]},
    "auditor@localhost.test": {"name": "Arthur Auditor", "roles": ["ethics_auditor"]},
}


@dataclass
class Runner:
    base_url: str
    data_dir: Path
    log: Path


@contextmanager
def local_runner(**settings: str) -> Iterator[Runner]:
    """``intake serve`` in a process of its own on a free port, embedded backend."""
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="intake-browser-"))
    log_path = work / "runner.log"
    env = {**os.environ, "INTAKE_DATA_DIR": str(work / "data"), "INTAKE_BACKEND": "embedded",
           "INTAKE_LOCAL_SWEEP_SECONDS": "0", "PYTHONUNBUFFERED": "1",
           "INTAKE_DEV_AUTH": "true", "INTAKE_OFFICERS": json.dumps(DEMO_OFFICERS), **settings}
    env.pop("INTAKE_FUNCTIONS_BASE_URL", None)
    command = [sys.executable, "-c", "from shared.cli import main; main()", "serve",
               "--port", str(port)]
    with serving(command, port, cwd=ROOT, env=env, log_path=log_path) as base_url:
        yield Runner(base_url, work / "data", log_path)


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Debian chromium for a whole session, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


# Contexts whose pages run no JavaScript: axe itself needs it, so it checks a copy.
WITHOUT_JS: weakref.WeakSet[Any] = weakref.WeakSet()


def without_js(context: Any) -> Any:
    """Mark a context made with ``java_script_enabled=False``."""
    WITHOUT_JS.add(context)
    return context


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default:
    WCAG 2.0-2.2 A and AA, and best practices). Loaded through the DevTools protocol, so
    the page's own Content-Security-Policy stays in force. A page without JavaScript is
    checked as a copy of its document, with its stylesheet and without its script."""
    if page.context in WITHOUT_JS:
        return _copy_violations(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return violations


def _copy_violations(page: Any) -> list[dict[str, Any]]:
    html, url = page.content(), page.url
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route("**/assets/app.js*", lambda route: route.abort())
        copy.route(url, lambda route: route.fulfill(status=200, body=html,
                                                    content_type="text/html; charset=utf-8"))
        copy.goto(url)
        return axe_violations(copy)
    finally:
        context.close()
