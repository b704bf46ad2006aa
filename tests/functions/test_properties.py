"""Property-based tests: every accepted payload round-trips through a real store and the
envelope unchanged, and no generated request yields a server error."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.advice import AdviceRequestSchema
from schemas.common import LOAD_CONTEXT
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.records import jsonable
from shared.domain.taxonomy import (
    ADVICE_GROUPS,
    ALLEGATION_TYPES,
    DUTY_STATIONS,
    LANGUAGES,
    PROTECTED_ACTIVITIES,
    RETALIATORY_ACT_KINDS,
    STAFF_CATEGORIES,
)
from tests.support.harness import Harness
from tests.support.payloads import FUNCTIONS, flatten
from tests.support.sealing import opened_submission

TODAY = date(2026, 3, 2)  # the harness clock's date
HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])

# Text as people write it, in any script, including characters that are legal but awkward
# (right-to-left scripts, emoji, combining accents, spaces of every width, private use);
# never the characters the forms refuse (control, format, separators, non-characters).
_letters = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")).filter(
    lambda c: not (0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE))


def text(max_size: int, *, multiline: bool = False) -> st.SearchStrategy[str]:
    alphabet = st.one_of(_letters, st.sampled_from("\n\t")) if multiline else _letters
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


def codes(mapping: Any) -> st.SearchStrategy[str]:
    return st.sampled_from(list(mapping))


def past_dates(start: date = date(1990, 1, 1)) -> st.SearchStrategy[str]:
    return st.dates(start, TODAY).map(date.isoformat)


emails = st.from_regex(r"[a-z0-9]{1,20}\.[a-z]{1,10}@[a-z]{2,12}\.(org|int|com)",
                       fullmatch=True)
phones = st.from_regex(r"\+[1-9][0-9 ]{6,18}[0-9]", fullmatch=True)


@st.composite
def advice_requests(draw: st.DrawFn) -> dict[str, Any]:
    group = draw(codes(ADVICE_GROUPS))
    data: dict[str, Any] = {"category": group,
                            "subcategory": draw(st.sampled_from(ADVICE_GROUPS[group])),
                            "question": draw(text(2000, multiline=True)),
                            "preferred_language": draw(codes(LANGUAGES)),
                            "consent_privacy_notice": True}
    if draw(st.booleans()):
        data["anonymous"] = True
    else:
        data.update(name=draw(text(200)), email=draw(emails))
        if draw(st.booleans()):
            data.update(contact_method="phone", phone=draw(phones))
    if draw(st.booleans()):
        data.update(requester_type="group", group_size=draw(st.integers(2, 10000)),
                    group_unit=draw(text(200)))
    for key, strategy in (("duty_station", codes(DUTY_STATIONS)),
                          ("staff_category", codes(STAFF_CATEGORIES)),
                          ("office", text(200)), ("grade", text(20)),
                          ("function_title", text(200))):
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


@st.composite
def misconduct_reports(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"allegation_type": draw(codes(ALLEGATION_TYPES)),
                            "what": draw(text(3000, multiline=True)),
                            "location": draw(text(500)), "consent_forwarding": True}
    if draw(st.booleans()):
        start = draw(st.dates(date(2000, 1, 1), TODAY))
        data["incident_date"] = start.isoformat()
        if draw(st.booleans()):
            data["incident_end_date"] = draw(st.dates(start, TODAY)).isoformat()
    else:
        data["when_description"] = draw(text(500, multiline=True))
    data["subjects"] = draw(st.lists(st.fixed_dictionaries(
        {"name": text(200)}, optional={"title": text(200), "organisation": text(200)}),
        max_size=3))
    data["witnesses"] = draw(st.lists(st.fixed_dictionaries(
        {"name": text(200), "may_contact": st.booleans()}, optional={"contact": text(300)}),
        max_size=3))
    if draw(st.booleans()):
        data["anonymous"] = True
    else:
        data["reporter"] = draw(st.fixed_dictionaries(
            {"name": text(200), "email": emails}, optional={"phone": phones}))
    for key in ("how", "evidence_description"):
        if draw(st.booleans()):
            data[key] = draw(text(3000, multiline=True))
    return data


@st.composite
def retaliation_complaints(draw: st.DrawFn) -> dict[str, Any]:
    activity = draw(st.dates(date(2000, 1, 1), TODAY))
    acts = draw(st.lists(st.fixed_dictionaries({
        "date": st.dates(activity, TODAY).map(date.isoformat),
        "kind": codes(RETALIATORY_ACT_KINDS),
        "description": text(2000, multiline=True), "by_whom": text(300)}),
        min_size=1, max_size=4))
    requested = draw(st.booleans())
    data: dict[str, Any] = {
        "complainant": {"name": draw(text(200)), "email": draw(emails)},
        "employment": {"staff_category": draw(codes(STAFF_CATEGORIES)),
                       "duty_station": draw(codes(DUTY_STATIONS))},
        "protected_activity": {"type": draw(codes(PROTECTED_ACTIVITIES)),
                               "date": activity.isoformat(),
                               "reported_to": draw(text(300)),
                               "description": draw(text(2000, multiline=True))},
        "retaliatory_acts": acts,
        "link_explanation": draw(text(2000, multiline=True)),
        "interim_measures_requested": requested,
        "witnesses": draw(st.lists(st.fixed_dictionaries(
            {"name": text(200), "may_contact": st.booleans()}), max_size=3)),
        "consent_privacy_notice": True,
    }
    if requested and draw(st.booleans()):
        data["interim_measures_details"] = draw(text(500, multiline=True))
    return data


CASES = {
    "advice": (advice_requests(), AdviceRequestSchema()),
    "misconduct": (misconduct_reports(), MisconductReportSchema()),
    "retaliation": (retaliation_complaints(), RetaliationComplaintSchema()),
}


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteStore, Path]:
    directory = tmp_path_factory.mktemp("properties")
    return SqliteStore.open(directory / "intake.sqlite3"), directory


@pytest.mark.parametrize("form", list(CASES))
def test_any_accepted_payload_round_trips_through_store_and_envelope(
        form: str, sqlite_store: tuple[SqliteStore, Path]) -> None:
    store, directory = sqlite_store
    harness = Harness.build(directory, store)
    strategy, schema = CASES[form]

    @HYPOTHESIS
    @given(body=strategy, as_form=st.booleans())
    def check(body: dict[str, Any], as_form: bool) -> None:
        if as_form:
            response = harness.post(FUNCTIONS[form], raw=urlencode(flatten(body)).encode(),
                                    content_type="application/x-www-form-urlencoded")
        else:
            response = harness.submit(FUNCTIONS[form], body)
        assert response.status_code == 201, response.get_json()
        case = store.get_case(response.get_json()["reference"])
        assert case is not None
        submission = store.get_submission(case.submission_id)
        assert submission is not None
        opened = opened_submission(harness.container.cipher, submission)
        with LOAD_CONTEXT({"today": TODAY}):
            expected = jsonable(schema.load(body))
        assert opened == expected

    check()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=30),
                                                                      children, max_size=6),
    max_leaves=30)


def mutated(strategy: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """Valid payloads with one value anywhere replaced by arbitrary JSON."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        body = draw(strategy)
        paths: list[list[Any]] = []

        def walk(node: Any, path: list[Any]) -> None:
            paths.append(path)
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, [*path, key])
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, [*path, index])

        walk(body, [])
        path = draw(st.sampled_from(paths[1:]))
        node = body
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = draw(json_values)
        return body

    return build()


