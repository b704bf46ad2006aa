"""The embedded backend's files are its owner's alone, whatever the umask: the database
(with its -wal and -shm files), the key files, the secrets, the outbox, the reference
receiver's records."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_receiver.store import ReceiverStore
from shared import config
from shared.adapters.local_files import private_folder, tighten
from shared.adapters.local_secrets import secret_from_file
from shared.adapters.outbox_notifier import OutboxNotifier
from shared.adapters.sqlite_store import SqliteStore
from shared.bootstrap import Container
from shared.domain.triage import triaged
from shared.ports.mail import Email
from tests.contract.test_store_contract import TRIAGE, records


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_journal_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    store = SqliteStore.open(data_dir / "intake.sqlite3")
    submission, case, event, pending = records()
    store.create_submission(submission, case, event, pending)
    store.update_case(case.reference, lambda c: triaged(c, TRIAGE, event.at))
    files = sorted(p.name for p in data_dir.iterdir())
    assert "intake.sqlite3" in files and "intake.sqlite3-wal" in files
    assert {p.name: oct(mode(p)) for p in data_dir.iterdir()} == {
        name: oct(0o600) for name in files}
    assert mode(data_dir) == 0o700 and mode(data_dir.parent) == 0o700


def test_secrets_outbox_and_receiver_records_are_private(tmp_path: Path) -> None:
    secret_from_file(tmp_path / "keys" / "forms.secret", create=True)
    OutboxNotifier(tmp_path / "outbox", "intake@localhost").send(
        Email(to="someone@example.org", subject="s", body="b", message_id="R/1"))
    ReceiverStore(tmp_path / "investigations.sqlite3")
    for folder in ("keys", "outbox"):
        assert mode(tmp_path / folder) == 0o700
        assert {oct(mode(p)) for p in (tmp_path / folder).iterdir()} == {oct(0o600)}
    assert mode(tmp_path / "investigations.sqlite3") == 0o600


def test_the_key_files_of_both_purposes_are_private(tmp_path: Path) -> None:
    """The embedded container makes the cases key and the messages key on first use."""
    settings = config.load({"INTAKE_DATA_DIR": str(tmp_path / "data")})
    container = Container(settings)
    for keys in (container.case_keys, container.message_keys):
        assert keys.key_id
    folder = settings.key_file.parent
    assert settings.sealing.messages_key_file.parent == folder
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    assert {p.name: oct(mode(p)) for p in folder.iterdir()} == {
        settings.key_file.name: oct(0o600), settings.sealing.messages_key_file.name: oct(0o600)}


def test_a_loose_data_folder_is_tightened(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "outbox" / "nested").mkdir(parents=True)
    (root / "outbox" / "a.eml").write_text("x")
    os.chmod(root, 0o755)  # noqa: S103 (what tighten must close)
    tighten(root)
    assert {str(p.relative_to(root)): oct(mode(p)) for p in root.rglob("*")} == {
        "outbox": "0o700", "outbox/nested": "0o700", "outbox/a.eml": "0o600"}
    assert mode(root) == 0o700


def test_a_shared_folder_is_never_closed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # noqa: S103 (like /tmp)
    with pytest.raises(ValueError, match="shared folder"):
        private_folder(shared)
    assert mode(shared) == 0o1777
