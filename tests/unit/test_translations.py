"""The catalogues: every message of every page in every language, placeholders intact, the
template file in step with the code, and every message the API can return translated."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from babel.messages.pofile import read_po
from marshmallow import Schema, ValidationError

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT
from schemas.follow_up import FollowUpLookupSchema, FollowUpMessageSchema
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.web import catalogue
from shared.web.errors import flat_errors
from shared.web.formdefs import Group
from shared.web.i18n import TRANSLATED, negotiate, translate_error, translations
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


def test_every_label_hint_and_option_of_every_form_is_in_the_catalogue() -> None:
    wanted = {m.id for m in catalogue.template() if m.id}
    for page in PAGES.values():
        texts = [page.title, page.submit_label, *page.intro]
        for section in page.sections:
            texts += [section.heading, *([section.intro] if section.intro else [])]
            for item in section.groups:
                if isinstance(item, Group):
                    fields = item.fields
                    texts += [item.legend, *([item.hint] if item.hint else [])]
                else:
                    fields = (item,)
                for field in fields:
                    texts += [field.label, *([field.hint] if field.hint else [])]
                    if field.options and field.name != "preferred_language":
                        texts += list(field.options.values())
        assert set(texts) - wanted == set(), page.code


SCHEMAS: dict[str, Schema] = {"advice": AdviceRequestSchema(),
                              "misconduct": MisconductReportSchema(),
                              "retaliation": RetaliationComplaintSchema()}
BAD_VALUES: list[Any] = [42, True, "", "x" * 10001, "bribery", "before\x07after", [{}],
                         {"a": 1}, "2999-01-01", "1900-01-01", "30/01/2025", None]


def _api_messages() -> set[str]:
    """Messages the API returns for a wide range of bad bodies."""
    found: set[str] = set()

    def load(schema: Schema, body: Any) -> None:
        try:
            with LOAD_CONTEXT({"today": __import__("datetime").date(2026, 3, 2)}):
                schema.load(body)
        except ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {
                "_schema": error.messages}
            for texts in flat_errors(messages, {}).values():
                found.update(texts)

    for form, schema in SCHEMAS.items():
        base = FORMS[form]
        load(schema, {})
        load(schema, {**base, "anonymous": True})
        load(schema, {**base, "unknown_field": 1})
        for key, value in base.items():
            for bad in BAD_VALUES:
                body = copy.deepcopy(base)
                body[key] = bad
                load(schema, body)
                if isinstance(value, dict):
                    for inner in value:
                        nested = copy.deepcopy(base)
                        nested[key][inner] = bad
                        load(schema, nested)
                if isinstance(value, list) and value:
                    for inner in value[0]:
                        listed = copy.deepcopy(base)
                        listed[key][0][inner] = bad
                        load(schema, listed)
    load(FollowUpLookupSchema(), {"reference": "x", "receipt": "y"})
    load(FollowUpMessageSchema(), {"message": "", "message_id": "z"})
    return found


def test_every_message_the_api_returns_is_translated_everywhere() -> None:
    messages = _api_messages()
    assert len(messages) > 30
    for code in TRANSLATED:
        gettext = translations(code).gettext
        untranslated = sorted(m for m in messages if translate_error(m, gettext) == m)
        assert untranslated == [], code


def test_values_in_messages_survive_translation() -> None:
    gettext = translations("fr").gettext
    assert translate_error("Length must be between 1 and 10000.", gettext) == (
        "La longueur doit être comprise entre 1 et 10000.")
    assert translate_error("Must be one of: work_environment.", gettext) == (
        "Doit être l’une des valeurs suivantes : work_environment.")
    assert translate_error("A message nobody wrote.", gettext) == "A message nobody wrote."


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
])
def test_language_negotiation(explicit: str | None, accept: str | None, expected: str) -> None:
    assert negotiate(explicit, accept) == expected
