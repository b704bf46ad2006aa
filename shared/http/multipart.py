"""A ``multipart/form-data`` post with files: the fields (as form encoding reads them, or one
``json`` part holding the whole JSON object), and the files of the ``evidence`` field.

The body is decoded as it streams in, so a file over its limit is refused by name as soon
as it crosses it (413), before the rest is read, and no more than the limits allow is ever
held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import (
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)

from shared.domain.evidence import (
    TOO_LARGE,
    TOTAL_TOO_LARGE,
    EvidenceLimits,
    FileRefused,
    Upload,
)
from shared.http.bodies import parse_json
from shared.http.forms import MULTIPART_TYPE, form_data
from shared.http.problems import HttpProblem, bad_body, require_post

__all__ = ["MULTIPART_TYPE", "MultipartBody", "MultipartProblem", "read_multipart"]
EVIDENCE_FIELD = "evidence"
JSON_PART = "json"
_CHUNK = 64 * 1024


class MultipartProblem(HttpProblem):
    """A multipart body refused for one of its files: which file and why (``refused``), and
    the fields read before it (``pairs``), so a page can be shown again with its answers."""

    def __init__(self, refused: FileRefused, status: int, message: str,
                 errors: dict[str, list[str]]) -> None:
        super().__init__(status, message, errors, log_fields=[refused.reason])
        self.refused = refused
        self.pairs: list[tuple[str, str]] = []


@dataclass(frozen=True)
class MultipartBody:
    fields: dict[str, Any]
    files: list[Upload]
    pairs: list[tuple[str, str]]


class _Part:
    def __init__(self, name: str, filename: str | None, content_type: str) -> None:
        self.name, self.filename, self.content_type = name, filename, content_type
        self.chunks: list[bytes] = []
        self.size = 0


def read_multipart(request: Request, fields_limit: int,
                   limits: EvidenceLimits) -> MultipartBody:
    """The fields and files of a multipart post. HttpProblem for a malformed body (400),
    fields over ``fields_limit`` bytes or a file over a limit (413, naming the file), a
    file in another field or more files than allowed (422)."""
    require_post(request)
    boundary = request.mimetype_params.get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise bad_body("A multipart body needs a boundary.")
    overall = fields_limit + limits.total_bytes + 64 * 1024 * (limits.max_files + 1)
    if request.content_length is not None and request.content_length > overall:
        message = (f"The body is larger than {overall} bytes: attach at most "
                   f"{limits.total_bytes} bytes of files.")
        raise HttpProblem(413, message, {EVIDENCE_FIELD: [message]})
    decoder = MultipartDecoder(boundary.encode("latin-1"), max_form_memory_size=fields_limit)
    parts: list[_Part] = []
    current: _Part | None = None
    read = field_bytes = file_total = 0
    done = False
    while not done:
        chunk = request.stream.read(_CHUNK)
        read += len(chunk)
        if read > overall:
            raise HttpProblem(413, f"The body is larger than {overall} bytes.",
                              {EVIDENCE_FIELD: ["The files are too large."]})
        try:
            decoder.receive_data(chunk or None)
            while True:
                event = decoder.next_event()
                if isinstance(event, NeedData):
                    if not chunk:
                        raise bad_body("The multipart body ends before its last boundary.")
                    break
                if isinstance(event, Epilogue):
                    done = True
                    break
                if isinstance(event, File):
                    current = _Part(event.name, event.filename,
                                    event.headers.get("Content-Type", ""))
                    _check_file_part(current, sum(p.filename is not None for p in parts),
                                     limits)
                    parts.append(current)
                elif isinstance(event, Field):
                    current = _Part(event.name, None, event.headers.get("Content-Type", ""))
                    parts.append(current)
                elif isinstance(event, Data) and current is not None:
                    current.chunks.append(event.data)
                    current.size += len(event.data)
                    if current.filename is None:
                        field_bytes += len(event.data)
                        if field_bytes > fields_limit:
                            message = f"The fields are larger than {fields_limit} bytes."
                            raise HttpProblem(413, message, {"_body": [message]})
                    else:
                        file_total += len(event.data)
                        _check_file_size(current, file_total, limits,
                                         sum(p.filename is not None for p in parts) - 1)
        except ValueError as error:
            raise bad_body(f"The multipart body is malformed: {error}") from None
        except RequestEntityTooLarge:
            message = f"The fields are larger than {fields_limit} bytes."
            raise HttpProblem(413, message, {"_body": [message]}) from None
        except MultipartProblem as problem:
            problem.pairs = _field_pairs(parts[:-1])
            raise
    return _assemble(parts)


def _field_pairs(parts: list[_Part]) -> list[tuple[str, str]]:
    return [(p.name, b"".join(p.chunks).decode("utf-8", "replace")) for p in parts
            if p.filename is None and p.name != JSON_PART]


def _refusal(refused: FileRefused, name: str, index: int) -> MultipartProblem:
    named = refused.named(name, index)
    message = f"{name}: {named.detail}"
    return MultipartProblem(named, named.status, message,
                            {f"{EVIDENCE_FIELD}.{index}": [message]})


def _check_file_part(part: _Part, before: int, limits: EvidenceLimits) -> None:
    if part.name != EVIDENCE_FIELD:
        message = f"Files are attached in the {EVIDENCE_FIELD!r} field only."
        raise HttpProblem(422, message, {part.name: [message]})
    try:
        limits.check_count(before + 1)
    except FileRefused as refused:
        raise _refusal(refused, part.filename or "", before) from None


def _check_file_size(part: _Part, total: int, limits: EvidenceLimits, index: int) -> None:
    name = part.filename or ""
    if part.size > limits.per_file_bytes:
        raise _refusal(FileRefused(TOO_LARGE, f"A file may be at most "
                                   f"{limits.per_file_bytes // (1024 * 1024)} MiB."),
                       name, index)
    if total > limits.total_bytes:
        raise _refusal(FileRefused(TOTAL_TOO_LARGE, f"All files together may be at most "
                                   f"{limits.total_bytes // (1024 * 1024)} MiB."),
                       name, index)


def _assemble(parts: list[_Part]) -> MultipartBody:
    files, pairs = [], []
    json_body: dict[str, Any] | None = None
    for part in parts:
        data = b"".join(part.chunks)
        if part.filename is not None:
            if part.filename == "" and not data:
                continue  # a browser's empty file input
            files.append(Upload(part.filename, part.content_type, data))
            continue
        if part.name == JSON_PART:
            if json_body is not None:
                raise bad_body(f"Only one {JSON_PART!r} part may be sent.")
            json_body = parse_json(data)
            continue
        try:
            pairs.append((part.name, data.decode("utf-8")))
        except UnicodeDecodeError:
            raise bad_body(f"The field {part.name!r} is not valid UTF-8.") from None
    if json_body is not None:
        if pairs:
            message = f"With a {JSON_PART!r} part, every field goes inside it."
            raise HttpProblem(422, message, {pairs[0][0]: [message]})
        return MultipartBody(json_body, files, [])
    return MultipartBody(form_data(pairs), files, pairs)
