"""The retaliation complaint (protection against retaliation), as a page. Never anonymous."""

from __future__ import annotations

from shared.domain.taxonomy import (
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    PROTECTED_ACTIVITIES,
    RETALIATORY_ACT_KINDS,
    STAFF_CATEGORIES,
)
from shared.web.formdefs import N_, YES_NO, Field, FormPage, Group, Section
from shared.web.pages.misconduct import DATE_HINT

_CONTACT = {code: label for code, label in CONTACT_METHODS.items() if code != "follow_up_page"}

RETALIATION_PAGE = FormPage(
    code="retaliation",
    function="submit_retaliation",
    title=N_("Complain of retaliation"),
    intro=(
        N_("If you suffered, or were threatened with, an adverse action because you reported "
           "misconduct or cooperated with an investigation, an audit or another oversight "
           "activity, the Ethics Office reviews your complaint and can recommend measures "
           "to protect you."),
        N_("This complaint cannot be anonymous: the review needs to know who you are. It "
           "stays confidential."),
    ),
    sections=(
        Section(N_("About you"), (
            Group(N_("Your details"), (
                Field("name", N_("Full name"), required=True, max_length=200,
                      autocomplete="name"),
                Field("email", N_("E-mail address"), "email", required=True, max_length=254,
                      autocomplete="email"),
                Field("phone", N_("Telephone number"), "tel", max_length=40,
                      autocomplete="tel", hint=N_("Required if you ask to be called."),
                      conditional=True),
                Field("staff_id", N_("Index or personnel number"), max_length=40),
            ), name="complainant"),
            Group(N_("Your employment"), (
                Field("staff_category", N_("Staff category"), "select", required=True,
                      options=STAFF_CATEGORIES),
                Field("grade", N_("Grade"), max_length=20),
                Field("duty_station", N_("Type of office"), "select", required=True,
                      options=DUTY_STATIONS),
                Field("office", N_("Office"), max_length=200),
                Field("function_title", N_("Job title"), max_length=200),
                Field("supervisor", N_("Your supervisor's name"), max_length=200),
            ), name="employment"),
        )),
        Section(N_("What you did: the protected activity"), (
            Group(N_("Your protected activity"), (
                Field("type", N_("What did you do?"), "radios", required=True,
                      options=PROTECTED_ACTIVITIES),
                Field("date", N_("When?"), "date", required=True, hint=DATE_HINT),
                Field("reported_to", N_("To whom did you report, or which investigation or "
                                        "audit was it?"), required=True, max_length=300),
                Field("description", N_("Describe what you did"), "textarea", required=True,
                      max_length=10000),
            ), name="protected_activity"),
        )),
        Section(N_("What was done to you"), (
            Group(N_("Act %(number)s"), (
                Field("date", N_("Date"), "date", required=True, hint=DATE_HINT),
                Field("kind", N_("Was it done or threatened?"), "select",
                      options=RETALIATORY_ACT_KINDS),
                Field("description", N_("What was done or threatened?"), "textarea",
                      required=True, max_length=5000, rows=4),
                Field("by_whom", N_("Who did it?"), required=True, max_length=300),
            ), name="retaliatory_acts", repeat=3),
            Field("link_explanation", N_("Why do you think these acts are linked to what you "
                                         "did?"), "textarea", required=True, max_length=10000,
                  rows=6),
        ), intro=N_("Give at least one act. If there were more than three, describe the others "
                    "in your explanation.")),
        Section(N_("Protection while your complaint is reviewed"), (
            Field("interim_measures_requested",
                  N_("Do you ask for interim protective measures?"), "yesno",
                  hint=N_("For example: suspending the contested decision, or a temporary "
                          "reassignment, while your complaint is reviewed.")),
            Field("interim_measures_details", N_("Which measures do you ask for?"),
                  "textarea", max_length=5000, rows=3,
                  hint=N_("Only if you ask for interim measures."), conditional=True),
        )),
        Section(N_("Witnesses"), (
            Group(N_("Witness %(number)s"), (
                Field("name", N_("Name"), required=True, max_length=200),
                Field("contact", N_("How to reach them"), max_length=300),
                Field("may_contact", N_("May the Ethics Office contact this witness?"),
                      "yesno", required=True, options=YES_NO),
            ), name="witnesses", repeat=2),
        )),
        Section(N_("How we contact you"), (
            Field("contact_method", N_("How should we contact you?"), "radios",
                  options=_CONTACT),
            Field("preferred_language", N_("Language for our messages"), "select",
                  options=LANGUAGES),
        )),
        Section(N_("Before you send"), (
            Field("consent_privacy_notice",
                  N_("I have read how the Ethics Office handles my information and I "
                     "agree."), "checkbox", required=True),
        )),
    ),
    submit_label=N_("Send complaint"),
    anonymous_allowed=False,
)
