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
        "description": "Per attached file (a multipart post, docs/evidence.md): `name`, "
                       "`status` (accepted or quarantined), `scanned`, `removed` (codes) and "
                       "`message`, what the reporter is told, in the Accept-Language."})


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
    for function, (schema, summary) in PUBLIC_FORMS.items():
        name = schema.__name__.removesuffix("Schema")
        add_schema(spec, name, schema)
        spec.path(path=f"/{function}", operations={"post": {
            "operationId": function,
            "summary": summary,
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
                "413": error("Body larger than the limit."),
                "415": error("Content type other than JSON."),
                "422": error("The body does not satisfy the form's rules."),
                "429": error("Too many posts from this client; nothing was read or stored. "
                             "Retry after Retry-After seconds."),
                "503": error("A dependency is unavailable; nothing was stored. Retry after "
                             "Retry-After seconds."),
            },
        }})
    add_officers_api(spec)
    add_disclosure_api(spec)
    return spec.to_dict()
