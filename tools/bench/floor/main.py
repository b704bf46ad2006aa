"""The benchmark's floor function: one store write and one enqueue, nothing else (no
validation, no encryption, no idempotency), on the same server and backend as the real
functions."""

from __future__ import annotations

import queue
import sqlite3
import uuid
from typing import Any

import functions_framework
from flask import Request

from shared import bootstrap
from shared.domain.records import Task

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
