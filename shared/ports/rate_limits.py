"""Per-client limits: of public posts, and of the checks of a secret one client makes."""

from __future__ import annotations

import abc
from datetime import datetime, timedelta

from shared.domain.follow_up import Attempt


class RateLimiter(abc.ABC):
    """Counts what one client does, per client key: actions in a sliding window, and the
    checks of a secret it makes (the receipt codes it tries on one reference).

    ``client`` may be a network address: implementations must not store or log it.
    """

    @abc.abstractmethod
    def hit(self, bucket: str, client: str, at: datetime, *,
            allowance: int = 1) -> float | None:
        """Count one action of ``client`` in ``bucket``; None if allowed, otherwise the
        seconds until the client may act again (the action is then not counted).
        ``allowance`` multiplies the limit for this bucket: for actions one person makes
        many of for each one the limit counts (the steps of a form)."""

    @abc.abstractmethod
    def reserve_attempt(self, bucket: str, client: str, *, at: datetime, limit: int,
                        lock_for: timedelta) -> Attempt:
        """Count one check by ``client`` in ``bucket`` before it is made, atomically
        (``Lockout.reserve``): it stands as a failure unless refunded. While this client
        is locked out of the bucket the check is refused and nothing is counted; other
        clients are not affected. A counter is forgotten ``lock_for`` after its last
        attempt or lock."""

    @abc.abstractmethod
    def refund_attempt(self, bucket: str, client: str, attempt: Attempt, *,
                       limit: int) -> None:
        """Give back the one check ``attempt`` counted (``Lockout.refund``): its receipt
        matched, or it was not made after all."""
