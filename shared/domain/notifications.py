"""The e-mails the system sends. They carry references, dates and links, never a report's
content, a name or a narrative: the notification templates take no such input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# template -> the roles it goes to
TEMPLATES: dict[str, tuple[str, ...]] = {
    "referral_made": ("investigations", "ethics_office"),
    "reporter_ack": ("reporter",),
    "forwarding_failed": ("investigations", "ethics_office"),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def item(template: str, role: str) -> str:
    """The pending-task item of one notification (letters, digits, _ and - only)."""
    if role not in TEMPLATES.get(template, ()):
        raise ValueError(f"no {template} notification for {role}")
    return f"{template}-{role}"


def parse_item(value: str) -> tuple[str, str]:
    template, _, role = value.rpartition("-")
    if role not in TEMPLATES.get(template, ()):
        raise ValueError(f"unknown notification {value!r}")
    return template, role


def items(template: str, *, include_reporter: bool = True) -> tuple[str, ...]:
    return tuple(item(template, role) for role in TEMPLATES[template]
                 if include_reporter or role != "reporter")


def render(template: str, role: str, *, reference: str, at: datetime, case_url: str,
           follow_up_url: str, investigations_case_id: str | None = None,
           attempts: int | None = None, reason_code: str | None = None,
           urgent: bool = False) -> Message:
    """Subject and body of one notification."""
    day = at.strftime("%d %B %Y")
    flag = "URGENT " if urgent else ""
    if template == "referral_made" and role == "investigations":
        return Message(
            f"{flag}Ethics Office referral {reference}",
            f"The Ethics Office referred a misconduct allegation to your intake on {day}.\n"
            f"Ethics Office reference: {reference}\n"
            f"Your case id: {investigations_case_id}\n"
            f"Priority: {'urgent' if urgent else 'normal'}\n\n"
            "The referral itself was delivered to your intake system; it is not in this "
            "e-mail.\n")
    if template == "referral_made" and role == "ethics_office":
        return Message(
            f"{flag}Referral made: {reference}",
            f"Case {reference} was referred to the investigations office on {day} "
            f"(their case id {investigations_case_id}, after {attempts} attempt(s)).\n"
            f"Case: {case_url}\n")
    if template == "reporter_ack":
        return Message(
            f"Your report {reference}",
            f"Your report {reference} was referred to the investigations office on {day}.\n"
            "The investigations office assesses every allegation it receives.\n"
            f"Follow your report: {follow_up_url}\n")
    if template == "forwarding_failed":
        return Message(
            f"ACTION NEEDED: referral of {reference} failed",
            f"The referral of case {reference} to the investigations office failed on {day}"
            f" ({reason_code}).\n"
            "The case is in the state forwarding_failed until an officer retries it.\n"
            f"Case: {case_url}\n")
    raise ValueError(f"no {template} notification for {role}")
