"""What each function imports: its import graph, and the distributions that graph needs.

Read from the source, from ``functions/<name>/main.py`` down through ``shared`` and
``schemas``: every ``import`` (at module level or inside a function, since adapters and
pages are imported on first use), except under ``if TYPE_CHECKING:``. The composition root
is the exception that keeps the answer honest: it imports every adapter, each inside the
member that builds it, so following all of its imports would give every function every
SDK. Its members are followed only when reached: a member is reached when a module the
function reaches and that knows the composition root (imports from it, if only its types
under ``TYPE_CHECKING``: the entry points, endpoints, command line) names it
(``container.gateway``, ``use_cases.notify``, ``from shared.bootstrap import using``), or a
reached member names it. The modules below the root (services, adapters, the domain) never
hold what it builds, so an attribute of theirs that shares a member's name (a port's
``p.gateway``) reaches nothing. A class's special methods (``__init__``) are members of
their own (``OfficerDesk.__init__``), reached when the class is named.

Third-party modules are mapped to their distributions by the files the installed
distributions hold (``importlib.metadata``), so this runs in the project's virtualenv.
``scripts/lock`` writes the result to ``functions/<name>/requirements.in``; scripts/build
pins those names, and what they need, from requirements.lock.

    .venv/bin/python -m tools.bundles.imports [--write] [FUNCTION...]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("shared", "schemas")  # what a bundle ships beside main.py
COMPOSITION_ROOTS = frozenset({"shared.bootstrap"})
OWN_DISTRIBUTION = "ethics-intake"
REQUIREMENTS_IN = "requirements.in"
HEADER = ("# What this function imports, from its import graph (tools/bundles/imports.py);\n"
          "# scripts/build pins these and what they need from requirements.lock.\n"
          "# Written by scripts/lock: do not edit.\n")


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Import:
    module: str              # the module named, absolute
    member: str | None       # ``from module import member``: maybe a submodule
    scope: str | None        # the enclosing function or method (None: module level)


@dataclass
class ModuleInfo:
    imports: list[Import] = field(default_factory=list)
    attributes: set[str] = field(default_factory=set)  # every ``x.name`` it reads
    module_level_names: set[str] = field(default_factory=set)  # named outside any function
    type_only_imports: set[str] = field(default_factory=set)  # under ``if TYPE_CHECKING:``
    # Composition roots: what each member (function, method, property) names and imports.
    members: dict[str, set[str]] = field(default_factory=dict)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Reader(ast.NodeVisitor):
    def __init__(self, package: str) -> None:
        self.package = package
        self.info = ModuleInfo()
        self.scope: list[str] = []
        self.classes: list[str] = []

    def _member(self) -> str | None:
        return self.scope[-1] if self.scope else None

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        base = self.package.split(".")
        base = base[:len(base) - level + 1]
        return ".".join([*base, module] if module else base)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in ast.walk(node):
                if isinstance(child, ast.ImportFrom):
                    self.info.type_only_imports.add(self._absolute(child.module, child.level))
                elif isinstance(child, ast.Import):
                    self.info.type_only_imports.update(a.name for a in child.names)
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def _visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # Methods and nested functions count as the outermost member that holds them; a
        # special method is its class's (every class has an ``__init__``).
        name = node.name
        if self.classes and name.startswith("__") and name.endswith("__"):
            name = f"{self.classes[-1]}.{name}"
        self.scope.append(self.scope[-1] if self.scope else name)
        self.info.members.setdefault(self.scope[-1], set())
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = _visit_scope
    visit_AsyncFunctionDef = _visit_scope

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.info.imports.append(Import(alias.name, None, self._member()))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = self._absolute(node.module, node.level)
        for alias in node.names:
            self.info.imports.append(Import(module, alias.name, self._member()))
            self._name(alias.name)

    def _name(self, name: str) -> None:
        member = self._member()
        if member is None:
            self.info.module_level_names.add(name)
        else:
            self.info.members[member].add(name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.info.attributes.add(node.attr)
        self._name(node.attr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self._name(node.id)


def project_file(module: str, root: Path = ROOT) -> Path | None:
    """The source file of one of our modules, or None if it is not ours."""
    if module.split(".")[0] not in PROJECT_PACKAGES:
        return None
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _read(path: Path, package: str) -> ModuleInfo:
    reader = _Reader(package)
    reader.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return reader.info


def _info(module: str, root: Path) -> ModuleInfo:
    path = project_file(module, root)
    assert path is not None, module
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _read(path, package)


def _knows_a_root(info: ModuleInfo) -> bool:
    """Whether a module imports from a composition root (its types included): only such a
    module can hold what the root builds and call its members."""
    imported = {i.module for i in info.imports} | {
        f"{i.module}.{i.member}" for i in info.imports if i.member} | info.type_only_imports
    return not imported.isdisjoint(COMPOSITION_ROOTS)


def _named(member: str, names: set[str]) -> bool:
    """Whether ``names`` reach a composition root's ``member``: its own name, or for a
    special method (``Cls.__init__``) its class's."""
    owner = member.rpartition(".")[0]
    return member in names or (bool(owner) and owner in names)


