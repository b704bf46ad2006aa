"""Composite indexes declared from the code's queries: every Firestore query chain in
shared/adapters/firestore*.py that filters or orders on two fields or more must have a
composite index in the one file that declares them (shared/adapters/firestore_indexes.json),
with the same collection and fields; Terraform creates exactly what that file holds."""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.firestore_indexes import INDEXES_FILE, CompositeIndex, composite_indexes
from tests.support.terraform import MODULES, ROOT, expression, folder

_CHAIN = {"where", "order_by", "limit", "limit_to_last", "start_at", "start_after", "end_at",
          "end_before", "select", "stream", "get", "count", "sum", "avg", "offset"}


@dataclass(frozen=True)
class Query:
    collection: str
    fields: frozenset[str]
    equality_only: bool

    @property
    def needs_composite_index(self) -> bool:
        # Firestore serves one field, or equality filters alone (merging single-field
        # indexes), without a composite index; anything else on 2+ fields needs one.
        return len(self.fields) >= 2 and not self.equality_only


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _filter(call: ast.Call) -> tuple[str, str] | None:
    """(field, operator) of a where(): where(filter=FieldFilter(f, op, v)) or where(f, op, v)."""
    args: list[ast.expr] = list(call.args)
    for keyword in call.keywords:
        if keyword.arg == "filter" and isinstance(keyword.value, ast.Call):
            args = list(keyword.value.args)
    if len(args) >= 2 and _string(args[0]) and _string(args[1]):
        return str(_string(args[0])), str(_string(args[1]))
    return None


def _collection_of(node: ast.expr) -> str | None:
    """The collection an expression like db.collection("a").document(x).collection("b") is."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in ("collection", "collection_group") and node.args:
            return _string(node.args[-1])
        node = node.func.value
    return None


def queries(source: str) -> list[Query]:
    """Every maximal query chain of a module: collection("x").where(...).order_by(...)..."""
    found: list[Query] = []
    receivers: set[int] = set()
    tree = ast.parse(source)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    # events = db.collection("cases").document(r).collection("events"); events.order_by(...)
    named = {node.targets[0].id: _collection_of(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Assign) and len(node.targets) == 1
             and isinstance(node.targets[0], ast.Name)}
    for call in calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr in _CHAIN:
            receivers.add(id(call.func.value))
    for call in calls:
        if id(call) in receivers or not isinstance(call.func, ast.Attribute):
            continue
        fields: set[str] = set()
        equality = True
        node: Any = call
        collection = None
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "where":
                parsed = _filter(node)
                if parsed:
                    fields.add(parsed[0])
                    equality = equality and parsed[1] == "=="
            elif method == "order_by" and node.args and _string(node.args[0]):
                fields.add(str(_string(node.args[0])))
                equality = False
            elif method in ("collection", "collection_group") and node.args:
                collection = _string(node.args[-1])
                break
            elif method not in _CHAIN:
                break
            node = node.func.value
        if collection is None and isinstance(node, ast.Name):
            collection = named.get(node.id)
        if collection and fields:
            found.append(Query(collection, frozenset(fields), equality))
    return found


def code_queries() -> list[Query]:
    return [q for path in sorted((ROOT / "shared" / "adapters").glob("firestore*.py"))
            for q in queries(path.read_text(encoding="utf-8"))]


def declared_indexes() -> list[tuple[str, frozenset[str]]]:
    return [(index.collection, frozenset(index.field_paths))
            for index in composite_indexes().values()]


def test_the_analysis_sees_the_codes_queries() -> None:
    found = {(q.collection, q.fields) for q in code_queries()}
    assert ("pending_tasks", frozenset({"last_enqueued_at"})) in found
    assert ("events", frozenset({"seq"})) in found


def test_the_analysis_asks_for_an_index_on_two_fields() -> None:
    source = ('db.collection("cases").where(filter=FieldFilter("state", "==", s))'
              '.order_by("received_at").limit(5).stream()\n'
              'db.collection("cases").where("form", "==", f).where("state", "==", s).stream()')
    two_fields, equalities = queries(source)
    assert two_fields == Query("cases", frozenset({"state", "received_at"}), False)
    assert two_fields.needs_composite_index
    assert not equalities.needs_composite_index


def test_every_query_that_needs_a_composite_index_has_one() -> None:
    declared = declared_indexes()
    missing = [q for q in code_queries() if q.needs_composite_index
               and (q.collection, q.fields) not in declared]
    assert missing == [], f"declare these in infra/modules/intake/main.tf: {missing}"


def test_terraform_creates_the_indexes_of_the_one_file() -> None:
    call = folder(MODULES / "intake").modules["firestore"]
    read = expression(call["composite_indexes"])
    prefix, _, rest = read.partition('file("${path.module}/')
    assert prefix == "jsondecode(" and rest.endswith('"))'), read
    path = (MODULES / "intake" / rest.removesuffix('"))')).resolve()
    assert path == INDEXES_FILE.resolve()
    # The module creates one google_firestore_index per entry, fields in the file's order.
    index = folder(MODULES / "firestore").resources[("google_firestore_index", "composite")]
    assert expression(index["for_each"]) == "var.composite_indexes"


def test_the_file_holds_what_the_firestore_module_accepts(tmp_path: Path) -> None:
    indexes = composite_indexes()
    assert indexes
    assert all(i.query_scope == "COLLECTION" and len(i.fields) >= 2 for i in indexes.values())
    # A malformed entry is refused by name rather than deployed.
    bad = tmp_path / "indexes.json"
    bad.write_text('{"one_field": {"collection": "cases", "query_scope": "COLLECTION", '
                   '"fields": [{"field_path": "state", "order": "ASCENDING"}]}}')
    with pytest.raises(ValueError, match="one_field"):
        composite_indexes(bad)


def test_the_annual_reports_counts_have_their_indexes_all_ascending() -> None:
    stats = {label: index for label, index in composite_indexes().items()
             if label.startswith("stats_")}
    assert stats
    assert all(order == "ASCENDING" for i in stats.values() for _, order in i.fields)


def case_list_queries() -> dict[str, CompositeIndex]:
    """What list_cases can ask for: its equality filters (any subset of CASE_FILTERS),
    then next_deadline (or feedback_due) when listing by deadline, then received_at newest
    first."""
    from shared.adapters.firestore_store import CASE_FILTERS

    wanted: dict[str, CompositeIndex] = {}
    for size in range(len(CASE_FILTERS) + 1):
        for chosen in itertools.combinations(CASE_FILTERS, size):
            equal = tuple((f, "ASCENDING") for f in chosen)
            newest = (("received_at", "DESCENDING"),)
            if chosen:
                wanted["cases_by_" + "_".join(chosen)] = CompositeIndex(
                    "cases", "COLLECTION", equal + newest)
            for label, deadline in (("cases_due", "next_deadline"),
                                    ("cases_feedback_due", "feedback_due")):
                wanted["_".join((label, *(("by", *chosen) if chosen else ())))] = (
                    CompositeIndex("cases", "COLLECTION",
                                   (*equal, (deadline, "ASCENDING"), *newest)))
    return wanted


def test_the_case_list_has_an_index_for_every_combination_it_queries() -> None:
    declared = {label: index for label, index in composite_indexes().items()
                if label.startswith("cases_")}
    assert declared == case_list_queries()
