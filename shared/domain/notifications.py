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
    "reply_posted": ("reporter",),
    "deadline_alert": ("ethics_office", "assignee"),
    "submitter_message": ("ethics_office", "assignee"),
    "integrity_alert": ("ethics_office",),
    "determination_notice": ("reporter",),
    "determination_unsent": ("ethics_office", "assignee"),
    "state_changed": ("reporter",),
}
THRESHOLD_WORDS = {"due_in_7_days": "is due within 7 days", "due_today": "is due today",
                   "overdue": "is OVERDUE"}
INTEGRITY_WORDS = {
    "seal_broken": "a sealed item did not open where it is kept (altered, moved from "
                   "another case or record, or relabelled)",
    "records_disagree": "the case and the submission it names do not belong together",
}
DEADLINE_WORDS = {"preliminary_review_due": "The preliminary review",
                  "panel_review_request_due": "The complainant's window to ask the Ethics "
                                              "Panel chair for a review",
                  "advice_answer_due": "The answer to the advice request",
                  "feedback_due": "The feedback owed to the reporter (three months from the "
                                  "acknowledgement by default)"}
MATTER_WORDS = {"misconduct": "a misconduct allegation",
                "retaliation": "a retaliation matter, for investigation of the alleged "
                               "retaliatory acts"}
# How an officer finds and retries a failed referral, in every form.
RETRY_HOW = ("It is not retried on its own: an officer must retry it (the transition "
             "retry_forwarding). Until then the case is listed among the failed referrals: "
             "GET /cases/?forwarding=failed, or intake cases --state forwarding_failed.")


