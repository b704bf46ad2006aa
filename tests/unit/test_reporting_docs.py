"""The reporting docs say what the code does: indexes, and the README's generated figure."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_firestore_indexes_are_the_ones_the_queries_need() -> None:
    from shared.adapters.firestore_indexes import composite_indexes

    doc = (ROOT / "docs" / "reporting.md").read_text(encoding="utf-8")
    section = doc.split("### Firestore indexes", 1)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \| (`.+`) \|$", section, flags=re.MULTILINE)
    documented = {(c, tuple(re.findall(r"`([a-z_.]+)`", fields))) for c, fields in rows}
    declared = {(index.collection, index.field_paths)
                for label, index in composite_indexes().items() if label.startswith("stats_")}
    assert documented == declared


def test_the_readme_shows_the_generated_figure_2() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/figures/figure-2.png)" in readme
    png = (ROOT / "docs" / "figures" / "figure-2.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = (ROOT / "docs" / "figures" / "figure-2.svg").read_text(encoding="utf-8")
    assert "Figure II" in svg and "n = 925" in svg
