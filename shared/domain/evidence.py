"""Evidence attachments: the kinds of file accepted, the limits, why a file is refused, what
is removed from it, and what is kept about it in clear.

A file is accepted for what its content is, never for its name: ``shared.domain.file_types``
tells the kind from the bytes, and a name or a declared media type that says otherwise is a
refusal. Each accepted file is kept twice, both sealed (``shared.domain.sealing``): the
original, which only an administrator opens, with a recorded reason, and the cleaned copy
officers and the investigations office receive. In clear the case keeps only the kind,
sizes, digests, scan result and the codes of what was removed; the file's name travels
inside its seal.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

# Kinds of file, by content.
PDF: Final = "pdf"
PNG: Final = "png"
JPEG: Final = "jpeg"
HEIC: Final = "heic"
TEXT: Final = "text"
DOCX: Final = "docx"
XLSX: Final = "xlsx"
ODT: Final = "odt"
MP3: Final = "mp3"
M4A: Final = "m4a"
MP4: Final = "mp4"
KINDS: Final = (PDF, PNG, JPEG, HEIC, TEXT, DOCX, XLSX, ODT, MP3, M4A, MP4)

MEDIA_TYPE: Final = {
    PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", HEIC: "image/heic",
    TEXT: "text/plain",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ODT: "application/vnd.oasis.opendocument.text",
    MP3: "audio/mpeg", M4A: "audio/mp4", MP4: "video/mp4",
}
# Every media type a client may declare for a kind (browsers differ).
DECLARED_TYPES: Final[Mapping[str, frozenset[str]]] = {
    PDF: frozenset({"application/pdf", "application/x-pdf"}),
    PNG: frozenset({"image/png"}),
    JPEG: frozenset({"image/jpeg", "image/jpg", "image/pjpeg"}),
    HEIC: frozenset({"image/heic", "image/heif", "image/heic-sequence"}),
    TEXT: frozenset({"text/plain"}),
    DOCX: frozenset({MEDIA_TYPE[DOCX]}),
    XLSX: frozenset({MEDIA_TYPE[XLSX]}),
    ODT: frozenset({MEDIA_TYPE[ODT]}),
    MP3: frozenset({"audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3"}),
    M4A: frozenset({"audio/mp4", "audio/x-m4a", "audio/m4a", "audio/aac"}),
    MP4: frozenset({"video/mp4", "application/mp4"}),
}
# Media types that declare nothing in particular.
UNDECLARED_TYPES: Final = frozenset({"", "application/octet-stream",
                                     "binary/octet-stream"})
EXTENSIONS: Final[Mapping[str, frozenset[str]]] = {
    PDF: frozenset({"pdf"}), PNG: frozenset({"png"}), JPEG: frozenset({"jpg", "jpeg", "jpe"}),
    HEIC: frozenset({"heic", "heif"}), TEXT: frozenset({"txt", "text", "log", "md", "csv"}),
    DOCX: frozenset({"docx"}), XLSX: frozenset({"xlsx"}), ODT: frozenset({"odt"}),
    MP3: frozenset({"mp3"}), M4A: frozenset({"m4a"}), MP4: frozenset({"mp4", "m4v"}),
}
# The file extension a cleaned copy is named with.
EXTENSION: Final = {kind: ("jpg" if kind == JPEG else "txt" if kind == TEXT else kind)
                    for kind in KINDS}

# Why a file is refused (``FileRefused.reason``).
TOO_LARGE: Final = "too_large"
TOTAL_TOO_LARGE: Final = "total_too_large"
TOO_MANY: Final = "too_many"
EMPTY: Final = "empty"
NOT_ALLOWED: Final = "type_not_allowed"
MISMATCH: Final = "type_mismatch"
ENCRYPTED: Final = "encrypted"
MALFORMED: Final = "malformed"
BOMB: Final = "archive_bomb"
POLYGLOT: Final = "polyglot"
BAD_NAME: Final = "bad_name"
UPLOAD_MISSING: Final = "upload_missing"  # a signed upload never made, or expired
REFUSALS: Final = (TOO_LARGE, TOTAL_TOO_LARGE, TOO_MANY, EMPTY, NOT_ALLOWED, MISMATCH,
                   ENCRYPTED, MALFORMED, BOMB, POLYGLOT, BAD_NAME, UPLOAD_MISSING)
# Limits are answered 413, the rest 422.
OVER_LIMIT: Final = frozenset({TOO_LARGE, TOTAL_TOO_LARGE})

# What cleaning removed (``Cleaned.removed``), each told to the reporter in their language.
LOCATION: Final = "location"
CAMERA: Final = "camera"
IMAGE_DETAILS: Final = "image_details"  # other EXIF, XMP, IPTC, comments of an image
AUTHOR: Final = "author"
DOCUMENT_PROPERTIES: Final = "document_properties"
COMMENTS: Final = "comments"
TRACKED_CHANGES: Final = "tracked_changes"
SCRIPTS: Final = "scripts"
EMBEDDED_FILES: Final = "embedded_files"
TAGS: Final = "tags"
REMOVALS: Final = (LOCATION, CAMERA, IMAGE_DETAILS, AUTHOR, DOCUMENT_PROPERTIES, COMMENTS,
                   TRACKED_CHANGES, SCRIPTS, EMBEDDED_FILES, TAGS)

# Scan results.
SCAN_CLEAN: Final = "clean"
SCAN_INFECTED: Final = "infected"
NOT_SCANNED: Final = "not_scanned"

# What became of a file.
ACCEPTED: Final = "accepted"
QUARANTINED: Final = "quarantined"


class FileRefused(Exception):
    """A file that cannot be accepted: ``reason`` is one of ``REFUSALS``, ``detail`` a
    short English explanation (no content of the file), ``kind`` what it was found to be."""

    def __init__(self, reason: str, detail: str, *, name: str = "", kind: str | None = None,
                 index: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.name, self.kind = reason, detail, name, kind
        self.index = index

    def named(self, name: str, index: int) -> FileRefused:
        return FileRefused(self.reason, self.detail, name=name, kind=self.kind, index=index)

    @property
    def status(self) -> int:
        return 413 if self.reason in OVER_LIMIT else 422


@dataclass(frozen=True)
class EvidenceLimits:
    """How much a submission may attach: each file, all of them, how many."""

    per_file_bytes: int = 10 * 1024 * 1024
    total_bytes: int = 25 * 1024 * 1024
    max_files: int = 10

    def check_count(self, count: int) -> None:
        if count > self.max_files:
            raise FileRefused(TOO_MANY, f"At most {self.max_files} files may be attached.")

    def check_sizes(self, sizes: Sequence[int]) -> None:
        """FileRefused (with the index of the first file at fault) over a limit."""
        total = 0
        for index, size in enumerate(sizes):
            if size > self.per_file_bytes:
                raise FileRefused(TOO_LARGE, f"A file may be at most "
                                  f"{_mib(self.per_file_bytes)}.", index=index)
            if size == 0:
                raise FileRefused(EMPTY, "The file is empty.", index=index)
            total += size
            if total > self.total_bytes:
                raise FileRefused(TOTAL_TOO_LARGE, f"All files together may be at most "
                                  f"{_mib(self.total_bytes)}.", index=index)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


@dataclass(frozen=True)
class Upload:
    """A file as it came: its name (as the reporter's device gave it), declared media type
    and bytes."""

    name: str
    declared_type: str
    data: bytes


@dataclass(frozen=True)
class Cleaned:
    """A file's cleaned copy and the codes of what was removed from it."""

    data: bytes
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """What the scanner said: ``SCAN_CLEAN``, ``SCAN_INFECTED`` (with the signature) or
    ``NOT_SCANNED`` (no scanner is configured)."""

    status: str
    signature: str | None = None


@dataclass(frozen=True)
class Attachment:
    """What a case keeps in clear about one attached file (its name is sealed with it)."""

    attachment_id: str
    kind: str
    size: int  # of the cleaned copy (of the original, for a quarantined file)
    sha256: str  # of the cleaned copy ("" for a quarantined file: none is made)
    original_size: int
    original_sha256: str
    scan: str
    status: str
    removed: tuple[str, ...] = ()
    signature: str | None = None

    @property
    def deliverable(self) -> bool:
        return self.status == ACCEPTED

    def as_details(self) -> dict[str, Any]:
        return {"attachment_id": self.attachment_id, "kind": self.kind, "size": self.size,
                "sha256": self.sha256, "original_size": self.original_size,
                "original_sha256": self.original_sha256, "scan": self.scan,
                "status": self.status, "removed": list(self.removed),
                "signature": self.signature}

    @classmethod
    def from_details(cls, raw: Mapping[str, Any]) -> Attachment:
        return cls(str(raw["attachment_id"]), str(raw["kind"]), int(raw["size"]),
                   str(raw["sha256"]), int(raw["original_size"]),
                   str(raw["original_sha256"]), str(raw["scan"]), str(raw["status"]),
                   tuple(str(r) for r in raw.get("removed") or ()),
                   raw.get("signature"))


@dataclass(frozen=True)
class Prepared:
    """A file checked, scanned and cleaned, ready to be sealed and stored."""

    upload: Upload
    kind: str
    scan: ScanResult
    cleaned: Cleaned | None  # None for an infected file: it is only quarantined

    @property
    def status(self) -> str:
        return ACCEPTED if self.cleaned is not None else QUARANTINED


@dataclass(frozen=True)
class FileNotice:
    """What the reporter is told about one file."""

    name: str
    status: str
    scanned: bool
    removed: tuple[str, ...] = field(default_factory=tuple)


def attachment_id(submission_id: str, index: int) -> str:
    """An attachment's id: its submission's and its place in it (a retry finds it again)."""
    return f"{submission_id}-{index + 1:02d}"


def attachments_of(details: Mapping[str, Any]) -> list[Attachment]:
    """The attachments a history event lists (``received`` or a follow-up's)."""
    raw = details.get("attachments")
    if not isinstance(raw, list):
        return []
    return [Attachment.from_details(item) for item in raw if isinstance(item, Mapping)]


def safe_download_name(name: str, kind: str, attachment: str) -> str:
    """The name a download is offered under: the reporter's name's stem in plain ASCII,
    always with the extension of the kind the content is."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_"
                   for ch in stem)[:80].strip("_")
    return f"{safe or attachment}.{EXTENSION[kind]}"


def framed(name: str, kind: str, data: bytes) -> bytes:
    """What is sealed for one copy of a file: its name and kind, then its bytes (the name
    is never kept in clear)."""
    header = json.dumps({"name": name, "kind": kind}, ensure_ascii=True).encode()
    return struct.pack(">I", len(header)) + header + data


def unframed(plaintext: bytes) -> tuple[str, str, bytes]:
    """The name, kind and bytes ``framed`` sealed."""
    (length,) = struct.unpack(">I", plaintext[:4])
    header = json.loads(plaintext[4:4 + length])
    return str(header["name"]), str(header["kind"]), plaintext[4 + length:]


def blob_name(reference: str, attachment: str, copy: str) -> str:
    """The stored object of one copy (``cleaned`` or ``original``) of an attachment of a
    case (each reference drawn for a submission has its own objects)."""
    if copy not in ("cleaned", "original"):
        raise ValueError(copy)
    return f"{reference}/{attachment}/{copy}"


# Files uploaded through a signed URL wait, as they came, under ``incoming/<upload id>`` of
# a private bucket of their own until a submission takes them in (checked, cleaned,
# scanned and sealed like any other file); what is left there is swept.
INCOMING_PREFIX: Final = "incoming/"
_UPLOAD_ID_LENGTH: Final = 32


def upload_id(token: bytes) -> str:
    """An upload's id, from 16 random bytes: unguessable, it is what lets a submission
    take the file in."""
    if len(token) != _UPLOAD_ID_LENGTH // 2:
        raise ValueError("an upload id needs 16 random bytes")
    return token.hex()


def is_upload_id(value: object) -> bool:
    return (isinstance(value, str) and len(value) == _UPLOAD_ID_LENGTH
            and all(ch in "0123456789abcdef" for ch in value))


def incoming_name(upload: str) -> str:
    """The object a signed URL lets a client write."""
    if not is_upload_id(upload):
        raise ValueError("not an upload id")
    return f"{INCOMING_PREFIX}{upload}"


@dataclass(frozen=True)
class SignedUpload:
    """Where and how a client uploads one file: a V4 signed URL, the method, the headers
    the request must carry (they are signed), and until when it may be used."""

    upload_id: str
    url: str
    method: str
    headers: Mapping[str, str]
    expires_at: str  # ISO 8601, UTC
