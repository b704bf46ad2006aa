"""The officers' case API (internal): list, read, transition (and retry a failed
referral), assign, note, reply and record measures recommended to the Executive Director.
Every call is authenticated (Google ID token, or a development token locally) and every
read and write of a case lands in its history. A case that names the caller answers
exactly as an unknown reference does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from schemas.cases import (
    AssignmentSchema,
    CaseListQuerySchema,
    MeasureSchema,
    MessageSchema,
    TransitionSchema,
)
from shared.domain.casework import officer_actions
from shared.domain.officers import Officer, normalise_email
from shared.domain.records import Case, CaseQuery
from shared.domain.references import parse_reference
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.services.cases import CaseNotFound

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

_LIST, _TRANSITION = CaseListQuerySchema(), TransitionSchema()
_ASSIGNMENT, _MESSAGE, _MEASURE = AssignmentSchema(), MessageSchema(), MeasureSchema()


def summary(case: Case) -> dict[str, Any]:
    """A case without identity or narrative."""
    triage, forwarding = case.triage, case.forwarding
    return {
        "reference": case.reference, "form": case.form, "state": case.state,
        "received_at": case.received_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "deadlines": {k: v.isoformat() for k, v in sorted(case.deadlines.items())},
        "assignee": case.assignee,
        "priority": triage.priority if triage else None,
        "category": triage.category if triage else None,
        "flags": list(triage.flags) if triage else [],
        "forwarding": None if forwarding is None else {
            "referral_id": forwarding.referral_id, "status": forwarding.status,
            "matter": forwarding.matter, "allegation_type": forwarding.allegation_type,
            "urgent": forwarding.urgent, "attempts": forwarding.attempts,
            "investigations_case_id": forwarding.investigations_case_id,
            "forwarded_at": _when(forwarding.forwarded_at),
            "failure": forwarding.failure,
            "supplements": [{"supplement_id": s.supplement_id, "attempts": s.attempts,
                             "delivered_at": _when(s.delivered_at), "failure": s.failure}
                            for s in forwarding.supplements]},
        "measures": [vars(m) for m in case.measures],
        "allowed_transitions": officer_actions(case),
    }


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _cases(uc: UseCases, request: Request) -> Response:
    return _route(request, uc, uc.officer(request.headers.get("Authorization")))


def cases_endpoint(wiring: Wiring) -> Handler:
    return endpoint("cases", _cases, wiring)


def _route(request: Request, c: UseCases, officer: Officer) -> Response:
    parts = [p for p in request.path.split("/") if p]
    desk = c.cases
    if not parts:
        if request.method != "GET":
            raise HttpProblem(405, "Use GET to list cases.", {"_method": ["GET only."]},
                              {"Allow": "GET"})
        query = validated(_LIST, dict(request.args.items()), c)
        due = query.get("due_within_days")
        found = desk.list_cases(officer, CaseQuery(
            form=query.get("form"), state=query.get("state"), assignee=query.get("assignee"),
            due_before=c.now() + timedelta(days=due) if due is not None else None,
            referral=query.get("forwarding"), limit=query["limit"]))
        return json_response(200, {"cases": [summary(case) for case in found]})
    reference = parse_reference(parts[0])
    if reference is None or len(parts) > 2:
        raise CaseNotFound(parts[0])
    if len(parts) == 1:
        if request.method != "GET":
            raise HttpProblem(405, "Use GET to read a case.", {"_method": ["GET only."]},
                              {"Allow": "GET"})
        view = desk.open_case(reference, officer)
        return json_response(200, {
            "case": summary(view.case), "submission": view.submission,
            "history": [{"seq": e.event.seq, "at": e.event.at.isoformat(),
                         "kind": e.event.kind, "actor": e.event.actor,
                         "from_state": e.event.from_state, "to_state": e.event.to_state,
                         "details": {k: v for k, v in e.event.details.items()
                                     if k not in ("sealed", "note")},
                         "text": e.text, "unreadable": e.unreadable}
                        for e in view.history]})
    body = read_body(request, c.settings.max_body_bytes, allow_form=False)
    action = parts[1]
    if action == "transitions":
        data = validated(_TRANSITION, body, c)
        case = desk.apply_transition(reference, data["name"], officer, note=data.get("note"),
                                     requester_consent=data["requester_consent"],
                                     reason=data.get("reason"),
                                     allegation_type=data.get("allegation_type"))
    elif action == "assignment":
        data = validated(_ASSIGNMENT, body, c)
        case = desk.assign(reference, c.officer_named(normalise_email(data["assignee"])),
                           officer)
    elif action == "notes":
        case = desk.add_note(reference, validated(_MESSAGE, body, c)["text"], officer)
    elif action == "replies":
        case = desk.reply(reference, validated(_MESSAGE, body, c)["text"], officer)
    elif action == "measures":
        data = validated(_MEASURE, body, c)
        decided = data.get("decided_on")
        case = desk.record_measure(reference, data["kind"], data["recommended_on"].isoformat(),
                                   data["outcome"], officer, measure_id=data.get("measure_id"),
                                   purpose=data["purpose"], decision=data.get("decision"),
                                   decided_on=decided.isoformat() if decided else None)
    else:
        message = "No such case operation."
        raise HttpProblem(404, message, {"_path": [message]})
    return json_response(200, {"case": summary(case)})
