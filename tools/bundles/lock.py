"""requirements.lock: the runtime dependencies pinned with their hashes, and what needs what.

``scripts/lock`` writes the file with pip-compile from pyproject.toml's
``[project].dependencies`` (the one list of them) and stamps it with a digest of that list,
so a test sees when the lock no longer answers pyproject.toml. Each pin's ``# via`` lines
say which pinned packages need it; a function's requirements.txt is the closure of what it
imports (``functions/<name>/requirements.in``) over those lines. Standard library only, so
``scripts/build`` needs no virtualenv.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LOCK_FILE = "requirements.lock"
STAMP = "# pyproject.toml [project] dependencies: sha256:"
PROJECT = "ethics-intake"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str                   # canonical
    version: str
    lines: tuple[str, ...]      # the requirement line and its hashes, as written
    needed_by: frozenset[str]   # canonical names of the pins that need it; PROJECT: ours

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(h for line in self.lines for h in re.findall(r"--hash=(\S+)", line))


class LockError(ValueError):
    """requirements.lock cannot give what is asked of it."""


def read_lock(text: str) -> dict[str, Pin]:
    """The pins of a lock file written by pip-compile (with hashes and annotations)."""
    pins: dict[str, Pin] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _PIN.match(lines[i])
        if not match:
            i += 1
            continue
        name, version = canonical(match.group(1)), match.group(2)
        own = [lines[i]]
        i += 1
        while i < len(lines) and lines[i].lstrip().startswith("--hash="):
            own.append(lines[i])
            i += 1
        needed_by: set[str] = set()
        while i < len(lines) and lines[i].startswith("    #"):
            comment = lines[i].strip().lstrip("#").strip()
            if comment == "via" or comment.startswith("via "):
                comment = comment[3:].strip()
            if comment:
                # "ethics-intake (pyproject.toml)" or "-r file": the project asks for it.
                word = comment.split()[0]
                needed_by.add(PROJECT if word in (PROJECT, "-r", "-c") else canonical(word))
            i += 1
        if name in pins:
            raise LockError(f"{name} is pinned twice")
        pins[name] = Pin(name, version, tuple(own), frozenset(needed_by))
    return pins


def closure(names: Iterable[str], pins: Mapping[str, Pin]) -> list[str]:
    """``names`` and every pin they need, transitively, sorted."""
    needs: dict[str, set[str]] = {name: set() for name in pins}
    for pin in pins.values():
        for parent in pin.needed_by:
            if parent in needs:
                needs[parent].add(pin.name)
    found: set[str] = set()
    pending = [canonical(n) for n in names]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        if name not in pins:
            raise LockError(f"{name} is not in {LOCK_FILE}: add it to pyproject.toml "
                            "[project].dependencies and run scripts/lock")
        found.add(name)
        pending.extend(needs[name])
    return sorted(found)


def project_requirements(root: Path = ROOT) -> dict[str, Any]:
    """What the lock is made from: the runtime dependencies and the Python versions."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"dependencies": list(project["dependencies"]),
            "requires-python": project["requires-python"]}


def inputs_digest(root: Path = ROOT) -> str:
    canonical_text = json.dumps(project_requirements(root), sort_keys=True)
    return hashlib.sha256(canonical_text.encode()).hexdigest()


def stamp(root: Path = ROOT) -> None:
    """Write the digest of pyproject.toml's dependencies as the lock's first line."""
    path = root / LOCK_FILE
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if not line.startswith(STAMP)]
    path.write_text("\n".join([STAMP + inputs_digest(root), *lines]) + "\n",
                    encoding="utf-8")


def stamped_digest(text: str) -> str | None:
    first = text.splitlines()[0] if text else ""
    return first.removeprefix(STAMP) if first.startswith(STAMP) else None


def function_requirements(function: str, root: Path = ROOT) -> str:
    """The requirements.txt of a function's bundle: what its requirements.in names and what
    those need, each pinned with its hashes from the lock."""
    listed = root / "functions" / function / "requirements.in"
    if not listed.is_file():
        raise LockError(f"{listed.relative_to(root)} is missing: run scripts/lock")
    names = [line.strip() for line in listed.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    lock_text = (root / LOCK_FILE).read_text(encoding="utf-8")
    if stamped_digest(lock_text) != inputs_digest(root):
        raise LockError(f"{LOCK_FILE} was not made from this pyproject.toml: run scripts/lock")
    pins = read_lock(lock_text)
    lines = [f"# functions/{function}: what it imports (requirements.in) and what that needs,",
             f"# pinned with hashes from {LOCK_FILE} by scripts/build. Edit neither file.",
             ""]
    imported = {canonical(n) for n in names}
    shipped = closure(names, pins)
    for name in shipped:
        lines.extend(pins[name].lines)
        if name in imported:
            lines.append("    # imported by the function")
        else:
            needers = sorted(pins[name].needed_by & set(shipped))
            lines.append(f"    # needed by {', '.join(needers)}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["stamp"]:
        sys.exit("usage: python -m tools.bundles.lock stamp")
    stamp()
