"""The console's words cover the workflows: every state and every transition an officer
can apply has its label, and the session cookie holds what it should and nothing forged."""

from __future__ import annotations

from shared.domain.case_workflows import RETRY_FORWARDING, WORKFLOWS
from shared.web import console_labels, console_session
from shared.web.console_session import Ended, Session

SECRET = "console-secret-of-the-unit-tests-0123456789"


def test_every_state_and_officer_transition_has_a_label() -> None:
    for workflow in WORKFLOWS.values():
        assert set(workflow.states) <= set(console_labels.STATES), workflow.form
        officer = {t.name for t in workflow.transitions if t.actor == "officer"}
        assert officer | {RETRY_FORWARDING} <= set(console_labels.TRANSITIONS), workflow.form
    assert set(console_labels.FORMS) == set(WORKFLOWS)


def test_a_session_opens_until_idle_or_too_old() -> None:
    cookie = console_session.sealed(SECRET, Session("olga@example.org", 1000, 1500))
    assert console_session.opened(SECRET, cookie, now=1600, idle=600, longest=3600) == \
        Session("olga@example.org", 1000, 1500)
    assert console_session.opened(SECRET, cookie, now=2101, idle=600,
                                  longest=3600) is Ended.EXPIRED
    assert console_session.opened(SECRET, cookie, now=1600, idle=600,
                                  longest=500) is Ended.EXPIRED


def test_a_forged_or_foreign_session_is_none() -> None:
    cookie = console_session.sealed("another-secret-of-at-least-32-characters!",
                                    Session("olga@example.org", 1000, 1500))
    assert console_session.opened(SECRET, cookie, now=1600, idle=600,
                                  longest=3600) is Ended.NONE
    good = console_session.sealed(SECRET, Session("olga@example.org", 1000, 1500))
    payload, _, signature = good.rpartition(".")
    assert console_session.opened(SECRET, payload + "." + signature[::-1], now=1600,
                                  idle=600, longest=3600) is Ended.NONE
    assert console_session.opened(SECRET, None, now=1, idle=1, longest=1) is Ended.NONE
