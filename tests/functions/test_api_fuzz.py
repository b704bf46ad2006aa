"""Schema-driven fuzzing with schemathesis against the OpenAPI document: no input yields a
server error, every answer is one the document declares, and data that breaks the schema
is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config._checks import NegativeDataRejectionConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from shared import bootstrap
from shared.devserver import build_app
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness

schema = schemathesis.openapi.from_wsgi("/openapi.json", build_app())
# A body over the size limit is refused with 413 before it is read: a refusal of invalid
# data like the others, which the check's default list lacks (JSON Schema cannot state a
# limit in bytes).
schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(expected_statuses=[
    *NegativeDataRejectionConfig().expected_statuses, "413"])


@pytest.fixture
def fuzz_harness(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, InMemoryStore())


@schema.parametrize()
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_never_fails_and_keeps_its_contract(case: schemathesis.Case,
                                                    fuzz_harness: Harness) -> None:
    with bootstrap.using(fuzz_harness.container):
        case.call_and_validate(checks=[not_a_server_error, status_code_conformance,
                                       content_type_conformance, response_schema_conformance,
                                       negative_data_rejection])
