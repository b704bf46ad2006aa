"""The envelope: every sealed value opens only as what it is and where it belongs, under
the key of its kind; format 1 is never opened in place. Each test runs over the local key
files and over Cloud KMS (the real client, over gRPC to our KMS-compatible server)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from shared.adapters.envelope import EnvelopeCipher, EnvelopeSealer
from shared.adapters.kms_keys import KmsKeyService
from shared.adapters.local_keys import LocalKeyService
from shared.domain.sealing import (
    CASES_KEY,
    EVENTS,
    MESSAGES_KEY,
    NOTE,
    REPLY_TO_SUBMITTER,
    SUBMISSION,
    SUBMITTER_MESSAGE,
    TRANSITION_NOTE,
    SealContext,
    event_context,
    submission_context,
)
from shared.ports.sealing import KeyService, SealBroken, SealOutdated
from tests.conftest import KmsServer
from tests.support.legacy_envelope import seal_v1

PAYLOAD = json.dumps({"name": "Marguerite Okonkwo-Lindqvist",
                      "question": "Puis-je enseigner ? 你好"}, ensure_ascii=False).encode()
CASE_A, CASE_B = "ETH-ADV-7K3MQ-9TZ4X", "ETH-ADV-ABCDE-12345"
MESSAGE_ID = "a" * 32


@pytest.fixture(params=["local", "kms"])
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, KeyService]:
    """The cases key and the messages key: two local key files, or two Cloud KMS keys."""
    if request.param == "kms":
        server: KmsServer = request.getfixturevalue("kms_server")
        return {CASES_KEY: server.key_service(),
                MESSAGES_KEY: KmsKeyService.connect(server.another_key(),
                                                    emulator_host=server.host)}
    return {CASES_KEY: LocalKeyService.from_file(tmp_path / "keys" / "cases.kek", create=True),
            MESSAGES_KEY: LocalKeyService.from_file(tmp_path / "keys" / "messages.kek",
                                                    create=True)}


def every_context() -> list[SealContext]:
    return [submission_context("0" * 32, CASE_A), event_context(NOTE, CASE_A, MESSAGE_ID),
            event_context(TRANSITION_NOTE, CASE_A, MESSAGE_ID),
            event_context(REPLY_TO_SUBMITTER, CASE_A, MESSAGE_ID),
            event_context(SUBMITTER_MESSAGE, CASE_A, MESSAGE_ID)]


@pytest.mark.parametrize("context", every_context(), ids=lambda c: c.kind)
def test_a_sealed_value_opens_to_itself_in_its_place(keys: dict[str, KeyService],
                                                     context: SealContext) -> None:
    cipher = EnvelopeCipher(keys)
    envelope = cipher.seal(context, PAYLOAD)
    assert "Okonkwo" not in json.dumps(envelope)
    assert envelope["v"] == 2 and cipher.is_current(envelope)
    assert envelope["kid"] == keys[context.key_purpose].key_id
    assert cipher.open(context, envelope) == PAYLOAD


def test_each_value_gets_its_own_data_key(keys: dict[str, KeyService]) -> None:
    cipher = EnvelopeCipher(keys)
    context = event_context(NOTE, CASE_A, MESSAGE_ID)
    one, two = (cipher.seal(context, PAYLOAD) for _ in range(2))
    assert one["wrapped_key"] != two["wrapped_key"]
    assert one["ciphertext"] != two["ciphertext"]


def moved(context: SealContext) -> list[SealContext]:
    """Every other place the value might be copied to or relabelled as."""
    places = [replace(context, reference=CASE_B), replace(context, record_id="b" * 32)]
    if context.collection == EVENTS:
        places += [event_context(kind, context.reference, context.record_id)
                   for kind in (NOTE, TRANSITION_NOTE, REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE)
                   if kind != context.kind]
        places.append(submission_context(context.record_id, context.reference))
    else:
        places += [event_context(kind, context.reference, context.record_id)
                   for kind in (NOTE, TRANSITION_NOTE, REPLY_TO_SUBMITTER, SUBMITTER_MESSAGE)]
    return places


@pytest.mark.parametrize("context", every_context(), ids=lambda c: c.kind)
def test_a_value_moved_or_relabelled_does_not_open(keys: dict[str, KeyService],
                                                   context: SealContext) -> None:
    cipher = EnvelopeCipher(keys)
    envelope = cipher.seal(context, PAYLOAD)
    for place in moved(context):
        with pytest.raises(SealBroken):
            cipher.open(place, envelope)
    assert cipher.open(context, envelope) == PAYLOAD


def test_an_internal_note_copied_into_another_case_as_a_reply_does_not_open(
        keys: dict[str, KeyService]) -> None:
    """The attack of the review: case A's note, copied into B's history as a reply."""
    cipher = EnvelopeCipher(keys)
    note = cipher.seal(event_context(NOTE, CASE_A, MESSAGE_ID), PAYLOAD)
    with pytest.raises(SealBroken):
        cipher.open(event_context(REPLY_TO_SUBMITTER, CASE_B, MESSAGE_ID), note)
    with pytest.raises(SealBroken):  # relabelled in its own case
        cipher.open(event_context(REPLY_TO_SUBMITTER, CASE_A, MESSAGE_ID), note)


def test_associated_data_names_kind_collection_reference_and_id() -> None:
    context = event_context(NOTE, CASE_A, MESSAGE_ID)
    aad = json.loads(context.associated_data(2))
    assert aad == {"app": "ethics-intake", "v": 2, "kind": "note", "collection": "events",
                   "reference": CASE_A, "id": MESSAGE_ID}
    assert len({c.associated_data(2) for c in [context, *moved(context)]}) == len(
        moved(context)) + 1


@pytest.mark.parametrize("bad", [{"kind": "determination"}, {"collection": "submissions"},
                                 {"reference": ""}, {"record_id": ""}])
def test_a_context_must_name_a_known_kind_in_its_collection(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"kind|kept|belongs"):
        replace(event_context(NOTE, CASE_A, MESSAGE_ID), **bad)
    with pytest.raises(ValueError, match="not kept"):
        SealContext(SUBMISSION, EVENTS, CASE_A, MESSAGE_ID)


@pytest.mark.parametrize("field", ["ciphertext", "wrapped_key", "nonce"])
def test_a_tampered_envelope_does_not_open(keys: dict[str, KeyService], field: str) -> None:
    cipher = EnvelopeCipher(keys)
    context = submission_context("0" * 32, CASE_A)
    envelope = cipher.seal(context, PAYLOAD)
    text = envelope[field]
    envelope[field] = ("B" if text[0] != "B" else "C") + text[1:]
    with pytest.raises(SealBroken):
        cipher.open(context, envelope)


@pytest.mark.parametrize("envelope", [
    {}, {"v": 2}, {"v": 2, "alg": "AES-256-GCM", "kid": 1, "wrapped_key": "AA==",
                   "nonce": "AA==", "ciphertext": "AA=="},
    {"v": 2, "alg": "none", "kid": "k", "wrapped_key": "AA==", "nonce": "AA==",
     "ciphertext": "AA=="},
    {"v": 2, "alg": "AES-256-GCM", "kid": "k", "wrapped_key": "not base64!", "nonce": "AA==",
     "ciphertext": "AA=="},
    {"v": 3}, {"v": "2"},
])
def test_a_malformed_envelope_is_a_broken_seal_not_a_crash(keys: dict[str, KeyService],
                                                           envelope: dict[str, object]) -> None:
    with pytest.raises(SealBroken):
        EnvelopeCipher(keys).open(submission_context("0" * 32, CASE_A), envelope)


def test_replies_and_messages_are_under_the_messages_key_and_nothing_else_is(
        keys: dict[str, KeyService]) -> None:
    """The follow-up page's key opens replies and messages, and no submission or note."""
    both = EnvelopeCipher(keys)
    messages_only = EnvelopeCipher({MESSAGES_KEY: keys[MESSAGES_KEY]})
    for context in every_context():
        envelope = both.seal(context, PAYLOAD)
        if context.key_purpose == MESSAGES_KEY:
            assert messages_only.open(context, envelope) == PAYLOAD
        else:
            with pytest.raises(KeyError):
                messages_only.open(context, envelope)
            # Even handed to the messages key under a message's label, it does not open.
            with pytest.raises(SealBroken):
                messages_only.open(event_context(REPLY_TO_SUBMITTER, CASE_A, MESSAGE_ID),
                                   envelope)


