from __future__ import annotations

import json
from pathlib import Path

from werkzeug.test import Client

from schemas.openapi import PUBLIC_FORMS, build_openapi
from shared.devserver import build_app, function_names

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_document_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == build_openapi(), "docs/openapi.json is stale: run `intake openapi`"


def test_the_local_runner_serves_the_document_and_every_path_exists() -> None:
    client = Client(build_app())
    served = json.loads(client.get("/openapi.json").get_data())
    assert served == build_openapi()
    documented = {path.lstrip("/") for path in served["paths"]}
    assert documented == {*PUBLIC_FORMS, "log_service"}
    assert documented <= set(function_names())
    index = json.loads(client.get("/").get_data())
    assert index["functions"] == [f"/{name}" for name in function_names()]


def test_every_form_schema_refuses_unknown_fields_in_the_document() -> None:
    schemas = build_openapi()["components"]["schemas"]
    forms = [name for name in schemas
             if name not in ("Acknowledgement", "Error", "LoggedService")]
    assert all(schemas[name]["additionalProperties"] is False for name in forms)


def test_the_service_log_is_documented_for_officers_with_every_category() -> None:
    document = build_openapi()
    operation = document["paths"]["/log_service"]["post"]
    assert operation["security"] == [{"OfficerToken": []}]
    entry = document["components"]["schemas"]["ServiceLogEntry"]
    assert "advice" in entry["properties"]["category"]["enum"]
    assert "misconduct" in entry["properties"]["category"]["enum"]
    assert {"subcategory", "copied_only", "requester_type"} <= set(entry["properties"])
