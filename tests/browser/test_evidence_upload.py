"""A file attached on "Check your answers" with JavaScript off, in every language: the
confirmation says what was removed from it, in that language, and the page is axe-clean;
and a refused file brings "Check your answers" back, axe-clean, with the file named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.walk import answers_of, body_for, press, walk
from tests.support import evidence_files as files
from tests.support.browser import Runner, axe_violations

LANGUAGES = ["en", "fr", "es", "pt", "ar", "zh"]
REMOVED = {"en": "location", "fr": "la localisation", "es": "la ubicación",
           "pt": "a localização", "ar": "الموقع", "zh": "位置"}


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