@dataclass
class ImportGraph:
    """What a function's code reaches: our modules, and the third-party modules they name."""

    modules: set[str] = field(default_factory=set)
    external: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=dict)  # composition root -> members


def _parents(module: str) -> Iterator[str]:
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


def import_graph(function: str, root: Path = ROOT) -> ImportGraph:
    """The import graph of ``functions/<function>/main.py`` (see the module's docstring)."""
    main = root / "functions" / function / "main.py"
    if not main.is_file():
        raise FileNotFoundError(f"no function {function!r}: {main} does not exist")
    graph = ImportGraph()
    # What reached code may take from a composition root: the attributes it reads
    # (``container.store``, ``bootstrap.container``) and the names it imports from one.
    names: set[str] = set(_read(main, "").attributes)
    pending: list[Import] = list(_read(main, "").imports)

    def take(imported: Import) -> None:
        targets = [imported.module]
        if imported.member and project_file(f"{imported.module}.{imported.member}", root):
            targets.append(f"{imported.module}.{imported.member}")
        for target in targets:
            if project_file(target, root) is None:
                name = f"{imported.module}.{imported.member}" if imported.member else target
                graph.external.add(name)
                continue
            if target in COMPOSITION_ROOTS and imported.member:
                names.add(imported.member)
            for module in _parents(target):
                if module in graph.modules or project_file(module, root) is None:
                    continue
                graph.modules.add(module)
                info = _info(module, root)
                if module in COMPOSITION_ROOTS:
                    names.update(info.module_level_names)
                    graph.members[module] = set()
                    pending.extend(i for i in info.imports if i.scope is None)
                else:
                    if _knows_a_root(info):
                        names.update(info.attributes)
                    pending.extend(info.imports)

    while True:
        while pending:
            take(pending.pop())
        # The composition roots' members reached by now: by name, to a fixed point.
        grew = False
        for hub in sorted(graph.members):
            info = _info(hub, root)
            reached = graph.members[hub]
            frontier = [m for m in info.members if _named(m, names) and m not in reached]
            while frontier:
                member = frontier.pop()
                if member in reached:
                    continue
                reached.add(member)
                grew = True
                names.update(info.members[member])
                frontier.extend(m for m in info.members
                                if m not in reached and _named(m, info.members[member]))
                pending.extend(i for i in info.imports if i.scope == member)
        if not grew and not pending:
            return graph


# --- Third-party modules -> distributions -------------------------------------------------

@cache
def module_owners() -> dict[str, str]:
    """Dotted module name -> the (canonical) distribution whose files hold it."""
    owners: dict[str, str] = {}
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"] or "")
        if not name or name == OWN_DISTRIBUTION:
            continue
        for file in dist.files or ():
            parts = file.parts
            if not parts or parts[0].endswith((".dist-info", ".egg-info", ".data")) or (
                    parts[0] in ("..", "bin")):
                continue
            stem = parts[-1].split(".")[0]
            if not parts[-1].endswith((".py", ".so", ".pyd")) or not stem.isidentifier():
                continue
            dotted = [*parts[:-1], stem] if stem != "__init__" else list(parts[:-1])
            if dotted:
                owners.setdefault(".".join(dotted), name)
    return owners


class UnknownImport(LookupError):
    """A module the code imports that neither the standard library nor an installed
    distribution provides."""


def distribution_of(module: str) -> str | None:
    """The distribution that provides ``module`` (None: the standard library)."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return None
    owners = module_owners()
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        owner = owners.get(".".join(parts[:end]))
        if owner:
            return owner
    raise UnknownImport(f"no installed distribution provides {module!r}")


def distributions(function: str, root: Path = ROOT) -> list[str]:
    """The distributions ``function``'s code imports directly, sorted."""
    found: set[str] = set()
    for module in import_graph(function, root).external:
        owner = distribution_of(module)  # ``from m import name``: m's, if name is no module
        if owner:
            found.add(owner)
    return sorted(found)


def function_names(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in (root / "functions").glob("*/main.py"))


def requirements_in(names: Iterable[str]) -> str:
    return HEADER + "".join(f"{name}\n" for name in names)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("functions", nargs="*", help="default: every function")
    parser.add_argument("--write", action="store_true",
                        help=f"write functions/<name>/{REQUIREMENTS_IN} instead of printing")
    args = parser.parse_args(argv)
    for name in args.functions or function_names():
        text = requirements_in(distributions(name))
        if args.write:
            (ROOT / "functions" / name / REQUIREMENTS_IN).write_text(text, encoding="utf-8")
            print(f"functions/{name}/{REQUIREMENTS_IN}")
        else:
            print(f"== {name}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
