"""The financial disclosure API (``disclosure``) in the document: filers, heads of units and
ethics officers, each signed in with their own Google ID token."""

from __future__ import annotations

from typing import Any

from apispec import APISpec

from schemas.disclosure import (
    AmendmentSchema,
    CampaignSchema,
    DrawSchema,
    FilerListQuerySchema,
    FilingSchema,
    NominationSchema,
    ReviewSchema,
    VoidSchema,
)
from schemas.openapi.document import add_schema, error
from shared.domain.disclosure import (
    MAX_CHILDREN,
    MAX_ITEMS,
    OBLIGATION_STATES,
    OUTCOMES,
    SECTIONS,
)
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER

FILER, HEAD = "filer", "head_of_unit"
SIGN_IN = (
    "A bearer token, `Authorization: Bearer <token>`, as for the case API: on Google Cloud "
    "a Google-signed ID token (audience: this function's `INTAKE_AUTH_AUDIENCE`) with a "
    "verified address; locally a development token. Who the address is decides what it "
    "may do (each operation's `x-roles`): a **filer** (an active filer of the roster with "
    "this address) files, amends and reads their own declarations; a **head of unit** "
    "(`unit_heads` of `INTAKE_DISCLOSURE`) nominates and withdraws filers of their units; "
    "`ethics_officer` reads and reviews declarations; `ethics_admin` opens campaigns, reads "
    "their status and nominates or withdraws in any unit. A declaration the caller may not "
    "read answers 404, exactly as an unknown one.")
TOKEN: list[dict[str, list[str]]] = [{"DisclosureToken": []}]

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _signed_in(operation: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    return {**operation, "security": TOKEN, "x-roles": list(roles), "responses": {
        **operation["responses"],
        "401": error("No token, or a bad one (WWW-Authenticate says why)."),
        "403": error(f"The caller is not one who may do this ({' or '.join(roles)})."),
        "503": error("A dependency is unavailable; retry after Retry-After seconds."),
    }}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_POSTED = {"400": error("Malformed body."), "405": error("Only POST is accepted."),
           "413": error("Body larger than the limit."),
           "415": error("Content type other than JSON."),
           "422": error("The body does not satisfy its rules (each field named).")}

_ANSWER = {"type": "object", "oneOf": [
    {"required": ["nothing_to_declare"], "additionalProperties": False,
     "properties": {"nothing_to_declare": {"const": True}}},
    {"required": ["items"], "additionalProperties": False,
     "properties": {"nothing_to_declare": {"const": False},
                    "items": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS,
                              "items": _ref("DeclaredItem")}}}]}
CONTENT: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["spouse", "children", "sections"],
    "description": "Every section answers for every member of the household: `self`, "
                   "`spouse` when `spouse` is true, and `child_1` to `child_<children>`. "
                   "Each answer is items, or an explicit nothing to declare.",
    "properties": {
        "spouse": {"type": "boolean"},
        "children": {"type": "integer", "minimum": 0, "maximum": MAX_CHILDREN},
        "ad_hoc_reason": {"type": "string", "maxLength": 500,
                          "description": "Required for an ad hoc declaration."},
        "sections": {"type": "object", "additionalProperties": False,
                     "required": list(SECTIONS),
                     "properties": {s: {"type": "object",
                                        "additionalProperties": _ANSWER} for s in SECTIONS}},
    },
    "x-unstated-rules": [{"code": "household_members", "paths": ["sections", "spouse",
                                                                 "children"],
                          "description": "Each section's keys are exactly the household's "
                                         "members."}],
}
ITEM: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["description"],
    "properties": {
        "description": {"type": "string", "minLength": 1, "maxLength": 500},
        "counterpart": {"type": "string", "maxLength": 200,
                        "description": "Who the interest is with: a company, creditor, "
                                       "organisation, source or person."},
        "value_usd": {"type": ["integer", "null"], "minimum": 0},
    },
}
DECLARATION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "year", "version", "filed_at", "updated_at",
                 "nothing_declared", "amendable", "review"],
    "properties": {
        "id": {"type": "string"}, "kind": {"type": "string", "enum": ["annual", "ad_hoc"]},
        "year": {"type": "integer"}, "version": {"type": "integer"},
        "filed_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "nothing_declared": {"type": "boolean"}, "amendable": {"type": "boolean"},
        "review": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
            "outcome": {"type": "string", "enum": list(OUTCOMES)},
            "at": {"type": "string", "format": "date-time"},
            "has_guidance": {"type": "boolean"}}}]},
    },
}
OBLIGATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"}, "staff_id": {"type": "string"},
        "due_on": {"type": "string", "format": "date"}, "unit": {"type": "string"},
        "state": {"type": "string", "enum": list(OBLIGATION_STATES)},
        "declaration_id": _NULLABLE_STRING, "filed_at": _NULLABLE_TIME,
        "late": {"type": "boolean"},
    },
}
FILER_DOC: dict[str, Any] = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in (
        "staff_id", "name", "email", "grade", "staff_category", "duty_station", "office",
        "reason", "unit", "status", "source")} | {"appointed_on": {
            "type": ["string", "null"], "format": "date"}},
}
_COUNTS = {"type": "integer", "minimum": 0}
_PERCENT = {"type": ["number", "null"], "minimum": 0, "maximum": 100,
            "description": "Per cent; null when there is nobody to count."}
