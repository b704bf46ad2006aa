"""The disclosure programme's records in the embedded SQLite database, beside the intake
store's tables: one table per kind of record, each row the record's JSON document, with the
columns its queries select on."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from shared.adapters.disclosure_documents import (
    campaign_doc,
    campaign_from_doc,
    declaration_doc,
    declaration_from_doc,
    draw_doc,
    draw_from_doc,
    filer_doc,
    filer_from_doc,
    history_doc,
    history_from_doc,
    obligation_doc,
    obligation_from_doc,
    pick_by_email,
    version_doc,
    version_from_doc,
)
from shared.adapters.sqlite_database import SqliteDatabase, dump_doc, sortable
from shared.domain.disclosure import (
    PENDING,
    Campaign,
    Declaration,
    DeclarationVersion,
    Filer,
    HistoryEntry,
    Obligation,
    Review,
)
from shared.domain.verification import Draw
from shared.ports.disclosure import DeclarationConflict, DisclosureStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS disclosure_filers (
    staff_id TEXT PRIMARY KEY, email TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS disclosure_filers_by_email ON disclosure_filers (email, status);
CREATE TABLE IF NOT EXISTS disclosure_campaigns (year INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS disclosure_obligations (
    year INTEGER NOT NULL, staff_id TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (year, staff_id));
CREATE INDEX IF NOT EXISTS disclosure_obligations_by_state
    ON disclosure_obligations (year, state, staff_id);
CREATE TABLE IF NOT EXISTS disclosure_declarations (
    id TEXT PRIMARY KEY, staff_id TEXT NOT NULL, year INTEGER NOT NULL,
    filed_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS disclosure_declarations_by_filer
    ON disclosure_declarations (staff_id, filed_at);
CREATE INDEX IF NOT EXISTS disclosure_declarations_by_year
    ON disclosure_declarations (year, id);
CREATE TABLE IF NOT EXISTS disclosure_versions (
    declaration_id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (declaration_id, version));
CREATE TABLE IF NOT EXISTS disclosure_reminders (
    key TEXT PRIMARY KEY, year INTEGER NOT NULL, sent_at TEXT, claimed_at TEXT);
CREATE INDEX IF NOT EXISTS disclosure_reminders_by_year ON disclosure_reminders (year);
CREATE INDEX IF NOT EXISTS disclosure_reminders_unsent ON disclosure_reminders (sent_at);
CREATE TABLE IF NOT EXISTS disclosure_draws (
    year INTEGER NOT NULL, number INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (year, number));
CREATE TRIGGER IF NOT EXISTS disclosure_draws_kept
    BEFORE DELETE ON disclosure_draws
    BEGIN SELECT RAISE(ABORT, 'verification draws are never removed'); END;
CREATE TABLE IF NOT EXISTS disclosure_history (
    subject TEXT NOT NULL, at TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (subject, at, id));
CREATE TRIGGER IF NOT EXISTS disclosure_history_append_only_update
    BEFORE UPDATE ON disclosure_history
    BEGIN SELECT RAISE(ABORT, 'the disclosure history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS disclosure_history_append_only_delete
    BEFORE DELETE ON disclosure_history
    BEGIN SELECT RAISE(ABORT, 'the disclosure history is append-only'); END;
"""

BATCH = 500


