"""No request path imports what it does not use: a valid submission to each submit
function, and the advice form's page from `forms`, load none of Babel, Jinja2, click,
matplotlib, boto3 or apispec beyond what functions-framework itself (Flask) loads for a
function that does nothing; and no submit path loads what only other functions use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.payloads import payload

ROOT = Path(__file__).resolve().parents[2]
NEVER = ("babel", "jinja2", "click", "matplotlib", "boto3", "botocore", "apispec")
# What the pages use (templates in six languages): allowed on the forms' page only.
PAGES = ("babel", "jinja2")
# Our modules only other functions need: casework, disclosure, statistics, console, the
# Google certificate cache of the officers' sign-in.
OTHERS = ("shared.services.cases", "shared.services.disclosure", "shared.domain.disclosure",
          "shared.domain.statistics", "shared.services.forward", "shared.web",
          "shared.google_certs", "shared.reports")

PROBE = r"""
import json, sys
sys.path.insert(0, ".")
import functions_framework, werkzeug.test
function, source, method, path, body = json.loads(sys.argv[1])
app = functions_framework.create_app(function, source)
if method:
    response = werkzeug.test.Client(app).open(
        path, method=method, data=body.encode() if body else None,
        headers={"Accept": "text/html"} if method == "GET" else {},
        content_type="application/json" if body else None)
    assert response.status_code in (200, 201), response.status_code
print("MODULES " + json.dumps(sorted(sys.modules)))
"""


def loaded(function: str, source: str, tmp_path: Path, method: str = "", path: str = "/",
           body: str = "") -> set[str]:
    env = {"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path),
           "INTAKE_FORM_RATE_LIMIT": "0", "INTAKE_FUNCTIONS_BASE_URL": "http://127.0.0.1:9",
           "INTAKE_LOCAL_DISPATCH_ATTEMPTS": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE,
                          json.dumps([function, source, method, path, body])],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    after = out.stdout.split("MODULES ", 1)[1]
    return set(json.JSONDecoder().raw_decode(after)[0])


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """What a function that does nothing holds: functions-framework and Flask."""
    folder = tmp_path_factory.mktemp("noop")
    (folder / "main.py").write_text(
        "import functions_framework\n\n\n@functions_framework.http\n"
        "def noop(request):\n    return 'ok'\n", encoding="utf-8")
    return loaded("noop", str(folder / "main.py"), folder)


def beyond(modules: set[str], floor: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules - floor
                  if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_a_submission_loads_nothing_it_does_not_use(form: str, floor: set[str],
                                                    tmp_path: Path) -> None:
    function = f"submit_{form}"
    modules = loaded(function, f"functions/{function}/main.py", tmp_path, "POST", "/",
                     json.dumps(payload(form)))
    assert "shared.services.receive" in modules  # the probe did take the submission
    assert beyond(modules, floor, NEVER) == []
    assert beyond(modules, floor, OTHERS) == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_advice_form_loads_no_tool_it_does_not_use(language: str, floor: set[str],
                                                       tmp_path: Path) -> None:
    modules = loaded("forms", "functions/forms/main.py", tmp_path, "GET",
                     f"/advice?lang={language}")
    assert "babel" in modules  # the page was rendered
    unused = tuple(m for m in NEVER if m not in PAGES)
    assert beyond(modules, floor, unused) == []
