"""What the annual report counts besides form submissions, and the questions it asks.

A ``StatRecord`` is one countable thing that did not arrive through a public form: a service
an officer logged (a training, a media inquiry...) or an imported historical record (an
advice request, a retaliation complaint, a misconduct allegation). It holds codes and a
date, never identity or narrative.

The report never reads records one by one: it asks the store for counts (``CountQuery``),
each of which the store answers with one aggregate (a Firestore ``count()``, an SQL
``COUNT(*)``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

# Where a record came from.
LOGGED = "log"
IMPORTED = "import"


@dataclass(frozen=True)
class StatRecord:
    """One countable record: ``category`` is a Table 1 code; ``subcategory`` (advice) and
    ``outcome`` (retaliation) are the dimensions the report breaks it down by; ``codes``
    holds the other optional codes (participants of a training, duty station...)."""

    id: str
    category: str
    day: date
    source: str
    recorded_at: datetime
    recorded_by: str
    subcategory: str | None = None
    outcome: str | None = None
    codes: Mapping[str, Any] = field(default_factory=dict)
    import_id: str | None = None
    line: int | None = None

    @property
    def year(self) -> int:
        return self.day.year


@dataclass(frozen=True)
class DisclosureYear:
    """One year of the conflict-of-interest and financial disclosure programme (Table 2)."""

    year: int
    filers: int
    compliant: int
    import_id: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class RecordCount:
    """Records of a year in a Table 1 category, optionally of one sub-category or outcome."""

    year: int
    category: str
    subcategory: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class SubmissionCount:
    """Form submissions received in a year (UTC), optionally of one advice sub-category."""

    year: int
    form: str
    subcategory: str | None = None


@dataclass(frozen=True)
class CaseCount:
    """Cases of a form received in a year (UTC), optionally with one report outcome
    (``Case.outcome``: retaliation cases)."""

    year: int
    form: str
    outcome: str | None = None


@dataclass(frozen=True)
class ForwardedCount:
    """Referrals the investigations office accepted in a year (UTC): cases of any form
    whose ``forwarding.forwarded_at`` falls in it."""

    year: int


CountQuery = RecordCount | SubmissionCount | CaseCount | ForwardedCount


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of a calendar year and of the next one, in UTC: years are counted
    in UTC, like every timestamp the system stores."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ImportManifest:
    """An import as the store remembers it. ``id`` is derived from the validated records,
    so importing the same records again finds this manifest instead of counting them twice."""

    id: str
    records: int
    chunks: int
    chunk_size: int
    started_at: datetime
    completed_at: datetime | None = None

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class ImportProgress:
    """The stored manifest of an import and the chunks of it already written."""

    manifest: ImportManifest
    written_chunks: frozenset[int]


def import_record_id(import_id: str, ordinal: int) -> str:
    """The document id of the ``ordinal``-th record of an import: the same on every attempt
    (a resumed import overwrites, never duplicates), and hashed rather than sequential so
    a large import spreads its writes (Firestore slows down on monotonically rising ids)."""
    return hashlib.sha256(f"{import_id}:{ordinal}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ImportLine:
    """One validated line of an import file: its number, kind and loaded fields (shared,
    never changed, between identical lines)."""

    line: int
    kind: str
    data: Mapping[str, Any]
