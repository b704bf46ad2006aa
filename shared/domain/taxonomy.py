"""The office's vocabulary: one taxonomy of codes, used by schemas, triage, forms and reports.

Codes never change (docs/vocabulary.md lists them all); labels are English source strings
that the web layer translates.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# Service categories (Table 1 of the annual report), in the report's order.
SERVICE_CATEGORIES: Final = MappingProxyType({
    "advice": "Confidential ethics advice",
    "champion_request": "Requests from Ethics and Culture Champions",
    "training": "Ethics training delivered",
    "disclosure_support": "Support to conflict-of-interest / financial-disclosure filers",
    "external_communication": "External communications received",
    "media_inquiry": "Media inquiries",
    "retaliation": "Protection against retaliation",
    "misconduct": "Misconduct allegations reported to the Ethics Office",
    "policy_input": "Standard-setting and policy input",
    "ethics_coherence": "UN ethics coherence (Ethics Panel consultations)",
})

# Advice sub-categories: the categories a requester chooses from on the advice form, and
# the leaves of each (group -> leaves). Figure II groups them as the report does: see
# FIGURE_II_GROUPS.
ADVICE_GROUPS: Final = MappingProxyType({
    "work_environment": ("work_environment",),
    "conflict_of_interest": (
        "coi_outside_activities",
        "coi_gifts_hospitality",
        "coi_family_relationships",
        "coi_investments",
        "coi_political_activities",
        "coi_social_media",
    ),
    "workplace_conflict": ("workplace_conflict",),
    "retaliation_advice": ("retaliation_advice",),
    "other": ("other",),
})

ADVICE_LABELS: Final = MappingProxyType({
    "work_environment": "Work / office environment",
    "conflict_of_interest": "Conflict of interest",
    "coi_outside_activities":
        "Outside activities (teaching, family business, publications, boards)",
    "coi_gifts_hospitality": "Gifts, awards and hospitality",
    "coi_family_relationships": "Personal and family relationships",
    "coi_investments": "Personal investments and assets",
    "coi_political_activities": "Political activities",
    "coi_social_media": "Social media",
    "workplace_conflict": "Workplace issues and conflicts",
    "retaliation_advice": "Retaliation (advice)",
    "other": "Other questions",
})

ADVICE_SUBCATEGORIES: Final = tuple(leaf for leaves in ADVICE_GROUPS.values() for leaf in leaves)


# Figure II's groups, as the report presents them: advice about retaliation is counted among
# workplace issues and named there (the 2024 report, para. 52: "workplace issues/conflicts
# [...] including [...] retaliation"), so the group ``workplace_conflict`` holds its own
# sub-category and ``retaliation_advice``.
FIGURE_II_GROUPS: Final = MappingProxyType({
    "work_environment": ("work_environment",),
    "conflict_of_interest": ADVICE_GROUPS["conflict_of_interest"],
    "workplace_conflict": ("workplace_conflict", "retaliation_advice"),
    "other": ("other",),
})


def advice_group_of(subcategory: str) -> str:
    """The Figure II group a leaf sub-category belongs to."""
    for group, leaves in ADVICE_GROUPS.items():
        if subcategory in leaves:
            return group
    raise KeyError(subcategory)


ALLEGATION_TYPES: Final = MappingProxyType({
    "fraud_corruption": "Fraud and corruption",
    "sexual_exploitation_abuse": "Sexual exploitation and abuse",
    "sexual_harassment": "Sexual harassment",
    "harassment_abuse_of_authority": "Harassment and abuse of authority",
    "discrimination": "Discrimination",
    "retaliation": "Retaliation",
    "misuse_of_resources": "Misuse of resources",
    "undisclosed_conflict_of_interest": "Conflict of interest not disclosed",
    "other": "Other",
})

# The most urgent allegations: forwarded first.
URGENT_ALLEGATIONS: Final = frozenset({"sexual_exploitation_abuse", "sexual_harassment"})

RETALIATION_OUTCOMES: Final = (
    "prima_facie_established",
    "no_prima_facie",
    "under_review",
    "suspended",
    "closed_referred_misconduct",
    "retaliation_established",
    "not_substantiated",
)

PROTECTED_ACTIVITIES: Final = MappingProxyType({
    "reported_misconduct": "Reported misconduct",
    "cooperated_investigation": "Cooperated with an investigation",
    "cooperated_audit": "Cooperated with an audit",
    "cooperated_oversight": "Cooperated with another oversight activity",
})

RETALIATORY_ACT_KINDS: Final = MappingProxyType({
    "action": "An adverse action was taken",
    "threat": "An adverse action was threatened",
})

DUTY_STATIONS: Final = MappingProxyType({
    "headquarters": "Headquarters",
    "regional_office": "Regional office",
    "country_office": "Country office",
    "other": "Other",
})

STAFF_CATEGORIES: Final = MappingProxyType({
    "international_professional": "International professional",
    "national_officer": "National officer",
    "general_service": "General service",
    "senior_leadership": "Senior leadership",
    "consultant": "Consultant",
    "volunteer": "Volunteer (UNV)",
    "intern": "Intern",
    "other_non_staff": "Other non-staff personnel",
})

LANGUAGES: Final = MappingProxyType({
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "ar": "العربية",
    "zh": "中文",
})

CONTACT_METHODS: Final = MappingProxyType({
    "email": "E-mail",
    "phone": "Telephone",
    "in_person": "In person or video call",
    "follow_up_page": "Only through the follow-up page",
})

REQUESTER_TYPES: Final = MappingProxyType({
    "individual": "For myself",
    "group": "For a group or team",
})

PROTECTIVE_MEASURES: Final = MappingProxyType({
    "suspend_contested_decision": "Suspend the contested decision",
    "temporary_reassignment": "Temporary reassignment",
    "change_of_reporting_line": "Change of reporting line",
    "other": "Other measure",
})

PROTECTIVE_MEASURE_OUTCOMES: Final = MappingProxyType({
    "recommended": "Recommended to the Executive Director",
    "implemented": "Implemented",
    "declined": "Declined by the Executive Director",
    "lifted": "Lifted",
})

# Corrective measures the Ethics Office recommends to the Executive Director once
# retaliation is established (after the independent review).
CORRECTIVE_MEASURES: Final = MappingProxyType({
    "rescind_decision": "Rescind or correct the retaliatory decision",
    "restore_position": "Restore the complainant's position, functions or prospects",
    "compensation": "Compensation for the harm suffered",
    "disciplinary_referral": "Refer the retaliator for disciplinary action",
    "other": "Other measure",
})

# Why a measure is recommended: interim protection while a prima facie case is open, or
# correction once retaliation is established.
MEASURE_PURPOSES: Final = MappingProxyType({
    "protective": "Interim protective measure",
    "corrective": "Corrective measure",
})

# The Executive Director's decision on a recommended measure.
MEASURE_DECISIONS: Final = MappingProxyType({
    "accepted": "Accepted by the Executive Director",
    "declined": "Declined by the Executive Director",
})

# Why a retaliation request is suspended (docs/vocabulary.md, "Suspension reasons"): required
# with `suspend`, counted in the annual report.
SUSPENSION_REASONS: Final = MappingProxyType({
    "parallel_complaint": "The complainant pursues one of two parallel complaints and "
                          "withdrew this one",
    "no_retaliatory_action": "The complainant confirms no retaliatory action happened and "
                             "wants the concern on record only",
})

# --- The service log and the annual report ---

# Table 1 categories no public form collects ("other service requests"): officers log them
# one by one, or they are imported.
OTHER_SERVICE_CATEGORIES: Final = (
    "champion_request",
    "training",
    "disclosure_support",
    "external_communication",
    "media_inquiry",
    "policy_input",
    "ethics_coherence",
)

# Table 1 categories an officer records through the service log (`log_service`,
# `intake log`): the other services; advice given outside the form, on missions, visits and
# events (Table 1, footnote a), with its sub-category; and misconduct allegations the office
# was only copied on (footnote c), which the investigations office already has, so they are
# never forwarded. An allegation made to the office goes through the misconduct form, which
# forwards it; a retaliation complaint only through its form, which opens its case.
LOGGED_SERVICE_CATEGORIES: Final = ("advice", *OTHER_SERVICE_CATEGORIES, "misconduct")

# The optional codes a logged entry may carry, by category (participants: trainings only,
# and required for them).
LOGGED_CODES: Final = MappingProxyType({
    "advice": ("requester_type", "duty_station", "staff_category"),
    "training": ("participants",),
    "misconduct": ("allegation_type", "duty_station"),
})

# Retaliation outcomes of a year (RETALIATION_OUTCOMES): the codes of import lines. The
# report gives them as separate figures, as the 2024 report does:

# The preliminary-review determination of each of the year's requests, as of the end of
# the year (each request has exactly one, so they add up to Table 1's retaliation).
PRELIMINARY_DETERMINATIONS: Final = (
    "prima_facie_established",
    "no_prima_facie",
    "under_review",
    "suspended",
    "closed_referred_misconduct",
)

# Steps of the Ethics Panel chair's review of a no-prima-facie determination.
PANEL_REVIEW_STEPS: Final = MappingProxyType({
    "requested": "Review requested by the complainant",
    "upheld": "Determination upheld",
    "returned": "Returned to the Ethics Office for reconsideration",
})

# The Ethics Office's final determination after its independent review of the
# investigation report.
INDEPENDENT_REVIEW_RESULTS: Final = MappingProxyType({
    "retaliation_established": "Retaliation established",
    "not_substantiated": "Retaliation not substantiated",
})

RETALIATION_OUTCOME_LABELS: Final = MappingProxyType({
    "prima_facie_established": "Prima facie case of retaliation",
    "no_prima_facie": "No prima facie case",
    "under_review": "Still under preliminary review",
    "suspended": "Suspended",
    "closed_referred_misconduct": "Closed and referred to investigations as misconduct",
    "retaliation_established": "Retaliation established after investigation",
    "not_substantiated": "Retaliation not substantiated after investigation",
})
