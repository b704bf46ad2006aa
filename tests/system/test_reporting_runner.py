"""The two commands together, for real: `scripts/run` serving log_service and the forms,
and `intake import` / `intake report` on the same embedded database in other processes."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tests.support.logscan import find_leaks
from tests.support.payloads import SENSITIVE, payload
from tests.system.test_local_runner import (  # noqa: F401 (the runner fixture)
    bearer,
    post,
    printed_tokens,
    runner,
)

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / ".venv" / "bin" / "intake"


def intake(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTAKE_DATA_DIR": str(data_dir)}
    return subprocess.run([str(INTAKE), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_services_logged_and_forms_submitted_over_http_reach_the_report(
        runner: tuple[str, Path], tmp_path: Path) -> None:  # noqa: F811
    base_url, log_path = runner
    data_dir = tmp_path / "data"
    # scripts/run's demo officer, with the token it printed
    officer = bearer(printed_tokens(log_path)["officer@localhost.test"])
    assert post(f"{base_url}/log_service", {"category": "media_inquiry"})[0] == 401
    status, answer = post(f"{base_url}/log_service", {"category": "media_inquiry",
                                                      "date": "2024-05-05"}, officer)
    assert status == 201, answer
    status, answer = post(f"{base_url}/log_service", {"category": "training"}, officer)
    assert status == 422 and "participants" in answer["errors"]  # type: ignore[operator]
    status, answer = post(f"{base_url}/submit_advice", payload("advice"))
    assert status == 201, answer

    imported = intake(data_dir, "import", str(ROOT / "docs/examples/annual-report-2024.jsonl"))
    assert imported.returncode == 0, imported.stderr
    assert "imported 5371 records" in imported.stdout
    assert not imported.stdout.lstrip().startswith("{")  # log lines go to stderr

    report = intake(data_dir, "report", "--year", "2024")
    assert report.returncode == 0, report.stderr
    table_1 = json.loads(report.stdout)["table_1"]
    assert table_1["categories"]["media_inquiry"]["2024"] == 0 + 1
    assert table_1["total"]["2024"] == 2166 + 1
    this_year = datetime.now(UTC).year
    now = json.loads(intake(data_dir, "report", "--year", str(this_year)).stdout)
    assert now["table_1"]["categories"]["advice"][str(this_year)] == 1
    assert now["figure_2"]["subcategories"]["coi_outside_activities"]["count"] == 1
    assert find_leaks(log_path.read_text().splitlines(), SENSITIVE) == []
