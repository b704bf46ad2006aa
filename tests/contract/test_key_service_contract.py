"""One suite for every adapter of the KeyService port: the local key file and Cloud KMS
(the real google-cloud-kms client over gRPC to our KMS-compatible server)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from shared.adapters.local_keys import LocalKeyService
from shared.ports.sealing import KeyService
from tests.conftest import KmsServer


@pytest.fixture(params=["local", "kms"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> KeyService:
    if request.param == "local":
        return LocalKeyService.from_file(tmp_path / "local.kek", create=True)
    server: KmsServer = request.getfixturevalue("kms_server")
    return server.key_service()


def test_a_wrapped_key_unwraps_to_itself(keys: KeyService) -> None:
    data_key = secrets.token_bytes(32)
    wrapped = keys.wrap(data_key, b"record-1")
    assert data_key not in wrapped
    assert keys.unwrap(wrapped, b"record-1", keys.key_id) == data_key


def test_each_wrap_is_fresh(keys: KeyService) -> None:
    data_key = secrets.token_bytes(32)
    assert keys.wrap(data_key, b"r") != keys.wrap(data_key, b"r")


def test_other_associated_data_does_not_unwrap(keys: KeyService) -> None:
    wrapped = keys.wrap(secrets.token_bytes(32), b"record-1")
    with pytest.raises(ValueError, match="authentication"):
        keys.unwrap(wrapped, b"record-2", keys.key_id)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_a_tampered_wrapped_key_does_not_unwrap(keys: KeyService, position: int) -> None:
    wrapped = bytearray(keys.wrap(secrets.token_bytes(32), b"record-1"))
    wrapped[position] ^= 0x40
    with pytest.raises(ValueError, match="authentication"):
        keys.unwrap(bytes(wrapped), b"record-1", keys.key_id)


def test_a_key_wrapped_by_another_key_is_refused(keys: KeyService) -> None:
    wrapped = keys.wrap(secrets.token_bytes(32), b"record-1")
    with pytest.raises(ValueError, match="wrapped by"):
        keys.unwrap(wrapped, b"record-1", "local:000000000000")
