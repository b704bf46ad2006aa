"""What the reference receiver keeps: referrals (de-duplicated by referral id), their
supplements (de-duplicated by supplement id), nonces already seen (to refuse replays), and
the failure-injection controls."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.adapters.local_files import private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS referrals (
    referral_id TEXT PRIMARY KEY, reference TEXT NOT NULL, case_id TEXT NOT NULL,
    document TEXT NOT NULL, received_at REAL NOT NULL, deliveries INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS supplements (
    supplement_id TEXT PRIMARY KEY, referral_id TEXT NOT NULL, document TEXT NOT NULL,
    received_at REAL NOT NULL, deliveries INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    referral_id TEXT NOT NULL, attachment_id TEXT NOT NULL, sha256 TEXT NOT NULL,
    size INTEGER NOT NULL, media_type TEXT NOT NULL, content BLOB NOT NULL,
    PRIMARY KEY (referral_id, attachment_id));
CREATE TABLE IF NOT EXISTS seen_nonces (nonce TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS controls (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
CONTROLS = {"fail_next": 0, "fail_status": 500, "slow_next": 0, "slow_seconds": 0.0}


@dataclass(frozen=True)
class Supplement:
    supplement_id: str
    referral_id: str
    document: dict[str, Any]
    received_at: float
    deliveries: int


@dataclass(frozen=True)
class Referral:
    referral_id: str
    reference: str
    case_id: str
    document: dict[str, Any]
    received_at: float
    deliveries: int
    supplements: tuple[Supplement, ...] = ()
    # The files received with it: attachment_id, sha256, size, media_type (content apart).
    attachments: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ReceivedFile:
    attachment_id: str
    sha256: str
    size: int
    media_type: str
    content: bytes


class ReceiverStore:
    def __init__(self, path: Path) -> None:
        private_file(path)  # 0600 in a 0700 folder: it holds the reports referred to it
        self._path = path
        self._lock = threading.Lock()
        with self._lock, sqlite3.connect(path, timeout=10) as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = sqlite3.connect(self._path, isolation_level=None, timeout=10)
            try:
                db.execute("BEGIN IMMEDIATE")
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                db.close()

    def controls(self) -> dict[str, Any]:
        with self._transaction() as db:
            stored = dict(db.execute("SELECT name, value FROM controls").fetchall())
        return {name: type(default)(json.loads(stored[name])) if name in stored else default
                for name, default in CONTROLS.items()}

    def set_controls(self, **values: Any) -> None:
        with self._transaction() as db:
            for name, value in values.items():
                if name not in CONTROLS:
                    raise KeyError(name)
                db.execute("INSERT OR REPLACE INTO controls VALUES (?, ?)",
                           (name, json.dumps(type(CONTROLS[name])(value))))

    def take(self, control: str) -> bool:
        """Use up one unit of a countdown control (fail_next, slow_next)."""
        with self._transaction() as db:
            row = db.execute("SELECT value FROM controls WHERE name = ?", (control,)).fetchone()
            left = int(json.loads(row[0])) if row else 0
            if left <= 0:
                return False
            db.execute("INSERT OR REPLACE INTO controls VALUES (?, ?)",
                       (control, json.dumps(left - 1)))
            return True

    def first_sight(self, nonce: str, at: float, keep_seconds: float) -> bool:
        """Remember a request's nonce; False if it was seen before (a replay)."""
        with self._transaction() as db:
            db.execute("DELETE FROM seen_nonces WHERE at < ?", (at - keep_seconds,))
            try:
                db.execute("INSERT INTO seen_nonces VALUES (?, ?)", (nonce, at))
            except sqlite3.IntegrityError:
                return False
            return True

    def record(self, referral_id: str, reference: str, document: dict[str, Any],
               at: float, files: tuple[ReceivedFile, ...] = ()) -> tuple[Referral, bool]:
        """The referral as recorded (with its files, kept once) and whether this delivery
        created it."""
        with self._transaction() as db:
            row = db.execute("SELECT case_id FROM referrals WHERE referral_id = ?",
                             (referral_id,)).fetchone()
            created = row is None
            if created:
                number = db.execute("SELECT COUNT(*) FROM referrals").fetchone()[0] + 1
                case_id = f"OIAI-{number:06d}"
                db.execute("INSERT INTO referrals VALUES (?, ?, ?, ?, ?, 1)",
                           (referral_id, reference, case_id, json.dumps(document), at))
                db.executemany("INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?)", [
                    (referral_id, f.attachment_id, f.sha256, f.size, f.media_type, f.content)
                    for f in files])
            else:
                db.execute("UPDATE referrals SET deliveries = deliveries + 1 "
                           "WHERE referral_id = ?", (referral_id,))
        found = next(r for r in self.referrals() if r.referral_id == referral_id)
        return found, created

    def supplement(self, supplement_id: str, referral_id: str, document: dict[str, Any],
                   at: float, files: tuple[ReceivedFile, ...] = ()
                   ) -> tuple[Referral, bool] | None:
        """The referral a supplement adds to and whether this delivery recorded the
        supplement (its files kept once, with the referral's); None if that referral was
        never received."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM referrals WHERE referral_id = ?",
                          (referral_id,)).fetchone() is None:
                return None
            row = db.execute("SELECT referral_id FROM supplements WHERE supplement_id = ?",
                             (supplement_id,)).fetchone()
            created = row is None
            if created:
                db.execute("INSERT INTO supplements VALUES (?, ?, ?, ?, 1)",
                           (supplement_id, referral_id, json.dumps(document), at))
                db.executemany("INSERT INTO attachments VALUES (?, ?, ?, ?, ?, ?)", [
                    (referral_id, f.attachment_id, f.sha256, f.size, f.media_type, f.content)
                    for f in files])
            else:
                db.execute("UPDATE supplements SET deliveries = deliveries + 1 "
                           "WHERE supplement_id = ?", (supplement_id,))
                referral_id = row[0]
        found = next(r for r in self.referrals() if r.referral_id == referral_id)
        return found, created

    def referrals(self) -> list[Referral]:
        with self._transaction() as db:
            rows = db.execute("SELECT referral_id, reference, case_id, document, received_at, "
                              "deliveries FROM referrals ORDER BY received_at").fetchall()
            added = db.execute("SELECT supplement_id, referral_id, document, received_at, "
                               "deliveries FROM supplements ORDER BY received_at").fetchall()
            stored = db.execute("SELECT referral_id, attachment_id, sha256, size, media_type "
                                "FROM attachments ORDER BY attachment_id").fetchall()
        files: dict[str, list[dict[str, Any]]] = {}
        for f in stored:
            files.setdefault(f[0], []).append({"attachment_id": f[1], "sha256": f[2],
                                               "size": f[3], "media_type": f[4]})
        supplements: dict[str, list[Supplement]] = {}
        for a in added:
            supplements.setdefault(a[1], []).append(
                Supplement(a[0], a[1], json.loads(a[2]), a[3], a[4]))
        return [Referral(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5],
                         tuple(supplements.get(r[0], ())), tuple(files.get(r[0], ())))
                for r in rows]

    def attachment(self, referral_id: str, attachment_id: str) -> bytes | None:
        """The bytes of one file a referral brought."""
        with self._transaction() as db:
            row = db.execute("SELECT content FROM attachments WHERE referral_id = ? AND "
                             "attachment_id = ?", (referral_id, attachment_id)).fetchone()
        return bytes(row[0]) if row else None
