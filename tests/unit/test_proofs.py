"""The proof of submission: its text form, and what a check finds when anything in it, or
the copy of what was sent, differs from what was signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.proof_keys import EcdsaSignatureChecker, LocalProofSigner
from shared.domain.proofs import (
    MalformedProof,
    canonical_content,
    keys_from_json,
    keys_json,
    parse_proof,
)
from shared.domain.records import canonical_json, jsonable
from shared.services.proofs import (
    BAD_SIGNATURE,
    CONTENT_MISMATCH,
    CONTENT_UNREADABLE,
    FILE_MISMATCH,
    MALFORMED,
    VALID,
    check_proof,
    issue_proof,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 5, 17, 14, 3, 21, 123456, tzinfo=UTC)
CHECKER = EcdsaSignatureChecker()
SUBMITTED = {"anonymous": False, "reporter": {"name": "Amara Okafor"},
             "description": "My manager moved me after I reported the contract.",
             "incident_date": "2026-05-01", "category": "fraud"}


@pytest.fixture
def signer(tmp_path: Path) -> LocalProofSigner:
    return LocalProofSigner(tmp_path / "proof-keys.json", create=True, now=START)


@pytest.fixture
def proof(signer: LocalProofSigner) -> str:
    return issue_proof(signer, reference="ETH-MIS-7K3MQ-9TZ4X", form="misconduct",
                       received_at=RECEIVED,
                       canonical=canonical_json(jsonable(SUBMITTED))).text()


def test_the_proof_is_short_plain_text_with_no_name_and_no_narrative(proof: str) -> None:
    lines = proof.splitlines()
    assert lines[0] == "ethics-intake proof of submission"
    assert [line.split(":", 1)[0] for line in lines[1:]] == [
        "format", "reference", "form", "received_at", "content_sha256", "key", "algorithm",
        "signature"]
    assert "received_at: 2026-05-17T14:03:21.123456Z" in lines
    assert proof.isascii() and len(proof) < 600
    for secret in ("Amara", "Okafor", "manager", "contract", "fraud"):
        assert secret not in proof


def test_a_proof_verifies_with_and_without_the_copy_of_what_was_sent(
        signer: LocalProofSigner, proof: str) -> None:
    keys = signer.published_keys()
    assert check_proof(proof, keys, CHECKER).outcome == VALID
    # The copy kept may be laid out in any way: the canonical JSON is what is compared.
    copy = json.dumps(SUBMITTED, indent=4, ensure_ascii=True).encode()
    checked = check_proof(proof, keys, CHECKER, content=copy)
    assert checked.valid and checked.content_checked


@pytest.mark.parametrize(("field", "value"), [
    ("reference", "ETH-MIS-7K3MQ-9TZ4Y"),
    ("form", "advice"),
    ("received_at", "2026-05-16T14:03:21.123456Z"),
    ("content_sha256", "0" * 64),
])
def test_a_tampered_field_breaks_the_signature(signer: LocalProofSigner, proof: str,
                                               field: str, value: str) -> None:
    tampered = "\n".join(f"{field}: {value}" if line.startswith(f"{field}: ") else line
                         for line in proof.splitlines()) + "\n"
    assert tampered != proof
    check = check_proof(tampered, signer.published_keys(), CHECKER)
    assert check.outcome == BAD_SIGNATURE and not check.valid


def test_a_tampered_signature_is_refused(signer: LocalProofSigner, proof: str) -> None:
    head, signature = proof.rsplit("signature: ", 1)
    flipped = ("A" if signature[10] != "A" else "B").join([signature[:10], signature[11:]])
    assert check_proof(head + "signature: " + flipped, signer.published_keys(),
                       CHECKER).outcome in (BAD_SIGNATURE, MALFORMED)


@pytest.mark.parametrize("change", [
    lambda d: {**d, "description": d["description"] + " "},
    lambda d: {**d, "anonymous": True},
    lambda d: {k: v for k, v in d.items() if k != "incident_date"},
    lambda d: {**d, "extra": None},
])
def test_different_content_does_not_match(signer: LocalProofSigner, proof: str,
                                          change: object) -> None:
    other = json.dumps(change(dict(SUBMITTED))).encode()  # type: ignore[operator]
    check = check_proof(proof, signer.published_keys(), CHECKER, content=other)
    assert check.outcome == CONTENT_MISMATCH and not check.valid


def test_content_that_is_not_json_is_said_so(signer: LocalProofSigner, proof: str) -> None:
    check = check_proof(proof, signer.published_keys(), CHECKER, content=b"my report\xff")
    assert check.outcome == CONTENT_UNREADABLE


def test_a_pasted_or_printed_copy_still_reads(signer: LocalProofSigner, proof: str) -> None:
    pasted = "\r\n\r\n" + "\r\n".join(f"  {line} " for line in proof.splitlines()) + "\r\n\n"
    assert check_proof(pasted, signer.published_keys(), CHECKER).outcome == VALID


@pytest.mark.parametrize(("text", "why"), [
    ("", "lines"),
    ("ethics-intake proof of submission\n", "lines"),
    ("x" * 9000, "at most"),
])
def test_what_is_not_a_proof_is_malformed_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(MalformedProof, match=why):
        parse_proof(text)


def test_every_line_is_checked_in_its_place(proof: str) -> None:
    lines = proof.splitlines()
    for index in range(len(lines)):
        broken = list(lines)
        broken[index] = broken[index] + "é"
        with pytest.raises(MalformedProof):
            parse_proof("\n".join(broken))
    swapped = [lines[0], lines[2], lines[1], *lines[3:]]
    with pytest.raises(MalformedProof, match="line 2"):
        parse_proof("\n".join(swapped))


def test_the_key_set_reads_back_and_a_bad_one_names_its_entry(
        signer: LocalProofSigner) -> None:
    signer.rotate(START + timedelta(days=30))
    document = json.loads(json.dumps(keys_json(signer.published_keys())))
    assert keys_from_json(document) == list(signer.published_keys())
    del document["keys"][1]["valid_from"]
    with pytest.raises(ValueError, match=r"keys\[1\]"):
        keys_from_json(document)


def test_the_canonical_content_is_the_stored_digests_form() -> None:
    assert canonical_content(json.loads(json.dumps(SUBMITTED, indent=2))) == \
        canonical_json(jsonable(SUBMITTED))


PHOTO, LETTER = b"\xff\xd8\xff\xe0 a photo's bytes", b"%PDF-1.7 a letter's bytes"


@pytest.fixture
def proof_with_files(signer: LocalProofSigner) -> str:
    return issue_proof(signer, reference="ETH-MIS-7K3MQ-9TZ4X", form="misconduct",
                       received_at=RECEIVED, canonical=canonical_json(jsonable(SUBMITTED)),
                       files=[PHOTO, LETTER]).text()


def test_a_submission_with_files_gets_format_2_listing_each_files_digest(
        proof_with_files: str) -> None:
    import hashlib

    lines = proof_with_files.splitlines()
    assert lines[1] == "format: 2"
    assert [line.split(":", 1)[0] for line in lines[1:]] == [
        "format", "reference", "form", "received_at", "content_sha256", "files_sha256",
        "key", "algorithm", "signature"]
    assert lines[6] == "files_sha256: " + ",".join(
        hashlib.sha256(data).hexdigest() for data in (PHOTO, LETTER))
    assert parse_proof(proof_with_files).text() == proof_with_files


def test_each_file_given_must_be_one_the_proof_lists(signer: LocalProofSigner,
                                                     proof_with_files: str,
                                                     proof: str) -> None:
    keys = signer.published_keys()
    content = canonical_content(SUBMITTED)
    both = check_proof(proof_with_files, keys, CHECKER, content=content,
                       files=[LETTER, PHOTO])
    assert both.outcome == VALID and both.content_checked and both.files_checked == 2
    assert check_proof(proof_with_files, keys, CHECKER, files=[PHOTO]).valid
    other = check_proof(proof_with_files, keys, CHECKER, files=[PHOTO, PHOTO + b" "])
    assert other.outcome == FILE_MISMATCH and "file 2" in other.detail
    # A proof without files lists none.
    assert check_proof(proof, keys, CHECKER, files=[PHOTO]).outcome == FILE_MISMATCH


def test_the_list_of_files_is_signed_and_checked_in_its_place(
        signer: LocalProofSigner, proof_with_files: str) -> None:
    lines = proof_with_files.splitlines()
    dropped = lines[6].rsplit(",", 1)[0]  # one file less
    tampered = "\n".join([*lines[:6], dropped, *lines[7:]])
    assert check_proof(tampered, signer.published_keys(), CHECKER).outcome == BAD_SIGNATURE
    for bad in ("files_sha256: ", "files_sha256: abc", "files_sha256: " + "A" * 64):
        with pytest.raises(MalformedProof, match="files_sha256"):
            parse_proof("\n".join([*lines[:6], bad, *lines[7:]]))
    # A format-1 proof cannot claim files, nor a format-2 proof go without them.
    as_one = "\n".join([lines[0], "format: 1", *lines[2:]])
    with pytest.raises(MalformedProof, match="format 1"):
        parse_proof(as_one)
