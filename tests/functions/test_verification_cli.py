"""`intake verification draw|show|void` over the embedded database: the dry run's
allocation writes nothing, the draw prints its seed and sample, `show` reproduces it from
its seed and frame, and a second draw is refused until the first is voided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.cli import main
from shared.cli.disclosure import _operator
from shared.services import disclosure as programme_service
from tests.support.disclosure import roster_line
from tests.support.harness import Harness


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))
    p = harness.container.programme
    lines = [roster_line(n, grade=("P-4", "G-5", "D-1")[n % 3],
                         duty_station=("headquarters", "country_office")[n % 2])
             for n in range(60)]


    admin = _operator()
    programme_service.import_roster(p, admin, lines)
    programme_service.open_campaign(p, admin, 2025)
    return harness


def run(h: Harness, *args: str) -> Result:
    with bootstrap.using(h.container):
        return CliRunner().invoke(main, list(args))


def test_dry_run_then_draw_show_refuse_void_and_draw_again(h: Harness) -> None:
    dry = run(h, "verification", "draw", "--year", "2025", "--share", "0.06", "--dry-run")
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.output)
    assert plan["dry_run"] is True and plan["population"] == 60
    assert plan["rounded_share"] == 4 and plan["total"] == 6  # six strata, one each
    assert all(s["allocated"] == 1 for s in plan["strata"]) and len(plan["strata"]) == 6
    assert h.container.disclosure_store.draws(2025) == []
    drawn = run(h, "verification", "draw", "--year", "2025", "--share", "0.2")
    assert drawn.exit_code == 0, drawn.output
    draw = json.loads(drawn.output)
    assert len(draw["sample"]) == 12 and len(draw["seed"]) == 64 and "frame" not in draw
    shown = json.loads(run(h, "verification", "show", "--year", "2025", "--frame").output)
    assert shown["draw"]["reproduced"] is True and shown["draw"]["seed"] == draw["seed"]
    assert sum(len(ids) for ids in shown["draw"]["frame"].values()) == 60
    refused = run(h, "verification", "draw", "--year", "2025", "--share", "0.2")
    assert refused.exit_code != 0 and "void" in refused.output
    voided = run(h, "verification", "void", "--year", "2025", "--reason", "Rehearsal.")
    assert voided.exit_code == 0 and json.loads(voided.output)["void_reason"] == "Rehearsal."
    again = run(h, "verification", "draw", "--year", "2025", "--share", "0.2")
    assert again.exit_code == 0 and json.loads(again.output)["number"] == 2
    shown = json.loads(run(h, "verification", "show", "--year", "2025").output)
    assert [d["number"] for d in shown["voided"]] == [1] and shown["draw"]["number"] == 2


def test_bad_share_or_year_draws_nothing(h: Harness) -> None:
    for share in ("0", "2", "abc", "0.123456"):
        result = run(h, "verification", "draw", "--year", "2025", "--share", share)
        assert result.exit_code != 0 and "share" in result.output
    assert run(h, "verification", "draw", "--year", "2024", "--share", "0.1").exit_code != 0
    assert run(h, "verification", "void", "--year", "2025", "--reason", "x").exit_code != 0
    assert h.container.disclosure_store.draws(2025) == []
