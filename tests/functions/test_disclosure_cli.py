"""`intake filers ...` and `intake campaign ...` over the embedded database: the roster
from CSV or JSON Lines (all or nothing, the diff printed), nominations and withdrawals,
a campaign opened and its status, and `intake report`'s Table 2 from the records."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.cli import main
from shared.domain.officers import ETHICS_OFFICER, Officer
from shared.services import disclosure as programme_service
from tests.support.disclosure import nothing_to_declare, roster_line
from tests.support.harness import Harness


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))


def run(h: Harness, *args: str) -> Result:
    with bootstrap.using(h.container):
        return CliRunner().invoke(main, list(args))


def write_csv(path: Path, lines: list[dict[str, Any]]) -> Path:
    fields = sorted({k for line in lines for k in line})
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(lines)
    return path


def test_a_roster_from_csv_then_a_diff_from_json_lines(h: Harness, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "roster.csv", [roster_line(n) for n in range(5)])
    result = run(h, "filers", "import", str(first))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["joined"] == 5
    second = tmp_path / "roster.jsonl"
    second.write_text("\n".join(json.dumps(roster_line(n, grade="D-1" if n == 1 else "P-5"))
                                for n in (0, 1, 2, 9)) + "\n", encoding="utf-8")
    dry = run(h, "filers", "import", str(second), "--dry-run")
    assert json.loads(dry.output) | {"dry_run": False} == {
        "joined": 1, "left": 2, "changed": 1, "unchanged": 2, "obligations_added": 0,
        "obligations_closed": 0, "dry_run": False}
    assert len(h.container.disclosure_store.filers()) == 5  # nothing written
    result = run(h, "filers", "import", str(second))
    assert json.loads(result.output)["left"] == 2
    listed = json.loads(run(h, "filers", "list", "--status", "separated", "--json").output)
    assert [f["staff_id"] for f in listed["filers"]] == ["S000003", "S000004"]


def test_one_bad_line_imports_nothing(h: Harness, tmp_path: Path) -> None:
    lines = [roster_line(n) for n in range(3)]
    lines[1]["duty_station"] = "moon"
    lines[2]["email"] = "not-an-address"
    result = run(h, "filers", "import", str(write_csv(tmp_path / "r.csv", lines)))
    assert result.exit_code != 0
    assert "line 2.duty_station" in result.output and "line 3.email" in result.output
    assert h.container.disclosure_store.filers() == []
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("staff_id,salary\nS1,100\n", encoding="utf-8")
    assert "unknown: salary" in run(h, "filers", "import", str(bad_header)).output


def test_nominate_withdraw_open_and_status(h: Harness, tmp_path: Path) -> None:
    run(h, "filers", "import", str(write_csv(tmp_path / "r.csv",
                                               [roster_line(n) for n in range(3)])))
    opened = run(h, "campaign", "open", "--year", "2025")
    assert json.loads(opened.output) == {"year": 2025, "due_on": "2026-03-31",
                                         "created": True, "obligations_added": 3}
    nominated = run(h, "filers", "nominate", "--staff-id", "N1", "--name", "Nia Nominee",
                    "--email", "nia@example.org", "--grade", "P-4", "--staff-category",
                    "international_professional", "--duty-station", "country_office",
                    "--office", "Procurement", "--unit", "procurement")
    assert nominated.exit_code == 0, nominated.output
    assert json.loads(nominated.output)["filer"]["source"] == "nominated"
    assert run(h, "filers", "withdraw", "S000002").exit_code == 0
    assert run(h, "filers", "withdraw", "S000002").exit_code != 0

    p = h.container.programme
    programme_service.file_declaration(p, programme_service.caller(p, "filer0@example.org"),
                                       nothing_to_declare(), kind="annual", year=2025)
    status = json.loads(run(h, "campaign", "status", "--year", "2025", "--json").output)
    assert status["states"] == {"pending": 2, "filed": 1, "separated": 0, "withdrawn": 1}
    assert status["compliance"]["filers"] == 3
    assert status["reminders_sent"] == {"reminder": 0, "escalation": 0}
    moved = tmp_path / "moved.jsonl"
    moved.write_text("\n".join(json.dumps(roster_line(n, unit="legal" if n == 1 else "finance"))
                               for n in range(3)) + "\n", encoding="utf-8")
    assert json.loads(run(h, "filers", "import", str(moved)).output)["changed"] == 1
    moved_obligation = h.container.disclosure_store.obligation(2025, "S000001")
    assert moved_obligation is not None and moved_obligation.unit == "legal"
    shown = json.loads(run(h, "filers", "show", "S000000").output)
    assert shown["obligations"][0]["state"] == "filed"
    assert "sections" not in json.dumps(shown)  # never a declaration's content

    declaration_id = shown["declarations"][0]["id"]
    officer = programme_service.Caller(
        "olga@example.org", Officer("olga@example.org", "Olga", frozenset({ETHICS_OFFICER})))
    programme_service.review_declaration(p, officer, declaration_id, "guidance_given",
                                         "Step aside from the tender.")
    report = run(h, "report", "--year", "2025", "--format", "json")
    assert report.exit_code == 0, report.output
    document = json.loads(report.output)
    assert document["table_2"]["2025"] == {
        "filers": 3, "compliant": 1, "compliance": 33.3, "separated_without_filing": 0,
        "compliance_still_employed": 33.3}
    assert document["disclosure_outcomes"] == {
        "year": 2025, "reviewed": 1, "cleared": 0, "cleared_percent": 0.0, "guidance": 1,
        "guidance_percent": 100.0}
    markdown = run(h, "report", "--year", "2025", "--format", "md").output
    assert "## Table 2 (detail)" in markdown and "## Disclosure review outcomes" in markdown
    assert "Step aside" not in markdown
