"""Clients of the real emulators, and a local HTTP target that records what it receives."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingTarget:
    """A WSGI app answering each POST with the next scripted status (then 200)."""

    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        with self.arrived:
            self.received.append(Received(request.path, dict(request.headers),
                                           request.get_data()))
            status = self.statuses.pop(0) if self.statuses else 200
            self.arrived.notify_all()
        return Response("{}", status=status, mimetype="application/json")(environ,
                                                                           start_response)

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def new_queue(client: Any, project: str = "test-project",
              location: str = "europe-west1") -> str:
    """Create a queue with a fresh id on the Cloud Tasks emulator; its id."""
    queue_id = f"q-{uuid.uuid4().hex[:10]}"
    parent = f"projects/{project}/locations/{location}"
    client.create_queue(parent=parent, queue={"name": f"{parent}/queues/{queue_id}"})
    return queue_id
