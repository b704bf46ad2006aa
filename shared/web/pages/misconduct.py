"""The misconduct report, as a page: who, what, when, where, how, evidence."""

from __future__ import annotations

from shared.domain.taxonomy import ALLEGATION_TYPES, DUTY_STATIONS, LANGUAGES, STAFF_CATEGORIES
from shared.web.formdefs import N_, Field, FormPage, Group, Section

DATE_HINT = N_("Year-month-day, for example 2025-06-01.")

MISCONDUCT_PAGE = FormPage(
    code="misconduct",
    function="submit_misconduct",
    title=N_("Report misconduct"),
    intro=(
        N_("The Ethics Office does not investigate misconduct: it forwards every report to "
           "the Office of Internal Audit and Investigations (OIAI), which assesses it."),
        N_("You may report anonymously. Anonymous reports are assessed too, but they are "
           "harder to pursue."),
    ),
    sections=(
        Section(N_("What happened"), (
            Field("allegation_type", N_("What kind of misconduct is it?"), "radios",
                  required=True, options=ALLEGATION_TYPES),
            Field("what", N_("What happened?"), "textarea", required=True, max_length=10000,
                  rows=8, hint=N_("Describe the facts: who did what, to whom, and what you "
                                  "saw or heard.")),
            Field("how", N_("How was it done?"), "textarea", max_length=10000,
                  hint=N_("For example: documents or systems used, who helped.")),
        )),
        Section(N_("When and where"), (
            Field("incident_date", N_("When did it happen, or start?"), "date",
                  hint=DATE_HINT),
            Field("incident_end_date", N_("When did it end, if it lasted?"), "date",
                  hint=DATE_HINT),
            Field("when_description", N_("When, in words"), "textarea", max_length=500,
                  rows=2, hint=N_("If you do not know the dates, for example: every Monday "
                                  "since March.")),
            Field("location", N_("Where did it happen?"), required=True, max_length=500,
                  hint=N_("Office, country, place.")),
            Field("duty_station", N_("Type of office"), "select", options=DUTY_STATIONS),
            Field("project", N_("Project or programme concerned"), max_length=300),
        )),
        Section(N_("Who is involved"), (
            Group(N_("Person %(number)s"), (
                Field("name", N_("Name"), required=True, max_length=200),
                Field("title", N_("Job title"), max_length=200),
                Field("organisation", N_("Organisation"), max_length=200),
            ), name="subjects", repeat=2),
        ), intro=N_("The people the report is about, if you know them. Leave this empty if "
                    "you do not.")),
        Section(N_("Evidence and witnesses"), (
            Field("evidence_description", N_("Evidence"), "textarea", max_length=10000,
                  hint=N_("Documents, photos or messages, and where they are kept. This "
                          "form cannot take files: describe them.")),
            Group(N_("Witness %(number)s"), (
                Field("name", N_("Name"), required=True, max_length=200),
                Field("contact", N_("How to reach them"), max_length=300),
                Field("may_contact", N_("The investigators may contact this witness."),
                      "checkbox"),
            ), name="witnesses", repeat=2),
        )),
        Section(N_("About you"), (
            Field("anonymous", N_("Do you want to report anonymously?"), "yesno",
                  hint=N_("If you do, leave your details empty. You will get a reference "
                          "and a receipt code to follow up your report.")),
            Group(N_("Your details"), (
                Field("name", N_("Your name"), max_length=200, autocomplete="name",
                      conditional=True),
                Field("email", N_("Your e-mail address"), "email", max_length=254,
                      autocomplete="email", conditional=True),
                Field("phone", N_("Your telephone number"), "tel", max_length=40,
                      autocomplete="tel", conditional=True),
                Field("staff_category", N_("Your staff category"), "select",
                      options=STAFF_CATEGORIES),
            ), name="reporter", hint=N_("Required unless you report anonymously: your name, "
                                        "and an e-mail address or a telephone number.")),
            Field("preferred_language", N_("Language for our messages"), "select",
                  options=LANGUAGES),
        )),
        Section(N_("Before you send"), (
            Field("consent_forwarding",
                  N_("I understand that my report will be forwarded to the Office of "
                     "Internal Audit and Investigations."), "checkbox", required=True),
        )),
    ),
    submit_label=N_("Send report"),
    anonymous_allowed=True,
)
