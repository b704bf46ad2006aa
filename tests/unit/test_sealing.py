"""Where sealed values belong, without I/O: the pairing of a case and its submission, the
items a history event carries, and the integrity alert raised once per failure and place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain import notifications
from shared.domain.casework import integrity_alert_raised
from shared.domain.sealing import (
    NOTE,
    REPLY_TO_SUBMITTER,
    SUBMITTER_MESSAGE,
    TRANSITION_NOTE,
    RecordsDisagree,
    SealedItem,
    check_belongs,
    sealed_in_event,
)
from tests.contract.test_store_contract import T0, records

SEALED = {"v": 2, "ciphertext": "AAAA"}


def test_a_case_and_its_submission_belong_together_only_if_both_say_so() -> None:
    submission, case, _, _ = records()
    check_belongs(case, submission)
    for bad_case, bad_submission in [
            (replace(case, submission_id="f" * 32), submission),
            (case, replace(submission, reference="ETH-ADV-99999-AAAAA")),
            (case, replace(submission, form="misconduct")),
            (replace(case, form="retaliation"), submission)]:
        with pytest.raises(RecordsDisagree):
            check_belongs(bad_case, bad_submission)


@pytest.mark.parametrize(("kind", "details", "found"), [
    (NOTE, {"message_id": "a", "sealed": SEALED}, SealedItem(NOTE, "a", SEALED)),
    (REPLY_TO_SUBMITTER, {"message_id": "a", "sealed": SEALED},
     SealedItem(REPLY_TO_SUBMITTER, "a", SEALED)),
    (SUBMITTER_MESSAGE, {"message_id": "a", "sealed": SEALED},
     SealedItem(SUBMITTER_MESSAGE, "a", SEALED)),
    ("transition", {"transition": "assign", "note": {"message_id": "b", "sealed": SEALED}},
     SealedItem(TRANSITION_NOTE, "b", SEALED, "note")),
    ("transition", {"transition": "assign"}, None),
    ("read", {"sealed": SEALED, "message_id": "a"}, None),  # not a kind that carries one
    (NOTE, {"sealed": "not an envelope"}, SealedItem(NOTE, "", {})),
    (NOTE, {"message_id": "a"}, None),
])
def test_the_kind_of_a_sealed_item_comes_from_its_event(
        kind: str, details: dict[str, object], found: SealedItem | None) -> None:
    assert sealed_in_event(kind, details) == found


def test_an_integrity_alert_is_recorded_and_mailed_once_per_failure_and_place() -> None:
    _, case, _, _ = records()
    first = integrity_alert_raised(case, "seal_broken", "event_3", "system:integrity", T0)
    assert first.result is True
    (event,) = first.events
    assert (event.kind, event.details) == ("integrity_alert",
                                           {"code": "seal_broken", "where": "event_3"})
    (pending,) = first.add_pending
    template, role, qualifier = notifications.parse_item(pending.item)
    assert (template, role) == ("integrity_alert", "ethics_office")
    assert notifications.alerted_case(qualifier) == case.reference
    again = integrity_alert_raised(first.case, "seal_broken", "event_3", "system:integrity",
                                   T0)
    assert again.result is False and not again.events and not again.write_case
    other = integrity_alert_raised(first.case, "seal_broken", "event_4", "system:integrity",
                                   T0)
    assert other.result is True


def test_the_alert_mail_names_the_failure_and_the_case_and_nothing_else() -> None:
    _, case, _, _ = records()
    qualifier = notifications.integrity_qualifier("records_disagree", "submission",
                                                  case.reference)
    message = notifications.render("integrity_alert", "ethics_office",
                                   reference=case.reference, at=T0,
                                   case_url=f"https://office.example/{case.reference}",
                                   follow_up_url="https://forms.example/follow-up",
                                   qualifier=qualifier)
    assert case.reference in message.subject and "SECURITY ALERT" in message.subject
    assert "do not belong together" in message.body and "(submission)" in message.body
