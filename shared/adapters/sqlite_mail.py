"""The mail ledger on the embedded SQLite database, beside the intake store's tables.

A claim is a ``claimed_until`` time on the pending task's own row, so it ends with the row
when the notification is recorded as sent. Send counters are fixed windows in
``mail_counters``, keyed by the quota's key (an HMAC, never an address); expired windows
are deleted as new ones are counted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.adapters.documents import timestamp
from shared.adapters.sqlite_database import SqliteDatabase, dump_doc, sortable
from shared.domain.mail_limits import SendQuota
from shared.ports.mail import Claim, MailLedger, QuotaFull

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_counters (
    key TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL,
    expires_at REAL NOT NULL, PRIMARY KEY (key, window_start));
CREATE INDEX IF NOT EXISTS mail_counters_by_expiry ON mail_counters (expires_at);
"""


class SqliteMailLedger(MailLedger):
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        with database.connection() as db, database.guard():
            db.executescript(SCHEMA)

    def claim(self, pending_key: str, at: datetime, lease: timedelta) -> Claim:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM pending_tasks WHERE key = ?",
                             (pending_key,)).fetchone()
            if row is None:
                return Claim.NOT_PENDING
            doc = json.loads(row[0])
            held = doc.get("claimed_until")
            if held and timestamp(held) > at:
                return Claim.BUSY
            doc["claimed_until"] = sortable(at + lease)
            db.execute("UPDATE pending_tasks SET doc = ? WHERE key = ?",
                       (dump_doc(doc), pending_key))
            return Claim.CLAIMED

    def release(self, pending_key: str) -> None:
        with self._db.transaction() as db:
            row = db.execute("SELECT doc FROM pending_tasks WHERE key = ?",
                             (pending_key,)).fetchone()
            if row is None:
                return
            doc = json.loads(row[0])
            if doc.pop("claimed_until", None) is not None:
                db.execute("UPDATE pending_tasks SET doc = ? WHERE key = ?",
                           (dump_doc(doc), pending_key))

    def take_quota(self, quotas: Sequence[SendQuota], at: datetime) -> QuotaFull | None:
        with self._db.transaction() as db:
            db.execute("DELETE FROM mail_counters WHERE expires_at <= ?", (at.timestamp(),))
            windows, full = [], []
            for quota in quotas:
                start, left = quota.window(at)
                row = db.execute("SELECT count FROM mail_counters WHERE key = ? AND "
                                 "window_start = ?", (quota.key, start)).fetchone()
                if row is not None and int(row[0]) >= quota.limit:
                    full.append(QuotaFull(quota.name, left))
                windows.append((quota.key, start, float(start + quota.window_seconds)))
            if full:
                return max(full, key=lambda f: f.seconds)
            db.executemany("INSERT INTO mail_counters VALUES (?, ?, 1, ?) "
                           "ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1",
                           windows)
            return None
