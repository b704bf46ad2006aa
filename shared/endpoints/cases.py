"""The officers' case API (internal): list, read, transition (and retry a failed
referral), assign, note, reply and record measures recommended to the Executive Director.
Every call is authenticated (Google ID token, or a development token locally) and every
read and write of a case lands in its history. A case that names the caller answers
exactly as an unknown reference does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from schemas.cases import (
    AssignmentSchema,
    CaseListQuerySchema,
    MeasureSchema,
    MessageSchema,
    RecusalSchema,
    TransitionSchema,
)
from shared.domain.casework import officer_actions
from shared.domain.officers import ETHICS_ADMIN, Officer, normalise_email
from shared.domain.records import Case, CaseEvent, CaseQuery
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.routing import (
    ExactRule,
    NoRoute,
    ReferenceConverter,
    WrongMethod,
    match,
    path_of,
    routes,
)
from shared.endpoints.validation import validated
from shared.http.bodies import read_body
from shared.http.problems import HttpProblem, json_response, post_only
from shared.services.cases import CaseNotFound

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

_LIST, _TRANSITION = CaseListQuerySchema(), TransitionSchema()
_ASSIGNMENT, _MESSAGE, _MEASURE = AssignmentSchema(), MessageSchema(), MeasureSchema()
_RECUSAL = RecusalSchema()


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


def _list_cases(c: UseCases, request: Request, officer: Officer) -> Response:
    query = validated(_LIST, dict(request.args.items()), c)
    due = query.get("due_within_days")
    found = c.cases.list_cases(officer, CaseQuery(
        form=query.get("form"), state=query.get("state"), assignee=query.get("assignee"),
        due_before=c.now() + timedelta(days=due) if due is not None else None,
        referral=query.get("forwarding"), limit=query["limit"]))
    return json_response(200, {"cases": [summary(case) for case in found]})


def _read_case(c: UseCases, request: Request, officer: Officer, reference: str) -> Response:
    view = c.cases.open_case(reference, officer)
    return json_response(200, {
        "case": summary(view.case), "submission": view.submission,
        "history": [{"seq": e.event.seq, "at": e.event.at.isoformat(),
                     "kind": e.event.kind, "actor": e.event.actor,
                     "from_state": e.event.from_state, "to_state": e.event.to_state,
                     "details": _details(e.event, officer),
                     "text": e.text, "unreadable": e.unreadable}
                    for e in view.history]})


def _details(event: CaseEvent, officer: Officer) -> dict[str, Any]:
    """An event's details as the API shows them: never sealed content; the reason of a
    recusal by hand only to administrators."""
    hidden = {"sealed", "note"}
    if event.kind == "officer_recused" and not officer.has_role(ETHICS_ADMIN):
        hidden.add("reason")
    return {k: v for k, v in event.details.items() if k not in hidden}


# An operation on a case: what it does with the posted body, and the case it leaves.
Operation = Callable[["UseCases", Officer, str, dict[str, Any]], Case]
CaseCall = Callable[..., Response]


def _transition(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    data = validated(_TRANSITION, body, c)
    return c.cases.apply_transition(reference, data["name"], officer, note=data.get("note"),
                                    requester_consent=data["requester_consent"],
                                    reason=data.get("reason"),
                                    allegation_type=data.get("allegation_type"))


def _assign(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    data = validated(_ASSIGNMENT, body, c)
    return c.cases.assign(reference, c.officer_named(normalise_email(data["assignee"])),
                          officer)


def _recuse(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    data = validated(_RECUSAL, body, c)
    return c.cases.recuse(reference, c.officer_named(normalise_email(data["officer"])),
                          data["reason"], officer)


def _note(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    return c.cases.add_note(reference, validated(_MESSAGE, body, c)["text"], officer)


def _reply(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    return c.cases.reply(reference, validated(_MESSAGE, body, c)["text"], officer)


def _measure(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    data = validated(_MEASURE, body, c)
    decided = data.get("decided_on")
    return c.cases.record_measure(
        reference, data["kind"], data["recommended_on"].isoformat(), data["outcome"], officer,
        measure_id=data.get("measure_id"), purpose=data["purpose"],
        decision=data.get("decision"), decided_on=decided.isoformat() if decided else None)


def _no_such_operation(c: UseCases, officer: Officer, reference: str,
                       body: dict[str, Any]) -> Case:
    message = "No such case operation."
    raise HttpProblem(404, message, {"_path": [message]})


def _posted(operation: Operation) -> CaseCall:
    """The route's handler: the body read (a JSON object, within the size limit), then
    the operation, answered with the case it leaves."""

    def call(c: UseCases, request: Request, officer: Officer, reference: str,
             **_: str) -> Response:
        body = read_body(request, c.settings.max_body_bytes, allow_form=False)
        return json_response(200, {"case": summary(operation(c, officer, reference, body))})

    return call


_GET_ONLY = {_list_cases: "Use GET to list cases.", _read_case: "Use GET to read a case."}
ROUTES = routes([
    ExactRule("/", endpoint=_list_cases, methods=["GET"]),
    ExactRule("/<reference:reference>", endpoint=_read_case, methods=["GET"]),
    *(ExactRule(f"/<reference:reference>/{name}", endpoint=_posted(operation),
                methods=["POST"])
      for name, operation in (("transitions", _transition), ("assignment", _assign),
                              ("recusals", _recuse),
                              ("notes", _note), ("replies", _reply),
                              ("measures", _measure))),
    # Any other operation: its body is read (and refused as any other's) before the 404.
    ExactRule("/<reference:reference>/<operation>", endpoint=_posted(_no_such_operation),
              methods=["POST"]),
], converters={"reference": ReferenceConverter})


def _cases(c: UseCases, request: Request) -> Response:
    officer = c.officer(request.headers.get("Authorization"))
    path = path_of(request.path)
    try:
        call, arguments = match(ROUTES, path, request.method)
    except NoRoute:
        raise CaseNotFound(path) from None
    except WrongMethod as wrong:
        if wrong.endpoint not in _GET_ONLY:
            raise post_only(request.method) from None
        raise HttpProblem(405, _GET_ONLY[wrong.endpoint], {"_method": ["GET only."]},
                          {"Allow": wrong.allow}) from None
    response: Response = call(c, request, officer, **arguments)
    return response


def cases_endpoint(wiring: Wiring) -> Handler:
    return endpoint("cases", _cases, wiring)
