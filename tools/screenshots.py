"""Screenshots of the start page and one form, in English and Arabic, for the README.

Run through scripts/screenshots (it installs the fonts the pages name). Writes
docs/screenshots/*.png from the real runner and Debian chromium, like the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import chromium, local_runner

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SHOTS = [("start", ""), ("advice", "advice")]
LANGUAGES = ["en", "ar"]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with local_runner() as runner, chromium() as browser:
        context = browser.new_context(viewport={"width": 1024, "height": 800})
        page = context.new_page()
        for name, path in SHOTS:
            for lang in LANGUAGES:
                page.goto(f"{runner.base_url}/forms/{path}?lang={lang}")
                target = OUT / f"{name}-{lang}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"wrote {target.relative_to(ROOT)}")
        context.close()


if __name__ == "__main__":
    main()
