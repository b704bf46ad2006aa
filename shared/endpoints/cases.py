"""The officers' case API (internal): list (the cases due for purge too), read, transition
(and retry a failed referral), assign, note, reply, record measures recommended to the
Executive Director, place or lift a legal hold, and extend a case's retention once.
Every call is authenticated (Google ID token, or a development token locally) and every
read and write of a case lands in its history. A case that names the caller answers
exactly as an unknown reference does. ``POST /records`` records a report an officer took
on the reporter's behalf (telephone, in person, mission, post, e-mail). ``GET /export``
streams the year's cases as CSV (no name, no narrative) and ``GET /indicators`` gives the
year's handling times and clocks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Request, Response

from schemas.advice import AdviceRequestSchema
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
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.domain.casework import officer_actions
from shared.domain.evidence import safe_download_name
from shared.domain.officers import (
    ETHICS_ADMIN,
    ETHICS_OFFICER,
    Officer,
    normalise_email,
    require_role,
)
from shared.domain.records import Case, CaseEvent, CaseQuery
from shared.domain.retention import DUE_WINDOW
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
from shared.http.idempotency import idempotency_key
from shared.http.problems import SECURITY_HEADERS, HttpProblem, json_response, post_only
from shared.reports.case_export import csv_chunks
from shared.reports.data import indicators_json
from shared.services.cases import CaseNotFound

if TYPE_CHECKING:
    from shared.bootstrap import UseCases
    from shared.services.evidence import OpenedFile

_LIST, _TRANSITION = CaseListQuerySchema(), TransitionSchema()
_ASSIGNMENT, _MESSAGE, _MEASURE = AssignmentSchema(), MessageSchema(), MeasureSchema()
_HOLD, _EXTENSION = LegalHoldSchema(), ExtensionSchema()
_ORIGINAL_REASON = OriginalReasonSchema()
_RECORDED = RecordedReportSchema()
_EXPORT, _INDICATORS = CaseExportQuerySchema(), IndicatorsQuerySchema()
_FORM_SCHEMAS = {"advice": AdviceRequestSchema(), "misconduct": MisconductReportSchema(),
                 "retaliation": RetaliationComplaintSchema()}
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
        "allowed_transitions": [] if case.purged_at else officer_actions(case),
        "retention": {"purge_after": _when(case.purge_after), "held": case.held,
                      "extended": case.extended, "purged_at": _when(case.purged_at)},
        "channel": case.channel, "record_review": case.record_review,
    }


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _list_cases(c: UseCases, request: Request, officer: Officer) -> Response:
    query = validated(_LIST, dict(request.args.items()), c)
    due = query.get("due_within_days")
    by_feedback = query.get("deadline") == "feedback_due"
    # The feedback clock: due before the end of the day ``due`` days from today (alone:
    # every case still owing feedback).
    feedback_before = (c.now() + timedelta(days=(due if due is not None else 3650) + 1)
                       ).replace(hour=0, minute=0, second=0, microsecond=0)
    found = c.cases.list_cases(officer, CaseQuery(
        form=query.get("form"), state=query.get("state"), assignee=query.get("assignee"),
        due_before=c.now() + timedelta(days=due)
        if due is not None and not by_feedback else None,
        feedback_due_before=feedback_before if by_feedback else None,
        referral=query.get("forwarding"), limit=query["limit"],
        purge_before=c.now() + DUE_WINDOW if query.get("due_for_purge") else None))
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
    hidden = {"sealed", "note", "reason_text"}
    if event.kind == "officer_recused" and not officer.has_role(ETHICS_ADMIN):
        hidden.add("reason")
    return {k: v for k, v in event.details.items() if k not in hidden}


def _list_attachments(c: UseCases, request: Request, officer: Officer,
                      reference: str) -> Response:
    # Listing needs what reading the case needs: the read is recorded as one.
    c.cases.open_case(reference, officer)
    return json_response(200, {"attachments": [
        a.as_details() for a in c.cases.attachments(reference)]})


def file_response(opened: OpenedFile, attachment_id: str) -> Response:
    """A file for an officer: always a download, never shown inline or sniffed."""
    name = safe_download_name(opened.name, opened.kind, attachment_id)
    return Response(opened.data, status=200, mimetype=opened.media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


def _download(c: UseCases, request: Request, officer: Officer, reference: str,
              attachment_id: str) -> Response:
    """The cleaned copy of a file (recorded in the history)."""
    return file_response(c.cases.download_attachment(reference, attachment_id, officer),
                         attachment_id)


def _download_original(c: UseCases, request: Request, officer: Officer, reference: str,
                       attachment_id: str) -> Response:
    """The original of a file, for an administrator who says why (recorded)."""
    body = read_body(request, c.settings.max_body_bytes, allow_form=False)
    reason = validated(_ORIGINAL_REASON, body, c)["reason"]
    return file_response(c.cases.download_attachment(reference, attachment_id, officer,
                                                     original_reason=reason),
                         attachment_id)


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


def _legal_hold(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    data = validated(_HOLD, body, c)
    act = c.cases.place_hold if data["held"] else c.cases.lift_hold
    return act(reference, data["reason"], officer)


def _extension(c: UseCases, officer: Officer, reference: str, body: dict[str, Any]) -> Case:
    return c.cases.extend_retention(reference, validated(_EXTENSION, body, c)["reason"],
                                    officer)


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


def _record_report(c: UseCases, request: Request, officer: Officer) -> Response:
    """A report taken on the reporter's behalf: the same schema as its form's endpoint,
    then the same storage, triage and forwarding; the reporter's reference, receipt code
    and proof in the answer (201)."""
    require_role(officer, ETHICS_OFFICER)  # before anything is read of the body
    body = read_body(request, c.settings.max_body_bytes, allow_form=False)
    key = idempotency_key(request, body)
    outer = validated(_RECORDED, body, c)
    try:
        data = validated(_FORM_SCHEMAS[outer["form"]], outer["submission"], c)
    except HttpProblem as problem:
        raise HttpProblem(problem.status, problem.message, {"submission": problem.errors},
                          log_fields=["submission"]) from None
    ack = c.cases.record_report(outer["form"], data, channel=outer["channel"],
                                received_on=outer["received_on"], officer=officer,
                                idempotency_key=key)
    out: dict[str, Any] = {"reference": ack.reference, "form": outer["form"],
                           "channel": outer["channel"],
                           "received_at": ack.received_at.isoformat()}
    if ack.receipt is not None:
        out["receipt"] = ack.receipt
    if ack.proof is not None:
        out["proof"] = ack.proof
    return json_response(201, out, {"Idempotent-Replayed": "true"} if ack.replayed else {})


def _export(c: UseCases, request: Request, officer: Officer) -> Response:
    """The year's cases as CSV, streamed: codes, dates, states, clocks and channel, one
    row per case the caller may see. The first rows are read before the answer starts, so
    a store that is down is a 503, not a cut-off file."""
    query = validated(_EXPORT, dict(request.args.items()), c)
    chunks = csv_chunks(c.cases.export_cases(query["year"], officer))
    first = next(chunks, "")

    def body() -> Iterator[str]:
        yield first
        yield from chunks

    response = Response(body(), status=200, mimetype="text/csv")
    response.headers.update(SECURITY_HEADERS)
    response.headers.update({
        "Content-Disposition": f'attachment; filename="cases-{query["year"]}.csv"',
        "Cache-Control": "no-store"})
    return response


def _indicators(c: UseCases, request: Request, officer: Officer) -> Response:
    query = validated(_INDICATORS, dict(request.args.items()), c)
    return json_response(200, indicators_json(c.cases.indicators(query["year"], officer)))


_GET_ONLY = {_list_cases: "Use GET to list cases.", _read_case: "Use GET to read a case.",
             _list_attachments: "Use GET to list a case's files.",
             _download: "Use GET to download a file.",
             _export: "Use GET to export cases.",
             _indicators: "Use GET to read the indicators."}
ROUTES = routes([
    ExactRule("/", endpoint=_list_cases, methods=["GET"]),
    ExactRule("/records", endpoint=_record_report, methods=["POST"]),
    ExactRule("/export", endpoint=_export, methods=["GET"]),
    ExactRule("/indicators", endpoint=_indicators, methods=["GET"]),
    ExactRule("/<reference:reference>", endpoint=_read_case, methods=["GET"]),
    ExactRule("/<reference:reference>/attachments", endpoint=_list_attachments,
              methods=["GET"]),
    ExactRule("/<reference:reference>/attachments/<attachment_id>", endpoint=_download,
              methods=["GET"]),
    ExactRule("/<reference:reference>/attachments/<attachment_id>/original",
              endpoint=_download_original, methods=["POST"]),
    *(ExactRule(f"/<reference:reference>/{name}", endpoint=_posted(operation),
                methods=["POST"])
      for name, operation in (("transitions", _transition), ("assignment", _assign),
                              ("recusals", _recuse),
                              ("notes", _note), ("replies", _reply),
                              ("measures", _measure), ("legal_hold", _legal_hold),
                              ("extension", _extension))),
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
