"""A stand-in for Google's metadata server on the loopback interface: what the guards of
the local-only switches (development tokens, open task targets) look for."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class MetadataServer:
    """Answers every GET as Google's metadata server does (``Metadata-Flavor: Google``),
    or, with another ``flavour`` (None: no such header), as some other server does."""

    def __init__(self, flavour: str | None = "Google") -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                if flavour:
                    self.send_header("Metadata-Flavor", flavour)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True,
                         name="metadata-server").start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