def test_another_key_cannot_open(keys: dict[str, KeyService], tmp_path: Path) -> None:
    context = submission_context("0" * 32, CASE_A)
    envelope = EnvelopeCipher(keys).seal(context, PAYLOAD)
    other = LocalKeyService.from_file(tmp_path / "other.kek", create=True)
    with pytest.raises(SealBroken):
        EnvelopeCipher({CASES_KEY: other, MESSAGES_KEY: other}).open(context, envelope)


def test_a_sealer_seals_with_wrapping_alone(keys: dict[str, KeyService]) -> None:
    sealer = EnvelopeSealer({CASES_KEY: keys[CASES_KEY]})
    context = submission_context("0" * 32, CASE_A)
    assert EnvelopeCipher(keys).open(context, sealer.seal(context, PAYLOAD)) == PAYLOAD


def test_format_1_is_never_opened_in_place_and_open_outdated_reads_it(
        keys: dict[str, KeyService]) -> None:
    cipher = EnvelopeCipher(keys)
    old = seal_v1(keys[CASES_KEY], MESSAGE_ID, PAYLOAD)
    assert not cipher.is_current(old)
    for context in every_context():
        with pytest.raises(SealOutdated):
            cipher.open(context, old)
    assert cipher.open_outdated(MESSAGE_ID, old) == PAYLOAD
    with pytest.raises(SealBroken):
        cipher.open_outdated("b" * 32, old)
    with pytest.raises(SealBroken):  # a current envelope is not "outdated"
        cipher.open_outdated(MESSAGE_ID, cipher.seal(every_context()[0], PAYLOAD))


def test_the_key_file_is_private_and_required_outside_the_embedded_backend(
        tmp_path: Path) -> None:
    path = tmp_path / "k" / "local.kek"
    with pytest.raises(FileNotFoundError):
        LocalKeyService.from_file(path, create=False)
    first = LocalKeyService.from_file(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert LocalKeyService.from_file(path, create=False).key_id == first.key_id
