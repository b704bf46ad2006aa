from __future__ import annotations

import json
from datetime import UTC, date, datetime

from marshmallow import Schema

from schemas.common import LOAD_CONTEXT
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.domain.records import jsonable
from shared.domain.referrals import REFERRAL_FORMAT, referral_document, reporter_email
from tests.support.payloads import MISCONDUCT_ANONYMOUS, payload

RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def stored(schema: Schema, body: dict) -> dict:
    with LOAD_CONTEXT({"today": date(2026, 3, 2)}):
        data: dict = json.loads(json.dumps(jsonable(schema.load(body))))
    return data


def test_a_misconduct_referral_holds_what_an_investigator_needs_and_no_more() -> None:
    data = stored(MisconductReportSchema(), payload("misconduct"))
    document = referral_document(form="misconduct", reference="ETH-MIS-00000-00001",
                                 referral_id="ETH-MIS-00000-00001-R1", received_at=RECEIVED,
                                 urgent=False, payload=data)
    assert document["format"] == REFERRAL_FORMAT
    assert document["ethics_office_reference"] == "ETH-MIS-00000-00001"
    assert document["who"] == [{"name": "Bartholomew Quennell-Ashdown",
                                "title": "Supply officer", "organisation": "Zephyrine Logistics"}]
    assert document["what"] == data["what"]
    assert document["when"] == {"date": "2025-06-01", "end_date": "2025-09-30"}
    assert document["where"] == {"location": "Juba field office, South Sudan",
                                 "duty_station": "country_office",
                                 "project": "Kestrel rural water points"}
    assert document["how"] == data["how"]
    assert document["evidence"] == data["evidence_description"]
    assert document["witnesses"] == [{"name": "Anastasius Pemberton-Odu",
                                      "contact": "+211 912 000 111", "may_contact": True}]
    assert document["reporter"] == {"name": "Ottoline Farquharson",
                                    "email": "ottoline.f@example.org",
                                    "phone": "+41 22 555 0199"}
    assert "consent_forwarding" not in json.dumps(document)


def test_an_anonymous_referral_has_no_reporter() -> None:
    data = stored(MisconductReportSchema(), MISCONDUCT_ANONYMOUS)
    document = referral_document(form="misconduct", reference="R", referral_id="R-R1",
                                 received_at=RECEIVED, urgent=True, payload=data)
    assert document["reporter"] is None and document["anonymous"] is True
    assert document["urgent"] is True
    assert document["when"] == {"description": data["when_description"]}
    assert reporter_email("misconduct", data) is None


def test_a_retaliation_complaint_closed_as_misconduct_is_referred_with_its_facts() -> None:
    data = stored(RetaliationComplaintSchema(), payload("retaliation"))
    document = referral_document(form="retaliation", reference="R", referral_id="R-R1",
                                 received_at=RECEIVED, urgent=False, payload=data)
    assert [p["name"] for p in document["who"]] == ["Philippa Ravensworth",
                                                    "Leopoldine Strathcarron"]
    assert document["when"] == {"date": "2025-10-27", "end_date": "2025-11-03"}
    assert document["reporter"]["email"] == "ignatius.w@example.org"
    assert reporter_email("retaliation", data) == "ignatius.w@example.org"
