"""The port of the disclosure programme's records: filers, campaigns and obligations,
declarations with every version, reviews, the reminders sent, and the append-only history.

Its adapters share their backend's database with the intake store's; like them they raise
``StoreUnavailable`` when it is down.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.domain.disclosure import (
    Campaign,
    Declaration,
    DeclarationVersion,
    Filer,
    HistoryEntry,
    Obligation,
    Review,
)
from shared.domain.verification import Draw


class DeclarationConflict(Exception):
    """A declaration changed since the caller read it (another version was filed, or it was
    reviewed): nothing was written."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "version", "reviewed", "exists"


class DisclosureStore(abc.ABC):
    """The programme's records. Every write is atomic; batch writes take any number of
    items and write them in chunks the backend accepts (each chunk atomic, a repeat of a
    chunk writes the same documents again)."""

    # --- Filers ---

    @abc.abstractmethod
    def put_filers(self, filers: Sequence[Filer]) -> None:
        """Store each filer under its staff id, replacing what was there."""

    @abc.abstractmethod
    def filers(self) -> list[Filer]:
        """Every filer, active or not, by staff id."""

    @abc.abstractmethod
    def filer(self, staff_id: str) -> Filer | None:
        """The filer with this staff id."""

    @abc.abstractmethod
    def filer_by_email(self, email: str) -> Filer | None:
        """The active filer with this (normalised) e-mail address; else the latest one
        stored with it."""

    # --- Campaigns and obligations ---

    @abc.abstractmethod
    def create_campaign(self, campaign: Campaign) -> tuple[Campaign, bool]:
        """Store a campaign for its year unless one exists: (the stored one, created)."""

    @abc.abstractmethod
    def campaign(self, year: int) -> Campaign | None:
        """The campaign of a reporting year."""

    @abc.abstractmethod
    def campaigns(self) -> list[Campaign]:
        """Every campaign, by year."""

    @abc.abstractmethod
    def add_obligations(self, obligations: Sequence[Obligation]) -> int:
        """Store each obligation that does not exist yet (an existing one is left as it
        is); how many were added."""

    @abc.abstractmethod
    def put_obligation(self, obligation: Obligation) -> None:
        """Replace an obligation (its state changed)."""

    @abc.abstractmethod
    def obligation(self, year: int, staff_id: str) -> Obligation | None: ...

    @abc.abstractmethod
    def obligations(self, year: int) -> list[Obligation]:
        """Every obligation of a year, by staff id."""

    @abc.abstractmethod
    def pending_obligations(self, year: int) -> list[Obligation]:
        """The pending obligations of a year, by staff id."""

    # --- Declarations ---

    @abc.abstractmethod
    def add_declaration(self, declaration: Declaration, version: DeclarationVersion,
                        obligation: Obligation | None) -> None:
        """Store a new declaration with its first version and, for an annual one, the
        obligation it fulfils, atomically. DeclarationConflict("exists") if its id is
        taken."""

    @abc.abstractmethod
    def amend_declaration(self, declaration: Declaration, version: DeclarationVersion
                          ) -> None:
        """Store a new version and the declaration's new state, atomically, if the stored
        one is still at ``version.version - 1`` and not reviewed; DeclarationConflict
        otherwise."""

    @abc.abstractmethod
    def review_declaration(self, declaration_id: str, review: Review,
                           guidance: dict[str, object] | None) -> Declaration:
        """Record the one review of a declaration, atomically; DeclarationConflict
        ("reviewed") if it has one. KeyError if there is no such declaration."""

    @abc.abstractmethod
    def declaration(self, declaration_id: str) -> Declaration | None: ...

    @abc.abstractmethod
    def declarations_of(self, staff_id: str) -> list[Declaration]:
        """A filer's declarations, oldest first."""

    @abc.abstractmethod
    def declarations(self, year: int) -> list[Declaration]:
        """Every declaration of a year, by id."""

    @abc.abstractmethod
    def versions(self, declaration_id: str) -> list[DeclarationVersion]:
        """Every version of a declaration, in order."""

    # --- Reminders ---

    @abc.abstractmethod
    def claim_reminder(self, key: str, at: datetime, lease: timedelta) -> bool:
        """Take the reminder ``key`` to send it: True if it was never sent and no claim
        younger than ``lease`` holds it."""

    @abc.abstractmethod
    def reminder_sent(self, key: str, at: datetime) -> None:
        """Mark a claimed reminder sent: it is never claimed again."""

    @abc.abstractmethod
    def release_reminder(self, key: str) -> None:
        """Give up a claim whose e-mail did not go out."""

    @abc.abstractmethod
    def note_pending_notice(self, key: str, at: datetime) -> None:
        """Record that the notice ``key`` is owed (unless it is recorded already): it is
        among ``unsent_notices`` until it is marked sent."""

    @abc.abstractmethod
    def unsent_notices(self) -> list[str]:
        """The keys recorded or claimed and not marked sent."""

    @abc.abstractmethod
    def reminders_sent(self, year: int) -> list[str]:
        """The keys of the reminders of a year that went out."""

    # --- Verification draws ---

    @abc.abstractmethod
    def create_draw(self, draw: Draw) -> tuple[Draw, bool]:
        """Store a draw under its year and number unless one is stored there: (the stored
        one, created). Draws are never removed."""

    @abc.abstractmethod
    def draws(self, year: int) -> list[Draw]:
        """Every draw of a year, voided or not, by number."""

    @abc.abstractmethod
    def void_draw(self, year: int, number: int, at: datetime, by: str, reason: str
                  ) -> tuple[Draw, bool]:
        """Mark a draw voided, atomically, unless it is already: (the stored draw,
        changed). KeyError if there is no such draw."""

    # --- History ---

    @abc.abstractmethod
    def append_history(self, entry: HistoryEntry) -> None:
        """Add an entry; entries are never changed or removed."""

    @abc.abstractmethod
    def history(self, subject: str) -> list[HistoryEntry]:
        """A subject's entries, oldest first."""
