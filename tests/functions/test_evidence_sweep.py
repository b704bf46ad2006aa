"""The sweep of stored files: sealed copies that no case refers to (a submission whose
write failed, so it was never acknowledged) are removed once older than the grace, and
nothing a case refers to ever is; uploads through signed URLs are removed after theirs.
Both stores of cases and of files: SQLite with the data folder, the Firestore emulator with
the Cloud Storage emulator."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.domain import evidence as ev
from shared.domain.records import CaseQuery
from shared.ports.evidence import EvidenceBlobs, IncomingUploads
from shared.services import evidence as service
from tests.support import evidence_files as files
from tests.support.fakes import FlakyStore
from tests.support.harness import Harness
from tests.support.payloads import payload

GRACE = timedelta(minutes=10)


def multipart(fields: dict[str, Any],
              attachments: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="json"\r\n'
              f"Content-Type: application/json\r\n\r\n".encode()
              + json.dumps(fields).encode() + b"\r\n")
    for name, data, content_type in attachments:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
                  f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                  + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def stores(backend: str, tmp_path: Path,
           request: pytest.FixtureRequest) -> tuple[Any, EvidenceBlobs, IncomingUploads | None]:
    if backend == "sqlite":
        from shared.adapters.local_evidence import LocalEvidenceBlobs
        from shared.adapters.sqlite_store import SqliteStore

        return (SqliteStore.open(tmp_path / "intake.sqlite3"),
                LocalEvidenceBlobs(tmp_path / "evidence"), None)
    from shared.adapters.firestore_store import FirestoreStore
    from shared.adapters.gcs_evidence import GcsEvidenceBlobs
    from tests.conftest import require_emulator
    from tests.contract.test_evidence_blobs_contract import gcs_bucket
    from tests.functions.test_evidence_signed_uploads import incoming_bucket

    host = require_emulator("STORAGE_EMULATOR_HOST")
    store = FirestoreStore.connect(request.getfixturevalue("firestore_project"), "(default)",
                                   timeout=10)
    incoming, _ = incoming_bucket()
    return (store, GcsEvidenceBlobs.connect("test", gcs_bucket(host), emulator_host=host),
            incoming)


def sweep(h: Harness, blobs: EvidenceBlobs, incoming: IncomingUploads | None,
          now: datetime) -> service.FilesSweep:
    return service.sweep_files(store=h.store, blobs=blobs, incoming=incoming, now=now,
                               grace=GRACE, incoming_grace=GRACE)


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_files_of_a_failed_write_are_swept_and_a_cases_files_are_kept(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    store, blobs, incoming = stores(backend, tmp_path, request)
    flaky = FlakyStore(store)
    components: dict[str, object] = {"evidence_blobs": blobs}
    if incoming is not None:
        components["incoming_uploads"] = incoming
    h = Harness.build(tmp_path, flaky, components=components)

    body, content_type = multipart(payload("misconduct"), [
        ("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")])
    kept = h.post("submit_misconduct", raw=body, content_type=content_type)
    assert kept.status_code == 201, kept.get_json()
    reference = kept.get_json()["reference"]
    referred = service.stored_names(reference, service.case_attachments(store, reference))
    assert len(referred) == 2

    # The write fails after the files were stored: nothing is acknowledged, and the files
    # stay (the write might have landed; a retry would find them).
    flaky.fail("create_submission")
    body, content_type = multipart(payload("misconduct"), [
        ("notes.txt", b"What I saw on the night.\n", "text/plain"),
        ("photo-2.jpg", files.jpeg_with_gps(), "image/jpeg")])
    failed = h.post("submit_misconduct", raw=body, content_type=content_type)
    assert failed.status_code == 503
    assert [c.reference for c in store.list_cases(CaseQuery(limit=10))] == [reference]
    orphans = sorted(set(blobs.names()) - set(referred))
    assert len(orphans) == 4 and all(not n.startswith(f"{reference}/") for n in orphans)

    uploaded: list[str] = []
    if incoming is not None:
        name = ev.incoming_name("c" * 32)
        offer = incoming.signed_put(name, content_type="text/plain", size=5,
                                    valid_for=timedelta(minutes=5))
        import urllib.request

        put = urllib.request.Request(offer.url, data=b"hello", method="PUT",
                                     headers=dict(offer.headers))
        with urllib.request.urlopen(put, timeout=10):
            pass
        uploaded = [name]
        assert incoming.names_older_than(ev.INCOMING_PREFIX,
                                         datetime.now(UTC) + timedelta(seconds=5)) == uploaded

    # Within the grace, a write may still be under way: nothing is removed.
    young = sweep(h, blobs, incoming, datetime.now(UTC))
    assert (young.orphans, young.incoming, young.failed) == (0, 0, 0)
    assert len(blobs.names()) == 6

    later = sweep(h, blobs, incoming, datetime.now(UTC) + GRACE + timedelta(minutes=1))
    assert (later.orphans, later.incoming, later.failed) == (4, len(uploaded), 0)
    assert blobs.names() == sorted(referred)
    if incoming is not None:
        assert incoming.names_older_than(ev.INCOMING_PREFIX,
                                         datetime.now(UTC) + timedelta(days=1)) == []
    # What the case refers to still opens.
    [photo] = service.case_attachments(store, reference)
    opened = service.open_copy(reference, photo, "cleaned", cipher=h.container.cipher,
                               blobs=blobs)
    assert opened.name == "photo-1.jpg"
    # Sweeping again finds nothing more.
    again = sweep(h, blobs, incoming, datetime.now(UTC) + GRACE + timedelta(minutes=1))
    assert (again.orphans, again.incoming) == (0, 0)


def test_a_file_of_a_case_that_names_other_files_is_swept(tmp_path: Path) -> None:
    # A retry of a follow-up message stores files the first attempt's event does not name;
    # they are removed at once, and, if that fails, by the sweep.
    from shared.adapters.local_evidence import LocalEvidenceBlobs
    from shared.adapters.sqlite_store import SqliteStore

    store = SqliteStore.open(tmp_path / "intake.sqlite3")
    blobs = LocalEvidenceBlobs(tmp_path / "evidence")
    h = Harness.build(tmp_path, store, components={"evidence_blobs": blobs})
    body, content_type = multipart(payload("advice"), [("a.txt", b"A note.\n", "text/plain")])
    response = h.post("submit_advice", raw=body, content_type=content_type)
    assert response.status_code == 201
    reference = response.get_json()["reference"]
    stray = f"{reference}/m{'0' * 24}-01/original"
    blobs.put(stray, b"{}")
    swept = sweep(h, blobs, None, datetime.now(UTC) + GRACE + timedelta(minutes=1))
    assert swept.orphans == 1
    assert stray not in blobs.names() and len(blobs.names()) == 2


def test_the_sweep_function_and_command_report_the_files(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from shared import bootstrap
    from shared.adapters.sqlite_store import SqliteStore
    from shared.cli import main as cli

    h = Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))
    with bootstrap.using(h.container):
        result = CliRunner().invoke(cli, ["sweep-files"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"orphans": 0, "incoming": 0, "failed": 0}
    response = h.post("sweep", {})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["files"] == {"orphans": 0, "incoming": 0, "failed": 0}
