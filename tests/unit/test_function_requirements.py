"""What each function ships is what it imports: functions/<name>/requirements.in is its
import graph's distributions (scripts/lock writes it), and its bundle's requirements.txt
pins those and what they need, from requirements.lock, and nothing else."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.bundles.imports import (
    REQUIREMENTS_IN,
    distributions,
    function_names,
    import_graph,
    requirements_in,
)
from tools.bundles.lock import LOCK_FILE, closure, function_requirements, read_lock
from tools.bundles.make import build_bundle

ROOT = Path(__file__).resolve().parents[2]
PINS = read_lock((ROOT / LOCK_FILE).read_text(encoding="utf-8"))
SUBMIT = ["submit_advice", "submit_misconduct", "submit_retaliation"]


def listed(function: str) -> list[str]:
    text = (ROOT / "functions" / function / REQUIREMENTS_IN).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("function", function_names())
def test_requirements_in_is_what_the_function_imports(function: str) -> None:
    assert (ROOT / "functions" / function / REQUIREMENTS_IN).read_text(
        encoding="utf-8") == requirements_in(distributions(function)), (
        f"functions/{function}/{REQUIREMENTS_IN} is stale: run scripts/lock --functions")


@pytest.mark.parametrize("function", SUBMIT)
def test_a_submit_function_ships_no_mail_sdk_command_line_or_api_documents(
        function: str) -> None:
    imported = set(listed(function))
    assert not imported & {"boto3", "botocore", "click", "apispec", "matplotlib", "requests"}
    assert {"functions-framework", "marshmallow", "google-cloud-firestore",
            "google-cloud-tasks", "google-cloud-kms", "cryptography", "jinja2"} <= imported
    shipped = closure(imported, PINS)
    assert not set(shipped) & {"boto3", "botocore", "apispec", "matplotlib"}
    # click comes only because the framework (Flask, functions-framework's servers) needs it.
    assert PINS["click"].needed_by & set(shipped) <= {"flask", "functions-framework",
                                                      "uvicorn"}


def test_only_notify_imports_the_mail_sdk_and_only_forward_the_http_client() -> None:
    assert [f for f in function_names() if "boto3" in listed(f)] == ["notify"]
    assert [f for f in function_names() if "requests" in listed(f)] == [
        "forward_to_investigations"]
    assert not any("apispec" in listed(f) or "click" in listed(f) for f in function_names())


def test_the_bundle_pins_exactly_the_closure_with_hashes(tmp_path: Path) -> None:
    bundle = build_bundle("sweep", tmp_path)
    text = (bundle / "requirements.txt").read_text(encoding="utf-8")
    assert text == function_requirements("sweep")
    pins = read_lock(text)
    assert sorted(pins) == closure(listed("sweep"), PINS)
    for name, pin in pins.items():
        assert (pin.version, pin.hashes) == (PINS[name].version, PINS[name].hashes)


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_graph_follows_lazy_imports_and_only_the_roots_members_used(tmp_path: Path) -> None:
    write(tmp_path, "functions/f/main.py", """
        from shared.endpoint import handle
        """)
    write(tmp_path, "shared/__init__.py", "")
    write(tmp_path, "shared/endpoint.py", """
        from typing import TYPE_CHECKING
        from shared import bootstrap
        if TYPE_CHECKING:
            import typing_only
        def handle():
            import lazily_needed
            return bootstrap.container().store
        """)
    write(tmp_path, "shared/bootstrap.py", """
        import always
        class Container:
            @property
            def store(self):
                return _store()
            @property
            def mailer(self):
                import mail_sdk
        def _store():
            from shared.adapters import store_adapter
        def container():
            return Container()
        """)
    write(tmp_path, "shared/adapters/__init__.py", "")
    write(tmp_path, "shared/adapters/store_adapter.py", "import store_sdk.client\n")
    graph = import_graph("f", tmp_path)
    assert graph.external == {"typing.TYPE_CHECKING", "always", "lazily_needed",
                              "store_sdk.client"}
    assert "shared.adapters.store_adapter" in graph.modules
    assert graph.members["shared.bootstrap"] == {"container", "store", "_store"}


def test_only_code_that_knows_the_root_reaches_its_members_and_each_class_its_own_init(
        tmp_path: Path) -> None:
    write(tmp_path, "functions/f/main.py", """
        from shared import bootstrap
        from shared.endpoint import handle
        handle(bootstrap.use_cases)
        """)
    write(tmp_path, "shared/__init__.py", "")
    write(tmp_path, "shared/endpoint.py", """
        from typing import TYPE_CHECKING
        from shared.service import Refused
        if TYPE_CHECKING:
            from shared.bootstrap import UseCases
        def handle(uc: "UseCases"):
            return uc.store
        """)
    # Below the root: its ``p.mailer`` is a port's attribute, not the root's member.
    write(tmp_path, "shared/service.py", """
        class Refused(Exception):
            def __init__(self):
                super().__init__()
        def send(p):
            return p.mailer.send()
        """)
    write(tmp_path, "shared/bootstrap.py", """
        class UseCases:
            def __init__(self):
                self.desk = Desk()
            @property
            def store(self):
                import store_sdk
            @property
            def mailer(self):
                import mail_sdk
        class Desk:
            def __init__(self):
                import desk_sdk
        class Other:
            def __init__(self):
                import other_sdk
        def use_cases():
            return UseCases()
        """)
    graph = import_graph("f", tmp_path)
    assert graph.external == {"typing.TYPE_CHECKING", "store_sdk", "desk_sdk"}
    assert graph.members["shared.bootstrap"] == {"use_cases", "UseCases.__init__", "store",
                                                 "Desk.__init__"}
