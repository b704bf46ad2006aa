"""What the annual report counts besides form submissions, and the questions it asks.

A ``StatRecord`` is one countable thing that did not arrive through a public form: a service
an officer logged (a training, a media inquiry...) or an imported historical record (an
advice request, a retaliation complaint, a misconduct allegation). It holds codes and a
date, never identity or narrative.

The report never reads records one by one: it asks the store for counts (``CountQuery``),
each of which the store answers with one aggregate (a Firestore ``count()`` or ``sum()``, an
SQL ``COUNT(*)`` or ``SUM``, or tallies kept with imported records). The one exception is
retaliation, whose figures come from the history of each case (``CaseHistory``): about
fourteen a year.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import CaseEvent
from shared.domain.taxonomy import LOGGED_CODES, LOGGED_SERVICE_CATEGORIES

# Where a record came from.
LOGGED = "log"
IMPORTED = "import"

# Categories of records that are not Table 1 services but steps of retaliation cases kept
# without their case (imported history): they count only in the retaliation figures.
PANEL_REVIEW = "panel_review"
INDEPENDENT_REVIEW = "independent_review"
RETALIATION_EVENT_CATEGORIES = (PANEL_REVIEW, INDEPENDENT_REVIEW)


@dataclass(frozen=True)
class StatRecord:
    """One countable record: ``category`` is a Table 1 code, or a step of a retaliation
    case given on its own (RETALIATION_EVENT_CATEGORIES: a review by the Ethics Panel chair,
    an independent review); ``subcategory`` (advice) and ``outcome`` (retaliation: its
    outcome code; a step: which step or result) are the dimensions the report breaks it down
    by; ``codes`` holds the other optional codes (participants of a training, duty
    station...)."""

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


Where = tuple[str, str | bool]  # (code, value): one optional code a count filters on

# Codes of a record the report counts by (RecordCount.where), and codes it adds up
# (RecordSum). A store that keeps tallies keeps them for these.
COUNTED_CODES = ("duty_station", "requester_type", "anonymous", "protective_measures")
SUMMED_CODES = ("participants",)


@dataclass(frozen=True)
class RecordCount:
    """Records of a year in a category, optionally of one sub-category, one outcome, or one
    value of a counted code (``where``: one of COUNTED_CODES; not with the other two)."""

    year: int
    category: str
    subcategory: str | None = None
    outcome: str | None = None
    where: Where | None = None

    def __post_init__(self) -> None:
        if self.where is not None and (
                self.where[0] not in COUNTED_CODES or self.subcategory or self.outcome):
            raise ValueError(f"not a countable code filter: {self!r}")


@dataclass(frozen=True)
class RecordSum:
    """The total of one summed code (SUMMED_CODES) over a year's records of a category, e.g.
    the participants of the year's trainings."""

    year: int
    category: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in SUMMED_CODES:
            raise ValueError(f"not a summed code: {self.code!r}")


# Fields of a submission's clear view a count may filter on (SubmissionCount.where).
CLEAR_FILTERS = ("duty_station", "requester_type", "anonymous", "channel")


@dataclass(frozen=True)
class SubmissionCount:
    """Form submissions received in a year (UTC), optionally of one advice sub-category, or
    with one value of a field of the clear view (``where``: one of CLEAR_FILTERS)."""

    year: int
    form: str
    subcategory: str | None = None
    where: Where | None = None

    def __post_init__(self) -> None:
        if self.where is not None and (self.where[0] not in CLEAR_FILTERS
                                       or self.subcategory):
            raise ValueError(f"not a clear-view filter: {self!r}")


@dataclass(frozen=True)
class CaseCount:
    """Cases of a form received in a year (UTC)."""

    year: int
    form: str


@dataclass(frozen=True)
class ForwardedCount:
    """Referrals the investigations office accepted in a year (UTC): cases of any form
    whose ``forwarding.forwarded_at`` falls in it; only those of ``matter``
    (``forwarding.matter``) if given."""

    year: int
    matter: str | None = None


CountQuery = RecordCount | RecordSum | SubmissionCount | CaseCount | ForwardedCount


def may_be_logged(q: RecordCount | RecordSum) -> bool:
    """Whether a logged service can count in ``q``: its category is one the service log
    records, and the code it filters on or adds up is one such entries carry (a store that
    counts the log on its own skips the other queries)."""
    if q.category not in LOGGED_SERVICE_CATEGORIES:
        return False
    codes = LOGGED_CODES.get(q.category, ())
    if isinstance(q, RecordSum):
        return q.code in codes
    return q.outcome is None and (q.where is None or q.where[0] in codes)


@dataclass(frozen=True)
class CaseHistory:
    """A case as the report reads it: when it was received, and its history in order."""

    reference: str
    received_at: datetime
    events: tuple[CaseEvent, ...]


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
