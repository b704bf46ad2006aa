"""Issue and check proofs of submission.

Issuing signs a statement of the reference, the form, the time received, the digest of the
canonical JSON of what was submitted and the digest of each file attached to it. Checking
needs only the proof, the published keys and (optionally) the submitter's copies of what
they sent, the document and the files: no store, no login.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.proofs import (
    MalformedProof,
    Proof,
    ProofStatement,
    PublishedKey,
    canonical_content,
    content_digest,
    key_for,
    parse_proof,
)
from shared.ports.proofs import ProofSigner, SignatureChecker

# Outcomes of a check, in the words of docs/proof-format.md.
VALID = "valid"
MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
OUTSIDE_KEY_PERIOD = "outside_key_period"
BAD_SIGNATURE = "bad_signature"
CONTENT_MISMATCH = "content_mismatch"
CONTENT_UNREADABLE = "content_unreadable"
FILE_MISMATCH = "file_mismatch"


def issue_proof(signer: ProofSigner, *, reference: str, form: str, received_at: datetime,
                canonical: bytes, files: Sequence[bytes] = ()) -> Proof:
    """Sign the statement of one submission with the current key: ``files`` are the
    attached files, each byte for byte as sent, in the order sent."""
    key = signer.current_key()
    statement = ProofStatement(reference, form, received_at, content_digest(canonical),
                               key.key_id, tuple(content_digest(data) for data in files))
    return Proof(statement, signer.sign(key.key_id, statement.message()))


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of a check: ``VALID`` or why not, with what the proof states."""

    outcome: str
    detail: str = ""
    proof: Proof | None = None
    key: PublishedKey | None = None
    content_checked: bool = False
    files_checked: int = 0

    @property
    def valid(self) -> bool:
        return self.outcome == VALID


def check_proof(text: str, keys: Sequence[PublishedKey], checker: SignatureChecker, *,
                content: bytes | None = None, files: Sequence[bytes] = ()) -> ProofCheck:
    """Check a proof's signature against the published keys and, given the submitter's
    copy of what they sent (a JSON document, any layout), that it is what was signed; and
    that each of ``files`` (copies of attached files, any of them, in any order) is one the
    proof lists."""
    try:
        proof = parse_proof(text)
    except MalformedProof as error:
        return ProofCheck(MALFORMED, str(error))
    key = key_for(proof, keys)
    if key is None:
        return ProofCheck(UNKNOWN_KEY, f"no published key {proof.statement.key_id}", proof)
    if not checker.verify(key, proof.statement.message(), proof.signature):
        return ProofCheck(BAD_SIGNATURE, "the signature does not match the statement", proof,
                          key)
    if not key.covers(proof.statement.received_at):
        return ProofCheck(OUTSIDE_KEY_PERIOD, f"key {key.key_id} did not sign proofs at "
                          "the time the proof states", proof, key)
    listed = set(proof.statement.files_sha256)
    for number, data in enumerate(files, start=1):
        if content_digest(data) not in listed:
            return ProofCheck(FILE_MISMATCH, f"file {number} is not one the proof lists",
                              proof, key, files_checked=number)
    if content is None:
        return ProofCheck(VALID, "", proof, key, files_checked=len(files))
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        return ProofCheck(CONTENT_UNREADABLE, f"the content is not JSON: {error}", proof, key)
    digest = content_digest(canonical_content(document))
    if not hmac.compare_digest(digest, proof.statement.content_sha256):
        return ProofCheck(CONTENT_MISMATCH, "the content is not what was submitted", proof,
                          key, content_checked=True, files_checked=len(files))
    return ProofCheck(VALID, "", proof, key, content_checked=True, files_checked=len(files))
