"""Rewrite the README's configuration table from shared/config.py's one declaration.

Run: python -m tools.readme_config. tests/unit/test_config.py fails while the README's table
differs from ``config.markdown_table()`` in any name, default, scope or word.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared import config

README = Path(__file__).resolve().parents[1] / "README.md"
# The table: its header row, then every following line that is a table row.
TABLE = re.compile(r"^\| Variable \| Default \| Scope \| What it does \|\n(?:\|.*\n)*", re.M)


def readme_table(readme: str) -> str:
    """The configuration table as the README has it ("" if it has none)."""
    found = TABLE.search(readme)
    return found.group(0) if found else ""


def main() -> None:
    text = README.read_text(encoding="utf-8")
    if not readme_table(text):
        raise SystemExit("README.md has no configuration table to rewrite")
    README.write_text(TABLE.sub(lambda _: config.markdown_table(), text, count=1),
                      encoding="utf-8")


if __name__ == "__main__":
    main()
