"""The reference receiver of the investigations office, served over real HTTP for tests,
and a gateway pointed at it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from reference_receiver.app import ReferenceReceiver
from reference_receiver.store import ReceiverStore

SECRET = b"test-forwarding-secret-0123456789abcdef"
CONTROL_TOKEN = "test-receiver-control-token-0123456789abcdef"


def new_receiver(data_dir: Path, secret: bytes = SECRET, *,
                 control_token: str | None = CONTROL_TOKEN) -> ReferenceReceiver:
    return ReferenceReceiver(ReceiverStore(data_dir / "investigations.sqlite3"), secret,
                             control_token=control_token)


class ServedReceiver:
    """A receiver on a fixed port that a test can take down and bring back."""

    def __init__(self, receiver: ReferenceReceiver, port: int) -> None:
        self.receiver = receiver
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self.receiver, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def receiving(receiver: ReferenceReceiver, port: int) -> Iterator[str]:
    """Serve the receiver on ``port`` (so a test can stop it and bring it back)."""
    server = make_server("127.0.0.1", port, receiver, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Redirector:
    """An HTTP/1.1 server that answers every POST to ``/`` with ``status`` and a Location
    pointing to its own ``/target``, where a 200 with a case id would be waiting: what a
    misconfigured or hijacked intake URL looks like. Counts connections and requests."""

    def __init__(self, status: int = 302) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.status = status
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.connections = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                outer.connections += 1

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.requests.append((self.command, self.path))
                if self.path == "/target":
                    body = b'{"case_id": "OIAI-HIJACKED"}'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                elif self.path == "/ok":
                    body = b'{"case_id": "OIAI-000001"}'
                    self.send_response(201)
                    self.send_header("Content-Type", "application/json")
                else:
                    body = b""
                    self.send_response(outer.status)
                    self.send_header("Location", f"{outer.url}target")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def targeted(self) -> bool:
        return any(path == "/target" for _, path in self.requests)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
