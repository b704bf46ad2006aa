"""The document: the public forms, and the officers' functions (``officers``).

Only ``application/json`` is offered to API clients. The form endpoints also read
``application/x-www-form-urlencoded`` posts, but that is the web pages' encoding: every
value a string, nested fields and list items named by flattened paths
(``retaliatory_acts.0.date``), checkboxes that are absent when unticked, and a browser's
post answered with a page rather than JSON. JSON Schema describes the object a client
sends, not those flattened pairs, and a client gains nothing from them that JSON does not
give, so the document does not offer them.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from schemas.advice import AdviceRequestSchema
from schemas.common import Email
from schemas.evidence import UPLOADS_FIELD, UploadReferenceSchema, UploadRequestSchema
from schemas.misconduct import MisconductReportSchema
from schemas.openapi.json_schema import field_attributes, rules_component
from schemas.retaliation import RetaliationComplaintSchema

# function name -> (schema, summary)
PUBLIC_FORMS: dict[str, tuple[type[Schema], str]] = {
    "submit_advice": (AdviceRequestSchema, "Ask the Ethics Office for confidential advice"),
    "submit_misconduct": (MisconductReportSchema,
                          "Report misconduct (forwarded to the investigations office)"),
    "submit_retaliation": (RetaliationComplaintSchema,
                           "Complain of retaliation for a protected activity"),
}


class AcknowledgementSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "ETH-ADV-7K3MQ-9TZ4X"})
    received_at = fields.DateTime(required=True)
    next_steps = fields.List(fields.String(), required=True)
    receipt = fields.String(metadata={
        "description": "The code that, with the reference, opens the follow-up page (every "
                       "submitter, named or anonymous). Shown once (again only to an "
                       "idempotent retry within INTAKE_REPLAY_RECEIPT_SECONDS); keep it."})
    proof = fields.String(metadata={
        "description": "The signed proof of submission (docs/proof-format.md): nine lines of "
                       "text stating the reference, the form, received_at and the SHA-256 of "
                       "the canonical JSON of the body as sent, with an ECDSA P-256 "
                       "signature. No name, no narrative, no receipt code. Every retry gets "
                       "the same proof. Verify it with the keys at /forms/keys.json, "
                       "`intake verify-proof` or openssl.",
        "example": "ethics-intake proof of submission\nformat: 1\n..."})


    attachments = fields.List(fields.Dict(), metadata={
        "description": "Per attached file (multipart or signed upload, docs/evidence.md): "
                       "`name`, "
                       "`status` (accepted or quarantined), `scanned`, `removed` (codes) and "
                       "`message`, what the reporter is told, in the Accept-Language."})


class SignedUploadSchema(Schema):
    upload_id = fields.String(required=True, metadata={
        "description": "Names the upload in the submission's `evidence_uploads`.",
        "pattern": "^[0-9a-f]{32}$"})
    url = fields.String(required=True, metadata={
        "description": "A V4 signed URL of the private bucket of incoming files."})
    method = fields.String(required=True, metadata={"enum": ["PUT"]})
    headers = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "Headers the PUT must carry as they are "
                                                   "(they are signed): `Content-Type` and "
                                                   "`x-goog-content-length-range`."})
    expires_at = fields.DateTime(required=True, metadata={
        "description": "The URL is refused after this (INTAKE_EVIDENCE_UPLOAD_MINUTES)."})


class ErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={
        "description": "Field name (nested objects and list indexes as nested keys) -> "
                       "messages. `_body` and header names for problems outside the fields."})


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "16-128 characters [A-Za-z0-9._:-]. A retry with the same key and body "
                   "gets the first response (Idempotent-Replayed: true); another body gets "
                   "409.",
    "schema": {"type": "string", "minLength": 16, "maxLength": 128,
               "pattern": "^[A-Za-z0-9._:-]{16,128}$"},
}


def error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": "Error"}}}


def add_schema(spec: APISpec, name: str, schema: type[Schema]) -> None:
    """A component from a marshmallow schema, with its cross-field rules stated."""
    spec.components.schema(name, component=rules_component(schema()), schema=schema)


DESCRIPTION = (
    "The Ethics Office's intake: the public forms (anonymous allowed except for "
    "retaliation), the officers' case API and service log, and the financial disclosure "
    "API of filers, heads of units and officers. Every path is a Cloud "
    "Function; locally they share one server.\n\n"
    "Each request schema states its cross-field rules in JSON Schema (`if`/`then`/`else`, "
    "`dependentRequired`, `not`, `anyOf`), each with a `description`. The rules JSON Schema "
    "cannot state (an order of dates, a date against today's, how a text's length is "
    "counted) are listed in the schema's `x-unstated-rules`, each with a `code`, the "
    "`paths` it reads and what it says.\n\n"
    "Errors are `{\"message\", \"errors\": {field: [messages]}}`: nested objects and "
    "list items as nested keys, `_body`, `_schema` and header names for problems outside "
    "the fields. Only `application/json` is part of this contract: the form encoding the "
    "web pages post is theirs."
)


def build_openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document, with paths as the local runner serves them."""
    from schemas.openapi.disclosure import add_disclosure_api
    from schemas.openapi.officers import add_officers_api

    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Ethics Office intake",
        version="1",
        openapi_version="3.1.0",
        plugins=[marshmallow_plugin],
        info={"description": DESCRIPTION},
        jsonSchemaDialect="https://spec.openapis.org/oas/3.1/dialect/base",
    )
    marshmallow_plugin.map_to_openapi_type(  # type: ignore[no-untyped-call]
        Email, "string", "email")
    marshmallow_plugin.converter.add_attribute_function(  # type: ignore[union-attr]
        field_attributes)
    spec.components.schema("Acknowledgement", schema=AcknowledgementSchema)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.schema("SignedUpload", schema=SignedUploadSchema)
    add_schema(spec, "UploadRequest", UploadRequestSchema)
    add_schema(spec, "UploadReference", UploadReferenceSchema)
    for function, (schema, summary) in PUBLIC_FORMS.items():
        name = schema.__name__.removesuffix("Schema")
        add_schema(spec, name, schema)
        spec.components.schemas[name].setdefault("properties", {})[UPLOADS_FIELD] = {
            "type": "array", "items": {"$ref": "#/components/schemas/UploadReference"},
            "description": UPLOADS_DESCRIPTION}
        _upload_path(spec, function)
        spec.path(path=f"/{function}", operations={"post": {
            "operationId": function,
            "summary": summary,
            "description": SUBMIT_DESCRIPTION,
            "parameters": [IDEMPOTENCY_KEY],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": name}}},
            "responses": {
                "201": {"description": "Received. Keep the reference (and the receipt).",
                        "content": {"application/json": {"schema": "Acknowledgement"}}},
                "400": error("Malformed body or header."),
                "403": error("A post a browser marks as coming from another site "
                             "(Sec-Fetch-Site, or an Origin other than the site's own)."),
                "405": error("Only POST is accepted."),
                "409": error("Idempotency-Key reused with a different body, or used longer "
                             "ago than its record is kept (24 hours by default): send "
                             "again with a new key."),
                "413": error("Body larger than the limit, or a file over a limit "
                             "(named in `errors`, `evidence.<n>`)."),
                "415": error("Content type other than JSON."),
                "422": error("The body does not satisfy the form's rules, or a file is "
                             "refused (named in `errors`, `evidence.<n>`), or "
                             "`evidence_uploads` is malformed or not offered."),
                "429": error("Too many posts from this client; nothing was read or stored. "
                             "Retry after Retry-After seconds."),
                "503": error("A dependency is unavailable; nothing was stored. Retry after "
                             "Retry-After seconds."),
            },
        }})
    add_officers_api(spec)
    add_disclosure_api(spec)
    return spec.to_dict()


