"""Deployable bundles, one per function: what Cloud Functions uploads and builds.

``build/<name>/`` holds the function's ``main.py``, the ``shared`` and ``schemas`` packages,
and a ``requirements.txt`` of exactly what the function imports and what that needs, pinned
with hashes from requirements.lock (``tools/bundles/lock.py``); what it imports is
``functions/<name>/requirements.in``, written by scripts/lock from its import graph
(``tools/bundles/imports.py``). Terraform zips each folder (infra/modules/function).
Standard library only, so ``scripts/build`` needs no virtualenv.

Our modules are compiled to bytecode here, at build time, when the building Python is the
runtime's (``RUNTIME``): otherwise every fresh instance compiles them from source on its
first request, tens of milliseconds of each cold start (docs/BENCHMARKS.md). The bytecode
is checked against its source's hash, never its timestamp, which a zip and an upload do not
keep.
"""

from __future__ import annotations

import argparse
import compileall
import py_compile
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.bundles.lock import LockError, function_requirements

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "schemas")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
# infra/modules/function's default runtime: the Python whose bytecode the bundle carries.
RUNTIME = (3, 11)


def compile_bytecode(bundle: Path) -> bool:
    """Compile the bundle's modules for the runtime; False when this Python is not the
    runtime's (its bytecode would be ignored there)."""
    if sys.version_info[:2] != RUNTIME:
        return False
    ok = compileall.compile_dir(str(bundle), quiet=1, workers=1,
                                invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    if not ok:
        raise RuntimeError(f"could not compile {bundle}")
    return True


def function_names(root: Path = ROOT) -> list[str]:
    """Every function of the project: a folder of functions/ with a main.py."""
    return sorted(p.parent.name for p in (root / "functions").glob("*/main.py"))


def build_bundle(name: str, out: Path, root: Path = ROOT) -> Path:
    """Write build/<name>/ afresh; its path."""
    source = root / "functions" / name / "main.py"
    if not source.is_file():
        raise FileNotFoundError(f"no function {name!r}: {source} does not exist")
    requirements = function_requirements(name, root)  # before anything is written
    bundle = out / name
    if bundle.exists():
        shutil.rmtree(bundle)
    bundle.mkdir(parents=True)
    shutil.copy2(source, bundle / "main.py")
    for package in PACKAGES:
        shutil.copytree(root / package, bundle / package, ignore=_SKIP)
    (bundle / "requirements.txt").write_text(requirements, encoding="utf-8")
    compile_bytecode(bundle)
    return bundle


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("functions", nargs="*",
                        help="functions to bundle (default: every folder of functions/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build",
                        help="output folder (default: build/)")
    args = parser.parse_args(argv)
    names = args.functions or function_names()
    for name in names:
        try:
            bundle = build_bundle(name, args.out)
        except (FileNotFoundError, LockError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(bundle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
