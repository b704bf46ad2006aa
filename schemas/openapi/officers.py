"""The officers' functions in the document: the case API (``cases``) and the service log
(``log_service``), behind the officers' sign-in."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from marshmallow import Schema, fields

from schemas.cases import (
    AssignmentSchema,
    CaseExportQuerySchema,
    CaseListQuerySchema,
    ExtensionSchema,
    IndicatorsQuerySchema,
    LegalHoldSchema,
    MeasureSchema,
    MessageSchema,
    OriginalReasonSchema,
    RecordedReportSchema,
    RecusalSchema,
    TransitionSchema,
)
from schemas.openapi.document import IDEMPOTENCY_KEY, add_schema, error
from schemas.statistics import ServiceLogSchema
from shared.domain import evidence as ev
from shared.domain.case_export import COLUMNS
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.handling_times import CLOCK_STATUSES, CLOCKS, MILESTONES
from shared.domain.officers import ETHICS_ADMIN, ETHICS_AUDITOR, ETHICS_OFFICER, SUMMARY_READERS
from shared.domain.proxy_intake import CHANNELS, PROXY_CHANNELS, REVIEW_STATES
from shared.domain.workflow import ALLEGATION_TYPE, NOTE, REASON

SIGN_IN = (
    "An ethics officer's bearer token: `Authorization: Bearer <token>`.\n\n"
    "On Google Cloud: a Google-signed ID token whose audience is the function's "
    "`INTAKE_AUTH_AUDIENCE` (for example `gcloud auth print-identity-token "
    "--audiences=<audience>` signed in as the officer), with a verified e-mail address "
    "that the officers directory (`INTAKE_OFFICERS`) lists with a role the call needs "
    "(each operation's `x-roles`, any one of them): `ethics_officer`, except that giving "
    "a case to someone else needs `ethics_admin`; `ethics_auditor` lists and exports cases and "
    "reads the indicators, nothing more (any other operation is a 403 for an auditor).\n\n"
    "Locally (`scripts/run`, embedded backend only): a development token `dev:<signed "
    "address>` that `scripts/run` prints for each officer of the directory, signed with a "
    "key of the data folder and valid for 7 days; never accepted on Google Cloud.\n\n"
    "No token or a bad one: 401 with `WWW-Authenticate`; an account outside the directory "
    "or without a role the operation lists: 403; the token keys unavailable: 503.\n\n"
    "The officers' web console (`/console`) is not part of this document: it is a browser "
    "application of HTML pages, signed in through Identity-Aware Proxy rather than with "
    "this token, and it reaches the cases through the same use cases as this API."
)
OFFICER_ONLY: list[dict[str, list[str]]] = [{"OfficerToken": []}]


def signed_in(operation: dict[str, Any], roles: tuple[str, ...],
              refused: str = "") -> dict[str, Any]:
    """``operation`` behind the officers' token: the roles that may call it (``x-roles``,
    any one of them, as its use case checks them) and the sign-in's errors beside its own
    (``refused`` says more about the 403)."""
    return {**operation, "security": OFFICER_ONLY, "x-roles": list(roles), "responses": {
        **operation["responses"],
        "401": error("No officer's token, or a bad one (WWW-Authenticate says why)."),
        "403": error(f"Not an officer of the directory, or without a role this operation "
                     f"needs ({' or '.join(roles)}){refused}."),
        "503": error("A dependency (the store, or the sign-in keys) is unavailable; retry "
                     "after Retry-After seconds."),
    }}


# What an auditor's 403 means on every operation but the list.
NOT_FOR_AUDITORS = f"; an auditor ({ETHICS_AUDITOR}) may list cases and do nothing else"
NO_CASE = error("No case with this reference. A case that names the officer calling "
                "answers exactly so (and the attempt is recorded in its history).")
INTEGRITY = error("The case's stored records failed an integrity check; they are not shown "
                  "(`errors._integrity`).")

def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

CASE_SUMMARY: dict[str, Any] = {
    "type": "object",
    "description": "A case without identity or narrative.",
    "required": ["reference", "form", "state", "received_at", "updated_at", "deadlines",
                 "assignee", "priority", "category", "flags", "forwarding", "measures",
                 "allowed_transitions", "retention"],
    "properties": {
        "reference": {"type": "string"},
        "form": {"type": "string", "enum": ["advice", "misconduct", "retaliation"]},
        "state": {"type": "string"},
        "received_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "deadlines": {"type": "object", "additionalProperties": {
            "type": "string", "format": "date-time"}},
        "assignee": _NULLABLE_STRING,
        "priority": _NULLABLE_STRING,
        "category": _NULLABLE_STRING,
        "flags": {"type": "array", "items": {"type": "string"}},
        "forwarding": {"description": "The referral to the investigations office, if any.",
                       "oneOf": [{"type": "null"}, _ref("Referral")]},
        "measures": {"type": "array", "items": _ref("RecordedMeasure")},
        "allowed_transitions": {"type": "array", "items": {"type": "string"}},
        "retention": {
            "type": "object", "required": ["purge_after", "held", "extended", "purged_at"],
            "description": "When the case's records are due for purge (null while it is "
                           "open), whether a legal hold keeps it, whether its one extension "
                           "was used, and when it was purged (then only its tombstone is "
                           "left: docs/retention.md).",
            "properties": {"purge_after": _NULLABLE_TIME, "held": {"type": "boolean"},
                           "extended": {"type": "boolean"}, "purged_at": _NULLABLE_TIME}},
        "channel": {"type": "string", "enum": list(CHANNELS), "description":
                    "How the report reached the office: web (a form), or the channel an "
                    "officer recorded it from."},
        "record_review": {"type": ["string", "null"], "enum": [*REVIEW_STATES, None],
                          "description": "A report an officer recorded: where the "
                                         "reporter's review of the record stands (pending, "
                                         "confirmed, correction_requested); null otherwise."},
    },
}
RECORDED_ACKNOWLEDGEMENT: dict[str, Any] = {
    "type": "object",
    "required": ["reference", "form", "channel", "received_at"],
    "properties": {
        "reference": {"type": "string"},
        "form": {"type": "string", "enum": ["advice", "misconduct", "retaliation"]},
        "channel": {"type": "string", "enum": list(PROXY_CHANNELS)},
        "received_at": {"type": "string", "format": "date-time", "description":
                        "The start (UTC) of the day received: every clock runs from it."},
        "receipt": {"type": "string", "description":
                    "The reporter's receipt code, to read out or hand over with the "
                    "reference: it opens the follow-up page, where the reporter reads the "
                    "record and confirms it or asks for a correction. Absent on a retry "
                    "after the receipt's window."},
        "proof": {"type": "string", "description": "The signed proof of submission "
                                                   "(docs/proof-format.md)."},
    },
}
_FORM_COMPONENTS = {"advice": "AdviceRequest", "misconduct": "MisconductReport",
                    "retaliation": "RetaliationComplaint"}
REFERRAL: dict[str, Any] = {
    "type": "object",
    "properties": {
        "referral_id": {"type": "string"}, "status": {"type": "string"},
        "matter": _NULLABLE_STRING, "allegation_type": _NULLABLE_STRING,
        "urgent": {"type": "boolean"}, "attempts": {"type": "integer"},
        "investigations_case_id": _NULLABLE_STRING, "forwarded_at": _NULLABLE_TIME,
        "failure": _NULLABLE_STRING,
        "supplements": {"type": "array", "items": {"type": "object", "properties": {
            "supplement_id": {"type": "string"}, "attempts": {"type": "integer"},
            "delivered_at": _NULLABLE_TIME, "failure": _NULLABLE_STRING}}},
    },
}
RECORDED_MEASURE: dict[str, Any] = {
    "type": "object",
    "required": ["measure_id", "kind", "recommended_on", "outcome", "purpose"],
    "properties": {
        "measure_id": {"type": "string"}, "kind": {"type": "string"},
        "recommended_on": {"type": "string", "format": "date"},
        "outcome": {"type": "string"}, "purpose": {"type": "string"},
        "decision": _NULLABLE_STRING,
        "decided_on": {"type": ["string", "null"], "format": "date"},
    },
}
HISTORY_ENTRY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "seq": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
        "kind": {"type": "string"}, "actor": {"type": "string"},
        "from_state": _NULLABLE_STRING, "to_state": _NULLABLE_STRING,
        "details": {"type": "object"},
        "text": {"description": "A note or reply, opened.", **_NULLABLE_STRING},
        "unreadable": {"type": ["boolean", "null"]},
    },
}


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


def transition_details() -> list[dict[str, Any]]:
    """The details each transition needs and takes, from the workflows (the domain
    enforces them once the case is found and the transition allowed): a transition that
    requires a detail must have it, and only those take a reason or an allegation type."""
    needing: dict[str, set[str]] = {NOTE: set(), REASON: set(), ALLEGATION_TYPE: set()}
    for workflow in WORKFLOWS.values():
        for transition in workflow.transitions:
            for detail in transition.requires:
                needing[detail].add(transition.name)
    for workflow in WORKFLOWS.values():  # a name means the same in every workflow
        for transition in workflow.transitions:
            for detail, names in needing.items():
                assert (transition.name in names) == (detail in transition.requires), (
                    f"{transition.name} needs {detail} in one workflow and not another")
    rules: list[dict[str, Any]] = []
    for detail, names in needing.items():
        if not names:
            continue
        name_is = {"required": ["name"], "properties": {"name": {"enum": sorted(names)}}}
        rules.append({"description": f"{detail} is required with {', '.join(sorted(names))}.",
                      "if": name_is, "then": {"required": [detail]}})
        if detail != NOTE:
            rules.append({"description": f"{detail} only with {', '.join(sorted(names))}.",
                          "if": name_is, "else": {"properties": {detail: False}}})
    return rules


_DAYS = {"type": ["number", "null"], "minimum": 0}
_COUNT = {"type": "integer", "minimum": 0}
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}


def _form_indicators(form: str) -> dict[str, Any]:
    return {"type": "object", "required": ["cases", "days_to", "reopened", "clocks"],
            "additionalProperties": False, "properties": {
        "cases": _COUNT,
        "days_to": {
            "type": "object", "required": list(MILESTONES[form]),
            "additionalProperties": False,
            "properties": {m: {"type": "object", "additionalProperties": False,
                               "required": ["reached", "pending", "median", "p90"],
                               "properties": {"reached": _COUNT, "pending": _COUNT,
                                              "median": _DAYS, "p90": _DAYS}}
                           for m in MILESTONES[form]}},
        "reopened": {"type": "object", "required": ["cases", "reopenings"],
                     "additionalProperties": False,
                     "properties": {"cases": _COUNT, "reopenings": _COUNT}},
        "clocks": {
            "type": "object", "required": list(CLOCKS[form]), "additionalProperties": False,
            "properties": {c: {"type": "object", "additionalProperties": False,
                               "required": [*CLOCK_STATUSES, "percent_met"],
                               "properties": {**dict.fromkeys(CLOCK_STATUSES, _COUNT),
                                              "percent_met": _SHARE}}
                           for c in CLOCKS[form]}},
    }}


MANAGEMENT_INDICATORS: dict[str, Any] = {
    "type": "object", "required": ["year", "as_of", "forms"], "additionalProperties": False,
    "description": "Per form, over the cases received in the year (UTC), as their histories "
                   "stand at the end of the year (or now, for the year still running): days "
                   "from reception to each step (median and 90th percentile, one decimal, "
                   "over the cases that reached it; null when none did), the cases reopened, "
                   "and each clock met, missed (ended late), overdue (still running past "
                   "due) or running, with the share met of those decided. What each counts: "
                   "docs/reporting.md.",
    "properties": {
        "year": {"type": "integer"},
        "as_of": {"type": "string", "format": "date-time"},
        "forms": {"type": "object", "required": list(CLOCKS), "additionalProperties": False,
                  "properties": {form: _form_indicators(form) for form in CLOCKS}},
    }}


def add_officers_api(spec: APISpec) -> None:
    spec.components.security_scheme("OfficerToken", {
        "type": "http", "scheme": "bearer", "bearerFormat": "Google ID token (JWT)",
        "description": SIGN_IN})
    for name, body in (("CaseSummary", CASE_SUMMARY), ("Referral", REFERRAL),
                       ("RecordedMeasure", RECORDED_MEASURE), ("HistoryEntry", HISTORY_ENTRY)):
        spec.components.schema(name, body)
    spec.components.schema("CaseList", {
        "type": "object", "required": ["cases"],
        "properties": {"cases": {"type": "array", "items": _ref("CaseSummary")}}})
    spec.components.schema("OpenedCase", {
        "type": "object", "required": ["case", "submission", "history"],
        "properties": {
            "case": _ref("CaseSummary"),
            "submission": {"type": ["object", "null"],
                           "description": "The submission as the form received it."},
            "history": {"type": "array", "items": _ref("HistoryEntry")}}})
    spec.components.schema("ManagementIndicators", MANAGEMENT_INDICATORS)
    spec.components.schema("ChangedCase", {
        "type": "object", "required": ["case"],
        "properties": {"case": _ref("CaseSummary")}})
    add_schema(spec, "RecordedReport", RecordedReportSchema)
    recorded = spec.components.schemas["RecordedReport"]
    # The submission is the form's own document: its component, chosen by ``form``.
    recorded["allOf"] = [*recorded.get("allOf", []), *(
        {"if": {"required": ["form"], "properties": {"form": {"const": form}}},
         "then": {"properties": {"submission": _ref(component)}}}
        for form, component in _FORM_COMPONENTS.items())]
    spec.components.schema("RecordedAcknowledgement", RECORDED_ACKNOWLEDGEMENT)
    add_schema(spec, "Transition", TransitionSchema)
    transition = spec.components.schemas["Transition"]
    transition["allOf"] = [*transition.get("allOf", []), *transition_details()]
    spec.components.schema("AttachmentList", {
        "type": "object", "required": ["attachments"],
        "properties": {"attachments": {"type": "array", "items": {
            "type": "object",
            "required": ["attachment_id", "kind", "size", "sha256", "scan", "status",
                         "removed"],
            "properties": {
                "attachment_id": {"type": "string"},
                "kind": {"type": "string", "enum": list(ev.KINDS)},
                "size": {"type": "integer"}, "sha256": {"type": "string"},
                "original_size": {"type": "integer"}, "original_sha256": {"type": "string"},
                "scan": {"type": "string",
                         "enum": [ev.SCAN_CLEAN, ev.SCAN_INFECTED, ev.NOT_SCANNED]},
                "status": {"type": "string", "enum": [ev.ACCEPTED, ev.QUARANTINED]},
                "removed": {"type": "array", "items": {"type": "string",
                                                       "enum": list(ev.REMOVALS)}},
                "signature": {"type": ["string", "null"]}}}}}})
    for name, schema in (("Assignment", AssignmentSchema), ("Recusal", RecusalSchema),
                         ("Message", MessageSchema),
                         ("LegalHold", LegalHoldSchema), ("Extension", ExtensionSchema),
                         ("Measure", MeasureSchema), ("OriginalReason", OriginalReasonSchema),
                         ("ServiceLogEntry", ServiceLogSchema)):
        add_schema(spec, name, schema)
    spec.components.schema("LoggedService", schema=LoggedServiceSchema)
    _cases(spec)
    _service_log(spec)


_ATTACHMENT = {"name": "attachment_id", "in": "path", "required": True,
               "description": "A file's id, as the case's attachments list it.",
               "schema": {"type": "string"}}
_REFERENCE = {"name": "reference", "in": "path", "required": True,
              "description": "The case's reference, e.g. ETH-ADV-7K3MQ-9TZ4X.",
              "schema": {"type": "string", "pattern": "^ETH-[A-Z]{3}-[0-9A-Z]{5}-[0-9A-Z]{5}$"}}


def _case_post(operation_id: str, summary: str, body: str, description: str = "", *,
               roles: tuple[str, ...] = (ETHICS_OFFICER,), refused: str = NOT_FOR_AUDITORS,
               more: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"post": signed_in({
        "operationId": operation_id, "summary": summary, "description": description,
        "parameters": [_REFERENCE],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {"description": "The case as it is now.",
                    "content": {"application/json": {"schema": "ChangedCase"}}},
            "400": error("Malformed body."),
            "404": NO_CASE,
            "405": error("Only POST is accepted."),
            "409": error("Not possible in the case's state (`errors._state`), or the "
                         "case's records failed an integrity check."),
            "413": error("Body larger than the limit."),
            "415": error("Content type other than JSON."),
            "422": error("The body does not satisfy its rules."),
            **(more or {}),
        }}, roles, refused)}


def _cases(spec: APISpec) -> None:
    spec.path(path="/cases/", operations={"get": signed_in({
        "operationId": "list_cases",
        "summary": "Case summaries (internal: ethics officers and auditors)",
        "description": "States, dates, deadlines, categories and the referral's status; no "
                       "identity, no narrative. A case that names the officer or auditor "
                       "calling is never listed.",
        "parameters": [{"in": "query", "schema": CaseListQuerySchema}],
        "responses": {
            "200": {"description": "The cases found.",
                    "content": {"application/json": {"schema": "CaseList"}}},
            "405": error("Only GET is accepted."),
            "422": error("A query parameter does not satisfy its rules."),
        }}, SUMMARY_READERS)})
    spec.path(path="/cases/export", operations={"get": signed_in({
        "operationId": "export_cases",
        "summary": "The year's cases as CSV (internal: ethics officers and auditors)",
        "description": "One row per case received in the year (UTC) that the caller may "
                       "see (a case that names the officer or auditor calling is left out, "
                       "as from the case list; so is one without a current index of the "
                       "people it names): codes, dates, states, clocks and the channel, "
                       "never a name, a contact or anything a person wrote. RFC 4180, a "
                       "header row first; streamed. Columns, in order: "
                       + ", ".join(f"`{c}`" for c in COLUMNS) + " (docs/reporting.md).",
        "parameters": [{"in": "query", "schema": CaseExportQuerySchema}],
        "responses": {
            "200": {"description": "The export, as a file to save.",
                    "headers": {"Content-Disposition": {
                        "description": "attachment; filename=\"cases-<year>.csv\"",
                        "schema": {"type": "string"}}},
                    "content": {"text/csv": {"schema": {"type": "string"}}}},
            "405": error("Only GET is accepted."),
            "422": error("A query parameter does not satisfy its rules."),
        }}, SUMMARY_READERS)})
    spec.path(path="/cases/indicators", operations={"get": signed_in({
        "operationId": "case_indicators",
        "summary": "The year's handling times, clocks met and reopened cases (internal: "
                   "ethics officers and auditors)",
        "description": "Figures over every case received in the year; none of them a "
                       "case's. The same as the annual report's management indicators.",
        "parameters": [{"in": "query", "schema": IndicatorsQuerySchema}],
        "responses": {
            "200": {"description": "The indicators.",
                    "content": {"application/json": {"schema": "ManagementIndicators"}}},
            "405": error("Only GET is accepted."),
            "422": error("A query parameter does not satisfy its rules."),
        }}, SUMMARY_READERS)})
    spec.path(path="/cases/records", operations={"post": signed_in({
        "operationId": "record_report",
        "summary": "Record a report taken on the reporter's behalf (telephone, in person, "
                   "mission, post, e-mail)",
        "description": "The same schema, triage and forwarding as the form's own endpoint "
                       "(its errors under `errors.submission`). The case keeps the channel "
                       "and the day received, from which every clock runs; its history "
                       "says who entered it and when.",
        "parameters": [IDEMPOTENCY_KEY],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "RecordedReport"}}},
        "responses": {
            "201": {"description": "Recorded: what to give the reporter.",
                    "content": {"application/json": {"schema": "RecordedAcknowledgement"}}},
            "400": error("Malformed body or header."),
            "405": error("Only POST is accepted."),
            "409": error("The idempotency key was used with another body."),
            "413": error("Body larger than the limit."),
            "415": error("Content type other than JSON."),
            "422": error("The body does not satisfy its rules."),
        }}, (ETHICS_OFFICER,), NOT_FOR_AUDITORS)})
    spec.path(path="/cases/{reference}", operations={"get": signed_in({
        "operationId": "open_case",
        "summary": "Open a case: its submission and history (internal: ethics officers "
                   "only); the read is recorded",
        "parameters": [_REFERENCE],
        "responses": {
            "200": {"description": "The case opened.",
                    "content": {"application/json": {"schema": "OpenedCase"}}},
            "404": NO_CASE, "405": error("Only GET is accepted."), "409": INTEGRITY,
        }}, (ETHICS_OFFICER,), NOT_FOR_AUDITORS)})
    spec.path(path="/cases/{reference}/attachments", operations={"get": signed_in({
        "operationId": "list_attachments",
        "summary": "The files attached to a case: kind, sizes, digests, scan, what was "
                   "removed (internal: ethics officers); recorded as a read",
        "parameters": [_REFERENCE],
        "responses": {
            "200": {"description": "The case's files.",
                    "content": {"application/json": {"schema": "AttachmentList"}}},
            "404": NO_CASE, "405": error("Only GET is accepted."), "409": INTEGRITY,
        }}, (ETHICS_OFFICER,), NOT_FOR_AUDITORS)})
    _file = {"description": "The file, as a download (`Content-Disposition: attachment`).",
             "content": {"application/octet-stream": {"schema": {
                 "type": "string", "contentMediaType": "application/octet-stream"}}}}
    spec.path(path="/cases/{reference}/attachments/{attachment_id}", operations={
        "get": signed_in({
            "operationId": "download_attachment",
            "summary": "The cleaned copy of a file (its hidden metadata removed); the "
                       "download is recorded in the case's history",
            "parameters": [_REFERENCE, _ATTACHMENT],
            "responses": {
                "200": _file, "404": error("No such case, or no such file in it."),
                "405": error("Only GET is accepted."),
                "409": error("The file is quarantined (found infected), or its stored copy "
                             "failed an integrity check."),
            }}, (ETHICS_OFFICER,), NOT_FOR_AUDITORS)})
    spec.path(path="/cases/{reference}/attachments/{attachment_id}/original", operations={
        "post": signed_in({
            "operationId": "open_original_attachment",
            "summary": "The original of a file, as it came (administrators, with a reason "
                       "recorded in the case's history)",
            "parameters": [_REFERENCE, _ATTACHMENT],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": "OriginalReason"}}},
            "responses": {
                "200": _file, "400": error("Malformed body."),
                "404": error("No such case, or no such file in it."),
                "405": error("Only POST is accepted."),
                "409": error("The file's stored copy failed an integrity check."),
                "413": error("Body larger than the limit."),
                "415": error("Content type other than JSON."),
                "422": error("No reason given."),
            }}, (ETHICS_ADMIN,), NOT_FOR_AUDITORS)})
    spec.path(path="/cases/{reference}/transitions", operations=_case_post(
        "transition_case", "Apply a workflow transition", "Transition",
        "A transition the case's state does not allow is a 409 whose `errors.allowed` lists "
        "the allowed ones. `retry_forwarding` sends a failed referral or supplement again.",
        more={"409": error("Not allowed in the case's state (`errors.allowed` lists the "
                           "allowed transitions), or the case's records failed an "
                           "integrity check.")}))
    spec.path(path="/cases/{reference}/assignment", operations=_case_post(
        "assign_case", "Take a case, or (administrators) give it to an officer", "Assignment",
        f"Taking a case (the caller's own address) needs {ETHICS_OFFICER}; giving it to "
        f"another officer needs {ETHICS_ADMIN}.", roles=(ETHICS_OFFICER, ETHICS_ADMIN),
        refused=f"; taking a case needs {ETHICS_OFFICER}, giving it to another officer "
                f"{ETHICS_ADMIN}{NOT_FOR_AUDITORS}",
        more={"422": error("Not an officer this case can be given to.")}))
    spec.path(path="/cases/{reference}/recusals", operations=_case_post(
        "recuse_officer", "Recuse an officer from the case by hand, with a reason "
        "(administrators)", "Recusal",
        "The case becomes invisible to that officer, exactly as a case that names them "
        "(no list entry, the answer of an unknown reference), and is no longer theirs if "
        "it was. The reason is kept in the case's history (`officer_recused`).",
        roles=(ETHICS_ADMIN,), refused=f"; recusing needs {ETHICS_ADMIN}{NOT_FOR_AUDITORS}",
        more={"422": error("The body does not satisfy its rules, or `officer` is not an "
                           "officer of the directory.")}))
    spec.path(path="/cases/{reference}/notes", operations=_case_post(
        "note_case", "Add an internal note (sealed, never shown to the submitter)", "Message"))
    spec.path(path="/cases/{reference}/replies", operations=_case_post(
        "reply_to_case", "Reply on the follow-up page (a named submitter is e-mailed that "
        "it is there)", "Message"))
    spec.path(path="/cases/{reference}/measures", operations=_case_post(
        "record_measure", "Record a measure recommended to the Executive Director, or "
        "update one (measure_id)", "Measure"))
    spec.path(path="/cases/{reference}/legal_hold", operations=_case_post(
        "legal_hold", "Place or lift a legal hold (administrators): a held case is never "
        "purged", "LegalHold",
        "Recorded in the case's history with its reason. A hold on a held case, a lift of "
        "a hold that is not there, or either on a purged case is a 409.",
        roles=(ETHICS_ADMIN,), refused=f"; only {ETHICS_ADMIN}{NOT_FOR_AUDITORS}"))
    spec.path(path="/cases/{reference}/extension", operations=_case_post(
        "extend_retention", "Extend the case's purge date, once", "Extension",
        "Adds INTAKE_RETENTION_EXTENSION_DAYS to the date, recorded in the case's history "
        "with its reason. A second extension, or one of a case whose retention clock has "
        "not started (still open) or that was purged, is a 409."))


def _service_log(spec: APISpec) -> None:
    """The officers' internal function that records services (docs/reporting.md)."""
    spec.path(path="/log_service", operations={"post": signed_in({
        "operationId": "log_service",
        "summary": "Record a service given, or an allegation the office was copied on "
                   "(internal: ethics officers only)",
        "description": "Counts in the annual report (Table 1 and, for advice, Figure II). "
                       "Nothing is forwarded: a misconduct allegation is logged only when "
                       "the office was copied on one made to the investigations office.",
        "parameters": [IDEMPOTENCY_KEY],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": "ServiceLogEntry"}}},
        "responses": {
            "201": {"description": "Recorded.",
                    "content": {"application/json": {"schema": "LoggedService"}}},
            "400": error("Malformed body or header."),
            "405": error("Only POST is accepted."),
            "409": error("Idempotency-Key reused with a different body."),
            "413": error("Body larger than the limit."),
            "415": error("Content type other than JSON."),
            "422": error("The entry does not satisfy the service log's rules."),
        },
    }, (ETHICS_OFFICER,), NOT_FOR_AUDITORS)})
