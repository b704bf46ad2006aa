"""The misconduct report, as pages: anonymity first, then what, when, where, who and the
evidence."""

from __future__ import annotations

from shared.domain.taxonomy import ALLEGATION_TYPES, DUTY_STATIONS, LANGUAGES, STAFF_CATEGORIES
from shared.web.formdefs import N_, Field, FormPage, Group, Rows, Step

ANONYMITY_HINT = N_("If you do, we will not ask for your name or contact details. You will "
                    "get a reference and a receipt code to follow up your report. Anonymous "
                    "reports are assessed too, but they are harder to pursue.")

MISCONDUCT_PAGE = FormPage(
    code="misconduct",
    function="submit_misconduct",
    title=N_("Report misconduct"),
    intro=(
        N_("The Ethics Office does not investigate misconduct: it forwards every report to "
           "the Office of Internal Audit and Investigations (OIAI), which assesses it."),
    ),
    who_knows=(
        N_("The Ethics Office and the Office of Internal Audit and Investigations (OIAI), "
           "which receives every report, read what you report and, unless you report "
           "anonymously, know who you are."),
        N_("The person you report is never told who reported them."),
        N_("If you report anonymously, nobody knows who you are: not the Ethics Office, and "
           "not OIAI."),
    ),
    steps=(
        Step("anonymity", N_("Do you want to report anonymously?"), (
            Field("anonymous", N_("Do you want to report anonymously?"), "yesno",
                  hint=ANONYMITY_HINT, reveals={"no": "details"},
                  messages={"required": N_("Choose Yes to report anonymously, or No to give "
                                           "your name")}),
        )),
        Step("details", N_("How can we reach you?"), (
            Group(N_("Your details"), (
                Field("name", N_("Your name"),
                      messages={"required": N_("Enter your name")}),
                Field("email", N_("Your e-mail address"), "email",
                      messages={"one_of": N_("Enter an e-mail address or a telephone "
                                             "number")}),
                Field("phone", N_("Your telephone number"), "tel"),
                Field("staff_category", N_("Your staff category"), "select",
                      options=STAFF_CATEGORIES),
                Field("state_change_emails", N_("E-mail me when my case changes state"),
                      "checkbox", hint=N_("The e-mail says only that something changed and "
                                          "where to read it, never what your case is "
                                          "about.")),
            ), name="reporter", hint=N_("Give an e-mail address, a telephone number, or "
                                        "both.")),
        )),
        Step("kind", N_("What kind of misconduct is it?"), (
            Field("allegation_type", N_("What kind of misconduct is it?"), "radios",
                  options=ALLEGATION_TYPES,
                  messages={"required": N_("Choose what kind of misconduct it is")}),
        )),
        Step("what", N_("What happened?"), (
            Field("what", N_("What happened?"), "textarea", rows=10,
                  hint=N_("Describe the facts: who did what, to whom, and what you saw or "
                          "heard."),
                  messages={"required": N_("Describe what happened")}),
            Field("how", N_("How was it done?"), "textarea",
                  hint=N_("For example: documents or systems used, who helped.")),
        )),
        Step("when", N_("When did it happen?"), (
            Field("incident_date", N_("The day it happened, or started"), "date",
                  approximate=True, unknown=True,
                  messages={"required": N_("Enter the day it started, since you gave the day "
                                           "it ended")}),
            Field("incident_end_date", N_("If it lasted: the day it ended"), "date",
                  messages={"before_start": N_("The day it ended must be the same as or "
                                               "after the day it started")}),
            Field("when_description", N_("When, in words"), "textarea", rows=2,
                  hint=N_("For example: every Monday since March."),
                  messages={"one_of": N_("Enter the day it happened, or say when in words")}),
        ), intro=(N_("Give the day it happened, or describe when in words if you do not know "
                     "the day."),)),
        Step("where", N_("Where did it happen?"), (
            Field("location", N_("Where did it happen?"), hint=N_("Office, country, place."),
                  messages={"required": N_("Enter where it happened")}),
            Field("duty_station", N_("Type of office"), "select", options=DUTY_STATIONS),
            Field("project", N_("Project or programme concerned")),
        )),
        Step("people", N_("Who is involved?"), (
            Rows("subjects", N_("Person %(number)s"), (
                Field("name", N_("Name"), messages={"required": N_("Enter the person's "
                                                                   "name")}),
                Field("title", N_("Job title")),
                Field("organisation", N_("Organisation")),
            ), add_first=N_("Add a person"), add_another=N_("Add another person"),
                remove=N_("Remove this person"),
                none_yet=N_("You have not added anyone. You can go on without naming "
                            "anyone.")),
        ), intro=(N_("The people the report is about, if you know them."),)),
        Step("evidence", N_("Evidence"), (
            Field("evidence_description", N_("Evidence"), "textarea",
                  hint=N_("Documents, photos or messages, and where they are kept. This form "
                          "cannot take files: describe them.")),
        )),
        Step("witnesses", N_("Witnesses"), (
            Rows("witnesses", N_("Witness %(number)s"), (
                Field("name", N_("Name"), messages={"required": N_("Enter the witness's "
                                                                   "name")}),
                Field("contact", N_("How to reach them")),
                Field("may_contact", N_("The investigators may contact this witness."),
                      "checkbox"),
            ), add_first=N_("Add a witness"), add_another=N_("Add another witness"),
                remove=N_("Remove this witness"),
                none_yet=N_("You have not added a witness. You can go on without one.")),
        )),
        Step("language", N_("Language for our messages"), (
            Field("preferred_language", N_("Language for our messages"), "select",
                  options=LANGUAGES),
        )),
    ),
    consent=Field("consent_forwarding",
                  N_("I understand that my report will be forwarded to the Office of Internal "
                     "Audit and Investigations."), "checkbox",
                  messages={"required": N_("Tick the box to say that you understand your "
                                           "report will be forwarded"),
                            "consent": N_("Tick the box to say that you understand your "
                                          "report will be forwarded")}),
    submit_label=N_("Send report"),
    received=N_("Your report was received"),
    anonymous_allowed=True,
)
