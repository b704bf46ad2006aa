"""The proof of submission: what it states, its text form, and the published keys.

A proof is a short text file the submitter keeps. It states the reference, the form, when
the submission was received and the SHA-256 digest of exactly what was submitted (its
canonical JSON, and, in format 2, the SHA-256 digest of each attached file as it was sent),
and carries a detached ECDSA P-256 signature over those lines. It holds no name, no file
name and no narrative: only codes, a time and digests. Anyone can check it with the
published public keys and standard tools (docs/proof-format.md); nothing here reads a store.

The signed message is the proof's lines up to and including ``algorithm:``, each ending in
a line feed: the file minus its last line, byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

HEADER: Final = "ethics-intake proof of submission"
FORMAT_VERSION: Final = "1"  # a submission without files
FORMAT_WITH_FILES: Final = "2"  # one more line: the digests of the attached files
ALGORITHM: Final = "ECDSA_P256_SHA256"
# The most files a proof lists (the highest INTAKE_EVIDENCE_MAX_FILES accepted).
MAX_FILES: Final = 100
# The longest proof these formats can hold, with room to spare: anything longer is refused
# before it is parsed.
MAX_PROOF_BYTES: Final = 8192

_FIELDS: Final = ("format", "reference", "form", "received_at", "content_sha256", "key",
                  "algorithm")
_FIELDS_WITH_FILES: Final = ("format", "reference", "form", "received_at", "content_sha256",
                             "files_sha256", "key", "algorithm")
_FORMATS: Final = {FORMAT_VERSION: _FIELDS, FORMAT_WITH_FILES: _FIELDS_WITH_FILES}
_REFERENCE = re.compile(r"(?=.{3,40}$)[0-9A-Z]+(?:-[0-9A-Z]+){1,6}")
_FORM = re.compile(r"[a-z_]{1,32}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{8,200}={0,2}")


class MalformedProof(ValueError):
    """The text is not a proof of this format; the message says which line and why."""


@dataclass(frozen=True)
class ProofStatement:
    """What a proof states: no name, no narrative."""

    reference: str
    form: str
    received_at: datetime
    content_sha256: str
    key_id: str
    # The SHA-256 digest (hex) of each attached file, byte for byte as sent, in the order
    # sent; empty without files (format 1).
    files_sha256: tuple[str, ...] = ()

    @property
    def format(self) -> str:
        return FORMAT_WITH_FILES if self.files_sha256 else FORMAT_VERSION

    def message(self) -> bytes:
        """The exact bytes the signature covers."""
        values = {"format": self.format, "reference": self.reference, "form": self.form,
                  "received_at": format_time(self.received_at),
                  "content_sha256": self.content_sha256,
                  "files_sha256": ",".join(self.files_sha256), "key": self.key_id,
                  "algorithm": ALGORITHM}
        lines = [HEADER] + [f"{name}: {values[name]}" for name in _FORMATS[self.format]]
        return ("\n".join(lines) + "\n").encode("ascii")


@dataclass(frozen=True)
class Proof:
    """A statement and its detached signature (DER-encoded ECDSA)."""

    statement: ProofStatement
    signature: bytes

    def text(self) -> str:
        """The proof file: the signed lines, then the signature in base64."""
        return (self.statement.message().decode("ascii")
                + f"signature: {base64.b64encode(self.signature).decode('ascii')}\n")


@dataclass(frozen=True)
class PublishedKey:
    """A public key that signs (or signed) proofs, with the period it signs for.

    ``valid_until`` is None for the key in use; a rotated key keeps its entry, closed at
    the moment its successor took over, so the proofs it signed stay verifiable."""

    key_id: str
    public_key_pem: str
    valid_from: datetime
    valid_until: datetime | None = None
    algorithm: str = ALGORITHM

    def covers(self, moment: datetime) -> bool:
        """Whether a proof received at ``moment`` may carry this key's signature."""
        return self.valid_from <= moment and (self.valid_until is None
                                              or moment < self.valid_until)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key_id, "algorithm": self.algorithm,
                "public_key_pem": self.public_key_pem,
                "valid_from": format_time(self.valid_from),
                "valid_until": (format_time(self.valid_until)
                                if self.valid_until is not None else None)}


