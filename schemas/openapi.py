"""The OpenAPI 3 document of the public intake API, generated from the form schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from schemas.advice import AdviceRequestSchema
from schemas.common import Email
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from schemas.statistics import ServiceLogSchema

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


class LoggedServiceSchema(Schema):
    id = fields.String(required=True)
    category = fields.String(required=True)
    date = fields.Date(required=True)
    year = fields.Integer(required=True)
    subcategory = fields.String(metadata={"description": "Advice: its sub-category."})
    group = fields.String(metadata={"description": "Advice: the form's category of the "
                                                   "sub-category."})
    participants = fields.Integer()
    requester_type = fields.String()
    duty_station = fields.String()
    staff_category = fields.String()
    allegation_type = fields.String()
    copied_only = fields.Boolean(metadata={"description": "Misconduct: always true; never "
                                                          "forwarded."})


class ErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={
        "description": "Field name (nested objects and list indexes as nested keys) -> "
                       "messages. `_body` and header names for problems outside the fields."})


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": "Error"}}}


FORM_ENCODING_NOTE = (
    "Also accepted as `application/x-www-form-urlencoded`: nested fields are named with dots "
    "and list items with their index, e.g. `retaliatory_acts.0.date`."
)


def build_openapi() -> dict[str, Any]:
    """The OpenAPI document, with paths as the local runner serves them."""
    marshmallow_plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Ethics Office intake",
        version="1",
        openapi_version="3.0.3",
        plugins=[marshmallow_plugin],
        info={"description": "Public intake functions of the Ethics Office, and the "
                             "officers' service log. Every path is a Cloud Function; "
                             "locally they share one server."},
    )
    marshmallow_plugin.map_to_openapi_type(  # type: ignore[no-untyped-call]
        Email, "string", "email")
    spec.components.schema("Acknowledgement", schema=AcknowledgementSchema)
    spec.components.schema("Error", schema=ErrorSchema)
    for function, (schema, summary) in PUBLIC_FORMS.items():
        name = schema.__name__.removesuffix("Schema")
        spec.components.schema(name, schema=schema)
        spec.path(path=f"/{function}", operations={"post": {
            "operationId": function,
            "summary": summary,
            "description": FORM_ENCODING_NOTE,
            "parameters": [{
                "name": "Idempotency-Key", "in": "header", "required": False,
                "description": "16-128 characters [A-Za-z0-9._:-]. A retry with the same key "
                               "and body gets the first response; another body gets 409.",
                "schema": {"type": "string", "minLength": 16, "maxLength": 128,
                           "pattern": "^[A-Za-z0-9._:-]{16,128}$"},
            }],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": name},
                "application/x-www-form-urlencoded": {"schema": name},
            }},
            "responses": {
                "201": {"description": "Received. Keep the reference (and the receipt).",
                        "content": {"application/json": {"schema": "Acknowledgement"}}},
                "400": _error("Malformed body or header."),
                "403": _error("A post a browser marks as coming from another site "
                              "(Sec-Fetch-Site, or an Origin other than the site's own)."),
                "405": _error("Only POST is accepted."),
                "409": _error("Idempotency-Key reused with a different body."),
                "413": _error("Body larger than the limit."),
                "415": _error("Content type other than JSON or form encoding."),
                "422": _error("The body does not satisfy the form's rules."),
                "429": _error("Too many posts from this client; nothing was read or stored. "
                              "Retry after Retry-After seconds."),
                "503": _error("A dependency is unavailable; retry after Retry-After seconds."),
            },
        }})
    _service_log(spec)
    return spec.to_dict()


def _service_log(spec: APISpec) -> None:
    """The officers' internal function that records services (docs/reporting.md)."""
    spec.components.security_scheme("OfficerToken", {
        "type": "http", "scheme": "bearer",
        "description": "An ethics officer's Google ID token minted for the function's URL."})
    spec.components.schema("ServiceLogEntry", schema=ServiceLogSchema)
    spec.components.schema("LoggedService", schema=LoggedServiceSchema)
    spec.path(path="/log_service", operations={"post": {
        "operationId": "log_service",
        "summary": "Record a service given, or an allegation the office was copied on "
                   "(internal: ethics officers only)",
        "description": "Counts in the annual report (Table 1 and, for advice, Figure II). "
                       "Nothing is forwarded: a misconduct allegation is logged only when "
                       "the office was copied on one made to the investigations office.",
        "security": [{"OfficerToken": []}],
        "parameters": [{
            "name": "Idempotency-Key", "in": "header", "required": False,
            "description": "16-128 characters [A-Za-z0-9._:-]. A retry with the same key "
                           "and body gets the first entry (Idempotent-Replayed: true); "
                           "another body gets 409.",
            "schema": {"type": "string", "minLength": 16, "maxLength": 128,
                       "pattern": "^[A-Za-z0-9._:-]{16,128}$"},
        }],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "ServiceLogEntry"}}},
        "responses": {
            "201": {"description": "Recorded.",
                    "content": {"application/json": {"schema": "LoggedService"}}},
            "400": _error("Malformed body or header."),
            "401": _error("No officer's token, or a bad one."),
            "403": _error("Not an ethics officer."),
            "405": _error("Only POST is accepted."),
            "409": _error("Idempotency-Key reused with a different body."),
            "413": _error("Body larger than the limit."),
            "415": _error("Content type other than JSON."),
            "422": _error("The entry does not satisfy the service log's rules."),
            "503": _error("A dependency is unavailable; retry after Retry-After seconds."),
        },
    }})
