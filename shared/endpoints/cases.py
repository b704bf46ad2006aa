"""The officers' case API (internal): list, read, transition (and retry a failed
referral), assign, note, reply and record measures recommended to the Executive Director.
Every call is authenticated (Google ID token, or a development token locally) and every
read and write of a case lands in its history. A case that names the caller answers
exactly as an unknown reference does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Request, Response

from schemas.cases import (
    AssignmentSchema,
    CaseListQuerySchema,
    MeasureSchema,
    MessageSchema,
    TransitionSchema,
)
from shared.bootstrap import Container
from shared.domain.casework import DetailProblem, NotAllowedNow, officer_actions
from shared.domain.officers import Forbidden, normalise_email
from shared.domain.records import Case, CaseQuery
from shared.domain.references import parse_reference
from shared.domain.workflow import IllegalTransition
from shared.endpoints.base import handle
from shared.endpoints.officer_access import forbidden, signed_in_officer
from shared.endpoints.validation import validated
from shared.http import HttpProblem, json_response, read_body
from shared.services import cases as desk_work

_LIST, _TRANSITION = CaseListQuerySchema(), TransitionSchema()
_NO_CASE = "No case with this reference."
_NOT_ELIGIBLE = "This case cannot be given to that officer; choose another officer."
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


def _problem(status: int, field: str, message: str, **extra: Any) -> HttpProblem:
    problem = HttpProblem(status, message, {field: [message]})
    problem.errors.update(extra)
    return problem


def cases_endpoint(request: Request) -> Response:
    def run(c: Container) -> Response:
        officer = signed_in_officer(request, c)
        try:
            return _route(request, c, officer)
        except Forbidden as refusal:
            raise forbidden(refusal) from None
        except desk_work.CaseNotFound:
            # Also a case that names the officer: the same answer, word for word.
            raise _problem(404, "reference", _NO_CASE) from None
        except desk_work.AssigneeNotEligible:
            raise _problem(422, "assignee", _NOT_ELIGIBLE) from None
        except IllegalTransition as illegal:
            raise _problem(409, "name", str(illegal), allowed=list(illegal.allowed)) from None
        except NotAllowedNow as refusal:
            raise _problem(409, "_state", str(refusal)) from None
        except DetailProblem as problem:
            raise _problem(422, problem.field, str(problem)) from None

    return handle("cases", request, run)


def _route(request: Request, c: Container, officer: Any) -> Response:
    parts = [p for p in request.path.split("/") if p]
    desk = c.desk
    if not parts:
        if request.method != "GET":
            raise HttpProblem(405, "Use GET to list cases.", {"_method": ["GET only."]},
                              {"Allow": "GET"})
        query = validated(_LIST, dict(request.args.items()), c)
        due = query.get("due_within_days")
        found = desk_work.list_cases(officer, CaseQuery(
            form=query.get("form"), state=query.get("state"), assignee=query.get("assignee"),
            due_before=c.clock.now() + timedelta(days=due) if due is not None else None,
            referral=query.get("forwarding"), limit=query["limit"]), desk)
        return json_response(200, {"cases": [summary(case) for case in found]})
    reference = parse_reference(parts[0])
    if reference is None or len(parts) > 2:
        raise _problem(404, "reference", _NO_CASE)
    if len(parts) == 1:
        if request.method != "GET":
            raise HttpProblem(405, "Use GET to read a case.", {"_method": ["GET only."]},
                              {"Allow": "GET"})
        view = desk_work.open_case(reference, officer, desk)
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
        case = desk_work.apply_transition(reference, data["name"], officer, desk,
                                          note=data.get("note"),
                                          requester_consent=data["requester_consent"],
                                          reason=data.get("reason"),
                                          allegation_type=data.get("allegation_type"))
    elif action == "assignment":
        data = validated(_ASSIGNMENT, body, c)
        case = desk_work.assign(reference, c.officers.get(normalise_email(data["assignee"])),
                                officer, desk)
    elif action == "notes":
        case = desk_work.add_note(reference, validated(_MESSAGE, body, c)["text"], officer,
                                  desk)
    elif action == "replies":
        case = desk_work.reply(reference, validated(_MESSAGE, body, c)["text"], officer, desk)
    elif action == "measures":
        data = validated(_MEASURE, body, c)
        decided = data.get("decided_on")
        case = desk_work.record_measure(reference, data["kind"],
                                        data["recommended_on"].isoformat(), data["outcome"],
                                        officer, desk, measure_id=data.get("measure_id"),
                                        purpose=data["purpose"], decision=data.get("decision"),
                                        decided_on=decided.isoformat() if decided else None)
    else:
        raise _problem(404, "_path", "No such case operation.")
    return json_response(200, {"case": summary(case)})
