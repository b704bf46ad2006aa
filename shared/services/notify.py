"""Send one notification e-mail of a case, at least once, and record that it went."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain import notifications
from shared.domain.forwarding import notification_sent
from shared.domain.officers import Officer
from shared.domain.referrals import reporter_email
from shared.logs import get_logger
from shared.ports import Clock, Email, IntakeStore, Notifier, PayloadCipher
from shared.services.recusal import Recusal
from shared.services.triage import UnknownSubmission

log = get_logger(__name__)


@dataclass(frozen=True)
class MailSettings:
    investigations_mailbox: str
    ethics_office_mailbox: str
    office_url: str  # officers' view of a case: <office_url>/<reference>
    follow_up_url: str  # the submitters' follow-up page


def send_notification(submission_id: str, item: str, *, store: IntakeStore,
                      cipher: PayloadCipher, notifier: Notifier, clock: Clock,
                      mail: MailSettings, recusal: Recusal | None = None,
                      officers: Mapping[str, Officer] | None = None) -> str:
    """Send the notification ``item`` of a submission's case unless it was sent already;
    returns "sent", "skipped" (nobody to send it to, or an assignee the case names: with
    ``recusal``, nothing about a case reaches an officer it names) or "already_sent".
    Raises NotifierUnavailable so that the task is retried."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    case = store.get_case(submission.reference)
    if case is None:
        raise UnknownSubmission(submission_id)
    template, role, qualifier = notifications.parse_item(item)
    if item in case.notifications_sent:
        store.update_case(case.reference, lambda c: notification_sent(c, item, clock.now(),
                                                                      sent=True))
        return "already_sent"

    recipient = {"investigations": mail.investigations_mailbox,
                 "ethics_office": mail.ethics_office_mailbox,
                 "assignee": case.assignee}.get(role)
    if role == "reporter":
        payload = json.loads(cipher.open(submission.id, submission.sealed, {}).plaintext)
        recipient = reporter_email(case.form, payload)
    if role == "assignee" and recipient and recusal is not None \
            and recusal.names_address(case, recipient, officers or {}):
        log.warning("notification to an assignee the case names withheld", extra={
            "event": "notification_withheld", "reference": case.reference, "item": item})
        recipient = None
    if not recipient:
        store.update_case(case.reference, lambda c: notification_sent(c, item, clock.now(),
                                                                      sent=False))
        log.warning("notification has no recipient; skipped", extra={
            "event": "notification_skipped", "reference": case.reference, "item": item})
        return "skipped"

    forwarding = case.forwarding
    message = notifications.render(
        template, role, reference=case.reference, at=clock.now(),
        case_url=f"{mail.office_url.rstrip('/')}/{case.reference}",
        follow_up_url=mail.follow_up_url,
        investigations_case_id=forwarding.investigations_case_id if forwarding else None,
        attempts=forwarding.attempts if forwarding else None,
        reason_code=forwarding.failure if forwarding else None,
        urgent=bool(forwarding and forwarding.urgent), qualifier=qualifier)
    notifier.send(Email(to=recipient, subject=message.subject, body=message.body,
                        message_id=f"{case.reference}/{item}"))
    store.update_case(case.reference, lambda c: notification_sent(c, item, clock.now(),
                                                                  sent=True))
    log.info("notification sent", extra={"event": "notification_sent",
                                         "reference": case.reference, "item": item})
    return "sent"
