"""The composition root picks a backend once: its database, then every storage adapter on
that one database."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared import config
from shared.bootstrap import Container, FirestoreStorage, SqliteStorage


def test_the_embedded_adapters_share_one_database(tmp_path: Path) -> None:
    from shared.adapters.sqlite_database import SqliteDatabase

    container = Container(config.load({"INTAKE_DATA_DIR": str(tmp_path)}))
    storage = container.storage
    assert isinstance(storage, SqliteStorage)
    assert isinstance(storage.database, SqliteDatabase)
    database = storage.database
    adapters = [container.store, container.follow_up, container.statistics,
                container.mail_ledger, container.sealed_records]
    assert all(adapter._db is database for adapter in adapters)  # type: ignore[attr-defined]
    assert container.storage is storage  # chosen once per process


def test_the_gcp_adapters_share_one_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters.firestore_database import FirestoreDatabase

    # Building a client opens no connection (nothing listens there; nothing is called).
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")
    container = Container(config.load({"INTAKE_BACKEND": "gcp",
                                       "GOOGLE_CLOUD_PROJECT": "ethics-test"}))
    storage = container.storage
    assert isinstance(storage, FirestoreStorage)
    assert isinstance(storage.database, FirestoreDatabase)
    database = storage.database
    adapters = [container.store, container.follow_up, container.statistics,
                container.mail_ledger, container.sealed_records]
    assert all(adapter._database is database  # type: ignore[attr-defined]
               for adapter in adapters)
