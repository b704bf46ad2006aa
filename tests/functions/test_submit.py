"""The three public functions in-process: a submission's path to a triaged case."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.adapters.documents import submission_doc
from shared.domain.policy import add_months
from shared.domain.records import jsonable
from shared.domain.references import parse_reference, verify_receipt
from tests.support.harness import Harness
from tests.support.payloads import (
    ADVICE_ANONYMOUS,
    FUNCTIONS,
    MISCONDUCT_ANONYMOUS,
    SENSITIVE,
    flatten,
    payload,
)
from tests.support.sealing import opened_submission

SCHEMAS = {"advice": AdviceRequestSchema(), "misconduct": MisconductReportSchema(),
           "retaliation": RetaliationComplaintSchema()}
PREFIXES = {"advice": "ETH-ADV-", "misconduct": "ETH-MIS-", "retaliation": "ETH-RET-"}
FORM_TYPE = "application/x-www-form-urlencoded"


def _post(harness: Harness, form: str, body: dict, encoding: str):
    if encoding == "json":
        return harness.submit(FUNCTIONS[form], body)
    return harness.post(FUNCTIONS[form], raw=urlencode(flatten(body)).encode(),
                        content_type=FORM_TYPE)


@pytest.mark.parametrize("encoding", ["json", "form"])
@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_a_submission_is_stored_sealed_and_triaged(harness: Harness, form: str,
                                                   encoding: str) -> None:
    body = payload(form)
    response = _post(harness, form, body, encoding)

    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["reference"].startswith(PREFIXES[form])
    assert parse_reference(answer["reference"]) == answer["reference"]
    assert answer["next_steps"]
    # Every submitter, named ones too, gets the code that opens the follow-up page.
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", answer["receipt"])
    assert response.headers["Cache-Control"] == "no-store"

    case = harness.store.get_case(answer["reference"])
    assert case is not None
    assert case.state == "received"
    assert case.triage is None
    submission = harness.store.get_submission(case.submission_id)
    assert submission is not None
    assert submission.form == form
    stored = json.dumps(submission_doc(submission), default=str)
    assert not [s for s in SENSITIVE if s in stored], "identity or narrative stored in clear"
    opened = opened_submission(harness.container.cipher, submission)
    with LOAD_CONTEXT({"today": harness.clock.now().date()}):
        assert opened == jsonable(SCHEMAS[form].load(body))

    assert harness.deliver_tasks() == [200]
    triaged = harness.store.get_case(answer["reference"])
    assert triaged is not None
    assert triaged.triage is not None
    assert [e.kind for e in harness.store.case_events(answer["reference"])] == [
        "received", "triaged"]


def test_triage_routes_each_form_by_the_policy(harness: Harness) -> None:
    references = {form: harness.submit(FUNCTIONS[form], payload(form)).get_json()["reference"]
                  for form in ("advice", "misconduct", "retaliation")}
    harness.deliver_tasks()
    advice, misconduct, retaliation = (harness.store.get_case(references[f])
                                       for f in ("advice", "misconduct", "retaliation"))
    assert advice
    assert advice.triage
    assert misconduct
    assert misconduct.triage
    assert retaliation
    assert retaliation.triage
    assert (advice.triage.route, advice.triage.priority, advice.triage.category) == (
        "ethics_advice", "normal", "coi_outside_activities")
    assert (misconduct.triage.route, misconduct.triage.priority) == ("investigations", "high")
    assert misconduct.triage.forward_to_investigations
    assert (retaliation.triage.route, retaliation.triage.priority) == (
        "preliminary_review", "urgent")  # interim measures were requested
    assert retaliation.triage.deadlines == {
        "preliminary_review_due": retaliation.received_at + timedelta(days=30),
        "feedback_due": add_months(retaliation.received_at, 3)}
    assert misconduct.triage.deadlines == {
        "feedback_due": add_months(misconduct.received_at, 3)}
    assert "filed_late" not in retaliation.triage.flags


def test_review_days_come_from_configuration(tmp_path) -> None:
    from tests.support.fakes import InMemoryStore

    harness = Harness.build(tmp_path, InMemoryStore(),
                            INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS="45")
    reference = harness.submit("submit_retaliation", payload("retaliation")).get_json()[
        "reference"]
    harness.deliver_tasks()
    case = harness.store.get_case(reference)
    assert case
    assert case.triage
    assert case.triage.deadlines["preliminary_review_due"] == case.received_at + timedelta(
        days=45)


def test_a_late_complaint_is_accepted_and_flagged(harness: Harness) -> None:
    late = payload("retaliation")
    late["protected_activity"]["date"] = "2024-01-10"
    for act in late["retaliatory_acts"]:
        act["date"] = "2024-02-01"
    response = harness.submit("submit_retaliation", late)
    assert response.status_code == 201
    harness.deliver_tasks()
    case = harness.store.get_case(response.get_json()["reference"])
    assert case
    assert case.triage
    assert "filed_late" in case.triage.flags


@pytest.mark.parametrize(("approximate", "late"), [(False, True), (True, False)])
def test_an_approximate_last_act_counts_a_month_later_for_the_filing_window(
        harness: Harness, approximate: bool, late: bool) -> None:
    body = payload("retaliation")  # received 2026-03-02: the window opens 2025-09-02
    body["protected_activity"]["date"] = "2025-07-01"
    body["retaliatory_acts"] = [dict(body["retaliatory_acts"][0], date="2025-08-20",
                                     date_approximate=approximate)]
    response = harness.submit("submit_retaliation", body)
    assert response.status_code == 201, response.get_json()
    harness.deliver_tasks()
    case = harness.store.get_case(response.get_json()["reference"])
    assert case and case.triage
    assert ("filed_late" in case.triage.flags) is late
    submission = harness.store.get_submission(case.submission_id)
    assert submission and submission.clear["last_act_date"] == "2025-08-20"
    assert submission.clear["filing_window_from"] == (
        "2025-09-20" if approximate else "2025-08-20")


@pytest.mark.parametrize("body", [ADVICE_ANONYMOUS, MISCONDUCT_ANONYMOUS],
                         ids=["advice", "misconduct"])
def test_an_anonymous_submitter_gets_a_receipt_stored_only_as_a_slow_hash(
        harness: Harness, body: dict) -> None:
    function = "submit_advice" if "question" in body else "submit_misconduct"
    response = harness.submit(function, body)
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()["receipt"]
    case = harness.store.get_case(response.get_json()["reference"])
    assert case is not None
    submission = harness.store.get_submission(case.submission_id)
    assert submission is not None
    assert submission.anonymous
    assert submission.receipt_hash
    assert submission.receipt_hash.startswith("scrypt$")
    assert verify_receipt(receipt, submission.receipt_hash)
    assert not verify_receipt("0000-0000-0000-0000", submission.receipt_hash)
    assert receipt.replace("-", "") not in json.dumps(submission_doc(submission), default=str)


def test_urgent_allegations_are_prioritised(harness: Harness) -> None:
    reference = harness.submit("submit_misconduct", MISCONDUCT_ANONYMOUS).get_json()[
        "reference"]
    harness.deliver_tasks()
    case = harness.store.get_case(reference)
    assert case
    assert case.triage
    assert case.triage.priority == "urgent"
    assert case.triage.flags == ("anonymous",)


def test_the_trace_id_reaches_the_log(harness: Harness, caplog) -> None:
    harness.submit("submit_advice", payload("advice"),
                   **{"X-Cloud-Trace-Context": "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1"})
    traced = [r for r in caplog.records
              if getattr(r, "logging.googleapis.com/trace", "").endswith(
                  "/traces/4bf92f3577b34da6a3ce929d0e0e4736")]
    assert any(getattr(r, "event", None) == "submission_stored" for r in traced)
