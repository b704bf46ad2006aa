"""What a submitter reads about a case says only what the system knows, in every language.

Each state's facts are worked out here from the workflows and the referral's status,
independently of the status table: a case is with the investigations office only once
that office accepted its referral (a misconduct report ``forwarded`` or ``acknowledged``,
or any case whose referral is ``delivered``); nothing tells the submitter that the office
investigates, which only that office knows. Every text shown for a state (and referral
status) must claim no more than those facts, in English by its words and in every
language as the catalogue's translation of that very text, told apart from what is shown
when the facts differ.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from shared.domain.case_workflows import WORKFLOWS
from shared.domain.follow_up import (
    REFERRAL_DELIVERED,
    REFERRAL_FAILED,
    REFERRAL_PENDING,
    STATUSES,
    SubmitterStatus,
    referral_fact,
    submitter_status,
)
from shared.domain.records import Forwarding, Supplement
from shared.web.i18n import LANGUAGES, SOURCE_LANGUAGE, translations

REFERRAL_STATUSES = ("pending", "delivered", "failed")
# A misconduct report's state says where its referral stands.
MISCONDUCT_REFERRAL = {"received": "pending", "forwarded": "delivered",
                       "acknowledged": "delivered", "forwarding_failed": "failed"}
# States a case can only be in with a referral made (its status may be any).
REFERRED = {("advice", "closed_referred_misconduct"),
            ("retaliation", "closed_referred_misconduct"),
            ("retaliation", "referred_for_investigation")}
FACT_OF = {"pending": REFERRAL_PENDING, "delivered": REFERRAL_DELIVERED,
           "failed": REFERRAL_FAILED}

# English words that say the investigations office has the case.
SAYS_DELIVERED = re.compile(
    r"\b(received (it|your report|the matter)|passed it to|was forwarded|were forwarded|"
    r"has confirmed|is with the Office)\b", re.IGNORECASE)
# ... and that it investigates, which this system never knows.
SAYS_INVESTIGATING = re.compile(r"\b(is investigating|are investigating|under investigation|"
                                r"investigates the)\b", re.IGNORECASE)


def shown() -> list[tuple[str, str, str | None]]:
    """Every (form, state, referral status) a case can be shown in."""
    cases: list[tuple[str, str, str | None]] = []
    for form, workflow in WORKFLOWS.items():
        for state in workflow.states:
            if form == "misconduct":
                cases.append((form, state, MISCONDUCT_REFERRAL[state]))
            elif (form, state) in REFERRED:
                cases += [(form, state, r) for r in REFERRAL_STATUSES]
            else:
                cases.append((form, state, None))
    return cases


SHOWN = shown()


def facts(form: str, state: str, referral: str | None) -> frozenset[str]:
    return frozenset({FACT_OF[referral]}) if referral else frozenset()


@pytest.mark.parametrize(("form", "state", "referral"), SHOWN,
                         ids=[f"{f}:{s}:{r}" for f, s, r in SHOWN])
def test_each_text_claims_only_its_facts(form: str, state: str, referral: str | None) -> None:
    status = submitter_status(state, form, referral)
    known = facts(form, state, referral)
    assert status.claims <= known, (status.claims, known)
    text = f"{status.label}. {status.next_step}"
    if REFERRAL_DELIVERED not in known:
        assert not SAYS_DELIVERED.search(text), text
        assert status.label != "Passed to the investigations office"
    assert not SAYS_INVESTIGATING.search(text), text


def test_every_state_of_every_workflow_is_checked() -> None:
    assert {(f, s) for f, s, _ in SHOWN} == {(f, s) for f, w in WORKFLOWS.items()
                                            for s in w.states}
    assert {(f, s) for f, states in STATUSES.items() for s, entry in states.items()
            if not isinstance(entry, SubmitterStatus)} == REFERRED


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize(("form", "state", "referral"), SHOWN,
                         ids=[f"{f}:{s}:{r}" for f, s, r in SHOWN])
def test_every_language_shows_the_text_of_those_facts(language: str, form: str, state: str,
                                                      referral: str | None) -> None:
    gettext = translations(language).gettext
    status = submitter_status(state, form, referral)
    label, step = gettext(status.label), gettext(status.next_step)
    assert label.strip() and step.strip()
    if language != SOURCE_LANGUAGE:
        assert step != status.next_step, f"{language} has no translation of {step!r}"
    # Where the facts differ, so do the words: no language says "passed on" of a referral
    # that is still on its way or failed. (A misconduct report's state tells its facts.)
    for other in REFERRAL_STATUSES if (form, state) in REFERRED else ():
        if other == referral:
            continue
        different = submitter_status(state, form, other)
        assert gettext(different.next_step) != step, (language, state, referral, other)


def test_the_page_is_told_the_referral_itself_not_its_supplements() -> None:
    delivered = Forwarding("R-1", forwarded_at=_moment(), investigations_case_id="X",
                           supplements=(Supplement("R-1-S-a", "a", failure="HTTP 400"),))
    assert delivered.status == "failed"  # officers see the failed supplement...
    assert referral_fact(delivered) == "delivered"  # ...the submitter, the referral made
    assert referral_fact(Forwarding("R-1", failure="HTTP 400")) == "failed"
    assert referral_fact(Forwarding("R-1")) == "pending"
    assert referral_fact(None) is None


def _moment() -> datetime:
    return datetime(2026, 3, 2, tzinfo=UTC)
