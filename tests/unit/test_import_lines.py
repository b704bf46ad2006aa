"""Each import line validated on its own; bad lines named by number, field and rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schemas.import_file import codes_help, validate_lines
from shared.domain.taxonomy import (
    ADVICE_SUBCATEGORIES,
    INDEPENDENT_REVIEW_RESULTS,
    OTHER_SERVICE_CATEGORIES,
    PANEL_REVIEW_STEPS,
    RETALIATION_OUTCOMES,
    SERVICE_CATEGORIES,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 3, 2)


def check(*lines: Any) -> tuple[list[tuple[int, str, dict[str, Any]]], dict[int, str]]:
    raw = [line if isinstance(line, bytes) else json.dumps(line).encode() for line in lines]
    result = validate_lines(raw, today=TODAY)
    return ([(v.line, v.kind, dict(v.data)) for v in result.lines],
            {e.line: e.describe() for e in result.errors})


def test_every_kind_with_every_code_is_accepted() -> None:
    lines: list[dict[str, Any]] = [
        {"kind": "service", "category": c, "date": "2024-01-05"}
        | ({"participants": 20} if c == "training" else {})
        for c in (*OTHER_SERVICE_CATEGORIES, "misconduct")]
    lines += [{"kind": "advice", "subcategory": s, "date": "2023-02-28"}
              for s in ADVICE_SUBCATEGORIES]
    lines += [{"kind": "retaliation", "outcome": o, "date": "2020-12-31"}
              for o in RETALIATION_OUTCOMES]
    lines += [{"kind": "panel_review", "step": s, "date": "2024-03-01"}
              for s in PANEL_REVIEW_STEPS]
    lines += [{"kind": "independent_review", "result": r, "date": "2024-03-01"}
              for r in INDEPENDENT_REVIEW_RESULTS]
    lines += [{"kind": "misconduct", "date": "2024-05-01", "allegation_type": "other",
               "anonymous": True},
              {"kind": "disclosure", "year": 2018, "filers": 2160, "compliant": 2158},
              {"kind": "advice", "subcategory": "coi_investments", "date": "2024-01-01",
               "category": "conflict_of_interest", "duty_station": "headquarters",
               "staff_category": "consultant", "requester_type": "group",
               "anonymous": False},
              {"kind": "retaliation", "outcome": "not_substantiated", "date": "2024-01-01",
               "duty_station": "country_office", "protective_measures": True}]
    valid, errors = check(*lines)
    assert errors == {}
    assert len(valid) == len(lines)
    assert valid[0] == (1, "service", {"kind": "service", "category": "champion_request",
                                       "date": date(2024, 1, 5)})


@pytest.mark.parametrize(("line", "expected"), [
    ({"kind": "service", "category": "advice", "date": "2024-01-01"},
     'category: Not a service: advice requests are imported as kind "advice"'),
    ({"kind": "service", "category": "retaliation", "date": "2024-01-01"},
     "category: Not a service: retaliation complaints"),
    ({"kind": "service", "category": "coffee", "date": "2024-01-01"},
     "category: Must be one of: champion_request"),
    ({"kind": "service", "category": "training", "date": "2024-01-01"},
     "participants: Say how many"),
    ({"kind": "service", "category": "media_inquiry", "date": "2024-01-01",
      "participants": 2}, "participants: Only for a training."),
    ({"kind": "service", "category": "training", "date": "2024-01-01", "participants": 0},
     "participants: Must be greater than or equal to 1"),
    ({"kind": "service", "category": "training", "date": "2024-01-01",
      "participants": True}, "participants: Not a valid integer."),
    ({"kind": "service", "category": "policy_input", "date": "2024-01-01",
      "allegation_type": "other"}, "allegation_type: Only for category misconduct."),
    ({"kind": "advice", "subcategory": "conflict_of_interest", "date": "2024-01-01"},
     "subcategory: conflict_of_interest is a group: use one of its sub-categories"),
    ({"kind": "advice", "subcategory": "coi_investments", "category": "other",
      "date": "2024-01-01"}, "subcategory: In category other, must be one of: other."),
    ({"kind": "advice", "subcategory": "other"}, "date: Missing data for required field."),
    ({"kind": "advice", "subcategory": "other", "date": "2026-03-04"},
     "date: Must not be in the future."),
    ({"kind": "advice", "subcategory": "other", "date": "1949-12-31"},
     "date: Must not be before 1950-01-01."),
    ({"kind": "advice", "subcategory": "other", "date": "2024-02-30"},
     "date: Not a valid date."),
    ({"kind": "retaliation", "date": "2024-01-01"}, "outcome: Missing data"),
    ({"kind": "retaliation", "date": "2024-01-01", "outcome": "won"},
     "outcome: Must be one of: prima_facie_established"),
    ({"kind": "retaliation", "date": "2024-01-01", "outcome": "no_prima_facie",
      "protective_measures": True},
     "protective_measures: Only for a complaint found prima facie"),
    ({"kind": "retaliation", "date": "2024-01-01", "outcome": "suspended",
      "anonymous": True}, "anonymous: Unknown field."),
    ({"kind": "panel_review", "date": "2024-01-01"}, "step: Missing data"),
    ({"kind": "panel_review", "date": "2024-01-01", "step": "appealed"},
     "step: Must be one of: requested, upheld, returned"),
    ({"kind": "independent_review", "date": "2024-01-01", "result": "under_review"},
     "result: Must be one of: retaliation_established, not_substantiated"),
    ({"kind": "advice", "subcategory": "other", "date": "2024-01-01", "anonymous": "maybe"},
     "anonymous: Not a valid boolean."),
    ({"kind": "disclosure", "year": 2024, "filers": 10, "compliant": 11},
     "compliant: Must not be more than filers."),
    ({"kind": "disclosure", "year": 2027, "filers": 10, "compliant": 10},
     "year: Must not be in the future."),
    ({"kind": "disclosure", "year": 2024, "filers": 0, "compliant": 0},
     "filers: Must be greater than or equal to 1"),
    ({"kind": "advice", "subcategory": "other", "date": "2024-01-01", "name": "X Y"},
     "name: Unknown field."),
    ({"kind": "complaint"}, "kind: Must be one of: service, advice, retaliation"),
    ({"kind": 7}, "kind: Not a valid string."),
    ({"kind": "advice\u200b", "subcategory": "other", "date": "2024-01-01"},
     "kind: Must not contain invisible formatting characters such as soft hyphens, "
     "zero-width spaces or direction marks (found U+200B)."),
    ({"kind": "service", "category": "training\u00ad", "date": "2024-01-01",
      "participants": 3}, "category: Must not contain invisible formatting characters"),
    ({"kind": "advice", "subcategory": "\u202eother", "date": "2024-01-01"},
     "subcategory: Must not contain invisible formatting characters"),
    ({"kind": "retaliation", "date": "2024-01-01", "outcome": "upheld\x1b"},
     "outcome: Must not contain control characters (found U+001B)."),
    ({"kind": "misconduct", "date": "2024-01-01", "duty_station": "headquarters\x85"},
     "duty_station: Must not contain control characters (found U+0085)."),
    ({"category": "training"}, "kind: Missing data for required field."),
    ([1, 2], "Must be a JSON object, one record per line."),
    (b'{"kind": "advice", "kind": "advice"}', "A key appears twice"),
    (b'{"kind": "advice",', "Not valid JSON"),
    (b'{"kind": NaN}', "Not valid JSON"),
    (b'{"kind": "\xff"}', "Not valid UTF-8."),
    (b'{"kind": "' + b"x" * 20000 + b'"}', "Longer than 16384 bytes."),
])
def test_a_bad_line_is_named_with_its_field_and_rule(line: Any, expected: str) -> None:
    valid, errors = check({"kind": "misconduct", "date": "2024-01-01"}, line)
    assert [v[0] for v in valid] == [1]
    assert list(errors) == [2]
    assert errors[2].startswith(f"line 2: {expected}"), errors[2]


def test_messages_do_not_repeat_the_values_of_the_line() -> None:
    _, errors = check({"kind": "advice", "subcategory": "Marguerite Okonkwo", "date": "x"})
    assert "Marguerite" not in errors[1] and "line 1:" in errors[1]


def test_blank_lines_a_byte_order_mark_and_repeated_years() -> None:
    year = {"kind": "disclosure", "year": 2020, "filers": 5, "compliant": 5}
    result = validate_lines([b"\xef\xbb\xbf" + json.dumps(year).encode(), b"", b"  \t",
                             json.dumps(year).encode()], today=TODAY)
    assert [v.line for v in result.lines] == [1]
    assert result.blank == 2
    assert [e.describe() for e in result.errors] == [
        "line 4: year: Year 2020 is already given on line 1."]


def test_help_codes_lists_every_code_and_the_format_doc_shows_it_verbatim() -> None:
    text = codes_help()
    codes = {line.strip().removesuffix(" (group):") for line in text.splitlines()
             if line.startswith("  ")}
    assert set(SERVICE_CATEGORIES) - {"advice", "retaliation"} <= codes
    assert set(ADVICE_SUBCATEGORIES) | {"conflict_of_interest"} <= codes
    assert set(RETALIATION_OUTCOMES) <= codes
    assert set(PANEL_REVIEW_STEPS) | set(INDEPENDENT_REVIEW_RESULTS) <= codes
    doc = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    assert f"```text\n{text}```" in doc


def test_repeated_lines_keep_their_own_numbers() -> None:
    good = {"kind": "service", "category": "media_inquiry", "date": "2024-01-01"}
    bad = {"kind": "service", "category": "media_inquiry", "date": "2030-01-01"}
    valid, errors = check(good, bad, good, bad, good)
    assert [(line, kind) for line, kind, _ in valid] == [(1, "service"), (3, "service"),
                                                         (5, "service")]
    assert valid[0][2] == valid[2][2]
    assert errors == {2: "line 2: date: Must not be in the future.",
                      4: "line 4: date: Must not be in the future."}
