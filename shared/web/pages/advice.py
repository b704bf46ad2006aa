"""The confidential ethics advice request, as pages: anonymity first, then the question."""

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
from shared.web.formdefs import N_, Answers, Field, FormPage, Step, contact_fields

_GROUPS = {code: ADVICE_LABELS[code] for code in ADVICE_GROUPS}
_COI_KINDS = {code: ADVICE_LABELS[code] for code in ADVICE_GROUPS["conflict_of_interest"]}


def _several_kinds(answers: Answers) -> bool:
    return len(ADVICE_GROUPS.get(str(answers.get("category")), ())) > 1


ADVICE_PAGE = FormPage(
    code="advice",
    function="submit_advice",
    title=N_("Ask for confidential ethics advice"),
    intro=(
        N_("An ethics adviser answers your question in confidence."),
        N_("You can ask for yourself or for a team, by name or anonymously."),
    ),
    who_knows=(
        N_("Only the Ethics Office reads your request. Nobody else is told that you asked, "
           "and we never contact anyone your question is about without your agreement."),
        N_("If you ask anonymously, not even the Ethics Office knows who you are."),
    ),
    steps=(
        Step("anonymity", N_("Do you want to ask anonymously?"), (
            Field("anonymous", N_("Do you want to ask anonymously?"), "yesno",
                  hint=N_("If you do, we will not ask for your name or contact details. You "
                          "will get a reference and a receipt code to read our answer on the "
                          "follow-up page."),
                  reveals={"no": "details"},
                  messages={"required": N_("Choose Yes to ask anonymously, or No to give "
                                           "your name")}),
        )),
        Step("details", N_("How can we reach you?"), (
            *contact_fields(N_("Enter a telephone number, or choose another way for us to "
                               "answer you")),
            Field("contact_method", N_("How should we answer you?"), "radios",
                  options=CONTACT_METHODS),
            Field("state_change_emails", N_("E-mail me when my case changes state"),
                  "checkbox", hint=N_("The e-mail says only that something changed and "
                                      "where to read it, never what your case is about.")),
        )),
        Step("topic", N_("What is your question about?"), (
            Field("category", N_("What is your question about?"), "radios", options=_GROUPS,
                  messages={"required": N_("Choose what your question is about")}),
        )),
        Step("kind", N_("Which kind of conflict of interest?"), (
            Field("subcategory", N_("Which kind of conflict of interest?"), "radios",
                  options=_COI_KINDS,
                  messages={"required": N_("Choose which kind of conflict of interest it "
                                           "is")}),
        ), asked=_several_kinds),
        Step("question", N_("Your question"), (
            Field("question", N_("Your question"), "textarea", rows=10,
                  hint=N_("Describe the situation and what you would like to know. Give no "
                          "more personal details than needed."),
                  messages={"required": N_("Enter your question")}),
        )),
        Step("requester", N_("Who is the request for?"), (
            Field("requester_type", N_("Who is the request for?"), "radios",
                  options=REQUESTER_TYPES,
                  messages={"required": N_("Choose who the request is for")}),
        )),
        Step("group", N_("About the group"), (
            Field("group_size", N_("How many people are in the group?"), "number", short=True,
                  messages={"required": N_("Enter how many people are in the group"),
                            "invalid": N_("Enter the number of people in digits, for "
                                          "example 12")}),
            Field("group_unit", N_("Team or unit of the group")),
        )),
        Step("language", N_("Language for our answer"), (
            Field("preferred_language", N_("Language for our answer"), "select",
                  options=LANGUAGES),
        )),
        Step("work", N_("About your work"), (
            Field("duty_station", N_("Type of office"), "select", options=DUTY_STATIONS),
            Field("office", N_("Office"), hint=N_("For example: Dakar country office.")),
            Field("staff_category", N_("Staff category"), "select", options=STAFF_CATEGORIES),
            Field("grade", N_("Grade"), short=True),
            Field("function_title", N_("Job title")),
        ), intro=(N_("This helps us understand your situation. You can leave it empty."),)),
    ),
    consent=Field("consent_privacy_notice",
                  N_("I have read how the Ethics Office handles my information and I agree."),
                  "checkbox",
                  messages={"required": N_("Tick the box to agree to how we handle your "
                                           "information"),
                            "consent": N_("Tick the box to agree to how we handle your "
                                          "information")}),
    submit_label=N_("Send request"),
    received=N_("Your request was received"),
    anonymous_allowed=True,
)
