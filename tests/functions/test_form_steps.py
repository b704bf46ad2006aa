"""The forms as steps, in-process: a form walked step by step makes the same submission as
the API; each label says what the schema says; each problem is said by its question, in
every language; dates as people know them; nothing cut off; "Add another"; switching
language keeps what was typed."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal

from schemas.common import LOAD_CONTEXT
from shared.domain.records import canonical_json, jsonable
from shared.web.i18n import LANGUAGES, SOURCE_LANGUAGE, translations
from shared.web.messages import DATE_EXAMPLE, LTR_ISOLATE, POP_ISOLATE
from shared.web.pages import PAGES, SCHEMAS
from tests.support.harness import Harness
from tests.support.labels import disagreements, labels
from tests.support.payloads import ADVICE_ANONYMOUS, MISCONDUCT_ANONYMOUS, flatten, payload
from tests.support.sealing import opened_submission
from tests.support.web import Browser, Page, reference_on, web_harness

TODAY = date(2026, 3, 2)  # the harness's clock

SCENARIOS: dict[str, dict[str, Any]] = {
    "advice named": payload("advice"),
    "advice anonymous": dict(ADVICE_ANONYMOUS, requester_type="individual"),
    "advice group by phone": payload("advice", requester_type="group", group_size=12,
                                     group_unit="Dakar drivers", contact_method="phone",
                                     phone="+221 33 555 0101"),
    "misconduct named": payload("misconduct"),
    "misconduct anonymous": MISCONDUCT_ANONYMOUS,
    "retaliation": payload("retaliation"),
    "retaliation without measures": payload("retaliation", interim_measures_requested=False,
                                            interim_measures_details=None),
    "retaliation by phone": payload("retaliation", contact_method="phone"),
}


@pytest.fixture
def web(tmp_path: Path) -> Harness:
    return web_harness(tmp_path)


def form_of(scenario: str) -> str:
    return scenario.split()[0]


def loaded(form: str, body: dict[str, Any]) -> Any:
    with LOAD_CONTEXT({"today": TODAY}):
        return json.loads(canonical_json(jsonable(SCHEMAS[form].load(body))))


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_form_walked_step_by_step_makes_the_submission_the_api_would(
        web: Harness, scenario: str) -> None:
    form, body = form_of(scenario), SCENARIOS[scenario]
    page = Browser(web).walk(form, dict(flatten(body)))
    assert page.status == 200, page.summary
    case = web.store.get_case(reference_on(page))
    assert case is not None
    submission = web.store.get_submission(case.submission_id)
    assert submission is not None
    assert opened_submission(web.container.cipher, submission) == loaded(form, body)


# --- labels -----------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_label_says_what_the_schema_says(web: Harness, scenario: str) -> None:
    """"(optional)" only where the schema accepts the form without the answer; a question
    marked required is one the schema refuses to go without (or one whose answer decides
    what is asked next); a question neither is one a rule of the schema requires in some
    cases, whose hint says which."""
    form, body = form_of(scenario), SCENARIOS[scenario]
    answers = dict(flatten(body))
    browser = Browser(web)
    page = browser.get(f"/{form}")
    checked = 0
    while page.step != "check":
        assert disagreements(form, page.text, body, set(answers), TODAY) == [], page.step
        checked += len(labels(page.text))
        page = browser.step(form, page, answers, _next_action(page, answers))
        assert page.status == 200, page.summary
    assert checked >= 5


def test_a_wrong_label_is_found() -> None:
    body = payload("misconduct")
    assert disagreements("misconduct", '<div class="field"><label for="f-what">What '
                         '<span class="optional">(optional)</span></label><textarea '
                         'id="f-what" name="what"></textarea></div></form>', body,
                         {"what"}, TODAY) == [
        "what: marked optional, but the schema needs it"]
    assert disagreements("misconduct", '<div class="field"><label for="f-how">How</label>'
                         '<textarea id="f-how" name="how" required></textarea></div></form>',
                         body, {"how"}, TODAY) == [
        "how: marked required, but the schema does without it"]


def _next_action(page: Page, answers: dict[str, str]) -> str:
    from tests.support.web import rows_in

    for name in re.findall(r'value="add:([a-z_]+)"', page.text):
        if rows_in(answers, name) > rows_in(page.names, name):
            return f"add:{name}"
    return "continue"


def test_labels_once_found_wrong_are_right(web: Harness) -> None:
    browser = Browser(web)
    misconduct = browser.walk("misconduct", dict(flatten(payload("misconduct"))),
                              until="people")
    assert "(optional)" not in labels(misconduct.text)  # no row yet: "Add a person"
    people = browser.step("misconduct", misconduct, {}, "add:subjects")
    people = browser.step("misconduct", people, {}, "add:subjects")
    found = labels(people.text)
    assert found["subjects.1.name"] == (False, True)  # a person added needs a name
    assert found["subjects.1.title"] == (True, False)
    when = browser.walk("misconduct", dict(flatten(payload("misconduct"))), until="when")
    assert {name: value[0] for name, value in labels(when.text).items()} == {
        "incident_date": False, "incident_end_date": False, "when_description": False}
    advice = browser.walk("advice", dict(flatten(payload("advice"))), until="kind")
    assert labels(advice.text)["subcategory"] == (False, True)
    assert labels(browser.get("/advice").text)["anonymous"] == (False, True)
    retaliation = browser.walk("retaliation", dict(flatten(payload("retaliation"))),
                               until="acts")
    retaliation = browser.step("retaliation", retaliation, {}, "add:retaliatory_acts")
    assert labels(retaliation.text)["retaliatory_acts.1.description"] == (False, True)
    assert labels(retaliation.text)["retaliatory_acts.1.kind"] == (True, False)


# --- problems, in the words of each question ---------------------------------------------

PROBLEMS = [
    # (form, answers that are wrong, the question, its message)
    ("misconduct", {"what": ""}, "what", "Describe what happened"),
    ("advice", {"email": "not-an-address"}, "email",
     "Enter an e-mail address in the form name@example.org"),
    ("advice", {"phone": "call me"}, "phone", "Enter a telephone number with digits, spaces "
     "and + ( ) . - only, for example +41 22 555 0100"),
    ("advice", {"question": "x" * 20001}, "question",
     "This answer has %(count)s characters: shorten it to %(max)s or fewer. Nothing has "
     "been cut: all your text is still here."),
    ("misconduct", {"incident_date": "", "incident_date.day": "3", "incident_date.month": "",
                    "incident_date.year": "2025"}, "incident_date",
     "Enter at least the month and the year, for example %(example)s"),
    ("misconduct", {"incident_date": "2027-01-01"}, "incident_date",
     "The date must be today or in the past"),
    ("retaliation", {"complainant.name": ""}, "complainant.name", "Enter your full name"),
    ("advice", {"group_size": "a dozen", "requester_type": "group"}, "group_size",
     "Enter the number of people in digits, for example 12"),
]


def _wrong(form: str, wrong: dict[str, str]) -> dict[str, str]:
    body = payload(form, requester_type="group", group_size=12) if "group_size" in wrong \
        else payload(form)
    answers = dict(flatten(body))
    answers.update(wrong)
    return answers


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize(("form", "wrong", "name", "message"), PROBLEMS)
def test_each_question_says_its_problem_in_every_language(
        web: Harness, lang: str, form: str, wrong: dict[str, str], name: str,
        message: str) -> None:
    gettext = translations(lang).gettext
    browser = Browser(web, language=lang)
    page = browser.walk(form, _wrong(form, wrong))
    assert page.status == 422, page.summary
    expected = gettext(message)
    if lang != SOURCE_LANGUAGE:
        assert expected != message, f"{lang}: not translated: {message}"
    locale = LANGUAGES[lang].babel_locale
    expected = expected % {"count": format_decimal(20001, locale=locale),
                           "max": format_decimal(20000, locale=locale),
                           "example": f"{LTR_ISOLATE}3 2025{POP_ISOLATE}"} \
        if "%(" in expected else expected
    shown = [html.unescape(item) for item in page.summary]
    assert " ".join(expected.split()) in shown, (shown, expected)  # spaces as the reader reads
    anchor = "f-" + name.replace(".", "-") + ("-day" if "date" in name else "")
    assert f'href="#{anchor}"' in page.text
    assert f'id="f-{name.replace(".", "-")}-error"' in page.text
    for english in ("Missing data for required field", "Not a valid", "Length must be",
                    "Must not be in the future", "Enter a telephone number: digits",
                    "Not a valid email address"):
        assert english not in page.text


def test_a_date_example_reads_left_to_right_in_arabic(web: Harness) -> None:
    page = Browser(web, language="ar").walk("misconduct", dict(flatten(payload("misconduct"))),
                                            until="when")
    assert f"{LTR_ISOLATE}{DATE_EXAMPLE}{POP_ISOLATE}" in page.text
    assert '<div class="date-input" dir="ltr">' in page.text


def test_an_over_long_answer_is_kept_whole_and_refused_with_its_limit(web: Harness) -> None:
    story = ("The end of the story holds the key detail. " * 500)[:20000] + " THE KEY DETAIL"
    browser = Browser(web)
    page = browser.walk("misconduct", dict(flatten(payload("misconduct", what=story))),
                        until="what")
    assert "Up to 20,000 characters." in page.text
    page = browser.step("misconduct", page, {"what": story})
    assert page.status == 422 and page.step == "what"
    assert html.unescape(page.inputs["what"]) == story  # nothing cut
    assert page.summary == ["This answer has 20,015 characters: shorten it to 20,000 or "
                            "fewer. Nothing has been cut: all your text is still here."]
    fixed = browser.step("misconduct", page, {"what": story[:19990]})
    assert fixed.status == 200 and fixed.step == "when"


def test_dates_as_day_month_and_year_with_about_and_unknown(web: Harness) -> None:
    browser = Browser(web)
    answers = dict(flatten(payload("misconduct", incident_end_date=None)))
    when = browser.walk("misconduct", answers, until="when")
    assert {"incident_date.day", "incident_date.month", "incident_date.year",
            "incident_date_approximate", "incident_date.unknown"} <= set(when.names)
    month_only = browser.step("misconduct", when, {
        "incident_date.month": "6", "incident_date.year": "2025"})
    assert month_only.status == 200, month_only.summary  # a month without a day: "about"
    unknown = browser.step("misconduct", when, {"incident_date.unknown": "yes",
                                                "incident_date.day": "1"})
    assert unknown.status == 422
    assert unknown.summary == ["Enter the day it happened, or say when in words"]
    words = browser.step("misconduct", when, {"incident_date.unknown": "yes",
                                              "when_description": "Last spring"})
    assert words.status == 200
    arabic_digits = browser.step("misconduct", when, {
        "incident_date.day": "٣", "incident_date.month": "٦", "incident_date.year": "٢٠٢٥"})
    assert arabic_digits.status == 200, arabic_digits.summary


def test_an_approximate_month_reaches_the_submission(web: Harness) -> None:
    body = payload("retaliation")
    answers = dict(flatten(body))
    for key in ("retaliatory_acts.0.date", "retaliatory_acts.1.date"):
        answers.pop(key)
    answers.update({"retaliatory_acts.0.date.month": "10", "retaliatory_acts.0.date.year":
                    "2025", "retaliatory_acts.1.date.day": "3",
                    "retaliatory_acts.1.date.month": "11",
                    "retaliatory_acts.1.date.year": "2025",
                    "retaliatory_acts.1.date_approximate": "yes"})
    browser = Browser(web)
    check = browser.walk("retaliation", answers, until="check")
    assert "about October 2025" in check.text and "about November 3, 2025" in check.text
    page = browser.follow(browser.step("retaliation", check, answers, "send"))
    case = web.store.get_case(reference_on(page))
    assert case is not None
    submission = web.store.get_submission(case.submission_id)
    assert submission is not None
    acts = opened_submission(web.container.cipher, submission)["retaliatory_acts"]
    assert [(a["date"], a["date_approximate"]) for a in acts] == [
        ("2025-10-01", True), ("2025-11-03", True)]


def test_add_another_and_remove(web: Harness) -> None:
    browser = Browser(web)
    page = browser.walk("misconduct", dict(flatten(payload("misconduct"))), until="witnesses")
    assert "You have not added a witness" in page.text and 'value="add:witnesses"' in page.text
    page = browser.step("misconduct", page, {}, "add:witnesses")
    assert "witnesses.0.name" in page.names and "Add another witness" in page.text
    page = browser.step("misconduct", page, {"witnesses.0.name": "First Witness"},
                        "add:witnesses")
    page = browser.step("misconduct", page, {"witnesses.0.name": "First Witness",
                                             "witnesses.1.name": "Second Witness"},
                        "remove:witnesses.0")
    assert page.inputs["witnesses.0.name"] == "Second Witness"
    assert "witnesses.1.name" not in page.names
    added_blank = browser.step("misconduct", page, {"witnesses.0.name": "Second Witness"},
                               "add:witnesses")
    assert browser.step("misconduct", added_blank, {
        "witnesses.0.name": "Second Witness"}).status == 200  # a blank row is left out
    acts = browser.walk("retaliation", dict(flatten(payload("retaliation"))), until="acts")
    assert "retaliatory_acts.0.date.day" in acts.names
    assert 'value="remove:retaliatory_acts.0"' not in acts.text  # one act at least


@pytest.mark.parametrize("step", ["what", "check"])
def test_switching_language_keeps_what_was_typed(web: Harness, step: str) -> None:
    browser = Browser(web)
    answers = dict(flatten(payload("misconduct")))
    page = browser.walk("misconduct", answers, until=step)
    assert 'value="lang:ar"' in page.text and 'form="step-form"' in page.text
    typed = {"what": "Typed, not yet sent", "consent_forwarding": "yes"}
    switched = browser.step("misconduct", page, typed, "lang:ar")
    assert switched.status == 200 and switched.lang == "ar" and switched.step == step
    if step == "what":
        assert switched.inputs["what"] == "Typed, not yet sent"
    else:
        assert switched.inputs["consent_forwarding"] == "yes"
        assert "Juba field office" in switched.text


def test_change_from_check_your_answers_comes_back_to_it(web: Harness) -> None:
    browser = Browser(web)
    answers = dict(flatten(payload("advice")))
    check = browser.walk("advice", answers, until="check")
    assert 'value="change:question"' in check.text
    question = browser.step("advice", check, {}, "change:question")
    assert question.step == "question" and question.inputs["question"].startswith(
        "Marguerite")
    back = browser.step("advice", question, {"question": "A shorter question"})
    assert back.step == "check" and "A shorter question" in back.text
    previous = browser.step("advice", question, {"question": "x"}, "back")
    assert previous.step == "kind"


def test_the_steps_follow_the_answers(web: Harness) -> None:
    browser = Browser(web)
    answers = dict(flatten(payload("advice", category="other", subcategory=None)))
    visited = []
    page = browser.get("/advice")
    while page.step != "check":
        visited.append(page.step)
        page = browser.step("advice", page, answers)
    assert "kind" not in visited and "group" not in visited  # not a conflict; not a group
    assert visited[0] == "anonymity"
    answers.update({"requester_type": "group", "group_size": "5"})
    group = browser.step("advice", browser.step("advice", page, {}, "change:requester"),
                         answers)
    assert group.step == "group"


@pytest.mark.parametrize("form", list(PAGES))
def test_every_question_has_its_own_message_for_every_problem_it_can_have(form: str) -> None:
    """A question that can be required owns its "required" message: a page never says
    only "Answer this question"."""
    from shared.web.formdefs import placed_fields
    from shared.web.requirements import decisive

    schema = SCHEMAS[form]
    ruled = {path for rule in schema.rules for path in rule.paths if rule.kind == "required"}
    for placed in placed_fields(PAGES[form]):
        field = placed.field
        path = placed.name
        schema_field = __import__("shared.web.requirements", fromlist=["schema_field"]
                                  ).schema_field(schema, path)
        assert schema_field is not None, path
        can_be_required = schema_field.required or path in ruled or path in decisive(
            PAGES[form], schema) or (placed.group is not None and placed.group.name in ruled
                                     and schema_field.required)
        if can_be_required and field.kind != "checkbox":
            assert "required" in field.messages, path
        for rule in schema.rules:
            if rule.kind == "one_of" and (rule.error_path or rule.paths[-1]) == path:
                assert "one_of" in field.messages, path
