"""How the contract test brings a generated body within the rules the document lists as
not expressible in JSON Schema (``x-unstated-rules``). Each rule code has one adjustment;
a code without one fails the test, so a new unstated rule needs its adjustment here.

These adjustments are the only liberty the test takes with what schemathesis generates,
and they touch only the paths each rule names."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

EARLIEST = date(1950, 1, 1)


def _places(body: Any, path: list[str]) -> Iterator[tuple[Any, str]]:
    """(container, key) of every value at ``path`` (``*``: every item of a list)."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(body, list):
            for item in body:
                yield from _places(item, rest)
        return
    if not isinstance(body, dict) or head not in body:
        return
    if not rest:
        yield body, head
    else:
        yield from _places(body[head], rest)


def _days_in_range(body: Any, paths: list[str]) -> None:
    """A date before 1950 or after today moved into that range, keeping its day of year."""
    today = datetime.now(UTC).date()
    span = (today - EARLIEST).days + 1
    for path in paths:
        for container, key in _places(body, path.split(".")):
            value = container[key]
            try:
                day = date.fromisoformat(value)
            except (TypeError, ValueError):
                continue
            if not EARLIEST <= day <= today:
                container[key] = (EARLIEST + timedelta(days=day.toordinal() % span)).isoformat()


def _normalised_text(body: Any, paths: list[str]) -> None:
    """Text whose NFC form is longer than its raw form (a few scripts' letters) cut back
    to what it was: the length the document states is counted after normalisation."""
    for path in paths:
        for container, key in _places(body, path.split(".")):
            value = container[key]
            if isinstance(value, str):
                normal = unicodedata.normalize("NFC", value)
                if len(normal) > len(value):
                    container[key] = normal[:len(value)]


def _email(body: Any, paths: list[str]) -> None:
    """An address outside the syntax the document describes in words replaced by one within
    it (``format: email`` is the only part JSON Schema states)."""
    from shared.domain.text_input import is_email

    for path in paths:
        for container, key in _places(body, path.split(".")):
            if isinstance(container[key], str) and not is_email(container[key]):
                container[key] = "someone@example.org"


def _incident_dates(body: Any, paths: list[str]) -> None:
    start, end = body.get("incident_date"), body.get("incident_end_date")
    if isinstance(start, str) and isinstance(end, str) and end < start:
        body["incident_date"], body["incident_end_date"] = end, start


def _acts_after_activity(body: Any, paths: list[str]) -> None:
    """Every act dated on or after the protected activity."""
    activity = body.get("protected_activity")
    acts = body.get("retaliatory_acts")
    if not isinstance(activity, dict) or not isinstance(acts, list):
        return
    start = activity.get("date")
    for act in acts:
        if isinstance(act, dict) and isinstance(start, str) and isinstance(
                act.get("date"), str) and act["date"] < start:
            act["date"] = start


def _decided_after_recommended(body: Any, paths: list[str]) -> None:
    recommended, decided = body.get("recommended_on"), body.get("decided_on")
    if isinstance(recommended, str) and isinstance(decided, str) and decided < recommended:
        body["decided_on"] = recommended


ADJUSTMENTS: dict[str, Callable[[Any, list[str]], None]] = {
    "past_date": _days_in_range,
    "text_length_normalised": _normalised_text,
    "email_syntax": _email,
    "dates_in_order": _incident_dates,
    "acts_after_activity": _acts_after_activity,
    "decided_after_recommended": _decided_after_recommended,
}


def within_unstated_rules(body: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``body`` adjusted to every rule of ``schema``'s ``x-unstated-rules``, in order (the
    range of dates first, then their order)."""
    for rule in schema.get("x-unstated-rules", ()):
        adjust = ADJUSTMENTS.get(rule["code"])
        assert adjust is not None, f"no adjustment for the unstated rule {rule['code']}"
        adjust(body, rule["paths"])
    return body