CAMPAIGN_OPENED: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["year", "due_on", "created", "obligations_added"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000},
        "due_on": {"type": "string", "format": "date",
                   "description": "The campaign's due date (the first opening's)."},
        "created": {"type": "boolean",
                    "description": "False: the campaign was open already (the answer is "
                                   "then 200)."},
        "obligations_added": {**_COUNTS, "description": "Obligations this call added: "
                              "every active filer's on a first opening, those missing on "
                              "another."},
    },
}
CAMPAIGN_STATUS: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["year", "due_on", "states", "reminders_sent", "overdue", "compliance"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000},
        "due_on": {"type": "string", "format": "date"},
        "states": {"type": "object", "additionalProperties": False,
                   "required": list(OBLIGATION_STATES),
                   "properties": dict.fromkeys(OBLIGATION_STATES, _COUNTS),
                   "description": "Obligations of the year per state."},
        "reminders_sent": {"type": "object", "additionalProperties": False,
                           "required": ["reminder", "escalation"],
                           "properties": {"reminder": _COUNTS, "escalation": _COUNTS},
                           "description": "Reminders to filers and escalations to heads of "
                                          "units sent so far."},
        "overdue": {"type": "array", "items": _ref("Obligation"),
                    "description": "Pending obligations past their due date."},
        "compliance": {
            "type": "object", "additionalProperties": False,
            "required": ["filers", "filed", "late", "separated_without_filing",
                         "compliance", "compliance_still_employed"],
            "properties": {
                "filers": {**_COUNTS, "description": "Obligations of the year, less those "
                                                     "withdrawn."},
                "filed": _COUNTS, "late": _COUNTS, "separated_without_filing": _COUNTS,
                "compliance": {**_PERCENT, "description": "Filed, as a share of all filers "
                                                          "(per cent; null: no filers)."},
                "compliance_still_employed": {
                    **_PERCENT, "description": "Filed, as a share of the filers still "
                                               "employed (per cent; null: none)."}}},
    },
}
STRATA: dict[str, Any] = {
    "type": "array", "description": "Every non-empty stratum, by name.",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["stratum", "size", "allocated"],
              "properties": {
                  "stratum": {"type": "string", "description": "duty station/staff "
                              "category/grade band (docs/verification.md)."},
                  "size": {**_COUNTS, "description": "Filers of the frame in it."},
                  "allocated": {**_COUNTS, "description": "Filers drawn from it: at least "
                                                          "one."}}}}
