"""Cold start end to end: from spawning functions-framework's server for one function to
its first successful answer, against two floors in the same run, and the memory a function
holds after 1 and after 200 requests.

- *No-op floor*: a functions-framework function that imports nothing and answers "ok".
- *Same-imports floor*: a function that imports exactly the third-party modules the real
  function holds after answering the same request (found by a probe in this run), then
  answers "ok". The function's overhead over it is what our own code costs a cold start.

Each row: ``runs`` rounds, each round the function and both floors spawned back to back,
the order rotated every round; medians of the times and of the paired differences.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OVERHEAD_LIMIT_MS = 60
# What no request path may load beyond what the no-op floor (Flask) already loads.
UNUSED = ("jinja2", "babel", "matplotlib", "boto3", "botocore", "click", "apispec")
PAGES_USE = {"jinja2", "babel"}  # the forms' pages are templates in six languages


@dataclass(frozen=True)
class Target:
    name: str         # the row's label
    function: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    form: str = ""    # the submit functions: the form whose valid body is posted

    def body(self) -> bytes | None:
        if not self.form:
            return None
        from tests.support.payloads import payload

        return json.dumps(payload(self.form)).encode()

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.form:
            headers["Content-Type"] = "application/json"
        return headers


HTML = (("Accept", "text/html"),)
TARGETS = (
    Target("forms: advice form, English", "forms", "GET", "/advice?lang=en", HTML),
    Target("forms: advice form, Arabic", "forms", "GET", "/advice?lang=ar", HTML),
    Target("submit_advice", "submit_advice", "POST", "/", form="advice"),
    Target("submit_misconduct", "submit_misconduct", "POST", "/", form="misconduct"),
    Target("submit_retaliation", "submit_retaliation", "POST", "/", form="retaliation"),
)

# Runs in the function's own environment: answers the target's request in-process and
# prints the third-party modules then loaded (neither the stdlib nor ours).
MODULES_PROBE = r"""
import json, sys
sys.path.insert(0, ".")
import functions_framework, werkzeug.test
function, method, path, headers, body = json.loads(sys.argv[1])
app = functions_framework.create_app(function, "main.py")
response = werkzeug.test.Client(app).open(path, method=method, headers=headers,
                                          data=body.encode() if body else None)
assert response.status_code < 300, (response.status_code, response.get_data()[:300])
ours = ("shared", "schemas", "functions", "tests", "tools", "main", "reference_receiver")
names = sorted(name for name in list(sys.modules)
               if name.split(".")[0] not in sys.stdlib_module_names
               and name.split(".")[0] not in ours and not name.startswith("_")
               and sys.modules[name] is not None)
print(json.dumps(names))
"""

SAME_IMPORTS_FLOOR = '''"""A floor: the third-party modules of {function}, then nothing."""
import importlib

for _name in {names!r}:
    try:
        importlib.import_module(_name)
    except Exception:  # an alias module some package registers under another name
        pass

import functions_framework


@functions_framework.http
def floor(request):
    return "ok"
'''

NOOP_FLOOR = '''import functions_framework


@functions_framework.http
def floor(request):
    return "ok"
'''


@dataclass
class ColdStart:
    target: str
    backend: str
    function_ms: float
    noop_ms: float
    same_imports_ms: float
    overhead_ms: float            # median of (function - same-imports floor), paired
    unused: list[str]             # modules of UNUSED the path loads beyond the no-op floor
    top_imports: list[tuple[str, float, float]] = field(default_factory=list)


@dataclass
class Memory:
    function: str
    backend: str
    after_one_mib: float
    after_many_mib: float
    requests: int


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(function: str, folder: Path, port: int, env: dict[str, str]
           ) -> subprocess.Popen[bytes]:
    """functions-framework serving ``folder``/main.py, as Cloud Run functions runs a bundle."""
    return subprocess.Popen(
        [sys.executable, "-m", "functions_framework", "--target", function,
         "--source", "main.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ask(port: int, target: Target) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(target.method, target.path, body=target.body(),
                           headers=target.all_headers())
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _first_answer(function: str, folder: Path, target: Target, env: dict[str, str],
                  then: Callable[[int, subprocess.Popen[bytes]], None] | None = None
                  ) -> float:
    """Milliseconds from spawning the server to its first successful answer."""
    port = free_port()
    started = time.perf_counter()
    child = _spawn(function, folder, port, env)
    try:
        deadline = started + 120
        while True:
            try:
                status = _ask(port, target)
            except (ConnectionError, OSError):
                if child.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError(f"{function} did not start") from None
                time.sleep(0.002)
                continue
            if 200 <= status < 300:
                break
            raise RuntimeError(f"{function} answered {status} to {target.name}")
        elapsed = (time.perf_counter() - started) * 1000
        if then is not None:
            then(port, child)
        return elapsed
    finally:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _third_party(target: Target, bundle: Path, env: dict[str, str]) -> list[str]:
    body = target.body()
    spec = [target.function, target.method, target.path, target.all_headers(),
            body.decode() if body else ""]
    out = subprocess.run([sys.executable, "-c", MODULES_PROBE, json.dumps(spec)], cwd=bundle,
                         env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{target.name}: {out.stderr[-1500:]}")
    names: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return names


def _noop_modules(env: dict[str, str], folder: Path) -> set[str]:
    probe = ("import sys, functions_framework\n"
             "functions_framework.create_app('floor', 'main.py')\n"
             "print(' '.join(sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=folder, env=env,
                         capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


IMPORTTIME_PROBE = MODULES_PROBE.replace("print(json.dumps(names))", "")
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def top_imports(target: Target, bundle: Path, env: dict[str, str], count: int = 10
                ) -> list[tuple[str, float, float]]:
    """The ``count`` imports with the most time of their own under ``-X importtime``
    while the function answers its request: (module, self ms, cumulative ms)."""
    body = target.body()
    spec = [target.function, target.method, target.path, target.all_headers(),
            body.decode() if body else ""]
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORTTIME_PROBE,
                          json.dumps(spec)], cwd=bundle, env=env, capture_output=True,
                         text=True, check=True)
    rows = [(m.group(4), int(m.group(1)) / 1000, int(m.group(2)) / 1000)
            for m in map(_LINE.match, out.stderr.splitlines()) if m]
    return sorted(rows, key=lambda row: -row[1])[:count]


def bundles(work: Path, targets: tuple[Target, ...] = TARGETS) -> dict[str, Path]:
    """Each function's deployable bundle (tools/bundles), bytecode included, as deployed."""
    from tools.bundles.make import build_bundle

    out = work / "build"
    return {name: build_bundle(name, out) for name in {t.function for t in targets}}