SUBMIT_DESCRIPTION = (
    "JSON, or `multipart/form-data` with a `json` part and one `evidence` part per file "
    "(docs/evidence.md). Larger files may come through V4 signed URLs instead: ask "
    "`POST /<function>/uploads` for each, PUT the file there, then name the uploads in "
    "`evidence_uploads`. Every file, however it came, is checked by content, cleaned of "
    "hidden metadata, scanned and sealed before the submission is stored; the limits "
    "(count, each file, all together) count the files of both ways together.")
UPLOADS_DESCRIPTION = (
    "Files uploaded through signed URLs (`POST /<function>/uploads`), each named by its "
    "`upload_id` and the file's name. Only where signed uploads are offered "
    "(INTAKE_EVIDENCE_UPLOAD_BUCKET); elsewhere a 422.")


def _upload_path(spec: APISpec, function: str) -> None:
    spec.path(path=f"/{function}/uploads", operations={"post": {
        "operationId": f"{function}_upload",
        "summary": "A V4 signed URL to upload one file of a submission to come",
        "description": (
            "Signs a PUT of exactly `size` bytes of `media_type` to a private bucket, for a "
            "few minutes. The file waits there unchecked: nothing of it reaches anyone "
            "until a submission names it in `evidence_uploads`, which checks, cleans, "
            "scans and seals it like a file of a multipart post (or refuses it, storing "
            "nothing). Uploads no submission took in are swept. Counted against the same "
            "per-client limit as a submission."),
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "UploadRequest"}}},
        "responses": {
            "201": {"description": "Upload the file with `method`, `url` and `headers`.",
                    "content": {"application/json": {"schema": "SignedUpload"}}},
            "400": error("Malformed body."),
            "403": error("A post a browser marks as coming from another site."),
            "404": error("Signed uploads are not offered here (no "
                         "INTAKE_EVIDENCE_UPLOAD_BUCKET): attach files to a multipart "
                         "post."),
            "405": error("Only POST is accepted."),
            "413": error("The file is over the per-file limit (`evidence.0` names it)."),
            "415": error("Content type other than JSON."),
            "422": error("A field is missing or invalid, or the name is not acceptable."),
            "429": error("Too many posts from this client. Retry after Retry-After "
                         "seconds."),
            "503": error("The URL could not be signed. Retry after Retry-After seconds."),
        },
    }})
