"""The financial disclosure API: filers file, amend and read their own declarations;
heads of units nominate and withdraw filers of their units; ethics officers read and
review declarations; administrators open campaigns and read their status. Every call is
authenticated (a Google ID token, or a development token locally); who may do what is the
use cases' (``shared.services.disclosure``). A declaration the caller may not read answers
as an unknown one does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Request, Response
from werkzeug.routing import BaseConverter

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
from shared.domain.disclosure import (
    Declaration,
    Filer,
    HistoryEntry,
    Obligation,
)
from shared.domain.verification import Draw, Stratum
from shared.endpoints.base import Handler, Wiring, endpoint
from shared.endpoints.routing import ExactRule, NoRoute, WrongMethod, match, path_of, routes
from shared.endpoints.validation import validated
from shared.http.bodies import read_body
from shared.http.problems import HttpProblem, json_response
from shared.services import disclosure as programme
from shared.services import verification as verifying
from shared.services.disclosure import Caller

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

_FILING, _AMENDMENT, _REVIEW = FilingSchema(), AmendmentSchema(), ReviewSchema()
_CAMPAIGN, _NOMINATION, _FILERS = CampaignSchema(), NominationSchema(), FilerListQuerySchema()
_DRAW, _VOID = DrawSchema(), VoidSchema()


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def declaration_summary(d: Declaration) -> dict[str, Any]:
    """A declaration without its content."""
    review = d.review
    return {"id": d.id, "kind": d.kind, "year": d.year, "version": d.version,
            "filed_at": d.filed_at.isoformat(), "updated_at": d.updated_at.isoformat(),
            "nothing_declared": d.nothing_declared, "amendable": d.amendable,
            "review": None if review is None else {
                "outcome": review.outcome, "at": review.at.isoformat(),
                "has_guidance": review.has_guidance}}


def obligation_json(o: Obligation) -> dict[str, Any]:
    return {"year": o.year, "staff_id": o.staff_id, "due_on": o.due_on.isoformat(),
            "unit": o.unit, "state": o.state, "declaration_id": o.declaration_id,
            "filed_at": _when(o.filed_at), "late": o.late}


def filer_json(f: Filer) -> dict[str, Any]:
    return {"staff_id": f.staff_id, "name": f.name, "email": f.email, "grade": f.grade,
            "staff_category": f.staff_category, "duty_station": f.duty_station,
            "office": f.office, "reason": f.reason, "unit": f.unit,
            "appointed_on": _when(f.appointed_on), "status": f.status, "source": f.source}


def _history_json(h: HistoryEntry) -> dict[str, Any]:
    return {"at": h.at.isoformat(), "actor": h.actor, "action": h.action,
            "details": dict(h.details)}


def _body(c: UseCases, request: Request) -> dict[str, Any]:
    return read_body(request, c.settings.max_body_bytes, allow_form=False)


# --- Filers' own declarations ---

def _mine(c: UseCases, request: Request, who: Caller) -> Response:
    filer, declarations, obligations = programme.my_declarations(c.disclosure, who)
    return json_response(200, {"filer": filer_json(filer),
                               "obligations": [obligation_json(o) for o in obligations],
                               "declarations": [declaration_summary(d) for d in declarations],
                               "thresholds": vars(c.disclosure.settings.thresholds)})


def _file(c: UseCases, request: Request, who: Caller) -> Response:
    data = validated(_FILING, _body(c, request), c)
    made = programme.file_declaration(c.disclosure, who, data["content"], kind=data["kind"],
                                      year=data.get("year"))
    return json_response(201, {"declaration": declaration_summary(made)})


def _read(c: UseCases, request: Request, who: Caller, declaration_id: str) -> Response:
    view = programme.read_declaration(c.disclosure, who, declaration_id)
    return json_response(200, {"declaration": declaration_summary(view.declaration),
                               "content": view.content, "guidance": view.guidance,
                               "versions": list(view.versions),
                               "history": [_history_json(h) for h in view.history]})


def _amend(c: UseCases, request: Request, who: Caller, declaration_id: str) -> Response:
    data = validated(_AMENDMENT, _body(c, request), c)
    amended = programme.amend_declaration(c.disclosure, who, declaration_id, data["content"],
                                          version=data["version"])
    return json_response(200, {"declaration": declaration_summary(amended)})


def _review(c: UseCases, request: Request, who: Caller, declaration_id: str) -> Response:
    data = validated(_REVIEW, _body(c, request), c)
    done = programme.review_declaration(c.disclosure, who, declaration_id, data["outcome"],
                                        data.get("guidance"))
    return json_response(200, {"declaration": declaration_summary(done)})


# --- The roster and campaigns ---

def _filers(c: UseCases, request: Request, who: Caller) -> Response:
    query = validated(_FILERS, dict(request.args.items()), c)
    found = programme.list_filers(c.disclosure, who, status=query.get("status"))
    return json_response(200, {"filers": [filer_json(f) for f in found]})


def _nominate(c: UseCases, request: Request, who: Caller) -> Response:
    data = validated(_NOMINATION, _body(c, request), c)
    if data.get("appointed_on") is not None:
        data["appointed_on"] = data["appointed_on"].isoformat()
    filer = programme.nominate(c.disclosure, who, data)
    return json_response(201, {"filer": filer_json(filer)})


def _withdraw(c: UseCases, request: Request, who: Caller, staff_id: str) -> Response:
    return json_response(200, {"filer": filer_json(programme.withdraw(c.disclosure, who,
                                                                     staff_id))})


def _open_campaign(c: UseCases, request: Request, who: Caller) -> Response:
    data = validated(_CAMPAIGN, _body(c, request), c)
    opened = programme.open_campaign(c.disclosure, who, data["year"],
                                     due_on=data.get("due_on"))
    return json_response(201 if opened.created else 200, {
        "year": opened.campaign.year, "due_on": opened.campaign.due_on.isoformat(),
        "created": opened.created, "obligations_added": opened.obligations_added})


def _campaign_status(c: UseCases, request: Request, who: Caller, year: int) -> Response:
    status = programme.campaign_status(c.disclosure, who, year)
    figures = status.compliance
    return json_response(200, {
        "year": year, "due_on": status.campaign.due_on.isoformat(),
        "states": dict(status.states), "reminders_sent": dict(status.reminders_sent),
        "overdue": [obligation_json(o) for o in status.overdue],
        "compliance": {"filers": figures.filers, "filed": figures.filed,
                       "late": figures.late,
                       "separated_without_filing": figures.separated_without_filing,
                       "compliance": figures.compliance,
                       "compliance_still_employed": figures.compliance_employed}})


# --- Verification ---

def strata_json(strata: tuple[Stratum, ...]) -> list[dict[str, Any]]:
    return [{"stratum": s.name, "size": s.size, "allocated": s.allocated} for s in strata]


def draw_json(d: Draw) -> dict[str, Any]:
    """A draw with what reproduces it: seed, share, frame (each stratum's staff ids)."""
    return {"year": d.year, "number": d.number, "share": d.share, "seed": d.seed,
            "algorithm": d.algorithm, "drawn_at": d.drawn_at.isoformat(),
            "drawn_by": d.drawn_by, "population": d.population,
            "frame_sha256": d.digest, "strata": strata_json(d.strata),
            "frame": {name: list(ids) for name, ids in d.frame.items()},
            "sample": list(d.sample), "voided": d.voided,
            "voided_at": _when(d.voided_at), "voided_by": d.voided_by,
            "void_reason": d.void_reason}


def allocation_json(a: verifying.Allocation) -> dict[str, Any]:
    return {"year": a.year, "share": str(a.share), "population": a.population,
            "rounded_share": a.rounded_share, "total": a.total,
            "strata": strata_json(a.strata)}


def _draw(c: UseCases, request: Request, who: Caller, year: int) -> Response:
    data = validated(_DRAW, _body(c, request), c)
    if data["dry_run"]:
        return json_response(200, {"allocation": allocation_json(
            verifying.plan(c.disclosure, who, year, data["share"]))})
    made = verifying.draw(c.disclosure, who, year, data["share"])
    return json_response(201, {"draw": draw_json(made)})


def _void(c: UseCases, request: Request, who: Caller, year: int) -> Response:
    data = validated(_VOID, _body(c, request), c)
    return json_response(200, {"draw": draw_json(
        verifying.void(c.disclosure, who, year, data["reason"]))})


def _verification(c: UseCases, request: Request, who: Caller, year: int) -> Response:
    found = verifying.verification(c.disclosure, who, year)
    standing = found.standing
    return json_response(200, {
        "year": year, "draw": None if standing is None else draw_json(standing),
        "voided": [draw_json(d) for d in found.draws if d.voided],
        "history": [_history_json(h) for h in found.history]})


class Hex32(BaseConverter):
    """A declaration id: a path segment of any other shape matches no route."""

    regex = "[0-9a-f]{32}"


class StaffId(BaseConverter):
    regex = "[A-Za-z0-9._-]{1,40}"


Call = Callable[..., Response]
ROUTES = routes([
    ExactRule("/me", endpoint=_mine, methods=["GET"]),
    ExactRule("/me/declarations", endpoint=_file, methods=["POST"]),
    ExactRule("/declarations/<hex32:declaration_id>", endpoint=_read, methods=["GET"]),
    ExactRule("/declarations/<hex32:declaration_id>/versions", endpoint=_amend,
              methods=["POST"]),
    ExactRule("/declarations/<hex32:declaration_id>/review", endpoint=_review,
              methods=["POST"]),
    ExactRule("/filers", endpoint=_filers, methods=["GET"]),
    ExactRule("/filers", endpoint=_nominate, methods=["POST"]),
    ExactRule("/filers/<staff_id:staff_id>/withdrawal", endpoint=_withdraw,
              methods=["POST"]),
    ExactRule("/campaigns", endpoint=_open_campaign, methods=["POST"]),
    ExactRule("/campaigns/<int(min=2000,max=2100):year>", endpoint=_campaign_status,
              methods=["GET"]),
    ExactRule("/verifications/<int(min=2000,max=2100):year>", endpoint=_verification,
              methods=["GET"]),
    ExactRule("/verifications/<int(min=2000,max=2100):year>/draw", endpoint=_draw,
              methods=["POST"]),
    ExactRule("/verifications/<int(min=2000,max=2100):year>/void", endpoint=_void,
              methods=["POST"]),
], converters={"hex32": Hex32, "staff_id": StaffId})


def _disclosure(c: UseCases, request: Request) -> Response:
    who = programme.caller(c.disclosure, c.identity(request.headers.get("Authorization")))
    try:
        call, arguments = match(ROUTES, path_of(request.path), request.method)
    except NoRoute:
        message = "No such disclosure resource."
        raise HttpProblem(404, message, {"_path": [message]}) from None
    except WrongMethod as wrong:
        message = f"Use {wrong.allow}."
        raise HttpProblem(405, message, {"_method": [message]}, {"Allow": wrong.allow}
                          ) from None
    response: Response = call(c, request, who, **arguments)
    return response


def disclosure_endpoint(wiring: Wiring) -> Handler:
    return endpoint("disclosure", _disclosure, wiring)
