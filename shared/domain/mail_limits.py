"""How much notification e-mail may go out: per recipient and in all, per window.

A misconduct report names the address its acknowledgement goes to, and anyone can file
one: without a limit, the system would mail any address as often as someone posts. Each
recipient's counter is named by a keyed HMAC of the mailbox (never the address, which is
not stored or logged), so whoever reads the counters cannot tell whose they are.

One mailbox, however it is spelt, is one recipient (``shared.domain.mailboxes``). Other
providers' aliases (another domain, a forwarding address) are other recipients; the
overall limit bounds those too.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.mailboxes import mailbox

TOTAL_KEY = "all"


@dataclass(frozen=True)
class SendQuota:
    """At most ``limit`` e-mails per fixed window of ``window_seconds`` under ``key``. The key
    is an HMAC of a mailbox, or TOTAL_KEY for all mail; ``name`` says which, for logs."""

    key: str
    limit: int
    window_seconds: int
    name: str

    def window(self, at: datetime) -> tuple[int, float]:
        """The start of the window ``at`` falls in (Unix seconds) and the seconds left in
        it. Windows are fixed, so a burst across a boundary may send up to twice the limit
        in one window's length, never more."""
        now = at.timestamp()
        start = int(now // self.window_seconds) * self.window_seconds
        return start, start + self.window_seconds - now


@dataclass(frozen=True)
class SendLimits:
    per_recipient: int  # 0: no limit
    total: int  # 0: no limit
    window_seconds: int
    secret: bytes = field(repr=False)

    def quotas(self, recipient: str) -> tuple[SendQuota, ...]:
        """The quotas one e-mail to ``recipient`` counts against."""
        found = []
        if self.per_recipient > 0:
            found.append(SendQuota(recipient_key(self.secret, recipient), self.per_recipient,
                                   self.window_seconds, "recipient"))
        if self.total > 0:
            found.append(SendQuota(TOTAL_KEY, self.total, self.window_seconds, "total"))
        return tuple(found)


def recipient_key(secret: bytes, address: str) -> str:
    digest = hmac.new(secret, mailbox(address).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"to-{digest}"
