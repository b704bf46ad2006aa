"""The disclosure programme's records as documents (JSON-shaped dicts), the same on every
backend: datetimes stay datetimes (each adapter stores them its way), dates are ISO text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.disclosure import (
    ACTIVE,
    Campaign,
    Declaration,
    DeclarationVersion,
    Filer,
    HistoryEntry,
    Obligation,
    Review,
)
from shared.domain.verification import Draw, Stratum


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _from_day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment: datetime = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def filer_doc(f: Filer) -> dict[str, Any]:
    return {"staff_id": f.staff_id, "name": f.name, "email": f.email, "grade": f.grade,
            "staff_category": f.staff_category, "duty_station": f.duty_station,
            "office": f.office, "reason": f.reason, "unit": f.unit,
            "appointed_on": _day(f.appointed_on), "status": f.status, "source": f.source,
            "joined_at": f.joined_at, "left_on": _day(f.left_on)}


def filer_from_doc(d: dict[str, Any]) -> Filer:
    return Filer(d["staff_id"], d["name"], d["email"], d["grade"], d["staff_category"],
                 d["duty_station"], d["office"], d["reason"], d["unit"],
                 _from_day(d.get("appointed_on")), d["status"], d["source"],
                 _moment(d.get("joined_at")), _from_day(d.get("left_on")))


def campaign_doc(c: Campaign) -> dict[str, Any]:
    return {"year": c.year, "due_on": c.due_on.isoformat(), "opened_at": c.opened_at,
            "opened_by": c.opened_by}


def campaign_from_doc(d: dict[str, Any]) -> Campaign:
    return Campaign(d["year"], date.fromisoformat(d["due_on"]), _moment(d["opened_at"])
                    or datetime.min.replace(tzinfo=UTC), d["opened_by"])


def obligation_doc(o: Obligation) -> dict[str, Any]:
    return {"year": o.year, "staff_id": o.staff_id, "due_on": o.due_on.isoformat(),
            "unit": o.unit, "state": o.state, "declaration_id": o.declaration_id,
            "filed_at": o.filed_at, "closed_on": _day(o.closed_on)}


def obligation_from_doc(d: dict[str, Any]) -> Obligation:
    return Obligation(d["year"], d["staff_id"], date.fromisoformat(d["due_on"]), d["unit"],
                      d["state"], d.get("declaration_id"), _moment(d.get("filed_at")),
                      _from_day(d.get("closed_on")))


def declaration_doc(d: Declaration) -> dict[str, Any]:
    review = d.review
    return {"id": d.id, "staff_id": d.staff_id, "kind": d.kind, "year": d.year,
            "version": d.version, "filed_at": d.filed_at, "updated_at": d.updated_at,
            "sealed": dict(d.sealed), "nothing_declared": d.nothing_declared,
            "review": None if review is None else {
                "outcome": review.outcome, "by": review.by, "at": review.at,
                "has_guidance": review.has_guidance},
            "guidance": dict(d.guidance) if d.guidance else None}


def declaration_from_doc(d: dict[str, Any]) -> Declaration:
    r = d.get("review")
    return Declaration(
        d["id"], d["staff_id"], d["kind"], d["year"], d["version"],
        _moment(d["filed_at"]) or datetime.min.replace(tzinfo=UTC),
        _moment(d["updated_at"]) or datetime.min.replace(tzinfo=UTC), d["sealed"],
        d["nothing_declared"],
        None if not r else Review(r["outcome"], r["by"],
                                  _moment(r["at"]) or datetime.min.replace(tzinfo=UTC),
                                  r["has_guidance"]),
        d.get("guidance"))


def version_doc(v: DeclarationVersion) -> dict[str, Any]:
    return {"declaration_id": v.declaration_id, "version": v.version, "at": v.at,
            "sealed": dict(v.sealed)}


def version_from_doc(d: dict[str, Any]) -> DeclarationVersion:
    return DeclarationVersion(d["declaration_id"], d["version"],
                              _moment(d["at"]) or datetime.min.replace(tzinfo=UTC),
                              d["sealed"])


def history_doc(h: HistoryEntry) -> dict[str, Any]:
    return {"subject": h.subject, "at": h.at, "actor": h.actor, "action": h.action,
            "details": dict(h.details)}


def history_from_doc(d: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(d["subject"], _moment(d["at"]) or datetime.min.replace(tzinfo=UTC),
                        d["actor"], d["action"], d.get("details") or {})


def pick_by_email(found: list[Filer]) -> Filer | None:
    """Of the filers stored with one address: the active one, else the latest to join."""
    active = [f for f in found if f.status == ACTIVE]
    if active:
        return active[0]
    return max(found, key=lambda f: f.joined_at or datetime.min.replace(tzinfo=UTC),
               default=None)


def draw_doc(d: Draw) -> dict[str, Any]:
    return {"year": d.year, "number": d.number, "share": d.share, "seed": d.seed,
            "algorithm": d.algorithm, "drawn_at": d.drawn_at, "drawn_by": d.drawn_by,
            "strata": [{"name": s.name, "size": s.size, "allocated": s.allocated}
                       for s in d.strata],
            "frame": [{"stratum": name, "staff_ids": list(ids)}
                      for name, ids in d.frame.items()],
            "sample": list(d.sample), "voided_at": d.voided_at, "voided_by": d.voided_by,
            "void_reason": d.void_reason}


def draw_from_doc(d: dict[str, Any]) -> Draw:
    return Draw(d["year"], d["number"], d["share"], d["seed"],
                _moment(d["drawn_at"]) or datetime.min.replace(tzinfo=UTC), d["drawn_by"],
                tuple(Stratum(s["name"], s["size"], s["allocated"]) for s in d["strata"]),
                {f["stratum"]: tuple(f["staff_ids"]) for f in d["frame"]},
                tuple(d["sample"]), d["algorithm"], _moment(d.get("voided_at")),
                d.get("voided_by"), d.get("void_reason"))
