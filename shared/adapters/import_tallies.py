"""The tallies of imported records. Each chunk's marker document carries the counts of its
records, per (year, category, sub-category, outcome) cell, per value of each counted code
and, for summed codes, their totals; the report adds the markers up instead of counting
the records. Pure: no Firestore here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from shared.domain.statistics import (
    COUNTED_CODES,
    SUMMED_CODES,
    RecordCount,
    RecordSum,
    StatRecord,
)

Cell = tuple[int, str, str, str]  # year, category, subcategory or "", outcome or ""


def cell_key(record: StatRecord) -> str:
    return f"{record.year}|{record.category}|{record.subcategory or ''}|{record.outcome or ''}"


def _cell(key: str) -> Cell:
    year, category, subcategory, outcome = key.split("|")
    return int(year), category, subcategory, outcome


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def facet_key(year: int, category: str, code: str, value: object) -> str:
    """The tally key of the records of a year and category with one value of a code."""
    return f"{year}|{category}|{code}|{_value(value)}"


def sum_key(year: int, category: str, code: str) -> str:
    return f"{year}|{category}|{code}"


def chunk_tally(records: Sequence[StatRecord]) -> dict[str, dict[str, int]]:
    """What a chunk's marker records of its records: counts per cell, per counted code
    value, and the totals of the summed codes."""
    cells = Counter(cell_key(r) for r in records)
    facets: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    for r in records:
        facets.update(facet_key(r.year, r.category, code, r.codes[code])
                      for code in COUNTED_CODES if r.codes.get(code) is not None)
        for code in SUMMED_CODES:
            if isinstance(r.codes.get(code), int):
                sums[sum_key(r.year, r.category, code)] += r.codes[code]
    return {"cells": dict(cells), "facets": dict(facets), "sums": dict(sums)}


def _matches(q: RecordCount, cell: Cell) -> bool:
    year, category, subcategory, outcome = cell
    return (year == q.year and category == q.category
            and q.subcategory in (None, subcategory) and q.outcome in (None, outcome))


class Tallies:
    """The imported records' counts: the sum of every written chunk's tally."""

    def __init__(self) -> None:
        self.cells: Counter[str] = Counter()
        self.facets: Counter[str] = Counter()
        self.sums: Counter[str] = Counter()

    def add(self, marker: dict[str, Any]) -> None:
        self.cells.update(marker.get("cells") or {})
        self.facets.update(marker.get("facets") or {})
        self.sums.update(marker.get("sums") or {})

    def answer(self, q: RecordCount | RecordSum) -> int:
        if isinstance(q, RecordSum):
            return self.sums[sum_key(q.year, q.category, q.code)]
        if q.where is not None:
            return self.facets[facet_key(q.year, q.category, *q.where)]
        return sum(n for key, n in self.cells.items() if _matches(q, _cell(key)))
