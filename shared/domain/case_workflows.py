"""The workflow of each form: its states, transitions, closed and on-hold states, and the
deadlines that run in each state (``shared.domain.workflow`` is the engine that reads them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

from shared.domain.workflow import (
    ALLEGATION_TYPE,
    NOTE,
    OFFICER,
    REASON,
    SYSTEM,
    Actor,
    Transition,
    Workflow,
)

# Deadline keys kept on a case (``Triage.deadlines``); computed by ``Policy``.
PRELIMINARY_REVIEW_DUE: Final = "preliminary_review_due"
PANEL_REVIEW_REQUEST_DUE: Final = "panel_review_request_due"
ADVICE_ANSWER_DUE: Final = "advice_answer_due"
# Feedback to the reporter (EU Directive 2019/1937, Art. 9: within 3 months of the
# acknowledgement), every form: met once the reporter has had the office's answer or
# determination, or, for misconduct, once the referral is acknowledged and the reporter
# can see where the report went.
FEEDBACK_DUE: Final = "feedback_due"


def _t(name: str, sources: Iterable[str], target: str, actor: Actor,
       description: str, *, requires: Iterable[str] = ()) -> Transition:
    return Transition(name, frozenset(sources), target, actor, description,
                      frozenset(requires))


REFERRED_AS_MISCONDUCT: Final = "closed_referred_misconduct"
PANEL_WINDOW_LAPSED: Final = "panel_window_lapsed"
# The one transition name that retries a failed referral, in every form: a workflow
# transition for a misconduct report (forwarding_failed -> received); for a case of another
# form, or a supplement that failed, a retry without a change of state.
RETRY_FORWARDING: Final = "retry_forwarding"

ADVICE_WORKFLOW: Final = Workflow(
    form="advice",
    initial="received",
    states=("received", "assigned", "answered", "closed", REFERRED_AS_MISCONDUCT),
    transitions=(
        _t("assign", {"received"}, "assigned", OFFICER,
           "An ethics adviser takes the request on. (Changing the assignee later is not a "
           "change of state.)"),
        _t("answer", {"assigned"}, "answered", OFFICER,
           "The adviser has answered the requester."),
        _t("close", {"answered"}, "closed", OFFICER, "Nothing more to do on the request."),
        _t("reopen", {"closed"}, "assigned", OFFICER,
           "The requester came back on the same matter: the request is worked on again."),
        _t("refer_as_misconduct", {"received", "assigned", "answered"},
           REFERRED_AS_MISCONDUCT, OFFICER,
           "The request reports possible misconduct: close it here and forward it to the "
           "investigations office as a misconduct report of the type the officer states.",
           requires={ALLEGATION_TYPE}),
    ),
    closed=frozenset({"closed", REFERRED_AS_MISCONDUCT}),
    # The answer the forms promise ("usually within 10 working days"), from reception or
    # from reopening.
    deadlines={ADVICE_ANSWER_DUE: frozenset({"received", "assigned"}),
               FEEDBACK_DUE: frozenset({"received", "assigned"})},
)

MISCONDUCT_WORKFLOW: Final = Workflow(
    form="misconduct",
    initial="received",
    states=("received", "forwarded", "acknowledged", "forwarding_failed"),
    transitions=(
        _t("forward", {"received"}, "forwarded", SYSTEM,
           "The investigations office accepted the referral and gave its case id."),
        _t("mark_forwarding_failed", {"received"}, "forwarding_failed", SYSTEM,
           "The investigations office refused the referral (4xx) or the retry budget ran "
           "out: an officer must act."),
        _t(RETRY_FORWARDING, {"forwarding_failed"}, "received", OFFICER,
           "Forward the report again."),
        _t("acknowledge", {"forwarded"}, "acknowledged", OFFICER,
           "Record the investigations office's acknowledgement of the report."),
    ),
    closed=frozenset({"acknowledged"}),
    # Until the investigations office's acknowledgement is recorded: the follow-up page
    # then tells the reporter where the report went.
    deadlines={FEEDBACK_DUE: frozenset({"received", "forwarded", "forwarding_failed"})},
)

# A retaliation request can be suspended while the Ethics Office holds it and before any
# external body does: not once it is with the Ethics Panel chair (panel_review_requested)
# or with the investigations office (referred_for_investigation and after, when the office
# owes an independent review of a finished investigation), and not after a determination
# (no_prima_facie waits for the complainant; the others close).
SUSPENDABLE: Final = frozenset({
    "received", "preliminary_review", "prima_facie_established", "returned", "reopened"})

RETALIATION_WORKFLOW: Final = Workflow(
    form="retaliation",
    initial="received",
    states=(
        "received", "preliminary_review", "prima_facie_established",
        "referred_for_investigation", "investigation_report_received", "independent_review",
        "retaliation_established", "not_substantiated", "no_prima_facie",
        "panel_review_requested", "upheld", "returned", PANEL_WINDOW_LAPSED, "suspended",
        "reopened", "closed", REFERRED_AS_MISCONDUCT,
    ),
    transitions=(
        _t("start_preliminary_review", {"received"}, "preliminary_review", OFFICER,
           "Start the preliminary review: protected activity, adverse action, plausible link."),
        _t("establish_prima_facie", {"preliminary_review"}, "prima_facie_established",
           OFFICER, "The preliminary review found a prima facie case of retaliation."),
        _t("find_no_prima_facie", {"preliminary_review"}, "no_prima_facie", OFFICER,
           "The preliminary review found no prima facie case; the complainant is notified "
           "(on the follow-up page and by e-mail) and may ask the Ethics Panel chair for a "
           "review within the window that runs from that notification."),
        _t("refer_for_investigation", {"prima_facie_established"},
           "referred_for_investigation", OFFICER,
           "Refer the matter to the investigations office for investigation of the alleged "
           "retaliatory acts: a signed referral, forwarded as a misconduct report is."),
        _t("receive_investigation_report", {"referred_for_investigation"},
           "investigation_report_received", OFFICER,
           "The investigations office sent its investigation report."),
        _t("start_independent_review", {"investigation_report_received"},
           "independent_review", OFFICER, "Start the independent review of the report."),
        _t("establish_retaliation", {"independent_review"}, "retaliation_established",
           OFFICER, "Retaliation established: recommend corrective measures to the "
           "Executive Director."),
        _t("find_not_substantiated", {"independent_review"}, "not_substantiated", OFFICER,
           "Retaliation not substantiated: recommend closing the matter."),
        _t("request_panel_review", {"no_prima_facie"}, "panel_review_requested", OFFICER,
           "Record that the complainant asked the Ethics Panel chair to review the "
           "determination."),
        _t("record_panel_upheld", {"panel_review_requested"}, "upheld", OFFICER,
           "The Ethics Panel chair upheld the determination."),
        _t("record_panel_returned", {"panel_review_requested"}, "returned", OFFICER,
           "The Ethics Panel chair returned the matter for reconsideration."),
        _t("record_late_panel_request", {PANEL_WINDOW_LAPSED}, "panel_review_requested",
           OFFICER, "A request for the Ethics Panel chair's review reached the office after "
           "the window: record it, with the reason (the note) it is taken up.",
           requires={NOTE}),
        _t("resume_preliminary_review", {"returned", "reopened"}, "preliminary_review",
           OFFICER, "Take up the preliminary review again (its deadline runs from the return "
           "or the reopening)."),
        _t("suspend", SUSPENDABLE, "suspended", OFFICER,
           "Suspend the request, for a reason of taxonomy.SUSPENSION_REASONS: the complainant "
           "pursues a parallel complaint elsewhere, or confirms no retaliatory action "
           "happened and wants the concern on record only.", requires={REASON}),
        _t("reopen", {"suspended"}, "reopened", OFFICER,
           "Circumstances changed: reopen the suspended request."),
        _t("refer_as_misconduct", {"received", "preliminary_review"}, REFERRED_AS_MISCONDUCT,
           OFFICER, "The request is a misconduct allegation unrelated to retaliation: close it "
           "and forward it to the investigations office as a misconduct report of the type "
           "the officer states.", requires={ALLEGATION_TYPE}),
        _t("close", {"retaliation_established", "not_substantiated", "upheld",
                     PANEL_WINDOW_LAPSED}, "closed", OFFICER, "Close the matter."),
        _t("lapse_panel_window", {"no_prima_facie"}, PANEL_WINDOW_LAPSED, SYSTEM,
           "The window to ask for the panel's review passed without a request (sweep, once "
           "panel_review_request_due is past). Not closed for good: a late request can still "
           "be recorded."),
    ),
    closed=frozenset({"closed", REFERRED_AS_MISCONDUCT}),
    on_hold=frozenset({"suspended", PANEL_WINDOW_LAPSED}),
    deadlines={
        # From reception, and afresh from the moment a case is returned or reopened: a case
        # the office must take up again is never without a clock.
        PRELIMINARY_REVIEW_DUE: frozenset({"received", "preliminary_review", "returned",
                                           "reopened"}),
        # From the moment the complainant is notified of the determination, not before.
        PANEL_REVIEW_REQUEST_DUE: frozenset({"no_prima_facie"}),
        # Met by the preliminary review's determination, which the complainant is told.
        FEEDBACK_DUE: frozenset({"received", "preliminary_review", "returned", "reopened"}),
    },
)



WORKFLOWS: Final[Mapping[str, Workflow]] = MappingProxyType({
    w.form: w for w in (ADVICE_WORKFLOW, MISCONDUCT_WORKFLOW, RETALIATION_WORKFLOW)})