ALLOCATION: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["year", "share", "population", "rounded_share", "total", "strata"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000},
        "share": {"type": "string"},
        "population": {**_COUNTS, "description": "Filers of the frame: those who owe the "
                                                 "year's declaration or filed it."},
        "rounded_share": {**_COUNTS, "description": "share x population, rounded half up."},
        "total": {**_COUNTS, "description": "Filers to draw: the rounded share, or the "
                                            "number of strata when it is larger."},
        "strata": _ref("Strata"),
    },
}
DRAW: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["year", "number", "share", "seed", "algorithm", "drawn_at", "drawn_by",
                 "population", "frame_sha256", "strata", "frame", "sample", "voided",
                 "voided_at", "voided_by", "void_reason"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000},
        "number": {"type": "integer", "minimum": 1,
                   "description": "1 for the year's first draw; each draw after a void the "
                                  "next."},
        "share": {"type": "string"},
        "seed": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                 "description": "The 32 random bytes of the draw, in hex."},
        "algorithm": {"type": "string", "description": "The documented algorithm's name "
                      "and version (docs/verification.md)."},
        "drawn_at": {"type": "string", "format": "date-time"},
        "drawn_by": {"type": "string"},
        "population": _COUNTS,
        "frame_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                         "description": "SHA-256 of the frame as docs/verification.md "
                                        "writes it."},
        "strata": _ref("Strata"),
        "frame": {"type": "object", "description": "Each stratum's staff ids: with the "
                  "seed, what reproduces the draw.",
                  "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "sample": {"type": "array", "items": {"type": "string"},
                   "description": "The staff ids drawn, sorted."},
        "voided": {"type": "boolean"}, "voided_at": _NULLABLE_TIME,
        "voided_by": _NULLABLE_STRING, "void_reason": _NULLABLE_STRING,
    },
}
VERIFICATION: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["year", "draw", "voided", "history"],
    "properties": {
        "year": {"type": "integer", "minimum": 2000},
        "draw": {"oneOf": [{"type": "null"}, _ref("Draw")],
                 "description": "The standing draw; null before the first."},
        "voided": {"type": "array", "items": _ref("Draw")},
        "history": {"type": "array", "items": {"type": "object"},
                    "description": "Draws and voids, oldest first."},
    },
}
_DECLARATION_ID = {"name": "declaration_id", "in": "path", "required": True,
                   "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_STAFF_ID = {"name": "staff_id", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,40}$"}}
