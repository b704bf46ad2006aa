"""Public form endpoints: JSON or form encoding in, 201 with a reference out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Request, Response
from marshmallow import Schema, ValidationError

from schemas.evidence import UPLOADS_FIELD, UploadReferenceSchema, UploadRequestSchema
from shared.domain.evidence import FileNotice
from shared.domain.evidence_notices import LANGUAGES, tell
from shared.domain.forms import FormSpec
from shared.domain.proofs import canonical_content
from shared.endpoints import guards
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.validation import validated
from shared.http.bodies import read_body
from shared.http.browsers import accepts_html, is_browser_form_post, refuse_cross_site
from shared.http.idempotency import idempotency_key
from shared.http.multipart import MULTIPART_TYPE, read_multipart
from shared.http.problems import HttpProblem, json_response

UPLOADS_PATH = "/uploads"
UPLOAD_REQUEST_LIMIT = 4 * 1024
_UPLOAD_REQUEST = UploadRequestSchema()
_UPLOAD_REFERENCE = UploadReferenceSchema()

if TYPE_CHECKING:
    from shared.bootstrap import UseCases


def submission_endpoint(form: FormSpec, schema: Schema, wiring: Wiring) -> Handler:
    """The public endpoint of a form: accepts JSON or form encoding, answers 201."""

    def submit(container: UseCases, request: Request) -> Response:
        # A browser's form post gets pages instead of JSON (rendering is imported only
        # then), after the same checks as below.
        if is_browser_form_post(request) or (request.method in ("GET", "HEAD")
                                             and accepts_html(request)):
            from shared.endpoints.browser_submit import submit_from_browser
            return submit_from_browser(form, schema, container, request)
        if request.method == "POST":  # before the body is read: whatever its type
            refuse_cross_site(request, container.settings.site_origin)
            wait = guards.over_limit(container, request, guards.SUBMIT_BUCKET)
            if wait is not None:
                raise guards.too_many(wait)
        if request.path.rstrip("/") == UPLOADS_PATH:
            return signed_upload(container, request)
        uploads = []
        if request.mimetype == MULTIPART_TYPE and container.evidence_limits.max_files:
            multipart = read_multipart(request, container.settings.max_body_bytes,
                                       container.evidence_limits)
            body, uploads = multipart.fields, multipart.files
        else:
            body = read_body(request, container.settings.max_body_bytes)
        key = idempotency_key(request, body)
        signed = upload_references(container, body)
        data = validated(schema, body, container)
        if signed:
            uploads = [*uploads, *container.take_in_uploads(signed, first_index=len(uploads))]
        # Files are checked after the fields: a refused file (413/422) stores nothing.
        evidence = tuple(container.prepare_evidence(uploads)) if uploads else ()
        # The proof's digest covers the document as sent, which the client can keep.
        ack = container.receive_submission(form, data, idempotency_key=key,
                                           submitted=canonical_content(body),
                                           evidence=evidence)
        body_out: dict[str, Any] = {"reference": ack.reference,
                                    "received_at": ack.received_at.isoformat(),
                                    "next_steps": list(form.next_steps(container.policy))}
        if ack.receipt is not None:
            body_out["receipt"] = ack.receipt
        if ack.proof is not None:
            body_out["proof"] = ack.proof
        if ack.files:
            language = request.accept_languages.best_match(LANGUAGES) or "en"
            body_out["attachments"] = [file_notice(notice, language) for notice in ack.files]
        headers = {"Idempotent-Replayed": "true"} if ack.replayed else {}
        return json_response(201, body_out, headers)

    return endpoint(form.function, submit, wiring)


def signed_upload(container: UseCases, request: Request) -> Response:
    """POST /uploads: a V4 signed URL to upload one file of a submission to come (404
    where signed uploads are not offered). Counted as a post of the form."""
    if not container.uploads_offered:
        return json_response(404, {"message": "Signed uploads are not offered here; attach "
                                              "files in a multipart post.", "errors": {}})
    body = read_body(request, UPLOAD_REQUEST_LIMIT)
    asked = validated(_UPLOAD_REQUEST, body, container)
    offered = container.offer_upload(asked["name"], asked["size"], asked["media_type"])
    return json_response(201, {"upload_id": offered.upload_id, "url": offered.url,
                               "method": offered.method, "headers": dict(offered.headers),
                               "expires_at": offered.expires_at})


def upload_references(container: UseCases, body: dict[str, Any]) -> list[tuple[str, str]]:
    """The files of a submission uploaded through signed URLs (``evidence_uploads``,
    removed from ``body``): (upload id, name) each. A 422 naming the field if malformed,
    or if signed uploads are not offered."""
    raw = body.pop(UPLOADS_FIELD, None)
    if raw is None:
        return []
    if not container.uploads_offered:
        raise _bad_uploads("Signed uploads are not offered here.")
    if not isinstance(raw, list):
        raise _bad_uploads("Must be a list of {upload_id, name}.")
    limit = container.evidence_limits.max_files
    if len(raw) > limit:
        raise _bad_uploads(f"At most {limit} files may be attached.")
    references = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _bad_uploads("Must be an object {upload_id, name}.", index)
        try:
            loaded = _UPLOAD_REFERENCE.load(item)
        except ValidationError as error:
            raise HttpProblem(422, "The submission has errors; see `errors`.",
                              {f"{UPLOADS_FIELD}.{index}": error.messages},
                              log_fields=[UPLOADS_FIELD]) from None
        references.append((loaded["upload_id"], loaded["name"]))
    if len({upload for upload, _ in references}) != len(references):
        raise _bad_uploads("An upload may be named only once.")
    return references


def _bad_uploads(message: str, index: int | None = None) -> HttpProblem:
    field = UPLOADS_FIELD if index is None else f"{UPLOADS_FIELD}.{index}"
    return HttpProblem(422, f"{field}: {message}", {field: [message]},
                       log_fields=[UPLOADS_FIELD])


def file_notice(notice: FileNotice, language: str) -> dict[str, Any]:
    """What the reporter is told of one file: codes for programs, sentences for people."""
    return {"name": notice.name, "status": notice.status,
            "scanned": notice.scanned, "removed": list(notice.removed),
            "message": " ".join(tell(notice, language))}
