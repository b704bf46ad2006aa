"""Pages cost the JSON path nothing: page rendering is imported only when a page is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Jinja2 and itsdangerous come with Flask (functions-framework imports them anyway); what
# pages add is Babel, our web package and the browser branch of the submit endpoint.
RENDERING = ["babel", "shared.endpoints.browser_submit", "shared.web"]

PROBE = r"""
import json, sys, functions_framework, werkzeug.test
app = functions_framework.create_app(sys.argv[1], f"functions/{sys.argv[1]}/main.py")
client = werkzeug.test.Client(app)
rendering = json.loads(sys.argv[2])
seen = {}
def loaded():
    return sorted(m for m in rendering if m in sys.modules)
seen["import"] = loaded()
r = client.post("/", data=b'{"question": 1}', content_type="application/json")
seen["json"] = [r.status_code, loaded()]
r = client.post("/", data=b"question=1", content_type="application/x-www-form-urlencoded")
seen["api_form"] = [r.status_code, loaded()]
r = client.post("/", data=b"question=1", content_type="application/x-www-form-urlencoded",
                headers={"Accept": "text/html", "Sec-Fetch-Site": "same-origin"})
seen["browser_form"] = [r.status_code, r.mimetype, loaded()]
print(json.dumps(seen))
"""


@pytest.mark.parametrize("function", ["submit_advice", "submit_misconduct",
                                      "submit_retaliation"])
def test_the_json_path_imports_no_page_rendering(function: str, tmp_path: Path) -> None:
    env = {"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE, function, json.dumps(RENDERING)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                         check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["import"] == []
    assert seen["json"] == [422, []]
    assert seen["api_form"] == [422, []]
    status, mimetype, loaded = seen["browser_form"]
    assert (status, mimetype) == (403, "text/html")  # no token: refused, as a page
    assert {"shared.endpoints.browser_submit", "shared.web"} <= set(loaded)
