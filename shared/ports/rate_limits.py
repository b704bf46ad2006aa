"""Per-client limits of public posts."""

from __future__ import annotations

import abc
from datetime import datetime


class RateLimiter(abc.ABC):
    """Counts actions per client key in a sliding window."""

    @abc.abstractmethod
    def hit(self, bucket: str, client: str, at: datetime, *,
            allowance: int = 1) -> float | None:
        """Count one action of ``client`` in ``bucket``; None if allowed, otherwise the
        seconds until the client may act again (the action is then not counted).
        ``allowance`` multiplies the limit for this bucket: for actions one person makes
        many of for each one the limit counts (the steps of a form).

        ``client`` may be a network address: implementations must not store or log it.
        """