def function_env(env: dict[str, str]) -> dict[str, str]:
    """The backend's environment without the worktree on the path: a bundle imports its
    own copy of our packages."""
    return {k: v for k, v in env.items() if k != "PYTHONPATH"}


def measure(backend: str, env: dict[str, str], work: Path, runs: int = 15,
            targets: tuple[Target, ...] = TARGETS) -> list[ColdStart]:
    env = function_env(env)
    built = bundles(work, targets)
    noop = work / "noop"
    noop.mkdir(exist_ok=True)
    (noop / "main.py").write_text(NOOP_FLOOR, encoding="utf-8")
    noop_loaded = _noop_modules(env, noop)
    probe = Target("floor", "floor", "GET", "/")
    results = []
    for target in targets:
        names = _third_party(target, built[target.function], env)
        same = work / f"same-{backend}-{target.function}"
        same.mkdir(exist_ok=True)
        (same / "main.py").write_text(
            SAME_IMPORTS_FLOOR.format(function=target.function, names=names),
            encoding="utf-8")
        kinds: dict[str, tuple[str, Path, Target]] = {
            "function": (target.function, built[target.function], target),
            "noop": ("floor", noop, probe),
            "same": ("floor", same, probe),
        }
        order = list(kinds)
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for run in range(runs):
            rotated = order[run % 3:] + order[:run % 3]
            if run % 2:
                rotated.reverse()
            for kind in rotated:
                function, path, request = kinds[kind]
                times[kind].append(_first_answer(function, path, request, env))
        differences = [f - s for f, s in zip(times["function"], times["same"], strict=True)]
        allowed = PAGES_USE if target.function == "forms" else set()
        unused = sorted({n.split(".")[0] for n in names} & set(UNUSED) - noop_loaded - allowed)
        results.append(ColdStart(target.name, backend,
                                 statistics.median(times["function"]),
                                 statistics.median(times["noop"]),
                                 statistics.median(times["same"]),
                                 statistics.median(differences), unused,
                                 top_imports(target, built[target.function], env)))
    return results


