"""Every function's bundle, as Cloud Functions gets it: installed into a clean virtualenv
from its own requirements.txt alone, it imports its main.py and every module of ours its
import graph reaches, lazy ones included (each adapter and page it may build), so nothing
it may import is missing; and what it does not import is not installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.bundles import bundle_venv, clean_environment, run
from tools.bundles.imports import function_names, import_graph
from tools.bundles.make import build_bundle

PROBE = """
import importlib, json, sys
import main
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
found = {}
for name in ("boto3", "apispec", "matplotlib"):
    try:
        importlib.import_module(name)
        found[name] = True
    except ImportError:
        found[name] = False
print(json.dumps({"shared": importlib.import_module("shared").__file__, "found": found}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("function", function_names())
def test_the_bundle_imports_all_it_reaches_from_its_own_requirements(
        function: str, tmp_path: Path) -> None:
    bundle = build_bundle(function, tmp_path / "build")
    venv = bundle_venv(bundle / "requirements.txt")
    modules = sorted(import_graph(function).modules)
    assert "shared.bootstrap" in modules and len(modules) > 20
    out = run([str(venv / "bin" / "python"), "-c", PROBE, json.dumps(modules)], bundle,
              clean_environment(), 240)
    result = json.loads(out.strip().splitlines()[-1])
    # Our code comes from the bundle, not from an installed project.
    assert Path(result["shared"]).resolve().is_relative_to(bundle.resolve())
    assert result["found"]["apispec"] is False and result["found"]["matplotlib"] is False
    assert result["found"]["boto3"] is (function == "notify")
