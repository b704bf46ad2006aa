"""Acceptance: `intake import` refuses a file with one bad line among 10,000 and leaves the
store as it was; an interrupted import resumes without counting twice; the example file
reproduces the published 2024 figures; charts are written as PNG and SVG."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from schemas.import_file import codes_help
from shared.domain.annual_report import report_queries
from tests.support.report_data import (
    backend_harness,
    expected_json,
    harness_with,
    intake,
    known_dataset,
    write_lines,
)
from tests.support.statistics_fakes import InterruptedStatistics

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "annual-report-2024.jsonl"


def ten_thousand(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    kinds = [
        lambda: {"kind": "service", "category": rng.choice(["training", "policy_input"]),
                 "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"},
        lambda: {"kind": "advice", "subcategory": rng.choice(["other", "coi_investments"]),
                 "date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"},
        lambda: {"kind": "retaliation", "outcome": "suspended", "date": "2024-02-02"},
    ]
    lines: list[dict[str, Any]] = [rng.choice(kinds)() for _ in range(10_000)]
    for line in lines:
        if line.get("category") == "training":
            line["participants"] = rng.randint(1, 50)
    return lines


def snapshot(h: Any) -> tuple[list[int], list[Any], list[Any]]:
    stats = h.container.statistics
    queries = report_queries(2024) + report_queries(2023)
    return stats.count(queries), stats.disclosure_years(), stats.incomplete_imports()


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_one_bad_line_among_10000_is_named_and_nothing_is_written(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness(backend, tmp_path, request)
    earlier, _ = known_dataset(seed=3, years=range(2022, 2025))
    assert intake(h.container, "import", str(write_lines(tmp_path / "a.jsonl", earlier))
                  ).exit_code == 0
    before = snapshot(h)
    assert sum(before[0]) > 0

    lines = ten_thousand(seed=11)
    lines.insert(7_320, {"kind": "advice", "subcategory": "coi_lunch", "date": "2024-05-05"})
    result = intake(h.container, "import", str(write_lines(tmp_path / "b.jsonl", lines)))
    assert result.exit_code == 1
    assert "1 bad line of 10001; nothing was imported." in result.output
    assert "line 7321: subcategory: Must be one of: work_environment" in result.output
    assert "line 7322" not in result.output and "line 7320:" not in result.output
    assert snapshot(h) == before


@pytest.mark.parametrize(("backend", "lost_answer"), [
    ("sqlite", False), ("sqlite", True), ("firestore", True)])
def test_an_interrupted_import_resumes_and_counts_nothing_twice(
        backend: str, lost_answer: bool, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    h = backend_harness(backend, tmp_path, request)
    lines, want = known_dataset(seed=5, years=range(2020, 2025), scale=24)
    assert len(lines) > 3 * h.container.statistics.chunk_size
    path = write_lines(tmp_path / "big.jsonl", lines)

    # The store goes away during the third chunk: written (answer lost) or not at all.
    broken = InterruptedStatistics(h.container.statistics, fail_at=2, after=lost_answer)
    interrupted = harness_with(tmp_path, h.store, broken)
    result = intake(interrupted.container, "import", str(path))
    assert result.exit_code == 1
    assert "run the same command again to finish it" in result.output
    partial = json.loads(intake(h.container, "report", "--year", "2024").stdout)
    assert partial["notes"] and "is incomplete" in partial["notes"][0]

    result = intake(h.container, "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"Resumed: {3 if lost_answer else 2} of" in result.output
    assert without_indicators(intake(h.container, "report", "--year", "2024").stdout) == \
        expected_json(want, 2024)

    again = intake(h.container, "import", str(path))
    assert again.exit_code == 0 and "already imported" in again.output
    reordered = tmp_path / "same-records.jsonl"  # other formatting, same records
    reordered.write_text("\n".join(json.dumps(line, indent=None, separators=(",", ":"),
                                              sort_keys=True) for line in lines) + "\n\n")
    assert "already imported" in intake(h.container, "import", str(reordered)).output
    assert without_indicators(intake(h.container, "report", "--year", "2024").stdout) == \
        expected_json(want, 2024)


def without_indicators(report: str) -> dict[str, Any]:
    """The report's JSON but its management indicators (the cases' handling times: an
    import makes no case, and test_case_export.py checks them)."""
    answer: dict[str, Any] = json.loads(report)
    indicators = answer.pop("management_indicators")
    assert all(f["cases"] == 0 for f in indicators["forms"].values())
    return answer


def test_the_example_file_reproduces_the_published_2024_figures(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from tools.examples.annual_report_2024 import text

    assert EXAMPLE.read_text(encoding="utf-8") == text(), "regenerate the example file"
    h = backend_harness("sqlite", tmp_path, request)
    assert intake(h.container, "import", str(EXAMPLE)).exit_code == 0
    report = json.loads(intake(h.container, "report", "--year", "2024").stdout)
    # The 2024 annual report, Table 1 (services by category).
    published = {
        "advice": (516, 644, 925), "champion_request": (20, 26, 21),
        "training": (87, 81, 122), "disclosure_support": (118, 63, 367),
        "external_communication": (509, 469, 567), "media_inquiry": (2, 0, 0),
        "retaliation": (4, 5, 14), "misconduct": (71, 19, 66), "policy_input": (88, 38, 34),
        "ethics_coherence": (58, 55, 50)}
    assert report["table_1"]["categories"] == {
        c: dict(zip(("2022", "2023", "2024"), n, strict=True)) for c, n in published.items()}
    assert report["table_1"]["total"] == {"2022": 1473, "2023": 1400, "2024": 2166}
    assert report["figure_1"] == {"2020": 320, "2021": None, "2022": 516, "2023": 644,
                                  "2024": 925}  # the report gives no figure for 2021
    f2 = report["figure_2"]["subcategories"]
    assert report["figure_2"]["n"] == 925
    assert list(f2)[:2] == ["work_environment", "conflict_of_interest"]
    assert (f2["work_environment"], f2["conflict_of_interest"]["percent"]) == (
        {"count": 328, "percent": 35.5}, 33.6)
    # workplace issues, 14.6 %, include the 22 advice requests about retaliation (para. 52)
    assert f2["workplace_conflict"] == {"count": 135, "percent": 14.6,
                                        "subcategories": ["retaliation_advice"]}
    assert f2["retaliation_advice"] == {"count": 22, "percent": 2.4,
                                        "group": "workplace_conflict"}
    # The 2024 annual report, protection against retaliation
    assert report["retaliation"] == {
        "year": 2024, "requests": 14, "outside_headquarters": 9,
        "duty_stations": {"headquarters": 5, "regional_office": 0, "country_office": 9,
                          "other": 0, "not_recorded": 0},
        "preliminary_review": {"prima_facie_established": 3, "no_prima_facie": 5,
                               "under_review": 2, "suspended": 3,
                               "closed_referred_misconduct": 1},
        # The seed gives no reason for its three suspensions; imports carry none.
        "suspension_reasons": {"parallel_complaint": 0, "no_retaliatory_action": 0,
                               "not_recorded": 3},
        "ethics_panel_reviews": {"requested": 2, "upheld": 1, "returned": 1},
        "protective_measures": {"prima_facie_cases": 3, "with_recommendation": 2},
        "independent_reviews": {"retaliation_established": 1, "not_substantiated": 1}}
    # Table 1's 66 are allegations reported to the office, not referrals it made
    assert report["misconduct_referrals"]["count"] == 0
    assert report["breakdowns"] == {
        "year": 2024, "advice_group_requests": 77,
        "anonymous_requests": {"advice": 18, "misconduct": 0},
        "training_participants": sum(8 + (n * 13) % 53 for n in range(122))}
    table_2 = {y: (f["filers"], f["compliance"]) for y, f in report["table_2"].items()}
    assert table_2 == {"2018": (2160, 99.9), "2019": (1613, 100.0), "2020": (1626, 100.0),
                       "2021": (1677, 100.0), "2022": (1630, 100.0), "2023": (1738, 100.0),
                       "2024": (1754, 99.8)}


def test_the_example_report_in_the_docs_is_current(tmp_path: Path,
                                                  request: pytest.FixtureRequest) -> None:
    h = backend_harness("sqlite", tmp_path, request)
    assert intake(h.container, "import", str(EXAMPLE)).exit_code == 0
    made = intake(h.container, "report", "--year", "2024", "--format", "md").stdout
    committed = (EXAMPLE.parent / "annual-report-2024.md").read_text(encoding="utf-8")

    def without_images(text: str) -> list[str]:
        return [line for line in text.splitlines() if line and not line.startswith("![")]

    assert without_images(committed) == without_images(made), (
        "docs/examples/annual-report-2024.md is stale: regenerate it as docs/reporting.md "
        "says")


def test_the_example_html_report_in_the_docs_is_current(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The HTML page, byte for byte, as `intake report --format html --charts docs/figures
    --output docs/examples/annual-report-2024.html` writes it."""
    from shared.reports.tables import html_page
    from shared.services.annual_report import annual_report

    h = backend_harness("sqlite", tmp_path, request)
    assert intake(h.container, "import", str(EXAMPLE)).exit_code == 0
    made = html_page(annual_report(2024, store=h.container.statistics, now=h.clock.now()),
                     {"Figure I": "../figures/figure-1.svg",
                      "Figure II": "../figures/figure-2.svg"})
    committed = (EXAMPLE.parent / "annual-report-2024.html").read_text(encoding="utf-8")
    assert made == committed, (
        "docs/examples/annual-report-2024.html is stale: regenerate it as docs/reporting.md "
        "says")
    without_images = intake(h.container, "report", "--year", "2024", "--format", "html")
    assert without_images.stdout == "".join(
        line for line in committed.splitlines(keepends=True) if "<img " not in line)


