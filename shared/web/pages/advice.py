"""The confidential ethics advice request, as a page."""

from __future__ import annotations

from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ADVICE_LABELS,
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    REQUESTER_TYPES,
    STAFF_CATEGORIES,
)
from shared.web.formdefs import N_, Field, FormPage, Section

_GROUPS = {code: ADVICE_LABELS[code] for code in ADVICE_GROUPS}
_COI_KINDS = {code: ADVICE_LABELS[code] for code in ADVICE_GROUPS["conflict_of_interest"]}
_ONLY_GROUP = N_("Only for a request made for a group.")
_UNLESS_ANONYMOUS = N_("Required unless you ask anonymously.")

ADVICE_PAGE = FormPage(
    code="advice",
    function="submit_advice",
    title=N_("Ask for confidential ethics advice"),
    intro=(
        N_("An ethics adviser answers your question in confidence: your request stays "
           "between you and the Ethics Office."),
        N_("You can ask for yourself or for a team, by name or anonymously."),
    ),
    sections=(
        Section(N_("Your question"), (
            Field("category", N_("What is your question about?"), "radios", required=True,
                  options=_GROUPS),
            Field("subcategory", N_("If it is about a conflict of interest: which kind?"),
                  "select", options=_COI_KINDS,
                  hint=N_("Leave this empty for other topics.")),
            Field("question", N_("Your question"), "textarea", required=True,
                  max_length=10000, rows=8,
                  hint=N_("Describe the situation and what you would like to know. Give no "
                          "more personal details than needed.")),
        )),
        Section(N_("Who is asking"), (
            Field("requester_type", N_("Who is the request for?"), "radios",
                  options=REQUESTER_TYPES),
            Field("group_size", N_("How many people are in the group?"), "number",
                  hint=_ONLY_GROUP, conditional=True),
            Field("group_unit", N_("Team or unit of the group"), max_length=200,
                  hint=_ONLY_GROUP),
        )),
        Section(N_("Anonymity and contact"), (
            Field("anonymous", N_("Do you want to ask anonymously?"), "yesno",
                  hint=N_("If you do, leave your name and contact details empty. You will "
                          "get a reference and a receipt code to read the answer on the "
                          "follow-up page.")),
            Field("name", N_("Full name"), max_length=200, autocomplete="name",
                  hint=_UNLESS_ANONYMOUS, conditional=True),
            Field("email", N_("E-mail address"), "email", autocomplete="email",
                  max_length=254, hint=_UNLESS_ANONYMOUS, conditional=True),
            Field("phone", N_("Telephone number"), "tel", autocomplete="tel", max_length=40,
                  hint=N_("Only if you want to be called.")),
            Field("contact_method", N_("How should we answer you?"), "radios",
                  options=CONTACT_METHODS,
                  hint=N_("If you ask anonymously, answers come only through the follow-up "
                          "page.")),
            Field("preferred_language", N_("Language for our answer"), "select",
                  options=LANGUAGES),
        )),
        Section(N_("About your work"), (
            Field("duty_station", N_("Type of office"), "select", options=DUTY_STATIONS),
            Field("office", N_("Office"), max_length=200, hint=N_("For example: Dakar country "
                                                                  "office.")),
            Field("staff_category", N_("Staff category"), "select", options=STAFF_CATEGORIES),
            Field("grade", N_("Grade"), max_length=20),
            Field("function_title", N_("Job title"), max_length=200),
        ), intro=N_("This helps us understand your situation. You can leave it empty.")),
        Section(N_("Before you send"), (
            Field("consent_privacy_notice",
                  N_("I have read how the Ethics Office handles my information and I "
                     "agree."), "checkbox", required=True),
        )),
    ),
    submit_label=N_("Send request"),
    anonymous_allowed=True,
)
