"""What the web pages cost: the forms function's imports, a language's first page
in a fresh process (catalogue compiled from its .po file, templates compiled), and a warm
page. Prints a table; run with .venv/bin/python tools/bench/pages.py [--runs N].

Each cold figure is the median of fresh interpreters, because a first render happens once
per instance (and once per language).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COLD = r"""
import json, sys, time, importlib.util
lang, data_dir = sys.argv[1], sys.argv[2]
import functions_framework, pythonjsonlogger.json, marshmallow, flask, jinja2  # third party
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("main", "functions/forms/main.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
imported = time.perf_counter() - started
import os
os.environ.update({"INTAKE_DATA_DIR": data_dir, "INTAKE_BACKEND": "embedded"})
app = functions_framework.create_app("forms", "functions/forms/main.py")
client = app.test_client()
client.get("/assets/app.css")  # builds the container, as any first request does
started = time.perf_counter()
response = client.get(f"/advice?lang={lang}", headers={"Accept": "text/html"})
first = time.perf_counter() - started
assert response.status_code == 200, response.status_code
started = time.perf_counter()
for _ in range(20):
    client.get(f"/advice?lang={lang}", headers={"Accept": "text/html"})
warm = (time.perf_counter() - started) / 20
print(json.dumps({"import_ms": imported * 1000, "first_ms": first * 1000,
                  "warm_ms": warm * 1000}))
"""


def cold(lang: str, data_dir: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", COLD, lang, data_dir], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as data_dir:
        for lang in ("en", "fr", "es", "pt", "ar", "zh"):
            samples = [cold(lang, data_dir) for _ in range(args.runs)]
            imported, first, warm = (statistics.median(s[key] for s in samples)
                                     for key in ("import_ms", "first_ms", "warm_ms"))
            rows.append((lang, imported, first, warm))
    print(f"Medians of {args.runs} fresh interpreters per language; page: /forms/advice.")
    print("| Language | forms imports, ours (ms) | first page (ms) | warm page (ms) |")
    print("|---|---:|---:|---:|")
    for lang, imported, first, warm in rows:
        print(f"| {lang} | {imported:.1f} | {first:.1f} | {warm:.2f} |")


if __name__ == "__main__":
    main()
