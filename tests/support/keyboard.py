"""Filling a page with the keyboard only: Tab through every control in order, as a person
who cannot use a mouse does, and answer the ones a test names.

Reaching a control by Tab proves it is in the focus order; a control the walk never reaches
fails the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return {tag: e.tagName.toLowerCase(), type: (e.type || "").toLowerCase(),
          name: e.name || "", value: e.value ?? "", id: e.id || "",
          checked: !!e.checked, text: (e.textContent || "").trim().slice(0, 80)};
}"""
MAX_TABS = 400

Answers = Mapping[str, str | bool]


def focused(page: Any) -> dict[str, Any] | None:
    result: dict[str, Any] | None = page.evaluate(FOCUSED)
    return result


def autofocused(page: Any, timeout_ms: int = 5000) -> dict[str, Any] | None:
    """The element a page's `autofocus` put focus on. Browsers apply autofocus at a
    rendering update after the document loads, not at the load event, so wait for it;
    None if nothing took focus within the timeout."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=timeout_ms)
    return focused(page)


def _choose_radio(page: Any, wanted: str) -> None:
    """Focus is on a radio of the group: move with the arrow keys to the wanted one
    (moving selects); a first radio reached unchecked is checked with Space."""
    for _ in range(20):
        now = focused(page)
        assert now is not None
        if now["value"] == wanted:
            if not now["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {wanted!r} not reachable with the arrow keys")


def _choose_option(page: Any, wanted: str) -> None:
    for _ in range(40):
        now = focused(page)
        assert now is not None
        if now["value"] == wanted:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {wanted!r} not reachable with the arrow keys")


def _answer(page: Any, control: dict[str, Any], value: str | bool) -> None:
    kind = control["type"]
    if kind == "radio":
        _choose_radio(page, str(value))
    elif kind == "checkbox":
        if bool(value) != control["checked"]:
            page.keyboard.press("Space")
    elif control["tag"] == "select":
        _choose_option(page, str(value))
    else:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
        if str(value):
            page.keyboard.type(str(value))


def fill_and_send(page: Any, answers: Answers, *, submit_text: str | None = None) -> list[str]:
    """Tab from wherever focus is through the form, answering the named controls, then
    press Enter on the submit button. Returns the names of the controls passed on the way
    (in order)."""
    done: set[str] = set()
    passed: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        control = focused(page)
        if control is None:
            continue
        if control["tag"] == "button" and control["type"] == "submit" and (
                submit_text is None or submit_text in control["text"]):
            missing = set(answers) - done
            assert not missing, f"never reached with Tab: {sorted(missing)}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return passed
        name = control["name"]
        if name and (not passed or passed[-1] != name):
            passed.append(name)
        if name in answers and name not in done:
            _answer(page, control, answers[name])
            done.add(name)
    raise AssertionError(f"no submit button after {MAX_TABS} presses of Tab")
