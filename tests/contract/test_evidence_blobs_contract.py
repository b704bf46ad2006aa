"""One suite, every store of sealed attachments: the data folder (embedded) and Cloud Storage
(the gcp-storage-emulator), so the embedded backend cannot drift from the bucket's
behaviour."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.ports.evidence import EvidenceBlobs, EvidenceMissing
from tests.conftest import require_emulator


def gcs_bucket(host: str) -> str:
    """A fresh bucket on the emulator (buckets keep tests apart)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage  # type: ignore[attr-defined]

    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client = storage.Client(project="test", credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
                            client_options={"api_endpoint": host})
    client.create_bucket(name)
    return name


@pytest.fixture(params=["local", "gcs"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EvidenceBlobs]:
    if request.param == "local":
        from shared.adapters.local_evidence import LocalEvidenceBlobs

        yield LocalEvidenceBlobs(tmp_path / "evidence")
    else:
        from shared.adapters.gcs_evidence import GcsEvidenceBlobs

        host = require_emulator("STORAGE_EMULATOR_HOST")
        yield GcsEvidenceBlobs.connect("test", gcs_bucket(host), emulator_host=host)


def test_put_then_get_returns_the_bytes(blobs: EvidenceBlobs) -> None:
    data = os.urandom(300_000)
    blobs.put("ETH-MIS-AAAAA-BBBBB/s1-01/original", data)
    assert blobs.get("ETH-MIS-AAAAA-BBBBB/s1-01/original") == data


def test_put_replaces_what_an_earlier_attempt_left(blobs: EvidenceBlobs) -> None:
    blobs.put("R/a-01/cleaned", b"first")
    blobs.put("R/a-01/cleaned", b"second")
    assert blobs.get("R/a-01/cleaned") == b"second"


def test_a_missing_object_is_evidence_missing(blobs: EvidenceBlobs) -> None:
    with pytest.raises(EvidenceMissing):
        blobs.get("R/none-01/cleaned")


def test_delete_is_idempotent_and_names_list_by_prefix(blobs: EvidenceBlobs) -> None:
    for name in ("R1/a-01/original", "R1/a-01/cleaned", "R2/b-01/original"):
        blobs.put(name, b"x")
    assert blobs.names("R1/") == ["R1/a-01/cleaned", "R1/a-01/original"]
    blobs.delete("R1/a-01/cleaned")
    blobs.delete("R1/a-01/cleaned")
    assert blobs.names() == ["R1/a-01/original", "R2/b-01/original"]


def test_names_older_than_a_time_are_those_written_before_it(blobs: EvidenceBlobs) -> None:
    from datetime import UTC, datetime, timedelta

    before = datetime.now(UTC) - timedelta(seconds=2)
    blobs.put("R3/c-01/original", b"x")
    after = datetime.now(UTC) + timedelta(seconds=2)
    assert blobs.names_older_than(before) == []
    assert blobs.names_older_than(after) == ["R3/c-01/original"]
