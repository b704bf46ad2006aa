"""What goes to the investigations office: the referral of an allegation (what an
investigator needs: who, what, when, where, how, evidence, witnesses, reporter contact if
given, the Ethics Office reference, and no more), the referral of a prima facie case of
retaliation for investigation of the alleged retaliatory acts, and supplements: what the
submitter added to a referred case. docs/investigations-api.md describes each."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.domain.evidence import MEDIA_TYPE, Attachment
from shared.domain.records import JSON

REFERRAL_FORMAT = "ethics-intake.referral.v1"
SUPPLEMENT_FORMAT = "ethics-intake.supplement.v1"
FORMATS = (REFERRAL_FORMAT, SUPPLEMENT_FORMAT)
# What a referral asks for (the document's ``request``), by Forwarding.matter.
REQUESTS = {
    "misconduct": "assessment of a misconduct allegation",
    "retaliation": "investigation of the alleged retaliatory acts",
}


def _person(entry: Mapping[str, Any], *keys: str) -> JSON:
    return {key: entry[key] for key in keys if entry.get(key) is not None}


def _misconduct(payload: Mapping[str, Any]) -> JSON:
    reporter = payload.get("reporter")
    return {
        "allegation_type": payload["allegation_type"],
        "who": [_person(s, "name", "title", "organisation") for s in payload.get("subjects", [])],
        "what": payload["what"],
        "when": {key: payload[source] for key, source in (
            ("date", "incident_date"), ("end_date", "incident_end_date"),
            ("description", "when_description")) if payload.get(source) is not None},
        "where": {key: payload[key] for key in ("location", "duty_station", "project")
                  if payload.get(key) is not None},
        "how": payload.get("how"),
        "evidence": payload.get("evidence_description"),
        "witnesses": [_person(w, "name", "contact", "may_contact")
                      for w in payload.get("witnesses", [])],
        "anonymous": bool(payload.get("anonymous")),
        "reporter": _person(reporter, "name", "email", "phone") if reporter else None,
    }


def _retaliation(payload: Mapping[str, Any]) -> JSON:
    # A retaliation complaint closed as a misconduct allegation unrelated to retaliation.
    acts = payload["retaliatory_acts"]
    complainant = payload["complainant"]
    return {
        "allegation_type": "other",  # replaced by the type the officer stated
        "who": [{"name": act["by_whom"]} for act in acts],
        "what": "\n\n".join([payload["link_explanation"],
                             *(act["description"] for act in acts)]),
        "when": {"date": min(act["date"] for act in acts),
                 "end_date": max(act["date"] for act in acts)},
        "where": {"duty_station": payload["employment"]["duty_station"],
                  **({"location": payload["employment"]["office"]}
                     if payload["employment"].get("office") else {})},
        "how": payload["protected_activity"]["description"],
        "evidence": None,
        "witnesses": [_person(w, "name", "contact", "may_contact")
                      for w in payload.get("witnesses", [])],
        "anonymous": False,
        "reporter": _person(complainant, "name", "email", "phone"),
    }


def _advice(payload: Mapping[str, Any]) -> JSON:
    # An advice request an officer reclassified as a misconduct allegation.
    anonymous = bool(payload.get("anonymous"))
    return {
        "allegation_type": "other",  # replaced by the type the officer stated
        "who": [],
        "what": payload["question"],
        "when": {},
        "where": {key: payload[key] for key in ("duty_station", "office")
                  if payload.get(key) is not None},
        "how": None,
        "evidence": None,
        "witnesses": [],
        "anonymous": anonymous,
        "reporter": None if anonymous else _person(payload, "name", "email", "phone"),
    }


def _retaliation_investigation(payload: Mapping[str, Any]) -> JSON:
    # A prima facie case of retaliation: the alleged retaliatory acts are to be
    # investigated. The who are the alleged retaliators; the acts, the protected activity
    # and the link are the complainant's account.
    body = _retaliation(payload)
    acts = payload["retaliatory_acts"]
    activity = payload["protected_activity"]
    body.update({
        "allegation_type": "retaliation",
        "what": payload["link_explanation"],
        "how": None,
        "retaliatory_acts": [_person(act, "date", "kind", "description", "by_whom")
                             for act in acts],
        "protected_activity": _person(activity, "type", "date", "reported_to",
                                      "description"),
        "interim_measures_requested": bool(payload.get("interim_measures_requested")),
    })
    return body


_BY_FORM = {"misconduct": _misconduct, "retaliation": _retaliation, "advice": _advice}


def referral_document(*, form: str, reference: str, referral_id: str, received_at: datetime,
                      urgent: bool, payload: Mapping[str, Any], matter: str = "misconduct",
                      allegation_type: str | None = None,
                      attachments: Sequence[Mapping[str, Any]] = ()) -> JSON:
    """The JSON document sent to the investigations office for one case: a misconduct
    allegation (of ``allegation_type`` when an officer stated it on closing a case as
    misconduct), or a retaliation matter for investigation; with the cleaned copies of
    the files attached to it (``attachment_entry``), when there are any."""
    if matter == "retaliation":
        body = _retaliation_investigation(payload)
    else:
        body = _BY_FORM[form](payload)
        if allegation_type is not None:
            body["allegation_type"] = allegation_type
    return {"format": REFERRAL_FORMAT, "referral_id": referral_id,
            "ethics_office_reference": reference, "received_at": received_at.isoformat(),
            "matter": matter, "request": REQUESTS[matter],
            "urgent": urgent, "preferred_language": payload.get("preferred_language", "en"),
            **body, **({"attachments": [dict(a) for a in attachments]} if attachments else {})}


def attachment_entry(attachment: Attachment, file_name: str | None = None,
                     content: bytes | None = None) -> JSON:
    """One file of a referral: its cleaned copy (``content``), with the digest the receiver
    checks; or, for a quarantined file, only that it was withheld and why."""
    if content is None or not attachment.deliverable:
        return {"attachment_id": attachment.attachment_id, "withheld": "infected"}
    return {"attachment_id": attachment.attachment_id, "file_name": file_name,
            "media_type": MEDIA_TYPE[attachment.kind], "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "removed": list(attachment.removed), "scan": attachment.scan,
            "content_base64": base64.b64encode(content).decode("ascii")}


def supplement_document(*, supplement_id: str, referral_id: str, reference: str,
                        investigations_case_id: str | None, added_at: datetime,
                        text: str, attachments: Sequence[JSON] = ()) -> JSON:
    """The JSON document that adds what the submitter wrote on the follow-up page after
    the case was referred to the same referral, with the files they added with it (each
    an ``attachment_entry``), if any."""
    document: JSON = {"format": SUPPLEMENT_FORMAT, "supplement_id": supplement_id,
                      "referral_id": referral_id, "ethics_office_reference": reference,
                      "investigations_case_id": investigations_case_id,
                      "added_at": added_at.isoformat(), "from": "submitter", "text": text}
    if attachments:
        document["attachments"] = list(attachments)
    return document


def reporter_email(form: str, payload: Mapping[str, Any]) -> str | None:
    """The address a submitter left for replies, if any."""
    if form == "misconduct":
        return (payload.get("reporter") or {}).get("email")
    if form == "retaliation":
        return str(payload["complainant"]["email"])
    return None if payload.get("anonymous") else payload.get("email")
