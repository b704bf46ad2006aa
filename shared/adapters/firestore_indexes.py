"""The composite indexes the Firestore adapters' queries need.

They are declared once, in ``firestore_indexes.json`` beside this module: a map from a label
naming the query to its collection, query scope and fields in order. Terraform reads the
same file (``infra/modules/intake``, ``jsondecode(file(...))``) to create them, and the tests
check it against the queries of ``firestore_*.py``. The Firestore emulator does not enforce
indexes; production refuses a query that lacks one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

INDEXES_FILE = Path(__file__).with_name("firestore_indexes.json")
ORDERS = ("ASCENDING", "DESCENDING")
QUERY_SCOPES = ("COLLECTION", "COLLECTION_GROUP")


@dataclass(frozen=True)
class CompositeIndex:
    collection: str
    query_scope: str
    # (field path, ASCENDING or DESCENDING), in the index's order
    fields: tuple[tuple[str, str], ...]

    @property
    def field_paths(self) -> tuple[str, ...]:
        return tuple(path for path, _ in self.fields)


def composite_indexes(path: Path = INDEXES_FILE) -> dict[str, CompositeIndex]:
    """Every declared composite index, by label; ValueError if the file is malformed."""
    declared = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(declared, dict):
        raise ValueError(f"{path}: a JSON object of indexes by label is expected")
    indexes: dict[str, CompositeIndex] = {}
    for label, spec in declared.items():
        try:
            fields = tuple((f["field_path"], f["order"]) for f in spec["fields"])
            index = CompositeIndex(spec["collection"], spec["query_scope"], fields)
        except (KeyError, TypeError) as error:
            raise ValueError(f"{path}: index {label!r} is malformed ({error})") from None
        if index.query_scope not in QUERY_SCOPES or len(fields) < 2 or not all(
                order in ORDERS for _, order in fields):
            raise ValueError(f"{path}: index {label!r} needs a query scope of "
                             f"{QUERY_SCOPES}, two fields or more, orders of {ORDERS}")
        indexes[label] = index
    return indexes
