"""Start gcloud-tasks-emulator bound to 127.0.0.1 only (its own command line binds every
interface). Runs in .venv-tasks-emulator; prints "ready" once the gRPC port listens."""

from __future__ import annotations

import argparse
import logging
import time
from concurrent import futures
from typing import Any

import grpc
from gcloud_tasks_emulator import server


def _run_api_on_loopback(self: Any) -> None:
    self._httpd = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_CloudTasksServicer_to_server(server.Greeter(self._state), self._httpd)
    self._httpd.add_insecure_port(f"127.0.0.1:{self._port}")
    self._httpd.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-retries", type=int, default=-1,
                        help="attempts per failed task (-1: unlimited, the emulator's default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    server.APIThread.run = _run_api_on_loopback
    emulator = server.create_server("127.0.0.1", args.port, max_retries=args.max_retries)
    emulator.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()
