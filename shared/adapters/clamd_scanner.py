"""The ``Scanner`` port over ClamAV's daemon, ``clamd``: its INSTREAM command on a Unix
socket (``unix:/run/clamav/clamd.ctl``) or TCP (``tcp:host:3310``), with a deadline."""

from __future__ import annotations

import socket
import struct

from shared.domain.evidence import SCAN_CLEAN, SCAN_INFECTED, ScanResult
from shared.ports.evidence import Scanner, ScannerUnavailable

_CHUNK = 256 * 1024


class ClamdScanner(Scanner):
    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        scheme, _, rest = address.partition(":")
        if scheme not in ("unix", "tcp") or not rest:
            raise ValueError("a clamd address is unix:/path/to/socket or tcp:host:port")
        self._address = address
        self._scheme, self._rest, self._timeout = scheme, rest, timeout

    @property
    def name(self) -> str:
        return "clamd"

    def _connect(self) -> socket.socket:
        if self._scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            sock.connect(self._rest)
            return sock
        host, _, port = self._rest.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=self._timeout)

    def ping(self) -> bool:
        try:
            with self._connect() as sock:
                sock.sendall(b"zPING\0")
                return _read_reply(sock) == b"PONG"
        except OSError:
            return False

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), _CHUNK):
                    chunk = data[start:start + _CHUNK]
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
                reply = _read_reply(sock).decode("utf-8", "replace")
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self._address}: {error}") from None
        # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
        verdict = reply.split(": ", 1)[-1]
        if verdict == "OK":
            return ScanResult(SCAN_CLEAN)
        if verdict.endswith(" FOUND"):
            return ScanResult(SCAN_INFECTED, verdict[:-len(" FOUND")])
        raise ScannerUnavailable(f"clamd answered {reply!r}")


def _read_reply(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        chunks.append(chunk)
        if chunk.endswith(b"\0"):
            break
    return b"".join(chunks).rstrip(b"\0").strip()
