"""Capture every log line of the test session and find personal data in them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from shared.logs import json_formatter


class CapturingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(json_formatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.lines.append(str(record.msg))


def find_leaks(lines: Iterable[str], secrets: Iterable[str]) -> list[tuple[str, str]]:
    """(secret, line) for every log line that contains a secret, also JSON-escaped."""
    import json

    needles = {s: {s, json.dumps(s)[1:-1]} for s in secrets}
    return [(secret, line) for line in lines for secret, forms in needles.items()
            if any(form in line for form in forms)]
