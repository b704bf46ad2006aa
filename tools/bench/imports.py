"""Cold-start imports: each function module with the adapters its request path uses,
against the third-party packages that path needs, each in a fresh interpreter."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ADAPTERS = {
    "embedded": {"store": ["shared.adapters.sqlite_store"],
                 "queue": ["shared.adapters.local_dispatcher"],
                 "cipher": ["shared.adapters.envelope", "shared.adapters.local_keys",
                            "shared.adapters.replay_hmac"]},
    "gcp": {"store": ["shared.adapters.firestore_store"],
            "queue": ["shared.adapters.cloud_tasks_queue"],
            "cipher": ["shared.adapters.envelope", "shared.adapters.local_keys",
                       "shared.adapters.replay_hmac"]},
}
THIRD_PARTY = {
    "embedded": {"store": ["sqlite3"], "queue": ["urllib.request"],
                 "cipher": ["cryptography.hazmat.primitives.ciphers.aead"]},
    "gcp": {"store": ["google.cloud.firestore"], "queue": ["google.cloud.tasks_v2"],
            "cipher": ["cryptography.hazmat.primitives.ciphers.aead"]},
}
# What each function's request path touches.
PATHS = {
    "submit_advice": (["store", "queue", "cipher"], True),
    "submit_misconduct": (["store", "queue", "cipher"], True),
    "submit_retaliation": (["store", "queue", "cipher"], True),
    "triage": (["store"], True),
    "sweep": (["store", "queue"], False),
}
BASE = ["functions_framework", "pythonjsonlogger.json", "shared.adapters.clock"]

PROBE = """
import importlib, importlib.util, sys, time, json
modules, source = json.loads(sys.argv[1]), sys.argv[2]
for name in json.loads(sys.argv[3]):  # already loaded: what is timed is only what we add
    importlib.import_module(name)
started = time.perf_counter()
if source:
    spec = importlib.util.spec_from_file_location("main", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
for name in modules:
    importlib.import_module(name)
print(json.dumps({"ms": (time.perf_counter() - started) * 1000,
                  "boto3": "boto3" in sys.modules}))
"""


@dataclass
class ImportResult:
    function: str
    backend: str
    function_ms: float  # median
    floor_ms: float  # median
    overhead_ms: float  # median of the paired differences (each pair run back to back)
    ours_ms: float  # median time of our modules alone, the third-party ones loaded first
    boto3: bool


def _probe(modules: list[str], source: str, preload: list[str] | None = None
           ) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(modules), source,
                          json.dumps(preload or [])], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


def measure(runs: int = 15) -> list[ImportResult]:
    results = []
    for backend in ("embedded", "gcp"):
        for function, (parts, uses_marshmallow) in PATHS.items():
            ours = [m for part in parts for m in ADAPTERS[backend][part]] + ["shared.bootstrap"]
            theirs = [m for part in parts for m in THIRD_PARTY[backend][part]]
            theirs += BASE[:2] + (["marshmallow"] if uses_marshmallow else [])
            source = str(ROOT / "functions" / function / "main.py")
            function_ms, floor_ms, boto3 = [], [], False
            for run in range(runs):  # paired and alternated, so drift hits both alike
                first_ours = run % 2 == 0
                if not first_ours:
                    floor_ms.append(_probe(theirs, "")["ms"])
                probe = _probe([*ours, BASE[2]], source)
                function_ms.append(probe["ms"])
                boto3 = boto3 or bool(probe["boto3"])
                if first_ours:
                    floor_ms.append(_probe(theirs, "")["ms"])
            differences = [f - g for f, g in zip(function_ms, floor_ms, strict=True)]
            ours_ms = [_probe([*ours, BASE[2]], source, theirs)["ms"] for _ in range(runs)]
            results.append(ImportResult(function, backend, statistics.median(function_ms),
                                        statistics.median(floor_ms),
                                        statistics.median(differences),
                                        statistics.median(ours_ms), boto3))
    return results
