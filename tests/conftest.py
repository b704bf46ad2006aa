"""Fixtures shared by every tier of tests."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from shared import logs
from shared.adapters.kms_keys import KmsKeyService
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness
from tests.support.kms_server import FakeKms, serving_kms
from tests.support.logscan import CapturingHandler, find_leaks
from tests.support.payloads import SENSITIVE

IN_CI = os.environ.get("CI", "").lower() == "true"

# No test looks for Google's metadata server on the network: the development tokens'
# guard (and google-auth) ask a closed port of the loopback instead. Tests that need a
# metadata server serve one on the loopback.
os.environ["GCE_METADATA_HOST"] = os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """A command run in-process configures its process's logging (``shared.logs``), the
    command line's to whatever ``sys.stderr`` is at the time: undo it after each test, so
    no test's log lines land in the output another test captures."""
    root = logging.getLogger()
    handlers, level, configured = list(root.handlers), root.level, logs._configured
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    logs._configured = configured


@pytest.fixture(scope="session", autouse=True)
def _no_personal_data_in_logs() -> Iterator[CapturingHandler]:
    """Every log line of the session is scanned at its end for the payloads' names and
    texts; a leak fails the run (reported as an error of the session's last test)."""
    handler = CapturingHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    leaks = find_leaks(handler.lines, SENSITIVE)
    assert not leaks, f"personal data reached the logs: {leaks[:3]}"


@pytest.fixture
def session_log(_no_personal_data_in_logs: CapturingHandler) -> CapturingHandler:
    return _no_personal_data_in_logs


def require_emulator(variable: str) -> str:
    """The emulator's host:port; in CI a missing emulator fails instead of skipping."""
    host = os.environ.get(variable, "")
    if not host:
        message = f"{variable} is not set: run the suite through scripts/test"
        if IN_CI:
            pytest.fail(f"CI=true requires the real emulator. {message}")
        pytest.skip(message)
    return host


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, InMemoryStore())


@pytest.fixture
def sqlite_harness(tmp_path: Path) -> Harness:
    from shared.adapters.sqlite_store import SqliteStore

    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))


@pytest.fixture
def firestore_project() -> str:
    """A fresh project id: the emulator keeps projects apart, so tests never share data."""
    require_emulator("FIRESTORE_EMULATOR_HOST")
    return f"test-{uuid.uuid4().hex[:12]}"


# --- Cloud KMS: our KMS-compatible gRPC server, for the real client --------------

@dataclass
class KmsServer:
    state: FakeKms
    host: str
    key_name: str

    def key_service(self, **kwargs: float) -> KmsKeyService:
        return KmsKeyService.connect(self.key_name, emulator_host=self.host, **kwargs)

    def new_ring(self) -> str:
        """A fresh, empty key ring on the same server (the purge months' keys)."""
        return f"projects/test/locations/europe-west1/keyRings/retention-{uuid.uuid4().hex[:12]}"

    def another_key(self) -> str:
        """A fresh key on the same server (the messages key beside the cases key)."""
        name = f"{self.key_name.rsplit('/', 1)[0]}/kek-{uuid.uuid4().hex[:12]}"
        self.state.create_key(name)
        return name

    def signing_key(self, created: datetime | None = None) -> str:
        """A fresh ``EC_SIGN_P256_SHA256`` key on the same server (the proofs' key)."""
        name = f"{self.key_name.rsplit('/', 1)[0]}/proofs-{uuid.uuid4().hex[:12]}"
        self.state.create_signing_key(name, created)
        return name


@pytest.fixture(scope="session")
def _kms_server() -> Iterator[tuple[FakeKms, str]]:
    state = FakeKms()
    with serving_kms(state) as host:
        yield state, host


@pytest.fixture
def kms_server(_kms_server: tuple[FakeKms, str]) -> KmsServer:
    """The session's KMS server with a fresh key (the server keeps keys apart by name)."""
    state, host = _kms_server
    key_name = (f"projects/test/locations/europe-west1/keyRings/intake/cryptoKeys/"
                f"kek-{uuid.uuid4().hex[:12]}")
    state.create_key(key_name)
    return KmsServer(state, host, key_name)


# --- ClamAV: Debian's clamd, with a signature database the tests write ----------------

@pytest.fixture(scope="session")
def clamd_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The ``unix:`` address of a real clamd loaded with the EICAR test signature; in CI a
    missing clamd fails instead of skipping."""
    from tests.support.clamd import clamd_binary, running_clamd

    binary = clamd_binary()
    if binary is None:
        message = "clamd is not installed (Debian package clamav-daemon): run scripts/test"
        if IN_CI:
            pytest.fail(f"CI=true requires clamd. {message}")
        pytest.skip(message)
    with running_clamd(binary, tmp_path_factory.mktemp("clamd")) as address:
        yield address
