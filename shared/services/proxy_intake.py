"""Reports taken by an officer on the reporter's behalf, and the reporter's review of the
officer's record (``shared.domain.proxy_intake``).

The officer's record is a submission like any other: validated by the form's schema by the
caller, sealed, stored with its case and pending triage, triaged and (a misconduct report)
forwarded exactly as a form submission is. The reporter reads it on the follow-up page with
the receipt code the officer handed over, and confirms it or asks for a correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.domain.forms import FORMS
from shared.domain.officers import ETHICS_OFFICER, Officer, require_role
from shared.domain.proxy_intake import CORRECT, ProxyRecord, reviewed
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.storage import IntakeStore
from shared.services.receive import Acknowledgement, receive_submission

log = get_logger(__name__)


class NotReviewable(Exception):
    """The case was not taken by an officer: there is no record to confirm or correct."""


def record_report(form: str, data: Mapping[str, Any], *, channel: str, received_on: Any,
                  officer: Officer, idempotency_key: str | None,
                  **receiving: Any) -> Acknowledgement:
    """Store a report an officer took on the reporter's behalf (``data`` validated by the
    form's schema) and queue its triage: the reporter's reference, receipt code and proof.
    Only an ethics officer records reports. ``receiving``: the ports of
    ``receive_submission``."""
    require_role(officer, ETHICS_OFFICER)
    proxy = ProxyRecord(channel=channel, received_on=received_on, recorded_by=officer.email)
    ack = receive_submission(FORMS[form], data, idempotency_key=idempotency_key,
                             proxy=proxy, **receiving)
    log.info("report recorded on the reporter's behalf", extra={
        "event": "report_recorded", "reference": ack.reference, "form": form,
        "channel": channel})
    return ack


def review_record(reference: str, answer: str, *, store: IntakeStore, clock: Clock,
                  message_seq: int | None = None) -> bool:
    """The reporter confirms the officer's record of their report (``confirm``) or asks for
    a correction (``correct``; what to correct is the message ``message_seq`` they added).
    The caller has checked the reporter's access to the case. Returns whether the case was
    one to review; raises NotReviewable if not."""
    change = store.update_case(reference, lambda case: reviewed(case, answer, clock.now(),
                                                                message_seq=message_seq))
    if change is None or not change.result:
        raise NotReviewable(reference)
    log.info("reporter reviewed the officer's record", extra={
        "event": "record_correction_requested" if answer == CORRECT else "record_confirmed",
        "reference": reference})
    return True
