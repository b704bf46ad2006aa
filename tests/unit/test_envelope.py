from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.ports import KeyService
from tests.conftest import KmsServer

PAYLOAD = json.dumps({"name": "Marguerite Okonkwo-Lindqvist",
                      "question": "Puis-je enseigner ? 你好"}, ensure_ascii=False).encode()


@pytest.fixture(params=["local", "kms"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> KeyService:
    """Every test of the envelope runs over the local key file and over Cloud KMS (the real
    client, over gRPC to our KMS-compatible server)."""
    if request.param == "kms":
        server: KmsServer = request.getfixturevalue("kms_server")
        return server.key_service()
    return LocalKeyService.from_file(tmp_path / "keys" / "local.kek", create=True)


def test_a_sealed_payload_opens_to_itself_with_the_same_tags(keys: KeyService) -> None:
    cipher = EnvelopeCipher(keys)
    sealed = cipher.seal("record-1", PAYLOAD, {"digest": b"abc"})
    assert "Okonkwo" not in json.dumps(sealed.envelope)
    opened = cipher.open("record-1", sealed.envelope, {"digest": b"abc", "other": b"x"})
    assert opened.plaintext == PAYLOAD
    assert opened.tags["digest"] == sealed.tags["digest"]
    assert opened.tags["other"] != opened.tags["digest"]


def test_each_document_gets_its_own_data_key(keys: KeyService) -> None:
    cipher = EnvelopeCipher(keys)
    one, two = (cipher.seal("r", PAYLOAD, {"digest": b"abc"}) for _ in range(2))
    assert one.envelope["wrapped_key"] != two.envelope["wrapped_key"]
    assert one.tags["digest"] != two.tags["digest"]


def test_a_payload_moved_to_another_record_does_not_open(keys: KeyService) -> None:
    cipher = EnvelopeCipher(keys)
    sealed = cipher.seal("record-1", PAYLOAD, {})
    with pytest.raises(ValueError, match="authentication"):
        cipher.open("record-2", sealed.envelope, {})


def test_a_tampered_ciphertext_does_not_open(keys: KeyService) -> None:
    cipher = EnvelopeCipher(keys)
    envelope = dict(cipher.seal("record-1", PAYLOAD, {}).envelope)
    text = envelope["ciphertext"]
    envelope["ciphertext"] = ("B" if text[0] != "B" else "C") + text[1:]
    with pytest.raises(ValueError, match="authentication"):
        cipher.open("record-1", envelope, {})


def test_another_key_cannot_open(keys: KeyService, tmp_path: Path) -> None:
    sealed = EnvelopeCipher(keys).seal("record-1", PAYLOAD, {})
    other = LocalKeyService.from_file(tmp_path / "other.kek", create=True)
    with pytest.raises(ValueError, match="wrapped by"):
        EnvelopeCipher(other).open("record-1", sealed.envelope, {})


def test_the_key_file_is_private_and_required_outside_the_embedded_backend(
        tmp_path: Path) -> None:
    path = tmp_path / "k" / "local.kek"
    with pytest.raises(FileNotFoundError):
        LocalKeyService.from_file(path, create=False)
    first = LocalKeyService.from_file(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert LocalKeyService.from_file(path, create=False).key_id == first.key_id
