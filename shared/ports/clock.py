"""The clock use cases read the time from."""

from __future__ import annotations

import abc
from datetime import datetime


class Clock(abc.ABC):
    """The current time, in UTC."""

    @abc.abstractmethod
    def now(self) -> datetime:
        """An aware datetime in UTC."""
