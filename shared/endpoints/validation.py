"""Validation of a request body against a marshmallow schema, as a 422 on failure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError

from schemas.common import LOAD_CONTEXT
from shared.http.problems import HttpProblem

if TYPE_CHECKING:
    from shared.bootstrap import UseCases


def validated(schema: Schema, body: dict[str, Any], uc: UseCases) -> dict[str, Any]:
    try:
        with LOAD_CONTEXT({"today": uc.now().date()}):
            data: dict[str, Any] = schema.load(body)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {
            "_schema": error.messages}
        # Log only names the schema defines: an unknown key is client text.
        named = [k if k in schema.fields or k == "_schema" else "(unknown)" for k in messages]
        raise HttpProblem(422, "The submission has errors; see `errors`.", messages,
                          log_fields=named) from None
    return data
