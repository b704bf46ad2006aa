"""A named submitter who asked for it is e-mailed when their case changes state: once per
change, with the reference and the follow-up page, never the content; on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.casework import Office, open_office
from tests.support.payloads import flatten, payload
from tests.support.web import ORIGIN, Browser, reference_on

COMPLAINANT = "ignatius.w@example.org"
REPORTER = "ottoline.f@example.org"
REQUESTER = "m.okonkwo-lindqvist@example.org"


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


def opted_in(form: str) -> dict[str, Any]:
    body = payload(form)
    holder = {"misconduct": body.get("reporter"), "retaliation": body.get("complainant")
              }.get(form, body)
    holder["state_change_emails"] = True
    return body


def state_mail(office: Office, address: str) -> list[Any]:
    return [m for m in office.mail_to(address) if "has changed" in m.subject]


def test_each_change_of_state_is_one_content_free_email(office: Office) -> None:
    body = opted_in("retaliation")
    reference = office.submit("retaliation", body)["reference"]
    assert state_mail(office, COMPLAINANT) == []  # received: the answer told them
    office.act(reference, "start_preliminary_review")
    office.h.drain()  # a redelivery sends nothing more
    [mail] = state_mail(office, COMPLAINANT)
    assert reference in mail.subject and reference in mail.body
    assert "follow-up" in mail.body
    for secret in (body["link_explanation"], body["complainant"]["name"],
                   body["retaliatory_acts"][0]["description"]):
        assert secret not in mail.body and secret not in mail.subject
    office.act(reference, "establish_prima_facie")
    assert len(state_mail(office, COMPLAINANT)) == 2


def test_an_advice_request_and_a_misconduct_report(office: Office) -> None:
    advice = office.submit("advice", opted_in("advice"))["reference"]
    office.walk(advice, "assign", "answer")
    assert len(state_mail(office, REQUESTER)) == 2
    misconduct = office.submit("misconduct", opted_in("misconduct"))["reference"]
    office.act(misconduct, "acknowledge")
    assert len(state_mail(office, REPORTER)) == 1


def test_no_email_without_the_choice(office: Office) -> None:
    reference = office.submit("retaliation")["reference"]
    office.act(reference, "start_preliminary_review")
    assert state_mail(office, COMPLAINANT) == []
    assert not office.case(reference).state_mail


def test_an_anonymous_request_cannot_ask_for_emails(office: Office) -> None:
    body = {**payload("advice", anonymous=True, name=None, email=None, phone=None),
            "state_change_emails": True}
    response = office.h.submit("submit_advice", body)
    assert response.status_code == 422
    assert "state_change_emails" in response.get_json()["errors"]


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_the_forms_pages_ask_for_it(office: Office, form: str) -> None:
    from shared.web.formdefs import placed_fields
    from shared.web.pages import PAGES

    holder = {"misconduct": "reporter.", "retaliation": "complainant."}.get(form, "")
    assert f"{holder}state_change_emails" in {p.name for p in placed_fields(PAGES[form])}
    page = Browser(office.h).submit(form, flatten(opted_in(form)))
    office.h.drain()
    assert office.case(reference_on(page)).state_mail
