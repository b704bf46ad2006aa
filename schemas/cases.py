"""Bodies and query parameters of the officers' case API."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from schemas.common import (
    Code,
    Count,
    Email,
    ErrorCollector,
    Given,
    IntakeSchema,
    PastDate,
    String,
    Text,
    Unstated,
    choice_by,
    equals,
    required,
    value_in,
)
from shared.domain.case_export import EXPORT_FORMATS
from shared.domain.proxy_intake import PROXY_CHANNELS
from shared.domain.records import REFERRAL_STATUSES
from shared.domain.taxonomy import (
    ALLEGATION_TYPES,
    CORRECTIVE_MEASURES,
    MEASURE_DECISIONS,
    MEASURE_PURPOSES,
    PROTECTIVE_MEASURE_OUTCOMES,
    PROTECTIVE_MEASURES,
    SUSPENSION_REASONS,
)

_NAME = validate.Regexp(r"^[a-z_]{1,60}$", error="Must be a transition or state name.")
_KINDS = {"protective": PROTECTIVE_MEASURES, "corrective": CORRECTIVE_MEASURES}
_NOT_DECLINED = ("implemented", "lifted")  # what a declined measure cannot have become


class CaseListQuerySchema(IntakeSchema):
    form = Code(["advice", "misconduct", "retaliation"])
    state = String(validate=_NAME)
    assignee = Email()
    forwarding = Code(REFERRAL_STATUSES, metadata={
        "description": "Where the case's referral to the investigations office stands, "
                       "whatever the form: failed (the referral or a supplement failed: an "
                       "officer must retry it), pending, delivered."})
    due_within_days = Count(low=0, high=3650)
    due_for_purge = fields.Boolean(metadata={
        "description": "Only the cases due for purge within 30 days, soonest first (not "
                       "held, not purged); the other filters narrow the first `limit` of "
                       "them."})
    deadline = Code(["any", "feedback_due"], load_default="any", metadata={
        "description": "Which deadline due_within_days looks at: any (the earliest of the "
                       "case's running deadlines), or feedback_due (the feedback still owed "
                       "to the reporter: three months from the acknowledgement by default). "
                       "deadline=feedback_due alone lists every case still owing feedback, "
                       "soonest first."})
    limit = Count(low=1, high=500, load_default=100)


# The years a report or an export may ask about (as `intake report --year`).
FIRST_YEAR, LAST_YEAR = 1950, 9999


class CaseExportQuerySchema(IntakeSchema):
    year = Count(low=FIRST_YEAR, high=LAST_YEAR, required=True, metadata={
        "description": "The year (UTC) the cases were received in."})
    format = Code(list(EXPORT_FORMATS), load_default="csv", metadata={
        "description": "csv: one row per case, RFC 4180, a header row first."})


class IndicatorsQuerySchema(IntakeSchema):
    year = Count(low=FIRST_YEAR, high=LAST_YEAR, required=True, metadata={
        "description": "The year (UTC) the cases were received in."})


class RecordedReportSchema(IntakeSchema):
    """A report an officer took on the reporter's behalf. ``submission`` is the form's own
    document, validated by that form's schema (its errors are under ``submission``)."""

    form = Code(["advice", "misconduct", "retaliation"], required=True)
    channel = Code(list(PROXY_CHANNELS), required=True, metadata={
        "description": "How the report reached the office: telephone, in_person, mission "
                       "(taken on a mission), post or email."})
    received_on = PastDate(required=True, metadata={
        "description": "The day the office received the report (not the day it is "
                       "entered): every clock of the case runs from it."})
    submission = fields.Dict(required=True, keys=fields.String(), metadata={
        "description": "The report, exactly as the form's endpoint takes it "
                       "(AdviceRequest, MisconductReport or RetaliationComplaint)."})


