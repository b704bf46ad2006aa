"""A bundle carries its modules' bytecode, compiled at build time for the runtime's Python
and checked by the source's hash: a fresh instance does not compile our code on its first
request, and a zip that loses timestamps does not make the bytecode stale."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tools.bundles.make import RUNTIME, build_bundle

CHECKED_HASH = 0b11  # PEP 552: hash-based, checked against the source


def test_every_module_of_a_bundle_has_hash_checked_bytecode(tmp_path: Path) -> None:
    if sys.version_info[:2] != RUNTIME:
        pytest.fail(f"the project's Python is {RUNTIME}; this is {sys.version_info[:2]}")
    bundle = build_bundle("submit_advice", tmp_path)
    sources = sorted(bundle.rglob("*.py"))
    assert len(sources) > 50
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.is_file(), f"no bytecode for {source.relative_to(bundle)}"
        header = cached.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(header[4:8], "little") == CHECKED_HASH
