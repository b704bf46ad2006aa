"""One suite for every adapter of the ProofSigner port: the local key ring file and Cloud
KMS (the real google-cloud-kms client over gRPC to our KMS-compatible server), with the
signature check that verifiers use."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.kms_proof_signer import KmsProofSigner
from shared.adapters.proof_keys import EcdsaSignatureChecker, LocalProofSigner
from shared.domain.proofs import Proof, ProofStatement, PublishedKey, content_digest
from shared.ports.proofs import ProofSigner, ProofSigningUnavailable
from shared.ports.storage import StoreUnavailable
from shared.services.proofs import (
    BAD_SIGNATURE,
    OUTSIDE_KEY_PERIOD,
    UNKNOWN_KEY,
    VALID,
    check_proof,
    issue_proof,
)
from tests.conftest import KmsServer

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHECKER = EcdsaSignatureChecker()


class Ring:
    """A signer and the way to rotate it, whatever keeps the key."""

    def __init__(self, signer: ProofSigner, rotate: Callable[[datetime], object]) -> None:
        self.signer = signer
        self.rotate = rotate


@pytest.fixture(params=["local", "kms"])
def ring(request: pytest.FixtureRequest, tmp_path: Path) -> Ring:
    if request.param == "local":
        local = LocalProofSigner(tmp_path / "proof-keys.json", create=True, now=START)
        return Ring(local, local.rotate)
    server: KmsServer = request.getfixturevalue("kms_server")
    name = server.signing_key(START)
    signer = KmsProofSigner.connect(name, emulator_host=server.host, publish_seconds=0)
    return Ring(signer, lambda now: server.state.rotate_signing_key(name, now))


def _proof(signer: ProofSigner, at: datetime, content: bytes = b'{"a":1}') -> str:
    return issue_proof(signer, reference="ETH-ADV-7K3MQ-9TZ4X", form="advice",
                       received_at=at, canonical=content).text()


def test_a_proof_verifies_with_the_published_key(ring: Ring) -> None:
    text = _proof(ring.signer, START + timedelta(hours=1))
    keys = ring.signer.published_keys()
    assert len(keys) == 1 and keys[0].valid_until is None and keys[0].valid_from == START
    assert "BEGIN PUBLIC KEY" in keys[0].public_key_pem
    assert check_proof(text, keys, CHECKER).outcome == VALID


def test_rotation_keeps_old_proofs_verifiable_and_new_ones_use_the_new_key(
        ring: Ring) -> None:
    old = _proof(ring.signer, START + timedelta(days=1))
    rotated_at = START + timedelta(days=2)
    ring.rotate(rotated_at)
    new = _proof(ring.signer, rotated_at + timedelta(hours=1))
    keys = ring.signer.published_keys()
    assert [k.valid_until for k in keys] == [rotated_at, None]
    assert keys[0].key_id != keys[1].key_id
    assert ring.signer.current_key().key_id == keys[1].key_id
    assert check_proof(old, keys, CHECKER).outcome == VALID
    assert check_proof(new, keys, CHECKER).outcome == VALID
    assert f"key: {keys[0].key_id}" in old and f"key: {keys[1].key_id}" in new


def test_the_rotated_key_cannot_date_a_proof_after_its_period(ring: Ring) -> None:
    first = ring.signer.current_key()
    rotated_at = START + timedelta(days=2)
    ring.rotate(rotated_at)
    # Whoever still holds the retired key signs a proof dated after the rotation.
    statement = ProofStatement("ETH-ADV-7K3MQ-9TZ4X", "advice", rotated_at + timedelta(days=1),
                               content_digest(b"{}"), first.key_id)
    late = Proof(statement, ring.signer.sign(first.key_id, statement.message())).text()
    assert check_proof(late, ring.signer.published_keys(), CHECKER).outcome \
        == OUTSIDE_KEY_PERIOD


def test_a_proof_made_with_someone_elses_key_is_refused(ring: Ring, tmp_path: Path) -> None:
    other = LocalProofSigner(tmp_path / "someone-else.json", create=True, now=START)
    forged = _proof(other, START + timedelta(hours=1))
    keys = ring.signer.published_keys()
    assert check_proof(forged, keys, CHECKER).outcome == UNKNOWN_KEY
    # ... and when it claims our key's id, its signature does not match our key.
    ours = keys[-1].key_id
    claimed = forged.replace(f"key: {other.current_key().key_id}", f"key: {ours}")
    assert check_proof(claimed, keys, CHECKER).outcome == BAD_SIGNATURE


def test_a_key_set_entry_holding_another_key_than_it_names_checks_nothing(
        ring: Ring, tmp_path: Path) -> None:
    text = _proof(ring.signer, START + timedelta(hours=1))
    ours = ring.signer.published_keys()[0]
    other = LocalProofSigner(tmp_path / "other.json", create=True, now=START)
    swapped = PublishedKey(ours.key_id, other.current_key().public_key_pem, START)
    assert check_proof(text, [swapped], CHECKER).outcome == BAD_SIGNATURE


def test_signing_with_an_unknown_key_id_is_refused(ring: Ring) -> None:
    with pytest.raises(ValueError, match="0000000000000000"):
        ring.signer.sign("0000000000000000", b"message")


def test_the_local_key_ring_is_private_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "proof-keys.json"
    first = LocalProofSigner(path, create=True, now=START)
    assert path.stat().st_mode & 0o777 == 0o600
    assert LocalProofSigner(path, create=False).published_keys() == first.published_keys()
    assert "PRIVATE KEY" in json.loads(path.read_text())["keys"][0]["private_key_pem"]
    with pytest.raises(FileNotFoundError):
        LocalProofSigner(tmp_path / "missing.json", create=False)


def test_kms_checksums_catch_a_corrupted_signature(kms_server: KmsServer) -> None:
    signer = KmsProofSigner.connect(kms_server.signing_key(START),
                                    emulator_host=kms_server.host)
    key = signer.current_key()
    kms_server.state.corrupt_responses = True
    try:
        with pytest.raises(ProofSigningUnavailable, match="corrupted"):
            signer.sign(key.key_id, b"message")
    finally:
        kms_server.state.corrupt_responses = False


def test_kms_publishes_only_enabled_versions_and_signs_with_the_newest(
        kms_server: KmsServer) -> None:
    name = kms_server.signing_key(START)
    kms_server.state.rotate_signing_key(name, START + timedelta(days=1))
    signer = KmsProofSigner.connect(name, emulator_host=kms_server.host, publish_seconds=0)
    assert len(signer.published_keys()) == 2
    kms_server.state.disable_signing_version(name, 2)
    keys = signer.published_keys()
    assert len(keys) == 1 and keys[0].valid_until is None
    assert signer.current_key() == keys[0]


def test_kms_down_or_unknown_is_unavailability(kms_server: KmsServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"
    down = KmsProofSigner.connect("projects/p/locations/l/keyRings/r/cryptoKeys/k",
                                  emulator_host=host, timeout=1)
    with pytest.raises(StoreUnavailable):
        down.current_key()
    missing = KmsProofSigner.connect(kms_server.key_name + "-missing",
                                     emulator_host=kms_server.host)
    with pytest.raises(ProofSigningUnavailable, match="NotFound"):
        missing.current_key()


def test_kms_published_keys_are_cached_for_the_public_pages(kms_server: KmsServer) -> None:
    name = kms_server.signing_key(START)
    signer = KmsProofSigner.connect(name, emulator_host=kms_server.host)
    first = signer.published_keys()
    calls = len(kms_server.state.calls)
    assert signer.published_keys() == first
    assert len(kms_server.state.calls) == calls, "no KMS call within the cache's minute"
    # Signing never trusts the cache: a rotation signs with the new version at once.
    kms_server.state.rotate_signing_key(name, START + timedelta(days=1))
    assert signer.current_key().key_id != first[0].key_id
