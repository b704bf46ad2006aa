"""The investigations office's intake, as the referral gateway sees it."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReferralReceipt:
    """The investigations office's answer to a referral: its own case id."""

    investigations_case_id: str


class ReferralRejected(Exception):
    """The investigations office refused the referral (a 4xx other than 408/429): retrying
    the same request cannot succeed."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class ReferralUnavailable(Exception):
    """No usable answer (5xx, 408, 429, timeout, connection error): try again later."""


class InvestigationsGateway(abc.ABC):
    """The investigations office's intake endpoint."""

    @abc.abstractmethod
    def refer(self, referral_id: str, document: Mapping[str, Any]) -> ReferralReceipt:
        """Deliver a referral; ``referral_id`` lets the receiver de-duplicate deliveries.

        Raises ReferralRejected or ReferralUnavailable.
        """
