"""The local runner: every function on one server under ``/<function_name>``, with the
configured backend (the embedded one: in-process task dispatch; the gcp one against the
emulators: ``scripts/run --emulators``), the reference receiver of the investigations
office, and a periodic sweep standing in for Cloud Scheduler."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import functions_framework
from flask import Flask, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from schemas.openapi import build_openapi
from shared import bootstrap, logs
from shared.bootstrap import Container

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
log = logs.get_logger(__name__)


def function_names(root: Path = FUNCTIONS_DIR) -> list[str]:
    """Every function of the project: a folder of functions/ with a main.py."""
    return sorted(p.parent.name for p in root.glob("*/main.py"))


def _index(names: Iterable[str]) -> Flask:
    app = Flask("ethics-intake-devserver")
    listing = sorted(names)

    @app.get("/")
    def index() -> dict[str, Any]:
        return {"functions": [f"/{name}" for name in listing], "openapi": "/openapi.json"}

    @app.get("/openapi.json")
    def openapi() -> Response:
        return Response(json.dumps(build_openapi(), indent=2), mimetype="application/json")

    return app


class FunctionMounts:
    """Routes ``/<name>`` and ``/<name>/...`` to each function's own app, which sees the
    request at ``/`` as it would behind its own Cloud Functions URL, and logs one access
    line per request (method, path, status, milliseconds; never a body)."""

    def __init__(self, index: WSGIApplication, functions: dict[str, WSGIApplication]) -> None:
        self._index = index
        self._functions = functions

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        name, _, rest = path.lstrip("/").partition("/")
        app = self._functions.get(name)
        if app is None:
            return self._index(environ, start_response)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + name
        environ["PATH_INFO"] = "/" + rest
        started = time.perf_counter()

        def logged_start(status: str, headers: Any, exc_info: Any = None) -> Any:
            log.info("request", extra={
                "event": "http_request", "function": name,
                "method": environ.get("REQUEST_METHOD"), "status": int(status.split()[0]),
                "ms": round((time.perf_counter() - started) * 1000, 2)})
            return start_response(status, headers, exc_info)

        return app(environ, logged_start)


RECEIVER = "investigations_intake"


def receiver_token_file(data_dir: Path) -> Path:
    """Where the local runner keeps the reference receiver's control token (0600)."""
    return data_dir / "keys" / "receiver-control.token"


def receiver_token(data_dir: Path) -> str:
    """The control token of the local reference receiver, created on first use."""
    from shared.adapters.local_secrets import secret_from_file

    return secret_from_file(receiver_token_file(data_dir), create=True)


def reference_receiver(container: Container) -> WSGIApplication:
    """The investigations office's side, for local use: the reference receiver, sharing
    the forwarding secret, keeping its records in its own database; its test controls and
    its list need the control token."""
    from reference_receiver.app import ReferenceReceiver
    from reference_receiver.store import ReceiverStore

    data_dir = container.settings.data_dir
    store = ReceiverStore(data_dir / "investigations.sqlite3")
    return ReferenceReceiver(store, container.forward_secret,
                             control_token=receiver_token(data_dir))


def build_app(names: Iterable[str] | None = None,
              receiver: WSGIApplication | None = None) -> FunctionMounts:
    """One WSGI app mounting each function's own functions-framework app at /<name>, and
    the reference receiver at /investigations_intake when given."""
    selected = list(names if names is not None else function_names())
    apps = {name: functions_framework.create_app(  # type: ignore[no-untyped-call]
                name, str(FUNCTIONS_DIR / name / "main.py"))
            for name in selected}
    if receiver is not None:
        apps[RECEIVER] = receiver
    return FunctionMounts(_index([*selected, *([RECEIVER] if receiver else [])]), apps)


