"""The console's words for the workflows: every form, state, officer's transition, history
event, deadline and referral status, as English source strings for the catalogues. A test
checks every workflow state and officer transition has its label here."""

from __future__ import annotations

from typing import Final

from shared.web.formdefs import N_

FORMS: Final = {
    "advice": N_("Advice request"),
    "misconduct": N_("Misconduct report"),
    "retaliation": N_("Retaliation complaint"),
}

STATES: Final = {
    "received": N_("Received"),
    "assigned": N_("Assigned"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
    "closed_referred_misconduct": N_("Closed: referred as misconduct"),
    "forwarded": N_("Forwarded to investigations"),
    "acknowledged": N_("Acknowledged by investigations"),
    "forwarding_failed": N_("Referral failed"),
    "preliminary_review": N_("Preliminary review"),
    "prima_facie_established": N_("Prima facie case established"),
    "referred_for_investigation": N_("Referred for investigation"),
    "investigation_report_received": N_("Investigation report received"),
    "independent_review": N_("Independent review"),
    "retaliation_established": N_("Retaliation established"),
    "not_substantiated": N_("Not substantiated"),
    "no_prima_facie": N_("No prima facie case"),
    "panel_review_requested": N_("Ethics Panel review requested"),
    "upheld": N_("Upheld by the Ethics Panel"),
    "returned": N_("Returned by the Ethics Panel"),
    "panel_window_lapsed": N_("Panel review window lapsed"),
    "suspended": N_("Suspended"),
    "reopened": N_("Reopened"),
}

TRANSITIONS: Final = {
    "assign": N_("Mark as assigned"),
    "answer": N_("Mark as answered"),
    "close": N_("Close"),
    "reopen": N_("Reopen"),
    "refer_as_misconduct": N_("Close and refer as misconduct"),
    "retry_forwarding": N_("Send the referral again"),
    "acknowledge": N_("Record the acknowledgement"),
    "start_preliminary_review": N_("Start the preliminary review"),
    "establish_prima_facie": N_("Establish a prima facie case"),
    "find_no_prima_facie": N_("Find no prima facie case"),
    "refer_for_investigation": N_("Refer for investigation"),
    "receive_investigation_report": N_("Record the investigation report"),
    "start_independent_review": N_("Start the independent review"),
    "establish_retaliation": N_("Establish retaliation"),
    "find_not_substantiated": N_("Find retaliation not substantiated"),
    "request_panel_review": N_("Record a request for panel review"),
    "record_panel_upheld": N_("Record: the panel upheld"),
    "record_panel_returned": N_("Record: the panel returned the matter"),
    "record_late_panel_request": N_("Record a late request for panel review"),
    "resume_preliminary_review": N_("Resume the preliminary review"),
    "suspend": N_("Suspend"),
}

EVENTS: Final = {
    "received": N_("Received"),
    "triaged": N_("Triaged"),
    "read": N_("Opened the case"),
    "transition": N_("Changed the state"),
    "assigned": N_("Assigned"),
    "note": N_("Internal note"),
    "reply_to_submitter": N_("Reply to the submitter"),
    "submitter_message": N_("Message from the submitter"),
    "access_refused": N_("Access refused"),
    "officer_recused": N_("Officer recused"),
    "deadline_alert": N_("Deadline alert"),
    "integrity_alert": N_("Integrity alert"),
    "forward_attempt_failed": N_("Referral attempt failed"),
    "forwarding_failed": N_("Referral failed"),
    "referral_retried": N_("Referral sent again"),
    "supplement_queued": N_("Supplement queued for investigations"),
    "supplement_forwarded": N_("Supplement forwarded to investigations"),
    "protective_measure": N_("Protective measure"),
    "corrective_measure": N_("Corrective measure"),
    "legal_hold_placed": N_("Legal hold placed"),
    "legal_hold_lifted": N_("Legal hold lifted"),
    "retention_extended": N_("Retention extended"),
    "retention_pushed_back": N_("Retention date pushed back"),
    "purged": N_("Records deleted"),
    "attachment_downloaded": N_("Downloaded a file"),
    "record_confirmed": N_("The reporter confirmed the record"),
    "record_correction_requested": N_("The reporter asked for a correction of the record"),
}

# How a report reached the office (proxy_intake.CHANNELS), and where the reporter's review
# of an officer's record of it stands.
CHANNELS: Final = {
    "web": N_("Web form"),
    "telephone": N_("Telephone"),
    "in_person": N_("In person"),
    "mission": N_("On a mission"),
    "post": N_("Post"),
    "email": N_("E-mail"),
}
RECORD_REVIEWS: Final = {
    "pending": N_("Not yet confirmed by the reporter"),
    "confirmed": N_("Confirmed by the reporter"),
    "correction_requested": N_("The reporter asked for a correction"),
}

DEADLINES: Final = {
    "preliminary_review_due": N_("Preliminary review due"),
    "panel_review_request_due": N_("Panel review request due"),
    "advice_answer_due": N_("Answer due"),
    "feedback_due": N_("Feedback to the reporter due"),
}

REFERRALS: Final = {
    "pending": N_("Referral pending"),
    "delivered": N_("Referral delivered"),
    "failed": N_("Referral failed"),
}

ACTORS: Final = {
    "system": N_("The system"),
    "submitter": N_("The submitter"),
}

PRIORITIES: Final = {
    "urgent": N_("Urgent"),
    "high": N_("High"),
    "normal": N_("Normal"),
}

# The management indicators' steps and clocks (shared.domain.handling_times).
MILESTONES: Final = {
    "first_response": N_("First response"),
    "prima_facie_determination": N_("Prima facie determination"),
    "referral": N_("Referral accepted"),
    "close": N_("Closed"),
}
CLOCKS: Final = {
    "acknowledgement": N_("Acknowledgement within 7 days"),
    "advice_answer_due": N_("Answer to the advice request"),
    "preliminary_review_due": N_("Preliminary review"),
    "feedback_due": N_("Feedback to the reporter"),
}
