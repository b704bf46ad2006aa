"""scripts/bench: cold-start imports and warm submit latency, each against a floor measured
in the same run, for the embedded backend and for the Firestore + Cloud Tasks emulators.
Prints the results and writes them to docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.payloads import ADVICE
from tools.bench import breakdown, imports, latency

ROOT = Path(__file__).resolve().parents[2]
IMPORT_LIMIT_MS = 60
LATENCY_LIMIT = 1.3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(role: str, port: int, env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("w") as out:
        child = subprocess.Popen([sys.executable, str(ROOT / "tools" / "bench" / "servers.py"),
                                  role, "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                 stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                break
            except OSError:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{role} server did not start; see {log}") from None
                time.sleep(0.2)
        yield
    finally:
        child.terminate()
        child.wait(timeout=30)


def backend_env(backend: str, data_dir: Path, sink_url: str) -> dict[str, str]:
    env = {**os.environ, "INTAKE_BACKEND": backend, "INTAKE_DATA_DIR": str(data_dir),
           "INTAKE_FORWARD_HMAC_SECRET": "benchmark-secret-0123456789abcdefghij",
           "INTAKE_REPLAY_HMAC_SECRET": "benchmark-replay-secret-0123456789abcdef",
           "INTAKE_FUNCTIONS_BASE_URL": sink_url, "INTAKE_LOCAL_SWEEP_SECONDS": "0",
           # one client sends every request: the per-client limit would end the run
           "INTAKE_FORM_RATE_LIMIT": "0",
           "INTAKE_KEY_FILE": str(data_dir / "kek"), "PYTHONPATH": str(ROOT)}
    if backend == "gcp":
        project = f"bench-{uuid.uuid4().hex[:8]}"
        from shared.adapters.cloud_tasks_queue import CloudTasksQueue

        client = CloudTasksQueue.client(os.environ["CLOUD_TASKS_EMULATOR_HOST"])
        parent = f"projects/{project}/locations/europe-west1"
        from google.cloud import tasks_v2

        client.create_queue(parent=parent, queue=tasks_v2.Queue(name=f"{parent}/queues/triage"))
        env.update({"GOOGLE_CLOUD_PROJECT": project, "INTAKE_TRIAGE_QUEUE": "triage",
                    "INTAKE_FORMS_SECRET": "benchmark-forms-secret-0123456789abcdef"})
    return env


def run_latency(backend: str, args: argparse.Namespace, work: Path) -> dict[str, latency.Latency]:
    from shared.adapters.local_keys import LocalKeyService

    data_dir = work / backend
    data_dir.mkdir()
    LocalKeyService.from_file(data_dir / "kek", create=True)
    sink_port, server_port = free_port(), free_port()
    env = backend_env(backend, data_dir, f"http://127.0.0.1:{sink_port}")
    proof_key(env)
    with ExitStack() as stack:
        stack.enter_context(process("sink", sink_port, env, work / f"{backend}-sink.log"))
        stack.enter_context(process("functions", server_port, env,
                                    work / f"{backend}-functions.log"))
        return latency.measure(server_port, {"/bench_floor": latency.body(ADVICE),
                                             "/bench_floor_store": latency.body(ADVICE),
                                             "/submit_advice": latency.body(ADVICE)},
                               requests=args.requests, warmup=args.warmup,
                               concurrency=args.concurrency, seconds=args.seconds)


def proof_key(env: dict[str, str]) -> None:
    """The proofs' signing key, which only the embedded backend creates itself."""
    from shared import config
    from shared.adapters.proof_keys import LocalProofSigner

    LocalProofSigner(config.load(env).sealing.proof_key_file, create=True,
                     now=datetime.now(UTC))