def _tree_peak_rss_mib(pid: int) -> float:
    """The largest peak resident set (VmHWM) among the server process and its children
    (gunicorn's worker answers the requests)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    peaks = []
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            peaks.append(int(found.group(1)) / 1024)
    return max(peaks)


def memory(backend: str, env: dict[str, str], work: Path, requests: int = 200,
           targets: tuple[Target, ...] = TARGETS) -> list[Memory]:
    env = function_env(env)
    built = bundles(work, targets)
    results: list[Memory] = []
    for target in targets:
        if any(r.function == target.function for r in results):
            continue  # forms once (the English page)
        figures: list[float] = []

        def after(port: int, child: subprocess.Popen[bytes], t: Target = target,
                  figures: list[float] = figures) -> None:
            figures.append(_tree_peak_rss_mib(child.pid))
            for _ in range(requests - 1):
                status = _ask(port, t)
                assert 200 <= status < 300, status
            figures.append(_tree_peak_rss_mib(child.pid))

        _first_answer(target.function, built[target.function], target, env, then=after)
        results.append(Memory(target.function, backend, figures[0], figures[1], requests))
    return results


def section(cold: list[ColdStart], mem: list[Memory], runs: int) -> str:
    lines = [
        "## Cold start, end to end", "",
        "From spawning functions-framework's server (`python -m functions_framework "
        "--target ...`, gunicorn as deployed) to the first successful answer: the advice "
        "form's page in English and in Arabic from `forms`, and a valid body posted to "
        "each submit function (201). Two floors in the same run: *no-op*, a function that "
        "imports nothing; *same imports*, a function that imports exactly the third-party "
        "modules the real function holds after answering (found by a probe in this run) "
        f"and answers \"ok\". {runs} rounds per row, each round the three spawned back to "
        "back, the order rotated and reversed from round to round; medians, and the median "
        "of the paired differences with the same-imports floor: what our own code adds. "
        f"Target: <= {OVERHEAD_LIMIT_MS} ms, and no request path loads "
        f"{', '.join(UNUSED)} beyond what the no-op floor (Flask) already loads.", "",
        "| Function | Backend | First answer (ms) | No-op floor (ms) | Same-imports floor "
        "(ms) | Ours over same imports (ms) | Unused modules | Within target |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in cold:
        ok = r.overhead_ms <= OVERHEAD_LIMIT_MS and not r.unused
        lines.append(f"| {r.target} | {r.backend} | {r.function_ms:.0f} | {r.noop_ms:.0f} | "
                     f"{r.same_imports_ms:.0f} | {r.overhead_ms:+.1f} | "
                     f"{', '.join(r.unused) or 'none'} | {'yes' if ok else 'NO'} |")
    lines += ["", "### Where the imports' time goes", "",
              "`python -X importtime` while the function answers the same request in-process: "
              "the ten imports with the most time of their own (ms: own / with what they "
              "import).", ""]
    for r in cold:
        tops = ", ".join(f"`{name}` {own:.1f}/{cumulative:.1f}"
                         for name, own, cumulative in r.top_imports)
        lines.append(f"- {r.target}, {r.backend}: {tops}")
    lines += ["", "## Memory", "",
              "Peak resident set (VmHWM) of the process answering (gunicorn's worker), "
              "after the first request and after "
              f"{mem[0].requests if mem else 200} sequential requests, each function in "
              "its own fresh server; `forms` answers the English advice page.", "",
              f"| Function | Backend | After 1 (MiB) | After {mem[0].requests if mem else 200} "
              "(MiB) |",
              "|---|---|---:|---:|"]
    for m in mem:
        lines.append(f"| {m.function} | {m.backend} | {m.after_one_mib:.0f} | "
                     f"{m.after_many_mib:.0f} |")
    if mem:
        peak = max(m.after_many_mib for m in mem if m.function.startswith("submit_"))
        forms = max(m.after_many_mib for m in mem if m.function == "forms")
        lines += ["", f"What these figures set: `public_sizing` in "
                  "infra/modules/intake/functions.tf gives forms and the submit functions "
                  f"512 MiB. The JSON path peaks at {peak:.0f} MiB (submit) and "
                  f"{forms:.0f} MiB (forms); a request may also carry up to 25 MiB of "
                  "attachments, held, cleaned and sealed in memory (about three copies), "
                  "four requests at once: about 300 MiB more, which these figures do not "
                  "include. 512 MiB covers both with headroom; 256 MiB would cover the JSON "
                  "path alone, not an attachment's request. The other functions keep the "
                  "default (512 MiB), not measured here."]
    worst = max(cold, key=lambda r: r.overhead_ms) if cold else None
    lines += ["", "### Cold start and memory: verdict", ""]
    if worst is not None:
        lines.append(f"- Our overhead over the same-imports floor: worst {worst.overhead_ms:+.1f} "
                     f"ms ({worst.target}, {worst.backend}); target <= {OVERHEAD_LIMIT_MS} "
                     f"ms: {'met' if worst.overhead_ms <= OVERHEAD_LIMIT_MS else 'MISSED'}.")
        unused = sorted({u for r in cold for u in r.unused})
        lines.append(f"- Unused modules on a request path: {', '.join(unused) or 'none'}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Quick look while developing: .venv/bin/python tools/bench/coldstart.py [--runs N]
    (embedded backend only)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as work:
        env = embedded_env(Path(work))
        cold = measure("embedded", env, Path(work), runs=args.runs)
        mem = memory("embedded", env, Path(work), requests=args.requests)
    print(section(cold, mem, args.runs))


def embedded_env(work: Path) -> dict[str, str]:
    from shared.adapters.local_keys import LocalKeyService

    data = work / "embedded-data"
    data.mkdir(exist_ok=True)
    LocalKeyService.from_file(data / "kek", create=True)
    return {**os.environ, "INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(data),
            "INTAKE_FORM_RATE_LIMIT": "0", "INTAKE_KEY_FILE": str(data / "kek"),
            "INTAKE_FUNCTIONS_BASE_URL": "http://127.0.0.1:9", "INTAKE_LOCAL_SWEEP_SECONDS": "0",
            "INTAKE_FORWARD_HMAC_SECRET": "benchmark-secret-0123456789abcdefghij",
            "INTAKE_REPLAY_HMAC_SECRET": "benchmark-replay-secret-0123456789abcdef",
            "PYTHONPATH": str(ROOT)}


if __name__ == "__main__":
    main()
