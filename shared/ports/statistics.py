"""The port of the annual report's data: the service log, imported records, and counts.

Its adapters share their backend's database with the intake store's adapters; like them,
they raise ``StoreUnavailable`` when it is down.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from datetime import datetime

from shared.domain.handling_times import CaseFacts
from shared.domain.statistics import (
    CaseHistory,
    CountQuery,
    DisclosureYear,
    ImportManifest,
    ImportProgress,
    StatRecord,
)


class LoggedServiceConflict(Exception):
    """The idempotency key of a logged service was already used for a different entry."""


class ImportMismatch(Exception):
    """A chunk does not belong to the import it claims (unknown import, or out of range)."""


class StatisticsStore(abc.ABC):
    """Logged services, imported records and disclosure years, and the counts over them
    and over the intake store's submissions and cases that the annual report is made of.

    ``count`` answers each query with one aggregate of the store (never by reading the
    records); ``case_histories`` reads the few cases whose figures come from their history
    (retaliation); every write method is atomic.
    """

    @property
    @abc.abstractmethod
    def chunk_size(self) -> int:
        """Most records plus disclosure years one ``write_import_chunk`` call accepts."""

    @abc.abstractmethod
    def add_logged_service(self, record: StatRecord, request_digest: str) -> tuple[StatRecord,
                                                                                   bool]:
        """Store a logged service under ``record.id`` and claim that id, atomically.

        If the id is claimed already (a retry with the same idempotency key), store nothing
        and return the stored record with False when ``request_digest`` matches the first
        request's, or raise LoggedServiceConflict. Returns (record, True) when stored.
        """

    @abc.abstractmethod
    def begin_import(self, manifest: ImportManifest) -> ImportProgress:
        """Register an import, or find the one registered under ``manifest.id``.

        Returns the stored manifest (the first one, for an import seen before) and the
        chunks already written, so an interrupted import resumes where it stopped.
        """

    @abc.abstractmethod
    def write_import_chunk(self, import_id: str, chunk: int, records: Sequence[StatRecord],
                           disclosures: Sequence[DisclosureYear]) -> None:
        """Write one chunk of an import and mark it written, atomically.

        Records are stored under their ids and disclosure years under their year, so
        writing a chunk again replaces the same documents and never adds a second copy.
        Raises ImportMismatch if the import is unknown or ``chunk`` is out of its range,
        ValueError if the chunk holds more than ``chunk_size`` items.
        """

    @abc.abstractmethod
    def finish_import(self, import_id: str, at: datetime) -> ImportManifest:
        """Mark an import complete (idempotent) and return its manifest. Raises
        ImportMismatch if it is unknown or some chunk is not written."""

    @abc.abstractmethod
    def incomplete_imports(self) -> list[ImportManifest]:
        """Imports begun and not finished, oldest first."""

    @abc.abstractmethod
    def disclosure_years(self) -> list[DisclosureYear]:
        """Every recorded year of the disclosure programme, in year order."""

    @abc.abstractmethod
    def count(self, queries: Sequence[CountQuery]) -> list[int]:
        """The answer to each query, in order, each computed by one aggregate query."""

    @abc.abstractmethod
    def case_histories(self, form: str, *, received_before: datetime,
                       active_since: datetime) -> list[CaseHistory]:
        """Every case of ``form`` received before ``received_before`` whose history has an
        event at or after ``active_since`` (at least every such case: a store may return
        more), each with its whole history in order. Reads each case: for the forms with
        few cases a year."""

    @abc.abstractmethod
    def case_facts(self, form: str, *, received_from: datetime,
                   received_before: datetime) -> Iterator[CaseFacts]:
        """Every case of ``form`` received in [``received_from``, ``received_before``), in
        the order received, with only what its timeline needs: the case's codes and dates
        and, of each history event, its sequence, time, kind, states, the deadlines it
        ended and the acknowledgement time (``CaseFacts``). Read page by page, with only
        those fields: the handling-time figures and the export need each case's dates,
        which no aggregate gives; nothing else of a case or of its submission is read."""
