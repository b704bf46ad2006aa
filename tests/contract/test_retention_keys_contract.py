"""One suite for every adapter of the RetentionKeys port: the embedded backend's key files,
and Cloud KMS (the real google-cloud-kms client over gRPC to our KMS-compatible server),
one key per purge month, destroyed once the month has passed."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from google.cloud import kms_v1

from shared.adapters.kms_keys import kms_client
from shared.adapters.kms_retention_keys import KmsRetentionKeys
from shared.adapters.local_retention_keys import LocalRetentionKeys
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
from shared.ports.sealing import KeyDestroyed, KeyServiceUnavailable, RetentionKeys
from tests.conftest import KmsServer


@pytest.fixture(params=["local", "kms"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> RetentionKeys:
    if request.param == "local":
        return LocalRetentionKeys(tmp_path / "retention")
    server: KmsServer = request.getfixturevalue("kms_server")
    rings = {CASES_KEY: server.new_ring(), MESSAGES_KEY: server.new_ring()}
    return KmsRetentionKeys(kms_client(server.host), rings, timeout=5)


def reopened(keys: RetentionKeys, request: pytest.FixtureRequest) -> RetentionKeys:
    """Another process's view of the same keys (nothing cached from this one)."""
    if isinstance(keys, KmsRetentionKeys):
        server: KmsServer = request.getfixturevalue("kms_server")
        return KmsRetentionKeys(kms_client(server.host), keys._rings, timeout=5)
    assert isinstance(keys, LocalRetentionKeys)
    return LocalRetentionKeys(keys._folder)


def test_a_months_key_is_made_on_first_use_and_opens_what_it_wrapped(
        keys: RetentionKeys, request: pytest.FixtureRequest) -> None:
    data_key = secrets.token_bytes(32)
    wrapped = keys.key_for("2027-03").wrap(data_key, b"case-1")
    assert keys.key_for("2027-03").key_id == "retention:2027-03"
    other = reopened(keys, request)
    assert other.key("2027-03").unwrap(wrapped, b"case-1", "retention:2027-03") == data_key
    with pytest.raises(ValueError, match="authentication"):
        other.key("2027-03").unwrap(wrapped, b"case-2", "retention:2027-03")


def test_a_month_never_made_opens_nothing(keys: RetentionKeys) -> None:
    wrapped = keys.key_for("2027-03").wrap(secrets.token_bytes(32), b"case-1")
    with pytest.raises(KeyDestroyed):
        keys.key("2027-04").unwrap(wrapped, b"case-1", "retention:2027-04")


def test_destroying_the_past_months_shreds_them_for_good(
        keys: RetentionKeys, request: pytest.FixtureRequest) -> None:
    data_key = secrets.token_bytes(32)
    march = keys.key_for("2027-03").wrap(data_key, b"case-1")
    messages = keys.key_for("2027-03", MESSAGES_KEY).wrap(data_key, b"message-1")
    april = keys.key_for("2027-04").wrap(data_key, b"case-2")
    assert keys.destroy_before("2027-03") == []
    assert keys.destroy_before("2027-04") == ["2027-03"]
    assert keys.destroy_before("2027-04") == []  # once only
    for view in (keys, reopened(keys, request)):
        with pytest.raises(KeyDestroyed):
            view.key("2027-03").unwrap(march, b"case-1", "retention:2027-03")
        with pytest.raises(KeyDestroyed):
            view.key("2027-03", MESSAGES_KEY).unwrap(messages, b"message-1",
                                                    "retention:2027-03")
        with pytest.raises(KeyDestroyed):  # never made again
            view.key_for("2027-03")
        assert view.key("2027-04").unwrap(april, b"case-2", "retention:2027-04") == data_key


def test_a_month_is_not_a_key_of_any_name(keys: RetentionKeys) -> None:
    for month in ("2027-13", "2027-3", "../2027-03", "2027-03/x", ""):
        with pytest.raises(ValueError, match="not a month"):
            keys.key_for(month)


def test_on_cloud_kms_each_purpose_has_its_own_months_keys_in_its_own_ring(
        kms_server: KmsServer) -> None:
    """The follow-up page may use the messages' keys only: a month key of the messages'
    ring never opens what the cases' month key wrapped, and is another KMS key."""
    rings = {CASES_KEY: kms_server.new_ring(), MESSAGES_KEY: kms_server.new_ring()}
    keys = KmsRetentionKeys(kms_client(kms_server.host), rings, timeout=5)
    wrapped = keys.key_for("2027-03", CASES_KEY).wrap(secrets.token_bytes(32), b"case-1")
    keys.key_for("2027-03", MESSAGES_KEY)
    with pytest.raises(ValueError, match="authentication"):
        keys.key("2027-03", MESSAGES_KEY).unwrap(wrapped, b"case-1", "retention:2027-03")
    made = [name for name in kms_server.state.keys if name.startswith(tuple(rings.values()))]
    assert sorted(made) == sorted(f"{ring}/cryptoKeys/retention-2027-03"
                                  for ring in rings.values())
    assert keys.destroy_before("2027-04") == ["2027-03"]
    states = {kms_server.state.keys[name].state(1) for name in made}
    assert states == {kms_v1.CryptoKeyVersion.CryptoKeyVersionState.DESTROY_SCHEDULED}


def test_on_cloud_kms_an_unreachable_key_service_is_not_a_destroyed_key(
        kms_server: KmsServer) -> None:
    rings = {CASES_KEY: kms_server.new_ring(), MESSAGES_KEY: kms_server.new_ring()}
    keys = KmsRetentionKeys(kms_client(kms_server.host), rings, timeout=5)
    wrapped = keys.key_for("2027-03").wrap(secrets.token_bytes(32), b"case-1")
    gone = KmsRetentionKeys(kms_client("127.0.0.1:9"), rings, timeout=0.5)
    with pytest.raises(KeyServiceUnavailable):
        gone.key("2027-03").unwrap(wrapped, b"case-1", "retention:2027-03")
    with pytest.raises(KeyServiceUnavailable):
        gone.key_for("2027-04")
    with pytest.raises(KeyServiceUnavailable):
        gone.destroy_before("2027-04")