def _sweep_periodically(container: Container, stop: threading.Event) -> None:
    interval = container.settings.local_sweep_seconds
    while not stop.wait(interval):
        try:
            report = container.use_cases.sweep()  # purges and crypto-shredding included
        except Exception:
            log.exception("local sweep failed", extra={"event": "sweep_failed"})
            continue
        if report.requeued or report.failed:
            log.info("local sweep ran", extra={"event": "sweep_ran",
                                               "requeued": len(report.requeued),
                                               "failed": len(report.failed)})


def banner(base_url: str, *, control_token: str, dev_tokens: Mapping[str, str],
           backend: str = "embedded") -> str:
    """What the local runner prints: the functions, a first request, each officer's
    development token (``dev_tokens``: address -> token) for the case API and `intake
    cases`, and the reference receiver's control token."""
    names = function_names()
    lines = [f"ethics-intake is running with the {backend} backend.", ""]
    lines += [f"  {base_url}/{name}" for name in names]
    lines += [f"  {base_url}/openapi.json", "", "Try:",
              f"  curl -s -X POST {base_url}/submit_advice -H 'Content-Type: application/json' "
              "-d '{\"category\": \"conflict_of_interest\", \"subcategory\": "
              "\"coi_outside_activities\", \"question\": \"May I teach an evening course?\", "
              "\"anonymous\": true, \"consent_privacy_notice\": true}'", ""]
    if dev_tokens:
        lines += ["The officers' web console (development sign-in: choose one of the "
                  "directory's officers):", f"  {base_url}/console/", ""]
    if dev_tokens:
        lines += ["Officers sign in with their development token (signed with a key of the "
                  "data folder; valid 7 days):"]
        for email, token in sorted(dev_tokens.items()):
            lines += [f"  {email}:", f"    export INTAKE_OFFICER_TOKEN='{token}'"]
        lines += ["then:", f"  curl -s {base_url}/cases/ -H \"Authorization: Bearer "
                  "$INTAKE_OFFICER_TOKEN\"", "  .venv/bin/intake cases list", ""]
    else:
        lines += ["Officers' functions (cases, log_service) take a Google ID token: "
                  "development tokens exist only on the embedded backend.", ""]
    lines += ["The reference receiver's controls and list (`intake referrals` reads the "
              "token from the data folder):",
              f"  receiver token: {control_token}",
              f"  curl -s {base_url}/{RECEIVER}/_referrals -H 'Authorization: Bearer "
              f"{control_token}'", ""]
    return "\n".join(lines)


def dev_tokens(container: Container) -> dict[str, str]:
    """A development token for each officer of the directory (none unless switched on)."""
    if not container.settings.dev_auth:
        return {}
    minted = container.dev_tokens
    return {email: minted.mint(email) for email in container.officers}


def secure_data_dir(data_dir: Path) -> None:
    """Everything the runner writes is its user's alone: a umask for what it creates, and
    the modes of a data folder left by an earlier run (folders 0700, files 0600)."""
    from shared.adapters.local_files import tighten

    os.umask(0o077)
    tighten(data_dir)


def serve(host: str, port: int) -> None:
    """Serve until interrupted."""
    from werkzeug.serving import run_simple

    # Tasks are dispatched back to this server unless the operator points them elsewhere.
    os.environ.setdefault("INTAKE_FUNCTIONS_BASE_URL", f"http://{host}:{port}")
    container = bootstrap.container()
    secure_data_dir(container.settings.data_dir)
    stop = threading.Event()
    if container.settings.local_sweep_seconds:
        threading.Thread(target=_sweep_periodically, args=(container, stop), daemon=True,
                         name="local-sweep").start()
    receiver = reference_receiver(container)
    print(banner(f"http://{host}:{port}",
                 control_token=receiver_token(container.settings.data_dir),
                 dev_tokens=dev_tokens(container), backend=container.settings.backend),
          flush=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our access log replaces it
    try:
        run_simple(host, port, build_app(receiver=receiver), threaded=True, use_reloader=False)
    finally:
        stop.set()
