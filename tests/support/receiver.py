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


def new_receiver(data_dir: Path, secret: bytes = SECRET) -> ReferenceReceiver:
    return ReferenceReceiver(ReceiverStore(data_dir / "investigations.sqlite3"), secret)


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
