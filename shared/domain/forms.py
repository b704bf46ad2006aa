"""The public forms: their codes, reference prefixes, what stays in clear, and next steps.

``clear_view`` picks the classification fields triage and reports need (categories, dates,
flags); everything a person wrote or that identifies someone is sealed instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.domain.policy import Policy, latest_day
from shared.domain.records import JSON, jsonable
from shared.domain.taxonomy import advice_group_of


@dataclass(frozen=True)
class FormSpec:
    code: str
    prefix: str
    function: str
    title: str
    allows_anonymous: bool
    # What the API tells the submitter happens next, with the deployment's time limits.
    next_steps: Callable[[Policy], tuple[str, ...]]
    clear_view: Callable[[Mapping[str, Any]], JSON]


def _days(count: int, unit: str = "day") -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _advice_steps(policy: Policy) -> tuple[str, ...]:
    return (
        "An ethics adviser reads your request; it stays confidential to you.",
        "You will get an answer by the contact method you chose, usually within "
        f"{_days(policy.advice_answer_working_days, 'working day')}.",
        "Quote your reference in any follow-up.",
    )


def _misconduct_steps(policy: Policy) -> tuple[str, ...]:
    return (
        "Your report is forwarded to the Office of Internal Audit and Investigations, "
        "which assesses every allegation.",
        "The Ethics Office does not investigate misconduct itself.",
        "Quote your reference in any follow-up.",
    )


def _retaliation_steps(policy: Policy) -> tuple[str, ...]:
    return (
        "The Ethics Office starts a preliminary review: was there a protected activity, an "
        "adverse action, and a plausible link between them?",
        "The preliminary review is due within "
        f"{_days(policy.preliminary_review_days)} of receipt.",
        "You may be asked for more information; you can ask for interim protective measures.",
    )


def wants_state_mail(form: str, data: Mapping[str, Any]) -> bool:
    """Whether a named submitter asked to be e-mailed when their case changes state (each
    form keeps the answer with the submitter's identity)."""
    holder = {"misconduct": data.get("reporter"), "retaliation": data.get("complainant")
              }.get(form, data)
    return bool(isinstance(holder, Mapping) and holder.get("state_change_emails")
                and not data.get("anonymous"))


def _advice_clear(data: Mapping[str, Any]) -> JSON:
    view: JSON = jsonable({
        "category": advice_group_of(data["subcategory"]),
        "subcategory": data["subcategory"],
        "requester_type": data["requester_type"],
        "group_size": data.get("group_size"),
        "anonymous": data["anonymous"],
        "duty_station": data.get("duty_station"),
        "staff_category": data.get("staff_category"),
        "preferred_language": data["preferred_language"],
        "contact_method": data["contact_method"],
    })
    return view


def _misconduct_clear(data: Mapping[str, Any]) -> JSON:
    reporter = data.get("reporter") or {}
    view: JSON = jsonable({
        "allegation_type": data["allegation_type"],
        "anonymous": data["anonymous"],
        "reporter_contactable": bool(reporter.get("email") or reporter.get("phone")),
        "duty_station": data.get("duty_station"),
        "incident_date": data.get("incident_date"),
        "preferred_language": data["preferred_language"],
    })
    return view


def _retaliation_clear(data: Mapping[str, Any]) -> JSON:
    acts: list[date] = [act["date"] for act in data["retaliatory_acts"]]
    # The filing window runs from the latest day any act may have happened: an approximate
    # date counts a month later (shared/domain/policy.py).
    latest = [latest_day(act["date"], bool(act.get("date_approximate")))
              for act in data["retaliatory_acts"]]
    employment = data["employment"]
    view: JSON = jsonable({
        "protected_activity_type": data["protected_activity"]["type"],
        "protected_activity_date": data["protected_activity"]["date"],
        "first_act_date": min(acts),
        "last_act_date": max(acts),
        "filing_window_from": max(latest),
        "act_count": len(acts),
        "interim_measures_requested": data["interim_measures_requested"],
        "duty_station": employment["duty_station"],
        "staff_category": employment["staff_category"],
        "preferred_language": data["preferred_language"],
        "anonymous": False,
    })
    return view


ADVICE = FormSpec(
    code="advice",
    prefix="ADV",
    function="submit_advice",
    title="Confidential ethics advice request",
    allows_anonymous=True,
    next_steps=_advice_steps,
    clear_view=_advice_clear,
)

MISCONDUCT = FormSpec(
    code="misconduct",
    prefix="MIS",
    function="submit_misconduct",
    title="Misconduct report",
    allows_anonymous=True,
    next_steps=_misconduct_steps,
    clear_view=_misconduct_clear,
)

RETALIATION = FormSpec(
    code="retaliation",
    prefix="RET",
    function="submit_retaliation",
    title="Retaliation complaint (protection against retaliation)",
    allows_anonymous=False,
    next_steps=_retaliation_steps,
    clear_view=_retaliation_clear,
)

FORMS: Mapping[str, FormSpec] = {f.code: f for f in (ADVICE, MISCONDUCT, RETALIATION)}
