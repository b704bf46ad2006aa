"""Notification e-mail: the notifier, and the ledger of claims and send counters."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from shared.domain.mail_limits import SendQuota


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    # Stable per notification, so duplicates can be recognised downstream.
    message_id: str


class NotifierUnavailable(Exception):
    """The e-mail could not be handed over; try again later."""


class Notifier(abc.ABC):
    """Sends e-mail. Messages carry references and links, never report content."""

    @abc.abstractmethod
    def send(self, email: Email) -> None:
        """Hand one e-mail over for delivery; raise NotifierUnavailable if it was not."""


class Claim(Enum):
    """What ``MailLedger.claim`` found."""

    CLAIMED = "claimed"  # pending, and now this delivery's to send
    BUSY = "busy"  # pending, but another delivery is sending it right now
    NOT_PENDING = "not_pending"  # sent or skipped already, or never queued by the system


@dataclass(frozen=True)
class QuotaFull:
    """A send limit with no room left: which one (its name) and for how long."""

    name: str
    seconds: float


class MailLedger(abc.ABC):
    """What the notify function keeps beside the intake store, atomically: which pending
    notification a delivery is sending, and how much mail went out lately, counted across
    every instance. Counter keys are HMACs (``shared.domain.mail_limits``), never addresses.
    """

    @abc.abstractmethod
    def claim(self, pending_key: str, at: datetime, lease: timedelta) -> Claim:
        """Take the pending notification ``pending_key`` (a PendingTask key) for ``lease``.

        CLAIMED if it is pending and unclaimed (or its claim lapsed); BUSY if another claim
        holds it; NOT_PENDING if no such pending task exists. The claim ends when the
        pending task is removed (``IntakeStore.update_case``) or released.
        """

    @abc.abstractmethod
    def release(self, pending_key: str) -> None:
        """End a claim whose e-mail did not go out; nothing if the task is gone."""

    @abc.abstractmethod
    def take_quota(self, quotas: Sequence[SendQuota], at: datetime) -> QuotaFull | None:
        """Count one e-mail against every quota (fixed windows) if each has room at ``at``;
        otherwise count nothing and say which is full and until when."""
