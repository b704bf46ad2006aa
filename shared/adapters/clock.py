"""The real clock."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.ports.clock import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)