class SqliteDisclosureStore(DisclosureStore):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        database.script(SCHEMA)

    # --- Filers ---

    def put_filers(self, filers: Sequence[Filer]) -> None:
        for start in range(0, len(filers), BATCH):
            with self._db.transaction() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO disclosure_filers VALUES (?, ?, ?, ?)",
                    [(f.staff_id, f.email, f.status, dump_doc(filer_doc(f)))
                     for f in filers[start:start + BATCH]])

    def filers(self) -> list[Filer]:
        return [filer_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_filers ORDER BY staff_id")]

    def filer(self, staff_id: str) -> Filer | None:
        doc = self._db.one("SELECT doc FROM disclosure_filers WHERE staff_id = ?", staff_id)
        return filer_from_doc(doc) if doc else None

    def filer_by_email(self, email: str) -> Filer | None:
        found = [filer_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_filers WHERE email = ?", email)]
        return pick_by_email(found)

    # --- Campaigns and obligations ---

    def create_campaign(self, campaign: Campaign) -> tuple[Campaign, bool]:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM disclosure_campaigns WHERE year = ?",
                             (campaign.year,)).fetchone()
            if row is not None:
                return campaign_from_doc(json.loads(row[0])), False
            db.execute("INSERT INTO disclosure_campaigns VALUES (?, ?)",
                       (campaign.year, dump_doc(campaign_doc(campaign))))
            return campaign, True

    def campaign(self, year: int) -> Campaign | None:
        doc = self._db.one("SELECT doc FROM disclosure_campaigns WHERE year = ?", year)
        return campaign_from_doc(doc) if doc else None

    def campaigns(self) -> list[Campaign]:
        return [campaign_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_campaigns ORDER BY year")]

    def add_obligations(self, obligations: Sequence[Obligation]) -> int:
        added = 0
        for start in range(0, len(obligations), BATCH):
            with self._db.transaction() as db:
                for o in obligations[start:start + BATCH]:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO disclosure_obligations VALUES (?, ?, ?, ?)",
                        (o.year, o.staff_id, o.state, dump_doc(obligation_doc(o))))
                    added += cursor.rowcount
        return added

    def put_obligation(self, obligation: Obligation) -> None:
        with self._db.transaction() as db:
            self._put_obligation(db, obligation)

    @staticmethod
    def _put_obligation(db: sqlite3.Connection, o: Obligation) -> None:
        db.execute("INSERT OR REPLACE INTO disclosure_obligations VALUES (?, ?, ?, ?)",
                   (o.year, o.staff_id, o.state, dump_doc(obligation_doc(o))))

    def obligation(self, year: int, staff_id: str) -> Obligation | None:
        doc = self._db.one("SELECT doc FROM disclosure_obligations WHERE year = ? AND "
                           "staff_id = ?", year, staff_id)
        return obligation_from_doc(doc) if doc else None

    def obligations(self, year: int) -> list[Obligation]:
        return [obligation_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_obligations WHERE year = ? ORDER BY staff_id", year)]

    def pending_obligations(self, year: int) -> list[Obligation]:
        return [obligation_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_obligations WHERE year = ? AND state = ? "
            "ORDER BY staff_id", year, PENDING)]

    # --- Declarations ---

    def add_declaration(self, declaration: Declaration, version: DeclarationVersion,
                        obligation: Obligation | None) -> None:
        with self._db.transaction() as db:
            try:
                db.execute("INSERT INTO disclosure_declarations VALUES (?, ?, ?, ?, ?)",
                           (declaration.id, declaration.staff_id, declaration.year,
                            sortable(declaration.filed_at),
                            dump_doc(declaration_doc(declaration))))
            except sqlite3.IntegrityError:
                raise DeclarationConflict("exists") from None
            self._put_version(db, version)
            if obligation is not None:
                self._put_obligation(db, obligation)

    @staticmethod
    def _put_version(db: sqlite3.Connection, v: DeclarationVersion) -> None:
        db.execute("INSERT INTO disclosure_versions VALUES (?, ?, ?)",
                   (v.declaration_id, v.version, dump_doc(version_doc(v))))

    def amend_declaration(self, declaration: Declaration, version: DeclarationVersion
                          ) -> None:
        with self._db.transaction() as db:
            stored = self._declaration(db, declaration.id)
            if stored is None:
                raise KeyError(declaration.id)
            if stored.review is not None:
                raise DeclarationConflict("reviewed")
            if stored.version != version.version - 1:
                raise DeclarationConflict("version")
            self._put_version(db, version)
            db.execute("UPDATE disclosure_declarations SET doc = ? WHERE id = ?",
                       (dump_doc(declaration_doc(declaration)), declaration.id))

    @staticmethod
    def _declaration(db: sqlite3.Connection, declaration_id: str) -> Declaration | None:
        row = db.execute("SELECT doc FROM disclosure_declarations WHERE id = ?",
                         (declaration_id,)).fetchone()
        return declaration_from_doc(json.loads(row[0])) if row else None

    def review_declaration(self, declaration_id: str, review: Review,
                           guidance: dict[str, object] | None) -> Declaration:
        with self._db.transaction() as db:
            stored = self._declaration(db, declaration_id)
            if stored is None:
                raise KeyError(declaration_id)
            if stored.review is not None:
                raise DeclarationConflict("reviewed")
            done = replace(stored, review=review, guidance=guidance)
            db.execute("UPDATE disclosure_declarations SET doc = ? WHERE id = ?",
                       (dump_doc(declaration_doc(done)), declaration_id))
            return done

    def declaration(self, declaration_id: str) -> Declaration | None:
        with self._db.connection() as db, self._db.guard():
            return self._declaration(db, declaration_id)

    def declarations_of(self, staff_id: str) -> list[Declaration]:
        return [declaration_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_declarations WHERE staff_id = ? "
            "ORDER BY filed_at, id", staff_id)]

    def declarations(self, year: int) -> list[Declaration]:
        return [declaration_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_declarations WHERE year = ? ORDER BY id", year)]

    def versions(self, declaration_id: str) -> list[DeclarationVersion]:
        return [version_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_versions WHERE declaration_id = ? ORDER BY version",
            declaration_id)]

    # --- Reminders ---

    def claim_reminder(self, key: str, at: datetime, lease: timedelta) -> bool:
        year = int(key.split(":", 1)[0])
        with self._db.transaction() as db:
            row = db.execute("SELECT sent_at, claimed_at FROM disclosure_reminders "
                             "WHERE key = ?", (key,)).fetchone()
            if row is not None and (row[0] is not None or (
                    row[1] is not None and row[1] > sortable(at - lease))):
                return False
            db.execute("INSERT OR REPLACE INTO disclosure_reminders VALUES (?, ?, NULL, ?)",
                       (key, year, sortable(at)))
            return True

    def reminder_sent(self, key: str, at: datetime) -> None:
        with self._db.transaction() as db:
            db.execute("UPDATE disclosure_reminders SET sent_at = ? WHERE key = ?",
                       (sortable(at), key))

    def release_reminder(self, key: str) -> None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM disclosure_reminders WHERE key = ? AND sent_at IS NULL",
                       (key,))

    def note_pending_notice(self, key: str, at: datetime) -> None:
        with self._db.transaction() as db:
            db.execute("INSERT OR IGNORE INTO disclosure_reminders VALUES (?, ?, NULL, NULL)",
                       (key, int(key.split(":", 1)[0])))

    def unsent_notices(self) -> list[str]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT key FROM disclosure_reminders WHERE sent_at IS NULL "
                              "ORDER BY key").fetchall()
        return [r[0] for r in rows]

    def reminders_sent(self, year: int) -> list[str]:
        with self._db.connection() as db, self._db.guard():
            rows = db.execute("SELECT key FROM disclosure_reminders WHERE year = ? AND "
                              "sent_at IS NOT NULL ORDER BY key", (year,)).fetchall()
        return [r[0] for r in rows]

    # --- Verification draws ---

    def create_draw(self, draw: Draw) -> tuple[Draw, bool]:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM disclosure_draws WHERE year = ? AND number = ?",
                             (draw.year, draw.number)).fetchone()
            if row is not None:
                return draw_from_doc(json.loads(row[0])), False
            db.execute("INSERT INTO disclosure_draws VALUES (?, ?, ?)",
                       (draw.year, draw.number, dump_doc(draw_doc(draw))))
            return draw, True

    def draws(self, year: int) -> list[Draw]:
        return [draw_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_draws WHERE year = ? ORDER BY number", year)]

    def void_draw(self, year: int, number: int, at: datetime, by: str, reason: str
                  ) -> tuple[Draw, bool]:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM disclosure_draws WHERE year = ? AND number = ?",
                             (year, number)).fetchone()
            if row is None:
                raise KeyError(f"{year}:{number}")
            stored = draw_from_doc(json.loads(row[0]))
            if stored.voided:
                return stored, False
            voided = replace(stored, voided_at=at, voided_by=by, void_reason=reason)
            db.execute("UPDATE disclosure_draws SET doc = ? WHERE year = ? AND number = ?",
                       (dump_doc(draw_doc(voided)), year, number))
            return voided, True

    # --- History ---

    def append_history(self, entry: HistoryEntry) -> None:
        with self._db.transaction() as db:
            db.execute("INSERT INTO disclosure_history VALUES (?, ?, ?, ?)",
                       (entry.subject, sortable(entry.at), uuid.uuid4().hex,
                        dump_doc(history_doc(entry))))

    def history(self, subject: str) -> list[HistoryEntry]:
        return [history_from_doc(d) for d in self._db.rows(
            "SELECT doc FROM disclosure_history WHERE subject = ? ORDER BY at, rowid",
            subject)]