@pytest.mark.parametrize("form", list(CASES))
def test_no_generated_request_yields_a_server_error(form: str, harness: Harness) -> None:
    strategy, _ = CASES[form]

    @HYPOTHESIS
    @given(body=st.one_of(mutated(strategy), json_values))
    def check_json(body: Any) -> None:
        response = harness.submit(FUNCTIONS[form], body)
        assert response.status_code < 500, response.get_data(as_text=True)[:300]

    @HYPOTHESIS
    @given(raw=st.binary(max_size=2000),
           content_type=st.sampled_from(["application/json",
                                         "application/x-www-form-urlencoded",
                                         "application/json; charset=utf-8", "text/plain"]))
    def check_bytes(raw: bytes, content_type: str) -> None:
        response = harness.post(FUNCTIONS[form], raw=raw, content_type=content_type)
        assert response.status_code < 500

    @HYPOTHESIS
    @given(pairs=st.lists(st.tuples(
        st.from_regex(r"[a-z_]{1,12}(\.[a-z0-9_]{1,8}){0,4}", fullmatch=True),
        st.text(max_size=40)), max_size=25))
    def check_form(pairs: list[tuple[str, str]]) -> None:
        response = harness.post(FUNCTIONS[form], raw=urlencode(pairs).encode(),
                                content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500

    check_json()
    check_bytes()
    check_form()
    # Whatever was accepted also triages.
    assert all(status == 200 for status in harness.deliver_tasks())
