"""Warm latency and throughput of submit_advice against the floor function, measured
interleaved against one server so that machine noise hits both alike."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float
    throughput: float  # requests per second with the concurrent clients


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: bytes) -> float:
        started = time.perf_counter()
        self._connection.request("POST", path, body=body,
                                 headers={"Content-Type": "application/json"})
        response = self._connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 201:
            raise RuntimeError(f"{path} answered {response.status}")
        return elapsed

    def close(self) -> None:
        self._connection.close()


def measure(port: int, paths: dict[str, bytes], *, requests: int, warmup: int,
            concurrency: int, seconds: float) -> dict[str, Latency]:
    client = Client(port)
    samples: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for _ in range(warmup):
        for name in names:
            client.post(name, paths[name])
    for round_ in range(requests):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            samples[name].append(client.post(name, paths[name]))
    client.close()

    throughput: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(3):  # alternate blocks of each endpoint
        for name in names:
            throughput[name].append(_throughput(port, name, paths[name], concurrency, seconds))
    return {name: Latency(statistics.median(samples[name]) * 1000,
                          _percentile(samples[name], 0.99) * 1000,
                          statistics.median(throughput[name]))
            for name in names}


def _throughput(port: int, path: str, body: bytes, concurrency: int, seconds: float) -> float:
    done = [0] * concurrency
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        client = Client(port)
        while time.perf_counter() < stop:
            client.post(path, body)
            done[index] += 1
        client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def body(data: Any) -> bytes:
    return json.dumps(data).encode()
