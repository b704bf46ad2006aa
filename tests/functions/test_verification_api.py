"""The verification sample through the disclosure API, with real Google-style ID tokens:
the dry run, the draw with its seed and frame, the second draw refused until an
administrator voids the first, who may do what, bad input refused with nothing stored, and
the answers valid against the OpenAPI document."""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from schemas.openapi import build_openapi
from shared.domain.verification import reproduces
from tests.functions.test_disclosure_api import (  # noqa: F401
    ADMIN,
    FILER,
    HEAD,
    OFFICER,
    Api,
    api,
    certificates,
)


def valid(component: str, body: Any) -> list[str]:
    documented = build_openapi()
    root = {"$ref": f"#/components/schemas/{component}",
            "components": documented["components"]}
    validator = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
    return [e.message for e in validator.iter_errors(body)]


def test_dry_run_draw_refuse_void_and_draw_again(api: Api) -> None:  # noqa: F811
    dry = api.call("POST", "/verifications/2025/draw", {"share": "0.06", "dry_run": True},
                   who=OFFICER)
    assert dry.status_code == 200, dry.get_json()
    allocation = dry.get_json()["allocation"]
    assert valid("Allocation", allocation) == []
    assert allocation["population"] == 3 and allocation["rounded_share"] == 0
    assert allocation["strata"] == [{  # the three filers share one stratum: one drawn
        "stratum": "headquarters/international_professional/senior_professional",
        "size": 3, "allocated": 1}]
    assert allocation["total"] == 1
    assert api.store.draws(2025) == []
    assert api.call("POST", "/verifications/2025/draw", {"share": "0.06"},
                    who=OFFICER).status_code == 403
    drawn = api.call("POST", "/verifications/2025/draw", {"share": "0.06"}, who=ADMIN)
    assert drawn.status_code == 201, drawn.get_json()
    draw = drawn.get_json()["draw"]
    assert valid("Draw", draw) == []
    assert len(draw["seed"]) == 64 and draw["number"] == 1 and not draw["voided"]
    stored = api.store.draws(2025)[0]
    assert stored.seed == draw["seed"] and list(stored.sample) == draw["sample"]
    assert reproduces(stored)
    second = api.call("POST", "/verifications/2025/draw", {"share": "0.5"}, who=ADMIN)
    assert second.status_code == 409 and "void" in second.get_json()["message"]
    assert api.call("POST", "/verifications/2025/void", {"reason": "Test run."},
                    who=OFFICER).status_code == 403
    voided = api.call("POST", "/verifications/2025/void", {"reason": "Test run."}, who=ADMIN)
    assert voided.status_code == 200 and voided.get_json()["draw"]["voided"] is True
    again = api.call("POST", "/verifications/2025/draw", {"share": "0.5"}, who=ADMIN)
    assert again.status_code == 201 and again.get_json()["draw"]["number"] == 2
    assert again.get_json()["draw"]["seed"] != draw["seed"]
    shown = api.call("GET", "/verifications/2025", who=OFFICER)
    assert shown.status_code == 200
    body = shown.get_json()
    assert valid("Verification", body) == []
    assert body["draw"]["number"] == 2 and [d["number"] for d in body["voided"]] == [1]
    assert [h["action"] for h in body["history"]] == ["sample_drawn", "draw_voided",
                                                      "sample_drawn"]
    assert body["history"][1]["details"]["reason"] == "Test run."


def test_only_the_office_reads_or_draws(api: Api) -> None:  # noqa: F811
    for who in (FILER, HEAD, "stranger@example.org"):
        assert api.call("GET", "/verifications/2025", who=who).status_code == 403
        assert api.call("POST", "/verifications/2025/draw",
                        {"share": "0.1", "dry_run": True}, who=who).status_code == 403
    assert api.call("GET", "/verifications/2025").status_code == 401
    empty = api.call("GET", "/verifications/2024", who=ADMIN)
    assert empty.status_code == 200 and empty.get_json()["draw"] is None


def test_bad_input_draws_nothing(api: Api) -> None:  # noqa: F811
    for body, field in (({"share": "0"}, "share"), ({"share": 0.06}, "share"),
                        ({"share": "1.5"}, "share"), ({"share": "0.00001"}, "share"),
                        ({}, "share"), ({"share": "0.1", "seed": "00"}, "seed"),
                        ({"share": "0.1", "dry_run": "yes"}, "dry_run")):
        response = api.call("POST", "/verifications/2025/draw", body, who=ADMIN)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"], response.get_json()
    assert api.call("POST", "/verifications/2024/draw", {"share": "0.1"},
                    who=ADMIN).status_code == 409  # no campaign for 2024
    assert api.call("POST", "/verifications/2025/void", {"reason": "x"},
                    who=ADMIN).status_code == 409  # nothing to void
    assert api.call("POST", "/verifications/2025/void", {}, who=ADMIN).status_code == 422
    assert api.call("POST", "/verifications/1999/draw", {"share": "0.1"},
                    who=ADMIN).status_code == 404
    assert api.store.draws(2025) == [] and api.store.draws(2024) == []
