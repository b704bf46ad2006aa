"""The catalogues: every message of every page in every language, placeholders intact, the
template file in step with the code, and words on the pages for every problem the schemas
report."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from babel.messages.pofile import read_po
from marshmallow import Schema, ValidationError

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT, Problem
from schemas.follow_up import FollowUpLookupSchema, FollowUpMessageSchema
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.web import catalogue
from shared.web.errors import flat_errors
from shared.web.formdefs import Field, Group, Rows, placed_fields
from shared.web.i18n import TRANSLATED, negotiate, translations
from shared.web.messages import BY_KIND, DEFAULT, template_for
from shared.web.pages import PAGES
from tests.support.payloads import FORMS


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_has_every_message_translated(code: str) -> None:
    assert catalogue.problems(code, catalogue.template()) == []


def test_a_message_missing_from_a_catalogue_fails_the_check() -> None:
    pot = catalogue.template()
    pot.add("A message added to the code but to no catalogue")
    assert catalogue.problems("fr", pot) == [
        "fr: missing: 'A message added to the code but to no catalogue'"]


def test_the_template_file_is_in_step_with_the_code() -> None:
    with catalogue.TEMPLATE_FILE.open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == {m.id for m in catalogue.template() if m.id}, (
        "run `intake i18n update` and translate what it reports")


@pytest.mark.parametrize("code", TRANSLATED)
def test_runtime_translations_come_from_the_po_file(code: str) -> None:
    po = catalogue.read(code)
    gettext = translations(code).gettext
    for message in po:
        if message.id:
            assert gettext(str(message.id)) == message.string


def test_every_text_of_every_form_is_in_the_catalogue() -> None:
    wanted = {m.id for m in catalogue.template() if m.id}
    for page in PAGES.values():
        texts = [page.title, page.submit_label, page.received, *page.intro, *page.who_knows]
        texts += [t for term in page.terms for t in (term.term, term.meaning)]
        for step in page.steps:
            texts += [step.title, *step.intro]
            texts += [t for term in step.terms for t in (term.term, term.meaning)]
            for item in step.items:
                if isinstance(item, Group):
                    texts += [item.legend, *([item.hint] if item.hint else [])]
                elif isinstance(item, Rows):
                    texts += [item.legend, item.add_first, item.add_another, item.remove,
                              item.none_yet, *item.messages.values()]
        for placed in placed_fields(page):
            field = placed.field
            texts += [field.label, *([field.hint] if field.hint else []),
                      *field.messages.values()]
            if field.options and field.name != "preferred_language":
                texts += list(field.options.values())
        assert set(texts) - wanted == set(), page.code
    assert set(DEFAULT.values()) | {m for kind in BY_KIND.values() for m in kind.values()} \
        <= wanted


SCHEMAS: dict[str, Schema] = {"advice": AdviceRequestSchema(),
                              "misconduct": MisconductReportSchema(),
                              "retaliation": RetaliationComplaintSchema()}
BAD_VALUES: list[Any] = [42, True, False, "", "x" * 20001, "bribery", "before\x07after", [{}],
                         {"a": 1}, "2999-01-01", "1900-01-01", "30/01/2025", None]


def _problems() -> dict[str, set[str]]:
    """Problem codes the schemas give, by form, for a wide range of bad bodies."""
    found: dict[str, set[str]] = {}

    def load(form: str, schema: Schema, body: Any) -> None:
        try:
            with LOAD_CONTEXT({"today": __import__("datetime").date(2026, 3, 2)}):
                schema.load(body)
        except ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {
                "_schema": error.messages}
            for problems in flat_errors(messages, {}).values():
                for problem in problems:
                    assert isinstance(problem, Problem), (form, problem)  # a code, always
                    found.setdefault(form, set()).add(problem.code)

    for form, schema in SCHEMAS.items():
        base = FORMS[form]
        load(form, schema, {})
        load(form, schema, {**base, "anonymous": True})
        load(form, schema, {**base, "unknown_field": 1})
        for key, value in base.items():
            for bad in BAD_VALUES:
                body = copy.deepcopy(base)
                body[key] = bad
                load(form, schema, body)
                if isinstance(value, dict):
                    for inner in value:
                        nested = copy.deepcopy(base)
                        nested[key][inner] = bad
                        load(form, schema, nested)
                if isinstance(value, list) and value:
                    for inner in value[0]:
                        listed = copy.deepcopy(base)
                        listed[key][0][inner] = bad
                        load(form, schema, listed)
    load("follow_up", FollowUpLookupSchema(), {"reference": "x", "receipt": "y"})
    load("follow_up", FollowUpMessageSchema(), {"message": "", "message_id": "z"})
    return found


def test_every_problem_the_schemas_give_has_the_pages_words_in_every_language() -> None:
    found = _problems()
    codes = set().union(*found.values())
    assert {"required", "too_long", "invalid", "choice", "control", "email", "future",
            "too_old", "consent", "unknown"} <= codes
    for code in codes:
        for kind in ("text", "textarea", "date", "radios", "checkbox", "number"):
            english = template_for(Field("x", "x", kind), code)
            assert english in DEFAULT.values() or english in BY_KIND.get(kind, {}).values()
            for language in TRANSLATED:
                assert translations(language).gettext(english) != english, (language, code)




@pytest.mark.parametrize(("explicit", "accept", "expected"), [
    (None, None, "en"),
    (None, "fr-CH, fr;q=0.9, en;q=0.8", "fr"),
    (None, "de-DE, es;q=0.5, pt;q=0.7", "pt"),
    (None, "zh-TW", "zh"),
    (None, "en;q=0, ar", "ar"),
    (None, "de", "en"),
    (None, "fr;q=abc, es", "es"),
    (None, "*", "en"),
    ("ar", "fr", "ar"),
    ("xx", "es", "es"),
    (None, "," * 5000 + "fr", "en"),  # bounded work on a hostile header
    (None, ",".join(["de"] * 30 + ["fr"]), "en"),  # and its first 30 items
    # q-values: the highest wins, then the first listed; absent is 1; 0 is "not this".
    (None, "es, fr", "es"),
    (None, "fr, es", "fr"),
    (None, "es;q=0.5, fr;q=0.8, ar;q=0.6", "fr"),
    (None, "fr;q=0.8, es;q=0.80", "fr"),
    (None, "fr;q=0, es;q=0.1", "es"),
    (None, "fr;q=0.001", "fr"),
    (None, "ar;q=2, es;q=0.5", "es"),  # q above 1 is invalid: the item is ignored
    (None, "fr;level=1, es;q=0.9", "fr"),  # other parameters do not change the tag
    (None, "fr ;q=0.5, es;q=0.4", "fr"),  # spaces around ";" are allowed (RFC 9110)
    # Region and script subtags count as their primary language, at their own quality.
    (None, "fr-CA", "fr"),
    (None, "fr-CA, es;q=0.9", "fr"),
    (None, "es;q=0.9, fr-CA", "fr"),
    (None, "fr-CA;q=0.5, es;q=0.9", "es"),
    (None, "FR-ca", "fr"),
    (None, "pt_BR", "pt"),
    (None, "zh-Hant-TW", "zh"),
    (None, "ar-EG", "ar"),
    (None, "ar-SA;q=0.9, en-GB;q=0.8", "ar"),
    (None, "de-CH, fr-CH;q=0.4", "fr"),
    (None, "fr-", "en"),  # a malformed tag
])
def test_language_negotiation(explicit: str | None, accept: str | None, expected: str) -> None:
    assert negotiate(explicit, accept) == expected
