"""The benchmark's floor functions, on the same server and backend as the real functions,
each one store write and one enqueue with no validation, no encryption, no idempotency:

- ``bench_floor``: the write is one raw row or document holding the body;
- ``bench_floor_store``: the write is the store's own atomic write of a submission (the
  submission, its case, first event and pending triage), with the raw body in place of the
  sealed payload.
"""

from __future__ import annotations

import queue
import sqlite3
import uuid
from typing import Any

import functions_framework
from flask import Request

from shared import bootstrap
from shared.domain.records import Case, CaseEvent, PendingTask, Submission, Task

# Pooled like the SQLite adapter's connections, so the floor pays no connection set-up.
_pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
_clients: dict[str, Any] = {}


def _write(doc_id: str, body: bytes) -> None:
    container = bootstrap.container()
    settings = container.settings
    if settings.backend == "embedded":
        try:
            db = _pool.get_nowait()
        except queue.Empty:
            db = sqlite3.connect(settings.data_dir / "intake.sqlite3", isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("CREATE TABLE IF NOT EXISTS bench_floor (id TEXT PRIMARY KEY, body TEXT)")
        try:
            db.execute("INSERT INTO bench_floor VALUES (?, ?)", (doc_id, body.decode()))
        finally:
            _pool.put(db)
        return
    if "firestore" not in _clients:
        from google.cloud import firestore

        _clients["firestore"] = firestore.Client(project=settings.project)
    _clients["firestore"].collection("bench_floor").document(doc_id).create(
        {"body": body.decode()})


@functions_framework.http
def bench_floor(request: Request) -> tuple[dict[str, str], int]:
    doc_id = uuid.uuid4().hex
    _write(doc_id, request.get_data())
    bootstrap.container().queue.enqueue(Task(queue="triage", name=f"{doc_id}-floor-0",
                                             target="bench_sink", payload={"id": doc_id}))
    return {"id": doc_id}, 201


@functions_framework.http
def bench_floor_store(request: Request) -> tuple[dict[str, str], int]:
    container = bootstrap.container()
    now, sid = container.clock.now(), uuid.uuid4().hex
    reference = f"ETH-BEN-{sid[:5].upper()}-{sid[5:10].upper()}"
    pending = PendingTask("triage", sid, reference, now, now)
    container.store.create_submission(
        Submission(sid, "advice", reference, now, {}, {"raw": request.get_data(as_text=True)},
                   False, ""),
        Case(reference, sid, "advice", "received", now, now, 1),
        CaseEvent(1, now, "received", "bench", None, "received"),
        pending)
    container.queue.enqueue(Task(queue="triage", name=f"{sid}-floor-0", target="bench_sink",
                                 payload={"id": sid}))
    return {"reference": reference}, 201
