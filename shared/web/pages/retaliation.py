"""The retaliation complaint (protection against retaliation), as pages. Never anonymous."""

from __future__ import annotations

from shared.domain.taxonomy import (
    CONTACT_METHODS,
    DUTY_STATIONS,
    LANGUAGES,
    PROTECTED_ACTIVITIES,
    RETALIATORY_ACT_KINDS,
    STAFF_CATEGORIES,
)
from shared.web.formdefs import (
    N_,
    YES_NO,
    Field,
    FormPage,
    Group,
    Rows,
    Step,
    Term,
    contact_fields,
)

_CONTACT = {code: label for code, label in CONTACT_METHODS.items() if code != "follow_up_page"}
_DATE_APPROXIMATE = N_("If you do not remember the day, give the month and the year and tick "
                       "“about”.")

PROTECTED_ACTIVITY = Term(
    N_("Protected activity"),
    N_("What you did that the policy protects: reporting misconduct, or cooperating with an "
       "investigation, an audit or another oversight activity."))
ADVERSE_ACTION = Term(
    N_("Adverse action"),
    N_("Something done to you that harms your work or career, or a threat of it: for example "
       "a contract not renewed, a bad evaluation, a transfer or a demotion."))
PRIMA_FACIE = Term(
    N_("Prima facie case"),
    N_("“At first sight”: the Ethics Office's first review finds enough to believe that "
       "retaliation may have happened, so it is investigated."))
INTERIM_MEASURES = Term(
    N_("Interim protective measures"),
    N_("Temporary steps that protect you while your complaint is reviewed: for example "
       "suspending a decision against you, or moving you to another team for a while."))

