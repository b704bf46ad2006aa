"""Processes the benchmark runs: the function server (every function plus the floor) and a
sink that answers 200 to every task, so real and floor tasks cost the server the same."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import functions_framework
from werkzeug.serving import run_simple

ROOT = Path(__file__).resolve().parents[2]


def sink(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def function_server() -> Any:
    from shared.devserver import FunctionMounts, _index, function_names

    names = function_names()
    create = functions_framework.create_app
    apps = {name: create(name, str(ROOT / "functions" / name / "main.py"))  # type: ignore[no-untyped-call]
            for name in names}
    for floor in ("bench_floor", "bench_floor_store"):
        apps[floor] = create(  # type: ignore[no-untyped-call]
            floor, str(ROOT / "tools" / "bench" / "floor" / "main.py"))
    return FunctionMounts(_index(names), apps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["functions", "sink"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if args.role == "sink":
        run_simple("127.0.0.1", args.port, sink, threaded=True)
        return
    # As in production: functions-framework's gunicorn (1 worker, 4 threads per vCPU).
    from functions_framework._http.gunicorn import GunicornApplication

    server = GunicornApplication(  # type: ignore[no-untyped-call]
        function_server(), "127.0.0.1", args.port, False)
    server.run()


if __name__ == "__main__":
    main()