def format_time(moment: datetime) -> str:
    """UTC, microseconds, a ``Z``: one spelling per moment."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def content_digest(canonical: bytes) -> str:
    """The SHA-256 digest (hex) of the canonical JSON of what was submitted."""
    return hashlib.sha256(canonical).hexdigest()


def canonical_content(document: Any) -> bytes:
    """The canonical JSON of a submission: keys sorted, no spaces, UTF-8 (not escaped).
    The same bytes whatever the layout of the file the submitter kept."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def key_id_of(public_key_der: bytes) -> str:
    """A key's id: the first 16 hex digits of the SHA-256 of its DER SubjectPublicKeyInfo
    (what ``openssl pkey -pubin -outform DER | sha256sum`` prints)."""
    return hashlib.sha256(public_key_der).hexdigest()[:16]


def parse_proof(text: str) -> Proof:
    """Read a proof from its text; line endings and surrounding blank lines may differ
    (a pasted or printed copy), nothing else may."""
    if len(text.encode("utf-8", "replace")) > MAX_PROOF_BYTES:
        raise MalformedProof(f"a proof is at most {MAX_PROOF_BYTES} bytes long")
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .strip().split("\n")]
    sizes = sorted({len(fields) + 2 for fields in _FORMATS.values()})
    if len(lines) not in sizes:
        raise MalformedProof(f"a proof has {' or '.join(map(str, sizes))} lines, this text "
                             f"has {len(lines)}")
    if lines[0] != HEADER:
        raise MalformedProof(f"line 1: expected {HEADER!r}")
    version = lines[1].removeprefix("format: ")
    if version not in _FORMATS:
        raise MalformedProof("line 2: expected 'format: 1' or 'format: 2'")
    fields = _FORMATS[version]
    if len(lines) != len(fields) + 2:
        raise MalformedProof(f"a proof of format {version} has {len(fields) + 2} lines, "
                             f"this text has {len(lines)}")
    values: dict[str, str] = {}
    for number, (name, line) in enumerate(zip((*fields, "signature"), lines[1:],
                                              strict=True), start=2):
        prefix = f"{name}: "
        if not line.startswith(prefix):
            raise MalformedProof(f"line {number}: expected the field {name!r}")
        values[name] = line[len(prefix):]
    files = tuple(values["files_sha256"].split(",")) if "files_sha256" in values else ()
    if "files_sha256" in values:
        _check(values, "files_sha256", lambda _: 1 <= len(files) <= MAX_FILES and all(
            _SHA256.fullmatch(f) for f in files), f"not 1 to {MAX_FILES} digests of 64 "
               "lower-case hex digits, separated by commas")
    _check(values, "reference", _REFERENCE.fullmatch, "not a reference")
    _check(values, "form", _FORM.fullmatch, "not a form code")
    _check(values, "received_at", _TIME.fullmatch, "not a UTC time like "
           "2026-01-31T09:30:00.000000Z")
    _check(values, "content_sha256", _SHA256.fullmatch, "not 64 lower-case hex digits")
    _check(values, "key", _KEY_ID.fullmatch, "not 16 lower-case hex digits")
    _check(values, "algorithm", lambda v: v == ALGORITHM, f"only {ALGORITHM} is known")
    _check(values, "signature", _BASE64.fullmatch, "not base64")
    try:
        received_at = _parse_time(values["received_at"])
        signature = base64.b64decode(values["signature"], validate=True)
    except (ValueError, binascii.Error) as error:
        raise MalformedProof(f"unreadable value: {error}") from None
    return Proof(ProofStatement(values["reference"], values["form"], received_at,
                                values["content_sha256"], values["key"], files), signature)


def _check(values: Mapping[str, str], name: str, test: Any, reason: str) -> None:
    if not test(values[name]):
        raise MalformedProof(f"{name}: {reason}")


def keys_json(keys: Iterable[PublishedKey]) -> dict[str, Any]:
    """The published key set, as served at /forms/keys.json."""
    return {"format": f"ethics-intake-proof-keys/{FORMAT_VERSION}",
            "keys": [key.as_json() for key in keys]}


def keys_from_json(document: Any) -> list[PublishedKey]:
    """Read a published key set (``keys_json``); ValueError says what is wrong."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise ValueError("a key set is a JSON object with a list \"keys\"")
    found = []
    for index, entry in enumerate(document["keys"]):
        try:
            until = entry.get("valid_until")
            found.append(PublishedKey(
                key_id=str(entry["key"]), public_key_pem=str(entry["public_key_pem"]),
                valid_from=_parse_time(str(entry["valid_from"])),
                valid_until=_parse_time(str(until)) if until is not None else None,
                algorithm=str(entry.get("algorithm", ALGORITHM))))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"keys[{index}]: {type(error).__name__}: {error}") from None
    return found


def key_for(proof: Proof, keys: Sequence[PublishedKey]) -> PublishedKey | None:
    """The published key a proof names, if any."""
    return next((k for k in keys if k.key_id == proof.statement.key_id), None)
