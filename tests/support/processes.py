"""Servers in processes of their own for tests: a free port, and a command started and
waited for until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: list[str], port: int, *, cwd: Path, env: Mapping[str, str],
            log_path: Path, timeout: float = 60) -> Iterator[str]:
    """Run ``command`` (which serves on ``port``), its output to ``log_path``; its base URL
    once ``/`` answers. Raises RuntimeError with the log if it exits or never answers; the
    process is stopped on leaving."""
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=log,
                                   stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(base_url + "/", timeout=2).close()
                break
            except OSError as error:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start:\n{log_path.read_text()}"
                                       ) from error
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)