class TransitionSchema(IntakeSchema):
    name = String(required=True, validate=_NAME)
    note = Text(max_length=10000, multiline=True, metadata={
        "description": "The reasons, e.g. of a determination; sealed, officers only. "
                       "Required with record_late_panel_request (why the late request is "
                       "taken up)."})
    requester_consent = fields.Boolean(load_default=False, metadata={
        "description": "For refer_as_misconduct on an advice request: the requester agreed."})
    reason = Code(SUSPENSION_REASONS, metadata={
        "description": "Required with suspend, and only there: why the request is "
                       "suspended."})
    allegation_type = Code(ALLEGATION_TYPES, metadata={
        "description": "Required with refer_as_misconduct, and only there: the type of the "
                       "misconduct alleged (sexual exploitation and abuse and sexual "
                       "harassment are referred as urgent)."})


class LegalHoldSchema(IntakeSchema):
    held = fields.Boolean(required=True, metadata={
        "description": "true places a legal hold (the case is never purged while it "
                       "holds), false lifts it."})
    reason = Text(max_length=500, required=True, metadata={
        "description": "Why: kept in the case's history until the case is purged. Name no "
                       "one in it."})


class ExtensionSchema(IntakeSchema):
    reason = Text(max_length=500, required=True, metadata={
        "description": "Why the case is kept longer: kept in the case's history until the "
                       "case is purged. Name no one in it."})


class AssignmentSchema(IntakeSchema):
    assignee = Email(required=True)


class RecusalSchema(IntakeSchema):
    officer = Email(required=True, metadata={
        "description": "The officer of the directory to recuse from the case."})
    reason = Text(max_length=1000, multiline=True, required=True, metadata={
        "description": "Why: kept in the case's history (never shown to the officer "
                       "recused, who no longer sees the case)."})


class MessageSchema(IntakeSchema):
    text = Text(max_length=10000, multiline=True, required=True)


class OriginalReasonSchema(IntakeSchema):
    reason = Text(max_length=2000, multiline=True, required=True, metadata={
        "description": "Why the original (uncleaned) file is opened: recorded in the "
                       "case's history."})


class MeasureSchema(IntakeSchema):
    measure_id = String(validate=validate.Regexp(
        r"^[0-9a-f]{16}$", error="Must be the id of a recorded measure."), metadata={
        "description": "To update a recorded measure (its outcome, the Executive "
                       "Director's decision); omitted for a new one."})
    purpose = Code(MEASURE_PURPOSES, load_default="protective", metadata={
        "description": "protective: interim, while a prima facie case is open; "
                       "corrective: once retaliation is established."})
    kind = Code([*PROTECTIVE_MEASURES, *(k for k in CORRECTIVE_MEASURES
                                         if k not in PROTECTIVE_MEASURES)], required=True,
                metadata={"description": "A protective measure's kind, or a corrective "
                                         "measure's, as the purpose says."})
    recommended_on = PastDate(required=True)
    outcome = Code(PROTECTIVE_MEASURE_OUTCOMES, load_default="recommended")
    decision = Code(MEASURE_DECISIONS, metadata={
        "description": "The Executive Director's decision on the recommendation."})
    decided_on = PastDate(metadata={"description": "When the Executive Director decided; "
                                                   "only with a decision."})

    rules = (
        choice_by("kind", "purpose", _KINDS, message="Not a {key} measure: one of {choices}."),
        required("decision", when=Given("decided_on"), depends_on=("decided_on",),
                 error_path="decided_on", message="Only with the decision it dates.",
                 code="invalid"),
        value_in("outcome", [o for o in PROTECTIVE_MEASURE_OUTCOMES if o not in _NOT_DECLINED],
                 when=equals("decision", "declined"), depends_on=("decision",),
                 message="A measure the Executive Director declined is not implemented or "
                         "lifted."),
    )

    unstated = (Unstated("decided_after_recommended", ("recommended_on", "decided_on"),
                         "decided_on is not before recommended_on."),)

    def more_rules(self, data: dict[str, Any], original: Any, errors: ErrorCollector) -> None:
        decided, recommended = data.get("decided_on"), data.get("recommended_on")
        if decided is not None and recommended is not None and decided < recommended:
            errors.add(("decided_on",), "Cannot precede the recommendation.")
