"""Clean virtualenvs for deployable bundles, each built from a bundle's own requirements.txt
and nothing else, cached by that file's digest (under .venv-bundles/, shared by the test
workers and kept between runs: the same requirements give the same virtualenv)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".venv-bundles"


def clean_environment() -> dict[str, str]:
    """What a process of a bundle sees: no variable of ours, no virtualenv of the tests."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ["HOME"],
            "LANG": "C.UTF-8"}


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def bundle_venv(requirements: Path) -> Path:
    """A virtualenv with exactly ``requirements`` installed (pip, hash-checked), built once
    per distinct file content."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    CACHE.mkdir(exist_ok=True)
    venv = CACHE / digest
    with (CACHE / f"{digest}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building the same one
        if (venv / ".complete").exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)
        env = clean_environment()
        run([sys.executable, "-m", "venv", str(venv)], CACHE, env, 120)
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", "--requirement", str(requirements)],
            requirements.parent, env, 540)
        (venv / ".complete").write_text(requirements.read_text(encoding="utf-8"))
    return venv