def test_charts_are_written_as_png_and_svg_and_shown_in_the_report(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness("sqlite", tmp_path, request)
    assert intake(h.container, "import", str(EXAMPLE)).exit_code == 0
    out = tmp_path / "out"
    result = intake(h.container, "report", "--year", "2024", "--format", "html", "--charts",
                    str(out / "charts"), "--output", str(out / "report.html"))
    assert result.exit_code == 0, result.output
    for name in ("figure-1", "figure-2"):
        png = (out / "charts" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
        svg = ET.parse(out / "charts" / f"{name}.svg").getroot()  # noqa: S314 (our own file)
        texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
        assert ("Figure II" if name == "figure-2" else "Figure I") in texts
    figure_2 = " ".join(t.text or "" for t in ET.parse(  # noqa: S314
        out / "charts" / "figure-2.svg").getroot().iter("{http://www.w3.org/2000/svg}text"))
    assert "328 (35.5 %)" in figure_2 and "n = 925" in figure_2
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'src="charts/figure-2.svg"' in page and 'src="charts/figure-1.svg"' in page


def test_help_codes_and_usage_errors(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    h = backend_harness("sqlite", tmp_path, request)
    result = intake(h.container, "import", "--help-codes")
    assert (result.exit_code, result.stdout) == (0, codes_help())
    assert intake(h.container, "import").exit_code == 2
    missing = intake(h.container, "import", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code != 0 and "nope.jsonl" in missing.output
    (tmp_path / "empty.jsonl").write_text("\n\n")
    empty = intake(h.container, "import", str(tmp_path / "empty.jsonl"))
    assert empty.exit_code == 1 and "no records to import" in empty.output
    line = b'{"kind": "service", "category": "training", "date": "2024-01-01", ' \
           b'"participants": 9}\n'
    dry = intake(h.container, "import", "--dry-run", "-", stdin=line)
    assert dry.exit_code == 0 and "nothing written" in dry.output
    assert intake(h.container, "import", "-", stdin=line).exit_code == 0
    report = json.loads(intake(h.container, "report", "--year", "2024").stdout)
    assert report["table_1"]["categories"]["training"]["2024"] == 1
    assert intake(h.container, "report", "--year", "24").exit_code == 2
    assert intake(h.container, "report", "--year", "2024", "--format", "pdf").exit_code == 2
    logged = intake(h.container, "log", "training", "--date", "2024-02-02")
    assert logged.exit_code == 1 and "--participants: Say how many" in logged.output
    logged = intake(h.container, "log", "training", "--date", "2024-02-02",
                    "--participants", "12")
    assert logged.exit_code == 0 and json.loads(logged.stdout)["participants"] == 12