class UnknownNotification(ValueError):
    """An item that names no template, or a role the template does not go to."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def item(template: str, role: str, qualifier: str = "") -> str:
    """The pending-task item of one notification (lower-case letters, digits, _ and - only):
    ``<template>[.<qualifier>]-<role>``, the qualifier telling apart notifications of one
    template (which deadline, due when, which threshold)."""
    if role not in TEMPLATES.get(template, ()):
        raise ValueError(f"no {template} notification for {role}")
    return f"{template}{'.' + qualifier if qualifier else ''}-{role}"


def parse_item(value: str) -> tuple[str, str, str]:
    """(template, role, qualifier) of an item made by ``item``."""
    name, _, role = value.rpartition("-")
    template, _, qualifier = name.partition(".")
    if role not in TEMPLATES.get(template, ()):
        raise UnknownNotification(f"unknown notification {value!r}")
    return template, role, qualifier


def items(template: str, *, include_reporter: bool = True,
          qualifier: str = "") -> tuple[str, ...]:
    return tuple(item(template, role, qualifier) for role in TEMPLATES[template]
                 if include_reporter or role != "reporter")


def alert_qualifier(deadline: str, due: datetime, threshold: str) -> str:
    return f"{deadline}.{due:%Y%m%d}.{threshold}"


def failure_qualifier(seq: int, message_id: str | None = None) -> str:
    """Which failure of a case's referral (``referral_<seq>``) or of one of its supplements
    (``supplement_<message id>_<seq>``), by the history event that records it: each
    failure alerts afresh, a retried referral that fails again included."""
    return f"supplement_{message_id}_{seq}" if message_id else f"referral_{seq}"


def failed_supplement(qualifier: str) -> str | None:
    """The message id of the supplement a failure qualifier names (None: the referral)."""
    if not qualifier.startswith("supplement_"):
        return None
    return qualifier.removeprefix("supplement_").rpartition("_")[0] or None


def integrity_qualifier(code: str, where: str, reference: str) -> str:
    """Which integrity failure (``INTEGRITY_WORDS``), where (``event_<seq>`` or
    ``submission``) and on which case. The case is named here, not found through the
    submission the task names: the failure may be that the case points at the wrong one."""
    return f"{code}.{where}.{reference.lower().replace('-', '_')}"


def alerted_case(qualifier: str) -> str:
    """The reference an integrity alert is about (see ``integrity_qualifier``)."""
    return qualifier.rpartition(".")[2].upper().replace("_", "-")


def render(template: str, role: str, *, reference: str, at: datetime, case_url: str,
           follow_up_url: str, investigations_case_id: str | None = None,
           attempts: int | None = None, reason_code: str | None = None,
           urgent: bool = False, qualifier: str = "",
           matter: str = "misconduct", has_receipt: bool = True) -> Message:
    """Subject and body of one notification. ``has_receipt``: the submitter has a receipt
    code to open the follow-up page with (not a named submission stored before every
    submitter got one: they are told to ask the office instead)."""
    day = at.strftime("%d %B %Y")
    read_it = (f"Read it on the follow-up page: {follow_up_url}\n"
             "Open it with your reference and the receipt code you were given when you "
             "submitted.\n") if has_receipt else (
        "Your submission has no receipt code for the follow-up page: write to the Ethics "
        f"Office, quoting your reference {reference}, and it will tell you.\n")
    if template == "reply_posted":
        return Message(
            f"A reply about {reference}",
            f"The Ethics Office replied about {reference} on {day}.\n{read_it}")
    if template == "state_changed":
        return Message(
            f"Your case {reference} has changed",
            f"On {day} your case {reference} moved to a new stage.\n{read_it}"
            "This e-mail says nothing else about your case, on purpose.\n")
    if template == "determination_notice":
        return Message(
            f"A determination on your complaint {reference}",
            f"On {day} the Ethics Office recorded a determination on your complaint "
            f"{reference}.\n{read_it}"
            "A time limit may run from the date of this e-mail (or from the day you first "
            "read the determination on the follow-up page, if that is earlier): the page "
            "says what you can do.\n")
    if template == "determination_unsent":
        return Message(
            f"ACTION NEEDED: complainant of {reference} not notified",
            f"The complainant of case {reference} could not be e-mailed about the "
            f"determination on {day}: no usable address is stored.\n"
            "The window to ask the Ethics Panel chair for a review starts only once they are "
            "notified: it starts when they open the follow-up page. Tell them, by another "
            "way, to read it there.\n"
            f"Case: {case_url}\n")
    if template == "submitter_message":
        return Message(
            f"New information on {reference}",
            f"The submitter added information to case {reference} on the follow-up page "
            f"on {day}.\nCase: {case_url}\n")
    if template == "integrity_alert":
        code, _, rest = qualifier.partition(".")
        where = rest.partition(".")[0]
        return Message(
            f"SECURITY ALERT: integrity check failed on {reference}",
            f"On {day}, a stored record of case {reference} failed an integrity check: "
            f"{INTEGRITY_WORDS.get(code, code)} ({where or 'case'}).\n"
            "Its content was not shown to anyone. Someone with write access to the store "
            "may have tampered with it: check the store's audit log.\n"
            f"Case: {case_url}\n")
    if template == "deadline_alert":
        deadline, due, threshold = qualifier.split(".")
        what = DEADLINE_WORDS.get(deadline, deadline)
        when = THRESHOLD_WORDS.get(threshold, threshold)
        due_day = datetime.strptime(due, "%Y%m%d").strftime("%d %B %Y")
        return Message(
            f"{'OVERDUE' if threshold == 'overdue' else 'Deadline'}: {reference}",
            f"{what} of case {reference} {when} (due {due_day}).\n"
            f"Case: {case_url}\n")
    flag = "URGENT " if urgent else ""
    if template == "referral_made" and role == "investigations":
        return Message(
            f"{flag}Ethics Office referral {reference}",
            f"The Ethics Office referred {MATTER_WORDS.get(matter, matter)} to your intake on "
            f"{day}.\n"
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
        what = ("A supplement to the referral" if failed_supplement(qualifier)
                else "The referral")
        if role == "investigations":
            return Message(
                f"{flag}Ethics Office referral {reference}: delivery failed",
                f"{what} of Ethics Office case {reference} could not be delivered to your "
                f"intake on {day} ({reason_code}).\n"
                "The Ethics Office is alerted and will send it again; nothing was delivered "
                "by e-mail.\n")
        return Message(
            f"ACTION NEEDED: {what.lower()} of {reference} failed",
            f"{what} of case {reference} to the investigations office failed on {day}"
            f" ({reason_code}).\n"
            f"{RETRY_HOW}\n"
            f"Case: {case_url}\n")
    raise ValueError(f"no {template} notification for {role}")