def run_cold_start(backends: list[str], args: argparse.Namespace) -> str:
    """The end-to-end cold start and the memory of each public function, per backend
    (tools/bench/coldstart.py): its section of docs/BENCHMARKS.md."""
    from shared.adapters.local_keys import LocalKeyService
    from tools.bench import coldstart

    cold: list[coldstart.ColdStart] = []
    memory: list[coldstart.Memory] = []
    with tempfile.TemporaryDirectory() as scratch:
        for backend in backends:
            work = Path(scratch) / backend
            data_dir = work / "data"
            data_dir.mkdir(parents=True)
            LocalKeyService.from_file(data_dir / "kek", create=True)
            sink_port = free_port()
            env = backend_env(backend, data_dir, f"http://127.0.0.1:{sink_port}")
            proof_key(env)
            with process("sink", sink_port, env, work / "sink.log"):
                cold += coldstart.measure(backend, env, work, runs=args.cold_runs)
                memory += coldstart.memory(backend, env, work,
                                           requests=args.memory_requests)
    return coldstart.section(cold, memory, args.cold_runs)


def report(import_results: list[imports.ImportResult],
           latencies: dict[str, dict[str, latency.Latency]], steps: list[tuple[str, float]],
           command: str) -> str:
    lines = [
        "# Benchmarks", "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}). Every figure is compared with a floor measured in the "
        "same run, because these machines are shared and noisy; rerun `scripts/bench` to "
        "refresh this file.", "",
        "## Cold start: imports", "",
        "15 pairs of fresh interpreters per row, each pair run back to back in alternating "
        "order; the overhead is the median of the paired differences. *Function*: the "
        "function's "
        "`main.py` plus the adapter modules its request path uses under that backend. "
        "*Floor*: only the third-party packages that path needs (functions-framework, "
        "python-json-logger, marshmallow where validated, cryptography where sealed, and "
        "sqlite3 or the Firestore/Cloud Tasks clients). The difference of two cold "
        "interpreters is noisy on a shared machine (tens of ms either way), so *ours alone* "
        "also times our modules in a fresh interpreter whose third-party packages were "
        "imported first: exactly what our code adds on top of them (median of 15). That "
        f"column is judged against the target: <= {IMPORT_LIMIT_MS} ms, and no submit "
        "function imports boto3.", "",
        "| Function | Backend | Function (ms) | Floor (ms) | Paired difference (ms) "
        "| Ours alone (ms) | boto3 | Within target |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in import_results:
        ok = r.ours_ms <= IMPORT_LIMIT_MS and not r.boto3
        lines.append(f"| {r.function} | {r.backend} | {r.function_ms:.1f} | {r.floor_ms:.1f} | "
                     f"{r.overhead_ms:+.1f} | {r.ours_ms:.1f} | {'yes' if r.boto3 else 'no'} | "
                     f"{'yes' if ok else 'NO'} |")
    lines += [
        "", "## Warm submit latency and throughput", "",
        "One server process (functions-framework's gunicorn, as in production: 1 worker, "
        "4 threads per vCPU) with every function plus two *floor* functions, each one store "
        "write and one enqueue with no validation, encryption or idempotency: "
        "`/bench_floor` writes one raw row or document holding the body; "
        "`/bench_floor_store` makes the store's own single atomic write of a submission (the "
        "same four documents `submit_advice` writes, the raw body in place of the sealed "
        "payload). A second process answers 200 to every task, so real and floor tasks cost "
        "the server the same. Latency: sequential requests on one keep-alive connection, "
        "the endpoints interleaved. Throughput: the median of three alternating blocks with "
        "concurrent clients. Payload: the named advice request of the tests (about 700 "
        f"bytes). Target: submit p50 <= {LATENCY_LIMIT}x the floor's.", "",
        "| Backend | Endpoint | p50 (ms) | p99 (ms) | Throughput (req/s) | p50 / raw-row floor "
        "| p50 / store-write floor |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for backend, results in latencies.items():
        raw, store = results["/bench_floor"], results["/bench_floor_store"]
        for name, result in results.items():
            lines.append(f"| {backend} | `{name}` | {result.p50_ms:.2f} | {result.p99_ms:.2f} | "
                         f"{result.throughput:.0f} | {result.p50_ms / raw.p50_ms:.2f} | "
                         f"{result.p50_ms / store.p50_ms:.2f} |")
    lines += [
        "", "## Where submit's extra time goes", "",
        "CPU time of each step of `submit_advice`'s path, in-process on the embedded backend "
        "(median of 2,000 runs; the store steps 800), next to the floor's single insert.", "",
        "| Step | CPU (us) |", "|---|---:|",
    ]
    lines += [f"| {name} | {us:.0f} |" for name, us in steps]
    lines += ["", "## Verdict", ""]
    worst_import = max(import_results, key=lambda r: r.ours_ms)
    lines.append(f"- Import overhead (ours alone): worst {worst_import.ours_ms:.1f} ms "
                 f"({worst_import.function}, {worst_import.backend}); target <= "
                 f"{IMPORT_LIMIT_MS} ms: "
                 f"{'met' if worst_import.ours_ms <= IMPORT_LIMIT_MS else 'MISSED'}. "
                 f"boto3 imported by a submit function: "
                 f"{'yes' if any(r.boto3 for r in import_results) else 'no'}.")
    for backend, results in latencies.items():
        for floor, label in (("/bench_floor_store", "the store-write floor"),
                             ("/bench_floor", "the raw-row floor")):
            ratio = results["/submit_advice"].p50_ms / results[floor].p50_ms
            lines.append(f"- Warm p50, {backend}: {ratio:.2f}x {label}; target <= "
                         f"{LATENCY_LIMIT}x: {'met' if ratio <= LATENCY_LIMIT else 'MISSED'}.")
    lines += [
        "",
        "Against the store-write floor, the ratio is the cost of what the submit path adds: "
        "parsing, validation, encryption and idempotency on top of the same storage work. "
        "Against the raw-row floor it also counts the storage design. "
        "The raw-row floor writes one row or document; `submit_advice` writes four in one atomic "
        "transaction (the sealed submission, its case, the case's first history event and "
        "the pending-triage marker that `sweep` relies on), validates the body against the "
        "form's schema and seals identity and narrative. The table above shows the store "
        "step is most of the difference. Tried and measured: "
        "pooled SQLite connections instead of one per server thread, one canonical "
        "serialisation for both the sealed plaintext and the idempotency digest, keep-alive "
        "task delivery, WITHOUT ROWID and single-table layouts (no gain beyond noise), and "
        "the pending marker folded into the case document (about 0.04 of the ratio, "
        "within noise).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--skip-emulators", action="store_true",
                        help="measure the embedded backend only")
    parser.add_argument("--cold-runs", type=int, default=15,
                        help="rounds of the end-to-end cold start per row")
    parser.add_argument("--memory-requests", type=int, default=200,
                        help="requests before the second memory figure")
    parser.add_argument("--only-cold-start", action="store_true",
                        help="measure the end-to-end cold start and memory only, and "
                             "print them (docs/BENCHMARKS.md is left as it is)")
    args = parser.parse_args()

    backends = ["embedded"]
    if not args.skip_emulators:
        if not (os.environ.get("FIRESTORE_EMULATOR_HOST")
                and os.environ.get("CLOUD_TASKS_EMULATOR_HOST")):
            sys.exit("the emulators are not running (scripts/bench starts them)")
        backends.append("gcp")
    if args.only_cold_start:
        print(run_cold_start(backends, args))
        return
    import_results = imports.measure()
    steps = breakdown.measure()
    with tempfile.TemporaryDirectory() as work:
        latencies = {b: run_latency(b, args, Path(work) / "") for b in backends}
    command = "scripts/bench" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    text = report(import_results, latencies, steps, command)
    text += "\n" + run_cold_start(backends, args)
    # Attachments: cleaning and sealing against copy-and-encrypt (tools/bench/evidence.py).
    from tools.bench import evidence
    text += "\n" + evidence.section(evidence.measure())
    # Import throughput and the annual report at scale (tools/bench/reporting.py).
    from tools.bench import reporting
    text += reporting.section(reporting.measure())
    if os.environ.get("FIRESTORE_EMULATOR_HOST"):
        # The disclosure programme's roster import (tools/bench/roster.py).
        from tools.bench import roster
        text += roster.section(roster.measure())
    # The handling-time figures and the case export (tools/bench/handling.py).
    from tools.bench import handling
    text += handling.section(handling.measure())
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