_YEAR = {"name": "year", "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}
_NOT_FOUND = error("No declaration with this id that the caller may read.")


def _components(spec: APISpec) -> None:
    spec.components.security_scheme("DisclosureToken", {
        "type": "http", "scheme": "bearer", "bearerFormat": "Google ID token (JWT)",
        "description": SIGN_IN})
    for name, body in (("DeclarationContent", CONTENT), ("DeclaredItem", ITEM),
                       ("Declaration", DECLARATION), ("Obligation", OBLIGATION),
                       ("Filer", FILER_DOC), ("CampaignOpened", CAMPAIGN_OPENED),
                       ("CampaignStatus", CAMPAIGN_STATUS), ("Strata", STRATA),
                       ("Allocation", ALLOCATION), ("Draw", DRAW),
                       ("Verification", VERIFICATION)):
        spec.components.schema(name, body)
    for name, schema in (("Filing", FilingSchema), ("Amendment", AmendmentSchema),
                         ("Review", ReviewSchema), ("CampaignOpening", CampaignSchema),
                         ("Nomination", NominationSchema), ("DrawRequest", DrawSchema),
                         ("DrawVoid", VoidSchema)):
        add_schema(spec, name, schema)
    for name in ("Filing", "Amendment"):
        spec.components.schemas[name]["properties"]["content"] = _ref("DeclarationContent")
    spec.components.schema("DeclarationOut", {
        "type": "object", "required": ["declaration"],
        "properties": {"declaration": _ref("Declaration")}})


def add_disclosure_api(spec: APISpec) -> None:
    _components(spec)
    spec.path(path="/disclosure/me", operations={"get": _signed_in({
        "operationId": "my_declarations",
        "summary": "The signed-in filer: roster line, obligations and declarations "
                   "(without content)",
        "responses": {"200": {"description": "The filer's record.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "filer": _ref("Filer"),
                "obligations": {"type": "array", "items": _ref("Obligation")},
                "declarations": {"type": "array", "items": _ref("Declaration")},
                "thresholds": {"type": "object", "description": "What must be declared "
                               "(USD; null: at any value), from INTAKE_DISCLOSURE, for a form "
                               "to explain."}}}}}},
            "405": error("Only GET is accepted.")}}, (FILER,))})
    spec.path(path="/disclosure/me/declarations", operations={"post": _signed_in({
        "operationId": "file_declaration",
        "summary": "File a declaration: the annual one of a campaign's year (once; then "
                   "amend it), or an ad hoc one at any time. Sealed at rest.",
        "requestBody": _body("Filing"),
        "responses": {"201": {"description": "Filed.", "content": {
            "application/json": {"schema": "DeclarationOut"}}},
            "409": error("No annual declaration is owed for that year, or it is filed "
                         "already (amend it)."), **_POSTED}}, (FILER,))})
    spec.path(path="/disclosure/declarations/{declaration_id}", operations={"get": _signed_in({
        "operationId": "read_declaration",
        "summary": "A declaration opened, with the guidance of its review; for officers "
                   "also its history. The read is recorded.",
        "parameters": [_DECLARATION_ID],
        "responses": {"200": {"description": "The declaration.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "declaration": _ref("Declaration"), "content": _ref("DeclarationContent"),
                "guidance": _NULLABLE_STRING,
                "versions": {"type": "array", "items": {"type": "integer"}},
                "history": {"type": "array", "items": {"type": "object"}}}}}}},
            "404": _NOT_FOUND, "405": error("Only GET is accepted."),
            "409": error("The stored declaration failed an integrity check "
                         "(`errors._integrity`); it is not shown.")}},
        (FILER, ETHICS_OFFICER))})
    spec.path(path="/disclosure/declarations/{declaration_id}/versions",
              operations={"post": _signed_in({
                  "operationId": "amend_declaration",
                  "summary": "Amend one's own declaration: a new version (every version is "
                             "kept), until it is reviewed",
                  "parameters": [_DECLARATION_ID], "requestBody": _body("Amendment"),
                  "responses": {"200": {"description": "Amended.", "content": {
                      "application/json": {"schema": "DeclarationOut"}}},
                      "404": _NOT_FOUND,
                      "409": error("Reviewed already, or `version` is not the latest."),
                      **_POSTED}}, (FILER,))})
    spec.path(path="/disclosure/declarations/{declaration_id}/review",
              operations={"post": _signed_in({
                  "operationId": "review_declaration",
                  "summary": "Record the one outcome of a declaration's review; guidance is "
                             "sealed and the filer is e-mailed a link to read it",
                  "parameters": [_DECLARATION_ID], "requestBody": _body("Review"),
                  "responses": {"200": {"description": "Reviewed.", "content": {
                      "application/json": {"schema": "DeclarationOut"}}},
                      "404": _NOT_FOUND, "409": error("Reviewed already."), **_POSTED}},
                  (ETHICS_OFFICER,))})
    spec.path(path="/disclosure/filers", operations={
        "get": _signed_in({
            "operationId": "list_filers", "summary": "The roster",
            "parameters": [{"in": "query", "schema": FilerListQuerySchema}],
            "responses": {"200": {"description": "The filers.", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "filers": {"type": "array", "items": _ref("Filer")}}}}}},
                "405": error("GET or POST."),
                "422": error("A query parameter does not satisfy its rules.")}},
            (ETHICS_OFFICER, ETHICS_ADMIN)),
        "post": _signed_in({
            "operationId": "nominate_filer",
            "summary": "Nominate a filer (a head of the unit, or an administrator); owes "
                       "the latest campaign's declaration, 30 days after appointment",
            "requestBody": _body("Nomination"),
            "responses": {"201": {"description": "Nominated.", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "filer": _ref("Filer")}}}}},
                "409": error("Already an active filer."), **_POSTED}},
            (HEAD, ETHICS_ADMIN))})
    spec.path(path="/disclosure/filers/{staff_id}/withdrawal", operations={"post": _signed_in({
        "operationId": "withdraw_filer",
        "summary": "Withdraw a filer (a head of the unit, or an administrator): pending "
                   "declarations are no longer owed",
        "parameters": [_STAFF_ID],
        "responses": {"200": {"description": "Withdrawn.", "content": {
            "application/json": {"schema": {"type": "object", "properties": {
                "filer": _ref("Filer")}}}}},
            "404": error("No active filer with this staff id."),
            "405": error("Only POST is accepted.")}}, (HEAD, ETHICS_ADMIN))})
    spec.path(path="/disclosure/campaigns", operations={"post": _signed_in({
        "operationId": "open_campaign",
        "summary": "Open the annual campaign of a reporting year (again: adds the "
                   "obligations missing)",
        "requestBody": _body("CampaignOpening"),
        "responses": {"200": {"description": "Opened before: any obligation missing was "
                                             "added.", "content": {
            "application/json": {"schema": "CampaignOpened"}}},
            "201": {"description": "Opened.", "content": {
                "application/json": {"schema": "CampaignOpened"}}},
            "409": error("A year that has not begun."), **_POSTED}}, (ETHICS_ADMIN,))})
    spec.path(path="/disclosure/campaigns/{year}", operations={"get": _signed_in({
        "operationId": "campaign_status",
        "summary": "Counts per state, overdue filers, reminders sent and compliance",
        "parameters": [_YEAR],
        "responses": {"200": {"description": "The campaign's status.", "content": {
            "application/json": {"schema": "CampaignStatus"}}},
            "404": error("No such path: the year is not a whole number."),
            "405": error("Only GET is accepted."),
            "409": error("No campaign for this year.")}}, (ETHICS_OFFICER, ETHICS_ADMIN))})
    spec.path(path="/disclosure/verifications/{year}", operations={"get": _signed_in({
        "operationId": "verification_sample",
        "summary": "The year's standing verification draw (seed, frame, allocation, "
                   "sample), the draws voided, and their history",
        "parameters": [_YEAR],
        "responses": {"200": {"description": "The year's draws.", "content": {
            "application/json": {"schema": "Verification"}}},
            "404": error("No such path: the year is not a whole number."),
            "405": error("Only GET is accepted.")}}, (ETHICS_OFFICER, ETHICS_ADMIN))})
    spec.path(path="/disclosure/verifications/{year}/draw", operations={"post": _signed_in({
        "operationId": "draw_verification_sample",
        "summary": "Draw the year's stratified random sample with a fresh secure seed "
                   "(recorded); with dry_run, only the allocation per stratum (officers "
                   "too)",
        "parameters": [_YEAR], "requestBody": _body("DrawRequest"),
        "responses": {
            "200": {"description": "dry_run: the allocation; nothing drawn or written.",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["allocation"],
                        "properties": {"allocation": _ref("Allocation")}}}}},
            "201": {"description": "Drawn.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["draw"],
                "properties": {"draw": _ref("Draw")}}}}},
            "404": error("No such path: the year is not a whole number from 2000 to 2100."),
            "409": error("No campaign for the year, nobody to draw, or a draw stands "
                         "(an administrator must void it first)."), **_POSTED}},
        (ETHICS_ADMIN, ETHICS_OFFICER))})
    spec.path(path="/disclosure/verifications/{year}/void", operations={"post": _signed_in({
        "operationId": "void_verification_sample",
        "summary": "Void the year's standing draw, with a reason kept in the history, so "
                   "that another can be drawn",
        "parameters": [_YEAR], "requestBody": _body("DrawVoid"),
        "responses": {"200": {"description": "Voided.", "content": {"application/json": {
            "schema": {"type": "object", "required": ["draw"],
                       "properties": {"draw": _ref("Draw")}}}}},
            "404": error("No such path: the year is not a whole number from 2000 to 2100."),
            "409": error("No draw of the year stands."), **_POSTED}}, (ETHICS_ADMIN,))})
