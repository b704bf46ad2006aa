"""Going through a form in the browser, step by step, as a person does: what they answer
(in their language), how each kind of question is answered, and what is checked on every
page on the way."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shared.web.i18n import translations
from tests.browser.flows import WORDS, no_violations
from tests.support.browser import Runner
from tests.support.labels import disagreements
from tests.support.payloads import flatten

PHONE = (360, 740)
DESKTOP = (1280, 900)
CONTROLS = ("form#step-form :is(input, select, textarea)[name]:not([type=hidden])"
            ":not([disabled]):not([name=website])")


def body_for(form: str, lang: str) -> dict[str, Any]:
    """What a person answers, as the API names it."""
    w = WORDS[lang]
    if form == "advice":
        return {"anonymous": False, "name": w["name"], "email": "person@example.org",
                "contact_method": "email", "category": "conflict_of_interest",
                "subcategory": "coi_gifts_hospitality", "question": w["question"],
                "requester_type": "individual", "preferred_language": lang,
                "office": w["place"], "consent_privacy_notice": True}
    if form == "misconduct":
        return {"anonymous": True, "allegation_type": "sexual_harassment", "what": w["story"],
                "incident_date": "2025-06-01", "incident_date_approximate": True,
                "location": w["place"], "subjects": [{"name": w["name"]}],
                "preferred_language": lang, "consent_forwarding": True}
    return {"complainant": {"name": w["name"], "email": "person@example.org"},
            "contact_method": "email",
            "employment": {"staff_category": "national_officer",
                           "duty_station": "country_office"},
            "protected_activity": {"type": "cooperated_audit", "date": "2025-09-01",
                                   "reported_to": w["place"], "description": w["story"]},
            "retaliatory_acts": [{"date": "2025-10-01", "kind": "action",
                                  "description": w["story"], "by_whom": w["name"]}],
            "link_explanation": w["story"], "interim_measures_requested": False,
            "witnesses": [{"name": w["place"], "may_contact": True}],
            "preferred_language": lang, "consent_privacy_notice": True}


def answers_of(body: dict[str, Any]) -> dict[str, str]:
    return dict(flatten(body))


def today() -> Any:
    return datetime.now(UTC).date()


def cases(runner: Runner) -> int:
    """How many cases the runner holds (read only: the database is the runner's)."""
    path = runner.data_dir / "intake.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            return int(db.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
        except sqlite3.OperationalError:  # no table yet: nothing was ever stored
            return 0


def press(page: Any, button: str = "continue") -> None:
    """Press one of the step's buttons and wait for the page it leads to."""
    page.locator(f"form#step-form button.button[value={button}]").click()
    page.wait_for_load_state("load")


def step_of(page: Any) -> str:
    found = page.locator("form#step-form input[name=step]")
    return str(found.get_attribute("value")) if found.count() else ""


def _rows(names: list[str], rows: str) -> int:
    found = [int(n.split(".")[1]) for n in names
             if n.startswith(rows + ".") and n.split(".")[1].isdigit()]
    return max(found) + 1 if found else 0


def _value(answers: dict[str, str], name: str) -> str | None:
    if name in answers:
        return answers[name]
    base, _, part = name.rpartition(".")
    if part in ("day", "month", "year") and "-" in answers.get(base, ""):
        year, month, day = answers[base].split("-")
        return str(int({"day": day, "month": month, "year": year}[part]))
    return None


def fill(page: Any, answers: dict[str, str]) -> bool:
    """Answer what the page asks. False if a row had to be added first (the page changed:
    fill it again)."""
    names = page.eval_on_selector_all(CONTROLS, "es => es.map(e => e.name)")
    for button in page.locator("button[name=action][value^='add:']").all():
        rows = str(button.get_attribute("value"))[4:]
        if _rows(list(answers), rows) > _rows(names, rows):
            button.click()
            page.wait_for_load_state("load")
            return False
    for radio in page.locator(CONTROLS.replace(":is(input, select, textarea)",
                                               "input[type=radio]")).all():
        if _value(answers, str(radio.get_attribute("name"))) == radio.get_attribute("value"):
            radio.check()
    for control in page.locator(CONTROLS).all():
        name = str(control.get_attribute("name"))
        kind = control.get_attribute("type") or ""
        tag = control.evaluate("e => e.tagName.toLowerCase()")
        value = _value(answers, name)
        if kind == "radio" or value is None:
            continue
        if kind == "checkbox":
            control.set_checked(value in ("yes", "True", "true"))
        elif tag == "select":
            control.select_option(value)
        else:
            control.fill(value)
    return True


Check = Callable[[Any, str], None]


def every_page(form: str, lang: str, body: dict[str, Any]) -> Check:
    """What every page of a form must be: titled only "Ethics Office", with "Exit this
    page", axe-clean, and its labels as the schema says."""
    gettext = translations(lang).gettext
    answers = answers_of(body)

    def check(page: Any, where: str) -> None:
        assert page.title() in (gettext("Ethics Office"), gettext("Error: %(title)s") % {
            "title": gettext("Ethics Office")}), (where, page.title())
        exit_link = page.locator("a.exit-button")
        assert exit_link.is_visible() and str(exit_link.get_attribute("href")).endswith(
            "/forms/exit"), where
        assert disagreements(form, page.content(), body, set(answers), today()) == [], where
        no_violations(page)

    return check


def walk(page: Any, runner: Runner, form: str, lang: str, body: dict[str, Any], *,
         check: Check | None = None, before: Callable[[Any, str], None] | None = None,
         until: str | None = None) -> list[str]:
    """From the form's first page to its confirmation (or up to the step ``until``).
    ``before`` runs on each step before it is answered."""
    answers = answers_of(body)
    page.goto(f"{runner.base_url}/forms/{form}?lang={lang}")
    steps: list[str] = []
    for _ in range(40):
        step = step_of(page)
        if step == until:
            return steps
        if check is not None:
            check(page, step)
        if step == "check":
            break
        if not steps or steps[-1] != step:
            steps.append(step)
            if before is not None:
                before(page, step)
        if fill(page, answers):
            press(page)
            assert page.locator(".error-summary").count() == 0, (step, page.locator(
                ".error-summary").inner_text())
    else:
        raise AssertionError(f"never reached the end: {steps}")
    if check is not None:  # "Send" without the consent: the page says what to do
        press(page, "send")
        assert page.locator(".error-summary").is_visible()
        check(page, "check with a problem")
    consent = next(n for n in answers if n.startswith("consent_"))
    page.check(f"[name={consent}]")
    press(page, "send")
    return steps


def codes_on(page: Any) -> dict[str, str]:
    text = page.locator("main").inner_text()
    found = {"reference": re.search(r"ETH-[A-Z]{3}-[0-9A-Z]{5}-[0-9A-Z]{5}", text)}
    receipt = page.locator(".receipt-code")
    return {"reference": found["reference"].group() if found["reference"] else "",
            "receipt": receipt.inner_text() if receipt.count() else ""}
