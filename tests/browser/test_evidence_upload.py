"""A file attached on "Check your answers", and later on the follow-up page, with
JavaScript off, in every language: the page that answers says what was removed from it, in
that language, and is axe-clean; and a refused file brings the page back, axe-clean, with
the file named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.web.i18n import translations
from tests.browser.conftest import TYPED
from tests.browser.flows import REFERENCE
from tests.browser.walk import answers_of, body_for, press, walk
from tests.support import evidence_files as files
from tests.support.browser import Runner, axe_violations

LANGUAGES = ["en", "fr", "es", "pt", "ar", "zh"]
REMOVED = {"en": "location", "fr": "la localisation", "es": "la ubicación",
           "pt": "a localização", "ar": "الموقع", "zh": "位置"}
FOLLOW_UP_TEXT = "The delivery note I mentioned is attached."
TYPED.add(FOLLOW_UP_TEXT)


def send_with(page: Any, runner: Runner, lang: str, upload: Path) -> None:
    body = body_for("advice", lang)
    walk(page, runner, "advice", lang, body, until="check")
    page.set_input_files("#evidence", str(upload))
    consent = next(n for n in answers_of(body) if n.startswith("consent_"))
    page.check(f"[name={consent}]")
    press(page, "send")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_photo_attached_without_javascript(page_without_js: Any, runner: Runner,
                                              tmp_path: Path, lang: str) -> None:
    photo = tmp_path / "photo-1.jpg"
    photo.write_bytes(files.jpeg_with_gps())
    send_with(page_without_js, runner, lang, photo)
    told = page_without_js.locator(".files-told").inner_text()
    assert "photo-1.jpg" in told and REMOVED[lang] in told, told
    assert axe_violations(page_without_js) == []


def test_a_refused_file_comes_back_named_and_axe_clean(page_without_js: Any, runner: Runner,
                                                       tmp_path: Path) -> None:
    renamed = tmp_path / "statement.pdf"
    renamed.write_bytes(files.png_image())
    send_with(page_without_js, runner, "en", renamed)
    summary = page_without_js.locator(".error-summary").inner_text()
    assert "statement.pdf could not be attached" in summary, summary
    assert axe_violations(page_without_js) == []


def open_follow_up(page: Any, runner: Runner, lang: str) -> None:
    """A misconduct report sent, then its case opened on the follow-up page."""
    gettext = translations(lang).gettext
    walk(page, runner, "misconduct", lang, body_for("misconduct", lang))
    reference = REFERENCE.search(page.locator(".reference").inner_text()).group()  # type: ignore[union-attr]
    receipt = page.locator(".receipt-code").inner_text()
    page.goto(f"{runner.base_url}/forms/follow-up?lang={lang}")
    page.fill("#f-reference", reference)
    page.fill("#f-receipt", receipt)
    page.get_by_role("button", name=gettext("Open my case")).click()
    page.wait_for_load_state("load")


def add_with(page: Any, lang: str, upload: Path) -> None:
    page.fill("#f-message", FOLLOW_UP_TEXT)
    page.set_input_files("#evidence", str(upload))
    page.get_by_role("button", name=translations(lang).gettext("Send this information")).click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_photo_added_on_the_follow_up_page_without_javascript(
        page_without_js: Any, runner: Runner, tmp_path: Path, lang: str) -> None:
    photo = tmp_path / "photo-2.jpg"
    photo.write_bytes(files.jpeg_with_gps())
    open_follow_up(page_without_js, runner, lang)
    assert axe_violations(page_without_js) == []
    add_with(page_without_js, lang, photo)
    told = page_without_js.locator(".files-told").inner_text()
    assert "photo-2.jpg" in told and REMOVED[lang] in told, told
    assert FOLLOW_UP_TEXT in page_without_js.locator(".messages").inner_text()
    assert axe_violations(page_without_js) == []


def test_a_file_refused_on_the_follow_up_page_comes_back_named_and_axe_clean(
        page_without_js: Any, runner: Runner, tmp_path: Path) -> None:
    renamed = tmp_path / "receipt.pdf"
    renamed.write_bytes(files.png_image())
    open_follow_up(page_without_js, runner, "en")
    add_with(page_without_js, "en", renamed)
    summary = page_without_js.locator(".error-summary").inner_text()
    assert "receipt.pdf could not be attached" in summary, summary
    assert page_without_js.locator("#f-message").input_value() == FOLLOW_UP_TEXT
    assert axe_violations(page_without_js) == []
