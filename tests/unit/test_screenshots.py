"""The README shows the pages: the screenshots the issue asks for exist and are linked."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = [f"{name}-{lang}" for name in ("start", "advice", "when-phone", "check",
                                        "received-phone", "console-today", "console-case")
         for lang in ("en", "ar")]


@pytest.mark.parametrize("name", SHOTS)
def test_each_screenshot_is_a_png_linked_from_the_readme(name: str) -> None:
    path = ROOT / "docs" / "screenshots" / f"{name}.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"(docs/screenshots/{name}.png)" in (ROOT / "README.md").read_text(encoding="utf-8")
