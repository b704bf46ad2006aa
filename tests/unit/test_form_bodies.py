"""Form bodies: ``read_body`` and ``read_form_pairs`` make the same checks and give the same
data, and a form body is parsed once per request."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from shared.http.bodies import read_body, read_form_pairs
from shared.http.problems import HttpProblem

FORM = "application/x-www-form-urlencoded"


def post(body: bytes, content_type: str = FORM, method: str = "POST") -> Request:
    return Request(EnvironBuilder(method=method, data=body,
                                  content_type=content_type).get_environ())


def test_a_form_body_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    parse = urllib.parse.parse_qsl

    def counted(*args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        calls.append("parse_qsl")
        return parse(*args, **kwargs)

    monkeypatch.setattr(urllib.parse, "parse_qsl", counted)
    raw = b"complainant.name=Ana&retaliatory_acts.0.date=2024-01-02&note=&x=%C3%A9"
    body, pairs = read_form_pairs(post(raw), 10_000)
    assert calls == ["parse_qsl"]
    assert body == {"complainant": {"name": "Ana"},
                    "retaliatory_acts": [{"date": "2024-01-02"}], "x": "é"}
    assert pairs == [("complainant.name", "Ana"), ("retaliatory_acts.0.date", "2024-01-02"),
                     ("note", ""), ("x", "é")]
    assert read_body(post(raw), 10_000) == body


@pytest.mark.parametrize(("request_", "status"), [
    (post(b"a=1", method="PUT"), 405),
    (post(b"a=" + b"x" * 200), 413),
    (post(b"a=1", content_type="text/plain"), 415),
    (post(b"a=1", content_type=FORM + "; charset=latin-1"), 415),
    (post(b"a=\xff"), 400),
    (post(b"a=%FF"), 400),
    (post(b"a"), 400),
    (post(b"a.0=1&a.b=2"), 400),
    (post(b"a=1&a=2"), 400),
])
def test_both_readers_refuse_a_bad_form_alike(request_: Request, status: int) -> None:
    answers = []
    for read in (lambda r: read_body(r, 100), lambda r: read_form_pairs(r, 100)):
        with pytest.raises(HttpProblem) as refused:
            read(post(request_.get_data(), request_.content_type or "", request_.method))
        answers.append((refused.value.status, refused.value.message))
    assert answers[0][0] == answers[1][0] == status
    if request_.mimetype == FORM:  # read_body names JSON too among the types it takes
        assert answers[0][1] == answers[1][1]
