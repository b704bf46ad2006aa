"""What the follow-up page tells a submitter about their case: one plain-language "next
step" per state of each form's workflow (English source strings; the web layer translates).

The texts say what happens next and who acts, never an officer's name, a note or a detail
of the case. A misconduct report that could not be forwarded yet is described honestly
but without alarm: it is stored and an officer is on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from shared.domain.workflow import REFERRED_AS_MISCONDUCT, WORKFLOWS, UnknownState

_INVESTIGATIONS = "the Office of Internal Audit and Investigations"
_PANEL_CHAIR = "the Chair of the Ethics Panel of the United Nations"

NEXT_STEPS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({
    "advice": MappingProxyType({
        "received": "Your request has reached the Ethics Office. An ethics adviser will "
                    "take it up; it stays confidential to you.",
        "assigned": "An ethics adviser is working on your request and will answer by the "
                    "contact method you chose.",
        "answered": "An ethics adviser has answered your request. For a follow-up "
                    "question, quote your reference.",
        "closed": "Your request is closed. If you need more advice on the same matter, "
                  "contact the Ethics Office and quote your reference.",
        REFERRED_AS_MISCONDUCT:
            "Your request describes possible misconduct, which the Ethics Office does not "
            f"investigate itself. It was closed here and passed to {_INVESTIGATIONS}, which "
            "assesses every allegation.",
    }),
    "misconduct": MappingProxyType({
        "received": f"Your report has reached the Ethics Office and is being passed to "
                    f"{_INVESTIGATIONS}.",
        "forwarded": f"Your report has been passed to {_INVESTIGATIONS}, which assesses "
                     "every allegation. The Ethics Office does not investigate misconduct "
                     "itself.",
        "acknowledged": "The Office of Internal Audit and Investigations has confirmed that "
                        "it received your report. Any further steps are theirs.",
        "forwarding_failed": f"Your report is safely stored. Passing it to {_INVESTIGATIONS} "
                             "is taking longer than usual; an ethics officer is making sure "
                             "it arrives.",
    }),
    "retaliation": MappingProxyType({
        "received": "Your complaint has reached the Ethics Office. Its preliminary review "
                    "will start shortly.",
        "preliminary_review": "The Ethics Office is carrying out the preliminary review: was "
                              "there a protected activity, an adverse action, and a plausible "
                              "link between them? You may be asked for more information.",
        "prima_facie_established": "The preliminary review found a prima facie case of "
                                   "retaliation. The matter will be referred for "
                                   "investigation; the Ethics Office can recommend interim "
                                   "measures to protect you.",
        "referred_for_investigation": f"The matter has been referred to {_INVESTIGATIONS}, "
                                      "which investigates it. The Ethics Office remains your "
                                      "contact for protection measures.",
        "investigation_report_received": "The investigation report has reached the Ethics "
                                         "Office, which will review it independently.",
        "independent_review": "The Ethics Office is reviewing the investigation report "
                              "independently before its final determination.",
        "retaliation_established": "The Ethics Office has determined that retaliation took "
                                   "place and has recommended corrective measures. You will "
                                   "be informed in writing.",
        "not_substantiated": "The Ethics Office has determined that retaliation was not "
                             "substantiated. You will be informed of the reasons in writing.",
        "no_prima_facie": "The preliminary review did not find a prima facie case of "
                          f"retaliation. You may ask {_PANEL_CHAIR} to review this "
                          "determination within the time limit given in your notification.",
        "panel_review_requested": f"You asked {_PANEL_CHAIR} to review the determination. "
                                  "You will be informed of the Chair's decision.",
        "upheld": "The Chair of the Ethics Panel upheld the determination. The matter will "
                  "be closed.",
        "returned": "The Chair of the Ethics Panel returned the matter to the Ethics Office, "
                    "which will take up its preliminary review again.",
        "suspended": "The matter is suspended, as agreed with you. If circumstances change, "
                     "contact the Ethics Office and quote your reference to reopen it.",
        "reopened": "The matter has been reopened; its preliminary review will resume.",
        "closed": "The matter is closed. If circumstances change, contact the Ethics Office "
                  "and quote your reference.",
        REFERRED_AS_MISCONDUCT:
            "Your request concerns possible misconduct rather than retaliation. It was "
            f"closed here and passed to {_INVESTIGATIONS}, which assesses every allegation.",
    }),
})


def next_step(form: str, state: str) -> str:
    """The follow-up page's text for a case of ``form`` in ``state``."""
    try:
        return NEXT_STEPS[form][state]
    except KeyError:
        raise UnknownState(form, state) from None


def _check_every_state_has_a_text() -> None:
    for form, workflow in WORKFLOWS.items():
        texts = NEXT_STEPS.get(form, {})
        if set(texts) != set(workflow.states):
            raise ValueError(f"next steps of {form}: missing {set(workflow.states) - set(texts)}"
                             f", extra {set(texts) - set(workflow.states)}")


_check_every_state_has_a_text()