RETALIATION_PAGE = FormPage(
    code="retaliation",
    function="submit_retaliation",
    title=N_("Complain of retaliation"),
    intro=(
        N_("If something was done to you, or you were threatened, because you reported "
           "misconduct or cooperated with an investigation, an audit or another oversight "
           "activity, the Ethics Office reviews your complaint and can recommend measures "
           "to protect you."),
        N_("This complaint cannot be anonymous: the review needs to know who you are. It "
           "stays confidential."),
    ),
    who_knows=(
        N_("The Ethics Office reads your complaint and knows who you are."),
        N_("If it finds a prima facie case, the Office of Internal Audit and Investigations "
           "(OIAI) investigates, and will know who you are too."),
        N_("The Ethics Office never gives your complaint to the people you name in it."),
    ),
    steps=(
        Step("you", N_("About you"), (
            Group(N_("Your details"), (
                *contact_fields(N_("Enter a telephone number, or choose another way for "
                                   "us to contact you")),
                Field("staff_id", N_("Index or personnel number"), short=True),
                Field("state_change_emails", N_("E-mail me when my case changes state"),
                      "checkbox", hint=N_("The e-mail says only that something changed and "
                                          "where to read it, never what your case is "
                                          "about.")),
            ), name="complainant"),
            Field("contact_method", N_("How should we contact you?"), "radios",
                  options=_CONTACT),
        )),
        Step("employment", N_("Your employment"), (
            Group(N_("Your employment"), (
                Field("staff_category", N_("Staff category"), "select",
                      options=STAFF_CATEGORIES,
                      messages={"required": N_("Choose your staff category")}),
                Field("grade", N_("Grade"), short=True),
                Field("duty_station", N_("Type of office"), "select", options=DUTY_STATIONS,
                      messages={"required": N_("Choose the type of office you work in")}),
                Field("office", N_("Office")),
                Field("function_title", N_("Job title")),
                Field("supervisor", N_("Your supervisor's name")),
            ), name="employment"),
        )),
        Step("activity", N_("What you did: the protected activity"), (
            Group(N_("Your protected activity"), (
                Field("type", N_("What did you do?"), "radios", options=PROTECTED_ACTIVITIES,
                      messages={"required": N_("Choose what you did")}),
                Field("date", N_("When?"), "date", approximate=True,
                      hint=_DATE_APPROXIMATE,
                      messages={"required": N_("Enter when you did it")}),
                Field("reported_to", N_("To whom did you report, or which investigation or "
                                        "audit was it?"),
                      messages={"required": N_("Enter to whom you reported, or which "
                                               "investigation or audit it was")}),
                Field("description", N_("Describe what you did"), "textarea",
                      messages={"required": N_("Describe what you did")}),
            ), name="protected_activity"),
        ), terms=(PROTECTED_ACTIVITY,)),
        Step("acts", N_("What was done to you"), (
            Rows("retaliatory_acts", N_("Act %(number)s"), (
                Field("date", N_("When?"), "date", approximate=True, hint=_DATE_APPROXIMATE,
                      messages={"required": N_("Enter when it was done or threatened"),
                                "predates_activity": N_("This is before what you did: check "
                                                        "both dates, or tick “about”")}),
                Field("kind", N_("Was it done or threatened?"), "select",
                      options=RETALIATORY_ACT_KINDS),
                Field("description", N_("What was done or threatened?"), "textarea", rows=4,
                      messages={"required": N_("Describe what was done or threatened")}),
                Field("by_whom", N_("Who did it?"),
                      messages={"required": N_("Enter who did it")}),
            ), add_first=N_("Add an act"), add_another=N_("Add another act"),
                remove=N_("Remove this act"),
                none_yet=N_("Add at least one act that was done to you or threatened."),
                messages={"too_short": N_("Add at least one act that was done to you or "
                                          "threatened"),
                          "required": N_("Add at least one act that was done to you or "
                                         "threatened")}),
        ), terms=(ADVERSE_ACTION,)),
        Step("link", N_("Why do you think these acts are linked to what you did?"), (
            Field("link_explanation", N_("Why do you think these acts are linked to what you "
                                         "did?"), "textarea", rows=6,
                  messages={"required": N_("Explain why you think the acts are linked to what "
                                           "you did")}),
        )),
        Step("interim", N_("Do you ask for interim protective measures?"), (
            Field("interim_measures_requested",
                  N_("Do you ask for interim protective measures?"), "yesno",
                  hint=N_("For example: suspending the contested decision, or a temporary "
                          "reassignment, while your complaint is reviewed."),
                  reveals={"yes": "measures"},
                  messages={"required": N_("Choose Yes if you ask for interim protective "
                                           "measures, or No")}),
        ), terms=(INTERIM_MEASURES,)),
        Step("measures", N_("Which measures do you ask for?"), (
            Field("interim_measures_details", N_("Which measures do you ask for?"),
                  "textarea", rows=4),
        )),
        Step("witnesses", N_("Witnesses"), (
            Rows("witnesses", N_("Witness %(number)s"), (
                Field("name", N_("Name"), messages={"required": N_("Enter the witness's "
                                                                   "name")}),
                Field("contact", N_("How to reach them")),
                Field("may_contact", N_("May the Ethics Office contact this witness?"),
                      "yesno", options=YES_NO,
                      messages={"required": N_("Choose whether the Ethics Office may contact "
                                               "this witness")}),
            ), add_first=N_("Add a witness"), add_another=N_("Add another witness"),
                remove=N_("Remove this witness"),
                none_yet=N_("You have not added a witness. You can go on without one.")),
        )),
        Step("language", N_("Language for our messages"), (
            Field("preferred_language", N_("Language for our messages"), "select",
                  options=LANGUAGES),
        )),
    ),
    consent=Field("consent_privacy_notice",
                  N_("I have read how the Ethics Office handles my information and I agree."),
                  "checkbox",
                  messages={"required": N_("Tick the box to agree to how we handle your "
                                           "information"),
                            "consent": N_("Tick the box to agree to how we handle your "
                                          "information")}),
    submit_label=N_("Send complaint"),
    received=N_("Your complaint was received"),
    anonymous_allowed=False,
    terms=(PROTECTED_ACTIVITY, ADVERSE_ACTION, PRIMA_FACIE, INTERIM_MEASURES),
)
