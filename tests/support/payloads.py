"""Valid submissions for each form, with distinctive names and texts.

Every string a person would type is registered in ``SENSITIVE``: the suite fails if any of
them reaches a log line.
"""

from __future__ import annotations

import copy
from typing import Any

SENSITIVE: set[str] = set()


def _register(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_PERSONAL:
                _register(item)
    elif isinstance(value, list):
        for item in value:
            _register(item)
    elif isinstance(value, str) and len(value) >= 6:
        SENSITIVE.add(value)


# Codes, dates and choices: not typed by a person, and legitimately logged as codes.
NOT_PERSONAL = {"category", "subcategory", "allegation_type", "duty_station", "staff_category",
                "preferred_language", "contact_method", "requester_type", "type", "kind",
                "date", "incident_date", "incident_end_date", "grade"}

ADVICE: dict[str, Any] = {
    "category": "conflict_of_interest",
    "subcategory": "coi_outside_activities",
    "question": "Marguerite Okonkwo-Lindqvist asks whether she may teach a weekend course on "
                "water engineering at the Université de Thiès.",
    "requester_type": "individual",
    "anonymous": False,
    "name": "Marguerite Okonkwo-Lindqvist",
    "email": "m.okonkwo-lindqvist@example.org",
    "duty_station": "country_office",
    "office": "Dakar country office",
    "staff_category": "national_officer",
    "grade": "NO-B",
    "preferred_language": "fr",
    "contact_method": "email",
    "consent_privacy_notice": True,
}

ADVICE_ANONYMOUS: dict[str, Any] = {
    "category": "workplace_conflict",
    "question": "My supervisor Theodric Vanderhaegen shouts at the drivers every morning; "
                "what can I do without being identified?",
    "anonymous": True,
    "duty_station": "regional_office",
    "consent_privacy_notice": True,
}

MISCONDUCT: dict[str, Any] = {
    "allegation_type": "fraud_corruption",
    "subjects": [{"name": "Bartholomew Quennell-Ashdown", "title": "Supply officer",
                  "organisation": "Zephyrine Logistics"}],
    "what": "Invoices from Zephyrine Logistics were inflated by forty percent on the "
            "Kestrel water project.",
    "incident_date": "2025-06-01",
    "incident_end_date": "2025-09-30",
    "location": "Juba field office, South Sudan",
    "duty_station": "country_office",
    "project": "Kestrel rural water points",
    "how": "Duplicate delivery notes signed by the same storekeeper Wilhelmina Oyelaran.",
    "witnesses": [{"name": "Anastasius Pemberton-Odu", "contact": "+211 912 000 111",
                   "may_contact": True}],
    "evidence_description": "Scanned delivery notes kept in the Juba shared drive folder "
                            "Kestrel-2025.",
    "anonymous": False,
    "reporter": {"name": "Ottoline Farquharson", "email": "ottoline.f@example.org",
                 "phone": "+41 22 555 0199"},
    "preferred_language": "en",
    "consent_forwarding": True,
}

MISCONDUCT_ANONYMOUS: dict[str, Any] = {
    "allegation_type": "sexual_exploitation_abuse",
    "what": "A driver named Evander Castellanos-Huber offered food in exchange for favours "
            "at the distribution site.",
    "when_description": "Several times during the last food distribution round",
    "location": "Distribution site near the Maban camp",
    "anonymous": True,
    "consent_forwarding": True,
}

RETALIATION: dict[str, Any] = {
    "complainant": {"name": "Ignatius Wolstenholme", "email": "ignatius.w@example.org",
                    "phone": "+1 212 555 0142", "staff_id": "IX-448812"},
    "employment": {"staff_category": "international_professional", "grade": "P-3",
                   "duty_station": "headquarters", "office": "Supply Division",
                   "function_title": "Procurement specialist",
                   "supervisor": "Philippa Ravensworth"},
    "protected_activity": {
        "type": "cooperated_investigation",
        "date": "2025-10-06",
        "reported_to": "OIAI investigation into the Kestrel warehouse fuel losses",
        "description": "Ignatius testified about the Kestrel warehouse fuel theft.",
    },
    "retaliatory_acts": [
        {"date": "2025-10-27", "kind": "action",
         "description": "Contract of Ignatius not renewed three weeks after the testimony.",
         "by_whom": "Philippa Ravensworth"},
        {"date": "2025-11-03", "kind": "threat",
         "description": "Told that speaking again would end any future assignment.",
         "by_whom": "Leopoldine Strathcarron"},
    ],
    "link_explanation": "Both acts followed my testimony within a month, and nobody else in "
                        "the Quillfeather unit lost a contract.",
    "interim_measures_requested": True,
    "interim_measures_details": "Suspend the non-renewal until the review is complete.",
    "witnesses": [{"name": "Cornelius Abernethy-Vance", "contact": "c.av@example.org",
                   "may_contact": True},
                  {"name": "Rosalind Etheridge-Mbeki", "may_contact": False}],
    "preferred_language": "en",
    "contact_method": "email",
    "consent_privacy_notice": True,
}

FORMS: dict[str, dict[str, Any]] = {
    "advice": ADVICE,
    "misconduct": MISCONDUCT,
    "retaliation": RETALIATION,
}

FUNCTIONS = {"advice": "submit_advice", "misconduct": "submit_misconduct",
             "retaliation": "submit_retaliation"}

for _payload in (ADVICE, ADVICE_ANONYMOUS, MISCONDUCT, MISCONDUCT_ANONYMOUS, RETALIATION):
    _register(_payload)


def payload(form: str, **changes: Any) -> dict[str, Any]:
    """A deep copy of the form's valid payload with top-level changes applied
    (a value of ``None`` removes the key)."""
    data = copy.deepcopy(FORMS[form])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Form encoding of nested data, as an HTML form would send it."""
    pairs: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            pairs += flatten(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            pairs += flatten(value, f"{prefix}.{index}")
    elif isinstance(data, bool):
        # As a pair of yes/no radio buttons would send it.
        pairs.append((prefix, "yes" if data else "no"))
    else:
        pairs.append((prefix, str(data)))
    return pairs
