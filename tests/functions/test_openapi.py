from __future__ import annotations

import json
from pathlib import Path

from werkzeug.test import Client

from schemas.openapi import PUBLIC_FORMS, build_openapi
from shared.devserver import build_app, function_names
from shared.domain.officers import ETHICS_AUDITOR, ROLES

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_document_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == build_openapi(), "docs/openapi.json is stale: run `intake openapi`"


def test_the_local_runner_serves_the_document_and_every_path_exists() -> None:
    client = Client(build_app())
    served = json.loads(client.get("/openapi.json").get_data())
    assert served == build_openapi()
    documented = {path.lstrip("/").split("/")[0] for path in served["paths"]}
    # The console is a browser application (HTML pages, Identity-Aware Proxy): no API.
    assert documented == {*PUBLIC_FORMS, "cases", "log_service", "disclosure"}
    assert "console" in function_names()
    assert documented <= set(function_names())
    index = json.loads(client.get("/").get_data())
    assert index["functions"] == [f"/{name}" for name in function_names()]


def test_the_document_is_openapi_3_1_and_offers_only_json_bodies() -> None:
    document = build_openapi()
    assert document["openapi"].startswith("3.1.")
    for path, operations in document["paths"].items():
        for operation in operations.values():
            body = operation.get("requestBody")
            if body is not None:
                assert set(body["content"]) == {"application/json"}, path


def test_every_request_schema_refuses_unknown_fields_in_the_document() -> None:
    document = build_openapi()
    schemas = document["components"]["schemas"]
    requests = {op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .rsplit("/", 1)[-1] for ops in document["paths"].values()
                for op in ops.values() if "requestBody" in op}
    assert {"AdviceRequest", "Transition", "Measure", "ServiceLogEntry"} <= requests
    assert all(schemas[name]["additionalProperties"] is False for name in requests)


def test_the_rules_json_schema_cannot_state_are_listed() -> None:
    schemas = build_openapi()["components"]["schemas"]
    listed = {name: {rule["code"] for rule in schema.get("x-unstated-rules", [])}
              for name, schema in schemas.items()}
    assert "dates_in_order" in listed["MisconductReport"]
    assert "acts_after_activity" in listed["RetaliationComplaint"]
    assert "decided_after_recommended" in listed["Measure"]
    assert "past_date" in listed["RetaliatoryAct"] or "past_date" in listed[
        "RetaliationComplaint"]
    advice = schemas["AdviceRequest"]
    stated = [rule["description"] for rule in advice["allOf"]]
    assert "Required unless you ask anonymously." in stated


def test_every_officers_operation_needs_the_officers_token() -> None:
    document = build_openapi()
    scheme = document["components"]["securitySchemes"]["OfficerToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "INTAKE_AUTH_AUDIENCE" in scheme["description"]
    assert "dev:" in scheme["description"]
    officers = {(path, method): op for path, ops in document["paths"].items()
                for method, op in ops.items()
                if path.startswith(("/cases", "/log_service"))}
    # with holds, extensions, files, records, the export, indicators and recusals
    assert len(officers) == 17
    for op in officers.values():
        assert op["security"] == [{"OfficerToken": []}]
        assert {"401", "403", "503"} <= set(op["responses"])
        assert op["x-roles"] and set(op["x-roles"]) <= set(ROLES)
    auditors = {key for key, op in officers.items() if ETHICS_AUDITOR in op["x-roles"]}
    assert auditors == {("/cases/", "get"), ("/cases/export", "get"),
                        ("/cases/indicators", "get")}
    export = document["paths"]["/cases/export"]["get"]
    assert {p["name"] for p in export["parameters"]} == {"year", "format"}
    assert list(export["responses"]["200"]["content"]) == ["text/csv"]
    listing = document["paths"]["/cases/"]["get"]["parameters"]
    assert {p["name"] for p in listing} == {"form", "state", "assignee", "forwarding",
                                            "due_within_days", "deadline",
                                            "due_for_purge", "limit"}


def test_the_service_log_is_documented_for_officers_with_every_category() -> None:
    document = build_openapi()
    operation = document["paths"]["/log_service"]["post"]
    assert operation["security"] == [{"OfficerToken": []}]
    entry = document["components"]["schemas"]["ServiceLogEntry"]
    assert "advice" in entry["properties"]["category"]["enum"]
    assert "misconduct" in entry["properties"]["category"]["enum"]
    assert {"subcategory", "copied_only", "requester_type"} <= set(entry["properties"])
