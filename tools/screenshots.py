"""Screenshots of the pages for the README, in English and Arabic: the start page, a form's
first question (anonymity, with the safety advice), a question on a phone, "Check your
answers", and the one-time confirmation on a phone; and the officers' console: Today and a
retaliation case worked to a prima facie case (signed in on the local runner's development
sign-in).

Run through scripts/screenshots (it installs the fonts the pages name). Writes
docs/screenshots/*.png from the real runner and Debian chromium, like the browser tests.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.console_flows import open_case, sign_in, submitted, to_prima_facie
from tests.browser.walk import body_for, walk
from tests.support.browser import Runner, chromium, local_runner

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
LANGUAGES = ["en", "ar"]
DESKTOP = {"width": 1024, "height": 800}
PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 900}


def _first(path: str) -> Callable[[Any, Runner, str], None]:
    def go(page: Any, runner: Runner, lang: str) -> None:
        page.goto(f"{runner.base_url}/forms/{path}?lang={lang}")

    return go


def _until(form: str, step: str) -> Callable[[Any, Runner, str], None]:
    def go(page: Any, runner: Runner, lang: str) -> None:
        walk(page, runner, form, lang, body_for(form, lang), until=step)

    return go


def _sent(form: str) -> Callable[[Any, Runner, str], None]:
    def go(page: Any, runner: Runner, lang: str) -> None:
        walk(page, runner, form, lang, body_for(form, lang))

    return go


def _console_today(page: Any, runner: Runner, lang: str) -> None:
    submitted(page, runner, "retaliation", lang)
    sign_in(page, runner, lang=lang)


def _console_case(page: Any, runner: Runner, lang: str) -> None:
    reference, _ = submitted(page, runner, "retaliation", lang)
    sign_in(page, runner, lang=lang)
    open_case(page, runner, reference, lang)
    to_prima_facie(page, "Dates checked: the non-renewal came three weeks after the "
                         "testimony.", "Your complaint shows a prima facie case of "
                         "retaliation; we recommended an interim measure.")


# (file name, viewport, how to reach the page)
SHOTS: list[tuple[str, dict[str, int], Callable[[Any, Runner, str], None]]] = [
    ("start", DESKTOP, _first("")),
    ("advice", DESKTOP, _first("advice")),
    ("when-phone", PHONE, _until("misconduct", "when")),
    ("check", DESKTOP, _until("retaliation", "check")),
    ("received-phone", PHONE, _sent("misconduct")),
    ("console-today", WIDE, _console_today),
    ("console-case", WIDE, _console_case),
]


def main(only: list[str]) -> None:
    """Every screenshot, or only those named (``console-today``...)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with local_runner() as runner, chromium() as browser:
        for name, viewport, reach in SHOTS:
            if only and name not in only:
                continue
            for lang in LANGUAGES:
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                reach(page, runner, lang)
                target = OUT / f"{name}-{lang}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"wrote {target.relative_to(ROOT)}")
                context.close()


if __name__ == "__main__":
    main(sys.argv[1:])
