"""Characters a person cannot see, and what is not text, are refused in every text field of
every form on every path (JSON, form-encoded, a browser's page): a 422 that names the field
and the character, and nothing stored or queued."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields

from schemas.advice import AdviceRequestSchema
from schemas.common import String
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.adapters.sqlite_store import SqliteStore
from shared.web.i18n import LANGUAGES
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness
from tests.support.payloads import FUNCTIONS, flatten, payload
from tests.support.web import Browser, web_harness

FORMS = {"advice": AdviceRequestSchema(), "misconduct": MisconductReportSchema(),
         "retaliation": RetaliationComplaintSchema()}
TABLES = ("submissions", "cases", "case_events", "pending_tasks")
Path_ = tuple[str | int, ...]


def _text_paths(schema: Schema, data: Any, prefix: Path_ = ()) -> Iterator[tuple[Path_, bool]]:
    """(path, multi-line) of every string value of ``data`` that a String field reads."""
    for name, value in data.items():
        field = schema.fields[name]
        if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            for index, item in enumerate(value):
                yield from _text_paths(field.inner.schema, item, (*prefix, name, index))
        elif isinstance(field, fields.Nested):
            yield from _text_paths(field.schema, value, (*prefix, name))
        elif isinstance(field, String) and isinstance(value, str):
            yield (*prefix, name), field.multiline


TEXT_PATHS = {form: list(_text_paths(schema, payload(form))) for form, schema in FORMS.items()}

NON_CHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)]


def refused_characters(*, multiline: bool, surrogates: bool) -> st.SearchStrategy[str]:
    listed = st.characters(categories=("Cc", "Cf", "Zl", "Zp", "Cs")) if surrogates \
        else st.characters(categories=("Cc", "Cf", "Zl", "Zp"))
    chars = st.one_of(listed, st.sampled_from(NON_CHARACTERS))
    if multiline:  # newline, tab (and CR, read as a newline) belong in a narrative
        chars = chars.filter(lambda c: c not in "\n\t\r")
    return chars


@st.composite
def hostile_posts(draw: st.DrawFn) -> tuple[str, bool, dict[str, Any], Path_, str]:
    form = draw(st.sampled_from(sorted(FORMS)))
    as_form = draw(st.booleans())  # form encoding cannot carry a lone surrogate
    path, multiline = draw(st.sampled_from(TEXT_PATHS[form]))
    char = draw(refused_characters(multiline=multiline, surrogates=not as_form))
    body = payload(form)
    node: Any = body
    for key in path[:-1]:
        node = node[key]
    text = node[path[-1]]
    at = draw(st.integers(0, len(text)))
    node[path[-1]] = text[:at] + char + text[at:]
    return form, as_form, body, path, char


def stored_rows(harness: Harness) -> list[int]:
    path = Path(harness.container.settings.data_dir) / "intake.sqlite3"
    with sqlite3.connect(path) as db:
        return [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in TABLES]


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                         INTAKE_FORM_RATE_LIMIT="0")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(post=hostile_posts())
def test_a_refused_character_anywhere_is_a_422_naming_field_and_character(
        h: Harness, post: tuple[str, bool, dict[str, Any], Path_, str]) -> None:
    form, as_form, body, path, char = post
    if as_form:
        response = h.post(FUNCTIONS[form], raw=urlencode(flatten(body)).encode(),
                          content_type="application/x-www-form-urlencoded")
    else:
        response = h.post(FUNCTIONS[form], body)
    assert response.status_code == 422, (path, response.get_json())
    errors: Any = response.get_json()["errors"]
    for key in path:  # list indexes are object keys in JSON
        errors = errors[str(key)]
    assert any(f"(found U+{ord(char):04X})." in message for message in errors), errors
    assert stored_rows(h) == [0, 0, 0, 0]
    assert h.queue.tasks == []


@pytest.mark.parametrize(("address", "message"), [
    # Once accepted, and written into a To: header.
    ('"a\x1b\x07b"@example.org', "Must not contain control characters (found U+001B)."),
    ('"\x07"@example.org', "Must not contain control characters (found U+0007)."),
    ("ottoline\u00ad.f@example.org", "Must not contain invisible formatting characters such "
                                     "as soft hyphens, zero-width spaces or direction marks "
                                     "(found U+00AD)."),
    ('"ottoline f"@example.org', "Enter the address without quotation marks: addresses "
                                 "with a quoted part are not accepted."),
    ("ottolinë@example.org", "Before the @, use only letters without accents (a to z), "
                             "digits and punctuation: this service cannot send mail to "
                             "other addresses."),
    ("Ottoline <ottoline.f@example.org>", "Not a valid email address."),
    ("ottoline@localhost", "Not a valid email address."),
])
@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_an_address_is_checked_by_the_library_after_the_character_rules(
        h: Harness, form: str, address: str, message: str) -> None:
    body = payload(form)
    holder = body if form == "advice" else body[
        "reporter" if form == "misconduct" else "complainant"]
    holder["email"] = address
    response = h.post(FUNCTIONS[form], body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    found = errors["email"] if form == "advice" else errors[
        "reporter" if form == "misconduct" else "complainant"]["email"]
    assert found == [message]
    assert stored_rows(h) == [0, 0, 0, 0]
    assert h.queue.tasks == []


def test_an_address_is_kept_as_typed_without_surrounding_spaces(h: Harness) -> None:
    body = payload("advice", email="  Marguerite.O+ethics@Example.ORG ")
    response = h.post(FUNCTIONS["advice"], body)
    assert response.status_code == 201, response.get_json()


QUOTED = ("Enter the address without quotation marks: addresses with a quoted part are not "
          "accepted.")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_a_browser_gets_the_page_back_with_the_messages_translated(tmp_path: Path,
                                                                  lang: str) -> None:
    from shared.web.i18n import translations
    from shared.web.messages import DEFAULT, isolate

    web = web_harness(tmp_path)
    body = payload("misconduct")
    body["subjects"][0]["name"] = "Bartholo\u00admew Quennell-Ashdown"
    body["reporter"]["email"] = '"ottoline f"@example.org'
    page = Browser(web, language=lang).submit("misconduct", flatten(body))
    assert page.status == 422
    gettext = translations(lang).gettext
    shown = " ".join(page.errors)
    # Each question says its problem in the page's words, the character named left to right.
    assert gettext(DEFAULT["format"]) % {"char": isolate("U+00AD")} in shown
    assert DEFAULT["email_quoted"] == QUOTED and gettext(QUOTED) in shown
    if lang != "en":
        assert gettext(QUOTED) != QUOTED
    assert len(page.summary) == 2
    assert isinstance(web.store, InMemoryStore)
    assert (web.store.submissions, web.queue.tasks) == ({}, [])


def test_the_paths_cover_nested_and_listed_text_codes_and_addresses() -> None:
    paths = dict(TEXT_PATHS["retaliation"])
    assert paths[("complainant", "email")] is False
    assert paths[("retaliatory_acts", 1, "description")] is True
    assert paths[("employment", "staff_category")] is False  # a code is a String too
    assert ("protected_activity", "date") not in paths  # a date is not text
    assert {("subjects", 0, "name"), ("reporter", "phone")} <= dict(TEXT_PATHS["misconduct"]).keys()
