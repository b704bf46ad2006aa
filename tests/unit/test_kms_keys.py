"""What only the Cloud KMS adapter does: rotation, checksums, unavailability, selection by
configuration. The real google-cloud-kms client talks gRPC to our KMS-compatible server."""

from __future__ import annotations

import secrets
import socket
from pathlib import Path

import pytest

from shared import config
from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.kms_keys import KmsKeyService
from shared.adapters.local_keys import LocalKeyService
from shared.bootstrap import Container
from shared.domain.sealing import (
    CASES_KEY,
    NOTE,
    REPLY_TO_SUBMITTER,
    event_context,
    submission_context,
)
from shared.ports.sealing import KeyServiceUnavailable, SealBroken
from shared.ports.storage import StoreUnavailable
from tests.conftest import KmsServer


def test_old_wraps_unwrap_after_rotation_and_new_wraps_use_the_new_version(
        kms_server: KmsServer) -> None:
    keys = kms_server.key_service()
    data_key = secrets.token_bytes(32)
    before = keys.wrap(data_key, b"r")
    assert kms_server.state.rotate(kms_server.key_name) == 2
    after = keys.wrap(data_key, b"r")
    assert keys.unwrap(before, b"r", keys.key_id) == data_key
    assert keys.unwrap(after, b"r", keys.key_id) == data_key
    # A disabled old version makes its wraps unreadable: the kind of failure to see before
    # destroying a version (docs/deploy.md), and it is reported as unavailability.
    kms_server.state.disable(kms_server.key_name, 1)
    assert keys.unwrap(after, b"r", keys.key_id) == data_key
    with pytest.raises(KeyServiceUnavailable, match="FailedPrecondition"):
        keys.unwrap(before, b"r", keys.key_id)


def test_the_key_never_leaves_kms_each_wrap_and_unwrap_is_one_call(
        kms_server: KmsServer) -> None:
    keys = kms_server.key_service()
    calls = len(kms_server.state.calls)
    wrapped = keys.wrap(secrets.token_bytes(32), b"r")
    keys.unwrap(wrapped, b"r", keys.key_id)
    assert kms_server.state.calls[calls:] == ["Encrypt", "Decrypt"]
    assert keys.key_id == kms_server.key_name


def test_answers_corrupted_in_transit_are_caught_by_their_checksums(
        kms_server: KmsServer) -> None:
    keys = kms_server.key_service()
    wrapped = keys.wrap(secrets.token_bytes(32), b"r")
    kms_server.state.corrupt_responses = True
    try:
        with pytest.raises(KeyServiceUnavailable, match="corrupted"):
            keys.wrap(secrets.token_bytes(32), b"r")
        with pytest.raises(KeyServiceUnavailable, match="corrupted"):
            keys.unwrap(wrapped, b"r", keys.key_id)
    finally:
        kms_server.state.corrupt_responses = False


def test_an_unknown_key_is_unavailability_not_a_bug(kms_server: KmsServer) -> None:
    keys = KmsKeyService.connect(kms_server.key_name + "-missing",
                                 emulator_host=kms_server.host)
    with pytest.raises(KeyServiceUnavailable, match="NotFound"):
        keys.wrap(secrets.token_bytes(32), b"r")


def test_kms_down_is_a_kind_of_store_unavailable_within_the_deadline() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{s.getsockname()[1]}"
    keys = KmsKeyService.connect("projects/p/locations/l/keyRings/r/cryptoKeys/k",
                                 emulator_host=host, timeout=1)
    with pytest.raises(StoreUnavailable):
        keys.wrap(secrets.token_bytes(32), b"r")


def test_configuration_selects_the_two_kms_keys_and_each_kind_uses_its_own(
        kms_server: KmsServer, tmp_path: Path) -> None:
    messages_key = kms_server.another_key()
    settings = config.load({"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path),
                            "INTAKE_KMS_KEY": kms_server.key_name,
                            "INTAKE_MESSAGES_KMS_KEY": messages_key,
                            "INTAKE_KMS_EMULATOR_HOST": kms_server.host})
    container = Container(settings)
    assert isinstance(container.case_keys, KmsKeyService)
    assert isinstance(container.message_keys, KmsKeyService)
    note = event_context(NOTE, "ETH-ADV-7K3MQ-9TZ4X", "a" * 32)
    reply = event_context(REPLY_TO_SUBMITTER, "ETH-ADV-7K3MQ-9TZ4X", "b" * 32)
    sealed_note = container.cipher.seal(note, b"internal")
    sealed_reply = container.cipher.seal(reply, b"for the submitter")
    assert (sealed_note["kid"], sealed_reply["kid"]) == (kms_server.key_name, messages_key)
    assert container.cipher.open(note, sealed_note) == b"internal"
    assert container.cipher.open(reply, sealed_reply) == b"for the submitter"
    assert not (tmp_path / "keys").exists(), "no local key file is made when KMS is configured"
    # An envelope sealed by a local key is not opened by KMS, and the reverse.
    local = EnvelopeCipher({CASES_KEY: LocalKeyService.from_file(tmp_path / "l.kek",
                                                                 create=True)})
    with pytest.raises(SealBroken):
        container.cipher.open(note, local.seal(note, b"x"))


def test_the_submit_functions_seal_with_encrypt_only_and_never_call_decrypt(
        kms_server: KmsServer, tmp_path: Path) -> None:
    """What roles/cloudkms.cryptoKeyEncrypter allows: the sealer only ever calls Encrypt."""
    settings = config.load({"INTAKE_BACKEND": "embedded", "INTAKE_DATA_DIR": str(tmp_path),
                            "INTAKE_KMS_KEY": kms_server.key_name,
                            "INTAKE_MESSAGES_KMS_KEY": kms_server.another_key(),
                            "INTAKE_KMS_EMULATOR_HOST": kms_server.host})
    kms_server.state.encrypt_only.add(kms_server.key_name)
    container = Container(settings)
    before = len(kms_server.state.calls)
    context = submission_context("0" * 32, "ETH-ADV-7K3MQ-9TZ4X")
    envelope = container.sealer.seal(context, b"{}")
    assert kms_server.state.calls[before:] == ["Encrypt"]
    with pytest.raises(KeyServiceUnavailable, match="PermissionDenied"):
        container.cipher.open(context, envelope)


@pytest.mark.parametrize(("environment", "message"), [
    ({"INTAKE_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}, "together"),
    ({"INTAKE_MESSAGES_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/k"},
     "together"),
    ({"INTAKE_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
      "INTAKE_MESSAGES_KMS_KEY": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}, "another"),
    ({"INTAKE_KEY_FILE": "/tmp/k", "INTAKE_MESSAGES_KEY_FILE": "/tmp/k"}, "another"),
])
def test_the_two_keys_are_two_keys(environment: dict[str, str], message: str) -> None:
    with pytest.raises(config.ConfigError, match=message):
        config.load(environment)


@pytest.mark.parametrize(("variable", "value"), [
    ("INTAKE_KMS_KEY", "projects/p/keyRings/r/cryptoKeys/k"),
    ("INTAKE_MESSAGES_KMS_KEY", "projects/p/locations/l/keyRings/r"),
    ("INTAKE_KMS_KEY", "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"),
    ("INTAKE_KMS_EMULATOR_HOST", "kms.example.org:443"),
    ("INTAKE_KMS_EMULATOR_HOST", "10.0.0.1:9000"),
    ("INTAKE_KMS_EMULATOR_HOST", "127.0.0.1"),
])
def test_bad_kms_settings_name_their_variable(variable: str, value: str) -> None:
    with pytest.raises(config.ConfigError, match=variable):
        config.load({variable: value})
