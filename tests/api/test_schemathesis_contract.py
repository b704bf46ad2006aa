"""schemathesis against the running functions (every function mounted as the local runner
mounts them, on the embedded backend: SQLite, in-process tasks), for every operation of
the OpenAPI document, officers' calls signed in with a development token:

- data the document calls valid is accepted (``positive_data_acceptance``), apart from the
  rules the document itself lists as not expressible in JSON Schema (``x-unstated-rules``):
  ``tests/api/unstated.py`` brings each generated body within those, rule by rule, and
  fails on a rule it does not know, so a new unstated rule cannot slip by;
- no input is a server error (``not_a_server_error``), nor an answer the document does not
  declare;
- an auditor's valid call is refused (403) exactly where the operation's ``x-roles`` leave
  the auditor out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    status_code_conformance,
)

from shared import bootstrap
from shared.bootstrap import Container
from shared.devserver import build_app, dev_tokens
from shared.domain.officers import ETHICS_AUDITOR
from shared.domain.references import parse_reference
from tests.api.unstated import within_unstated_rules
from tests.support.fakes import RecordingQueue
from tests.support.harness import settings_for

OFFICER = "officer@example.org"
AUDITOR = "auditor@example.org"
DIRECTORY = {OFFICER: {"name": "Olu Officer", "roles": ["ethics_officer", "ethics_admin"]},
             AUDITOR: {"name": "Audrey Auditor", "roles": [ETHICS_AUDITOR]}}

# Signed uploads are offered only with a bucket of incoming files (the local runner has
# none: `POST /<function>/uploads` is a 404 and `evidence_uploads` a 422 there), and an
# upload id is valid only once POST /uploads answered it, which generated data cannot be:
# tests/functions/test_evidence_signed_uploads.py runs them against the storage emulator.
schema = schemathesis.openapi.from_wsgi("/openapi.json", build_app()).exclude(
    path_regex="/uploads$")
# Bounded: the examples and fuzzing phases (max_examples each). The coverage phase, which
# walks every boundary of every field without a bound, stays with tests/functions/
# test_api_fuzz.py.
schema.config.phases.coverage.enabled = False
# The officers' operations again, valid data only, called by an auditor.
auditors = schemathesis.openapi.from_wsgi("/openapi.json", build_app()).include(
    path_regex="^/(cases|log_service)")
auditors.config.phases.coverage.enabled = False
auditors.config.generation.update(modes=[GenerationMode.POSITIVE])


@schema.hook("map_body")
@auditors.hook("map_body")
def map_body(context: Any, body: Any) -> Any:
    """Each generated body brought within the document's unstated rules (see the module)."""
    operation = context.operation
    if operation is None or not isinstance(body, dict):
        return body
    media = operation.definition.raw.get("requestBody", {}).get("content", {})
    target = media.get("application/json", {}).get("schema", {})
    body.pop("evidence_uploads", None)  # not offered here (see above)
    adjusted = within_unstated_rules(body, _resolved(target))
    # A recorded report carries its form's document: that document's rules too.
    component = RECORDED_FORMS.get(str(adjusted.get("form")))
    if component is not None and isinstance(adjusted.get("submission"), dict):
        adjusted["submission"].pop("evidence_uploads", None)
        within_unstated_rules(adjusted["submission"],
                              DOCUMENT["components"]["schemas"][component])
    return adjusted


RECORDED_FORMS = {"advice": "AdviceRequest", "misconduct": "MisconductReport",
                  "retaliation": "RetaliationComplaint"}


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    resolved: dict[str, Any] = DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return resolved


DOCUMENT: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> tuple[Container, dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("contract")
    # The embedded backend (SQLite store, local keys); queued tasks are recorded rather
    # than delivered by the local dispatcher's thread, which would run outside this test.
    container = Container(settings_for(data_dir, INTAKE_DEV_AUTH="true",
                                       INTAKE_OFFICERS=json.dumps(DIRECTORY)),
                          queue=RecordingQueue())
    return container, dev_tokens(container)


def bounded(examples: int) -> Any:
    """Hypothesis settings of these tests: reproducible, ``examples`` per operation."""
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


@schema.parametrize()
@bounded(25)
def test_every_operation_accepts_what_the_document_calls_valid(
        case: schemathesis.Case, running: tuple[Container, dict[str, str]]) -> None:
    container, tokens = running
    signed_in = case.operation.definition.raw.get("security")
    headers = {"Authorization": f"Bearer {tokens[OFFICER]}"} if signed_in else {}
    with bootstrap.using(container):
        case.call_and_validate(headers=headers, checks=[
            not_a_server_error, positive_data_acceptance, status_code_conformance,
            content_type_conformance])


@auditors.parametrize()
@bounded(10)
def test_an_auditor_may_call_only_what_the_document_gives_auditors(
        case: schemathesis.Case, running: tuple[Container, dict[str, str]]) -> None:
    container, tokens = running
    roles = case.operation.definition.raw["x-roles"]
    with bootstrap.using(container):
        response = case.call(headers={"Authorization": f"Bearer {tokens[AUDITOR]}"})
    reference = (case.path_parameters or {}).get("reference")
    if ETHICS_AUDITOR in roles:
        assert response.status_code != 403, response.text
    elif reference is not None and parse_reference(str(reference)) is None:
        # The pattern does not state the reference's check characters: no such case for
        # anyone, before any role is asked for.
        assert response.status_code == 404, response.text
    else:
        assert response.status_code == 403, response.text
        assert "_access" in response.json()["errors"], response.text
