"""One table answers every error a use case raises, for the API and for the pages."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from shared.bootstrap import Container
from shared.domain.officers import Forbidden
from shared.domain.records import UnknownSubmission
from shared.domain.sealing import IntegrityFailure
from shared.endpoints.errors import ANSWERS, answer_for, name_of
from shared.ports.sealing import KeyServiceUnavailable
from shared.ports.storage import StoreUnavailable
from shared.ports.tasks import QueueUnavailable
from shared.services.cases import CaseNotFound
from shared.services.forward import ForwardLater
from shared.web import console_views
from shared.web.views import PROBLEMS
from tests.support.harness import settings_for


@pytest.mark.parametrize("name", list(ANSWERS))
def test_every_answer_names_an_error_and_has_a_page_that_exists(name: str) -> None:
    """The table names errors by module and class: each name is an exception class's."""
    module, _, qualname = name.rpartition(".")
    kind = getattr(importlib.import_module(module), qualname)
    assert isinstance(kind, type) and issubclass(kind, Exception)
    assert name_of(kind) == name
    answer = ANSWERS[name]
    assert answer.page is None or answer.page in PROBLEMS \
        or answer.page in console_views.PROBLEMS
    assert answer.logged in ("", "refused", "unavailable")


@pytest.mark.parametrize("kind", [CaseNotFound, Forbidden, IntegrityFailure],
                         ids=lambda k: k.__name__)
def test_the_officers_errors_have_a_console_page(kind: type[Exception]) -> None:
    answer = ANSWERS[name_of(kind)]
    assert answer.page is not None and answer.page in console_views.PROBLEMS


def test_a_dependency_down_is_a_503_with_retry_after_and_the_busy_page() -> None:
    for error in (StoreUnavailable("down"), QueueUnavailable("down"),
                  KeyServiceUnavailable("down")):  # a kind of StoreUnavailable
        answer = answer_for(error)
        assert answer is not None and answer.page == "unavailable"
        problem = answer.problem(error)
        assert (problem.status, problem.headers) == (503, {"Retry-After": "30"})
        assert problem.errors == {}


def test_work_to_retry_and_unknown_records_answer_as_the_table_says() -> None:
    later = answer_for(ForwardLater("no answer"))
    assert later is not None and later.problem(ForwardLater("x")).status == 503
    unknown = answer_for(UnknownSubmission("0" * 32))
    assert unknown is not None
    assert unknown.problem(UnknownSubmission("x")).errors == {
        "submission_id": ["No submission with this id."]}
    assert answer_for(RuntimeError("a bug")) is None


def test_the_use_cases_of_a_container_are_built_once(tmp_path: Path) -> None:
    container = Container(settings_for(tmp_path))
    assert container.use_cases is container.use_cases
    assert container.use_cases.triage is container.use_cases.triage
