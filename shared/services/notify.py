"""Send one notification e-mail of a case, at least once, and record that it went.

Only a notification the system recorded as pending on the case is sent, by one delivery at
a time (a claim on its pending task), within the send limits: a held-back e-mail stays
pending and its task is retried (then re-queued by sweep), so nothing is lost. Nothing
about a case reaches an assignee the case names (recusal): that mail is withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from shared.domain import notifications
from shared.domain.casework import notice_recorded
from shared.domain.forwarding import notification_sent
from shared.domain.mail_limits import SendLimits
from shared.domain.officers import Officer
from shared.domain.policy import Policy
from shared.domain.records import Case, Forwarding, Submission, UnknownSubmission, pending_key
from shared.domain.recusal import Marker
from shared.domain.referrals import reporter_email
from shared.domain.sealing import IntegrityFailure
from shared.domain.text_input import is_email
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.mail import Claim, Email, MailLedger, Notifier, QuotaFull
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore, StoreUnavailable
from shared.ports.tasks import TaskQueue
from shared.services import integrity
from shared.services.recusal import Interests, Recusal
from shared.services.tasks import enqueue_stored

log = get_logger(__name__)


@dataclass(frozen=True)
class MailSettings:
    investigations_mailbox: str
    ethics_office_mailbox: str
    office_url: str  # officers' view of a case: <office_url>/<reference>
    follow_up_url: str  # the submitters' follow-up page


class HeldBack(Exception):
    """A send limit has no room: the notification stays pending and is retried."""

    def __init__(self, full: QuotaFull) -> None:
        super().__init__(f"the {full.name} limit is reached for {full.seconds:.0f} s")
        self.limit = full.name
        self.seconds = full.seconds


class SendInProgress(Exception):
    """Another delivery of the same notification is sending it now: try again later (it
    finds the notification sent, or its claim lapsed)."""


# Recipients whose address comes from what is stored (a submission, a case), not from the
# deployment's settings: checked again with today's rules before any e-mail goes to them.
STORED_ADDRESS_ROLES = frozenset({"reporter", "assignee"})

# How long a delivery holds a notification it is sending: longer than any send takes, so
# a delivery that died holding it lets a retry (or sweep's re-queue) take it afterwards.
CLAIM_LEASE = timedelta(minutes=5)


def send_notification(submission_id: str, item: str, *, store: IntakeStore,
                      cipher: PayloadCipher, queue: TaskQueue, notifier: Notifier,
                      clock: Clock, mail: MailSettings, ledger: MailLedger,
                      limits: SendLimits, officers: Mapping[str, Officer],
                      marker: Marker, interests: Interests, policy: Policy) -> str:
    """Send the notification ``item`` of a submission's case if the system recorded it as
    pending and no delivery sent it yet. Returns "sent", "skipped" (nobody to send it to,
    a reporter's address that failed its integrity check, a stored address that is not
    an e-mail address by today's rules (``is_email``), or an assignee the case names:
    nothing about a case reaches an officer it names, ``marker`` keying its name index and
    ``officers`` giving the assignee's name), "already_sent" or "not_pending" (never
    queued: nothing is sent). Raises UnknownNotification for an item the system has no
    template for, HeldBack when a send limit is reached, SendInProgress while another
    delivery sends it, and NotifierUnavailable: in each case but the first the task is
    retried and nothing is lost. A complainant's determination notice, once sent, starts
    the panel-review window (``policy``); one that cannot be sent alerts the office."""
    submission = store.get_submission(submission_id)
    if submission is None:
        raise UnknownSubmission(submission_id)
    template, role, qualifier = notifications.parse_item(item)
    key = pending_key("notify", submission.id, item)
    claim = ledger.claim(key, clock.now(), CLAIM_LEASE)
    if claim is Claim.BUSY:
        raise SendInProgress(item)
    # Read after the claim, so current. An integrity alert names its case: the failure may
    # be a case that points at another submission.
    case = store.get_case(notifications.alerted_case(qualifier)
                          if template == "integrity_alert" else submission.reference)
    if case is None:
        if claim is Claim.CLAIMED:
            _release(ledger, key)
        raise UnknownSubmission(submission_id)
    if claim is Claim.NOT_PENDING:
        if item in case.notifications_sent:
            return "already_sent"
        log.warning("notification never queued; nothing sent", extra={
            "event": "notification_not_pending", "reference": case.reference, "item": item})
        return "not_pending"
    try:
        return _send(case, submission, template, role, qualifier, item, store=store,
                     cipher=cipher, queue=queue, notifier=notifier, clock=clock, mail=mail,
                     ledger=ledger, limits=limits, officers=officers,
                     recusal=Recusal(store, cipher, queue, clock, marker, interests),
                     policy=policy)
    except BaseException:
        _release(ledger, key)
        raise


def _send(case: Case, submission: Submission, template: str, role: str, qualifier: str,
          item: str, *, store: IntakeStore, cipher: PayloadCipher, queue: TaskQueue,
          notifier: Notifier, clock: Clock, mail: MailSettings, ledger: MailLedger,
          limits: SendLimits, officers: Mapping[str, Officer], recusal: Recusal,
          policy: Policy) -> str:
    if item in case.notifications_sent:  # sent, but its pending task outlived the send
        store.update_case(case.reference, lambda c: notification_sent(c, item, clock.now(),
                                                                      sent=True))
        return "already_sent"
    recipient = {"investigations": mail.investigations_mailbox,
                 "ethics_office": mail.ethics_office_mailbox,
                 "assignee": case.assignee}.get(role)
    if role == "reporter":
        try:
            recipient = reporter_email(case.form, integrity.open_submission(
                case, submission, store=store, cipher=cipher, queue=queue, clock=clock))
        except IntegrityFailure:
            recipient = None  # never write to an address that failed its check: skipped
    if role in STORED_ADDRESS_ROLES and recipient is not None and (
            not isinstance(recipient, str) or not is_email(recipient)):
        # Stored under older, looser rules (a quoted part could carry ESC or BEL): it never
        # reaches a To: header. The log line says whose, never what it is.
        log.warning("a stored address fails today's address rules; notification skipped",
                    extra={"event": "notification_address_refused",
                           "reference": case.reference, "item": item, "role": role})
        recipient = None
    elif role == "assignee" and recipient and recusal.names_address(case, recipient,
                                                                    officers):
        log.warning("notification to an assignee the case names withheld", extra={
            "event": "notification_withheld", "reference": case.reference, "item": item})
        recipient = None
    if not recipient:
        skipped = store.update_case(case.reference, lambda c: notice_recorded(
            c, item, clock.now(), policy, sent=False))
        if skipped is not None:
            enqueue_stored(queue, skipped.add_pending)
        log.warning("notification has no recipient; skipped", extra={
            "event": "notification_skipped", "reference": case.reference, "item": item})
        return "skipped"

    full = ledger.take_quota(limits.quotas(recipient), clock.now())
    if full is not None:
        log.warning("notification held back by a send limit; it stays pending and is "
                    "retried", extra={"event": "notification_held_back",
                                      "reference": case.reference, "item": item,
                                      "limit": full.name,
                                      "retry_after_seconds": round(full.seconds)})
        raise HeldBack(full)
    forwarding = case.forwarding
    message = notifications.render(
        template, role, reference=case.reference, at=clock.now(),
        case_url=f"{mail.office_url.rstrip('/')}/{case.reference}",
        follow_up_url=mail.follow_up_url,
        investigations_case_id=forwarding.investigations_case_id if forwarding else None,
        attempts=forwarding.attempts if forwarding else None,
        reason_code=_failure(forwarding, qualifier),
        urgent=bool(forwarding and forwarding.urgent), qualifier=qualifier,
        matter=forwarding.matter if forwarding else "misconduct",
        has_receipt=submission.receipt_hash is not None)
    notifier.send(Email(to=recipient, subject=message.subject, body=message.body,
                        message_id=f"{case.reference}/{item}"))
    store.update_case(case.reference, lambda c: notice_recorded(c, item, clock.now(), policy,
                                                                sent=True))
    log.info("notification sent", extra={"event": "notification_sent",
                                         "reference": case.reference, "item": item})
    return "sent"


def _failure(forwarding: Forwarding | None, qualifier: str) -> str | None:
    """The failure an alert is about: a supplement's (its qualifier names it), or the
    referral's."""
    if forwarding is None:
        return None
    message_id = notifications.failed_supplement(qualifier)
    supplement = forwarding.supplement(message_id) if message_id else None
    return supplement.failure if supplement else forwarding.failure


def _release(ledger: MailLedger, key: str) -> None:
    try:
        ledger.release(key)
    except StoreUnavailable:  # the claim lapses on its own after CLAIM_LEASE
        log.warning("could not release a notification claim", extra={
            "event": "notification_claim_kept"})
