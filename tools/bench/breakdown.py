"""Where submit_advice's extra time goes: the CPU time of each step of its request path,
measured in-process on the embedded backend, next to the floor's one insert."""

from __future__ import annotations

import json
import logging
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT
from shared.adapters.envelope import EnvelopeSealer
from shared.adapters.local_keys import LocalKeyService
from shared.adapters.replay_hmac import HmacReplayDigests
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.forms import ADVICE as FORM
from shared.domain.records import (
    Case,
    CaseEvent,
    PendingTask,
    Submission,
    canonical_json,
    jsonable,
)
from shared.domain.references import new_reference
from shared.domain.sealing import CASES_KEY, submission_context
from shared.logs import json_formatter
from tests.support.payloads import ADVICE


def _cpu_us(step: Callable[[], object], runs: int = 2000) -> float:
    for _ in range(200):
        step()
    samples = []
    for _ in range(runs):
        started = time.thread_time()
        step()
        samples.append(time.thread_time() - started)
    return statistics.median(samples) * 1e6


def measure() -> list[tuple[str, float]]:
    schema = AdviceRequestSchema()
    body = json.dumps(ADVICE).encode()
    with LOAD_CONTEXT({"today": date(2026, 3, 2)}):
        data = schema.load(json.loads(body))
    with tempfile.TemporaryDirectory() as work:
        directory = Path(work)
        sealer = EnvelopeSealer({CASES_KEY: LocalKeyService.from_file(directory / "kek",
                                                                      create=True)})
        digests = HmacReplayDigests(b"0" * 32)
        context = submission_context("0" * 32, "ETH-ADV-00000-00000")
        canonical = canonical_json(jsonable(data))
        sealed = sealer.seal(context, canonical)

        def seal() -> object:
            digests.request_digest("advice", "0" * 32, canonical)
            return sealer.seal(context, canonical)
        store = SqliteStore.open(directory / "intake.sqlite3")
        floor = sqlite3.connect(directory / "floor.sqlite3", isolation_level=None)
        floor.execute("PRAGMA journal_mode=WAL")
        floor.execute("PRAGMA synchronous=FULL")
        floor.execute("CREATE TABLE bench_floor (id TEXT PRIMARY KEY, body TEXT)")
        record = logging.LogRecord("shared.services.receive", logging.INFO, __file__, 1,
                                   "submission stored", None, None)
        formatter = json_formatter()

        def load() -> object:
            with LOAD_CONTEXT({"today": date(2026, 3, 2)}):
                return schema.load(json.loads(body))

        def create() -> None:
            sid, now = uuid.uuid4().hex, sealed_time
            reference = new_reference(FORM.prefix)
            store.create_submission(
                Submission(sid, "advice", reference, now, FORM.clear_view(data),
                           sealed, False, "ab" * 32),
                Case(reference, sid, "advice", "received", now, now, 1),
                CaseEvent(1, now, "received", "system:intake", None, "received"),
                PendingTask("triage", sid, reference, now, now))

        sealed_time = datetime.now(UTC)
        steps = [
            ("json.loads + schema.load (validation)", _cpu_us(load)),
            ("canonical JSON of the payload", _cpu_us(lambda: canonical_json(jsonable(data)))),
            ("seal: data key, AES-GCM, key wrap, replay digest", _cpu_us(seal)),
            ("store: submission + case + event + pending, one transaction",
             _cpu_us(create, runs=800)),
            ("one JSON log line", _cpu_us(lambda: formatter.format(replace_record(record)))),
            ("floor: one INSERT of the raw body",
             _cpu_us(lambda: floor.execute("INSERT INTO bench_floor VALUES (?, ?)",
                                           (uuid.uuid4().hex, body.decode())), runs=800)),
        ]
        floor.close()
        return steps


def replace_record(record: logging.LogRecord) -> logging.LogRecord:
    record.__dict__.update(event="submission_stored", form="advice",
                           reference="ETH-ADV-00000-00000")
    return record


