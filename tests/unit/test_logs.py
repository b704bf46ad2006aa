from __future__ import annotations

import json
import logging

import pytest

from shared import logs
from tests.support.logscan import CapturingHandler, find_leaks


def test_a_log_line_is_one_json_object_in_cloud_loggings_shape() -> None:
    handler = CapturingHandler()
    logger = logs.get_logger("tests.shape")
    logger.addHandler(handler)
    token = logs.set_trace("projects/p/traces/abc123")
    try:
        logger.warning("dependency unavailable", extra={"event": "x", "reference": "ETH-1"})
    finally:
        logs.reset_trace(token)
        logger.removeHandler(handler)
    [line] = handler.lines
    entry = json.loads(line)
    assert entry["severity"] == "WARNING" and entry["message"] == "dependency unavailable"
    assert entry["logging.googleapis.com/trace"] == "projects/p/traces/abc123"
    assert entry["reference"] == "ETH-1" and "time" in entry


@pytest.mark.parametrize(("headers", "expected"), [
    ({"X-Cloud-Trace-Context": "4bf92f35/1;o=1"}, "projects/p/traces/4bf92f35"),
    ({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
     "projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736"),
    ({"X-Cloud-Trace-Context": "not a trace/1"}, None),
    ({}, None),
])
def test_the_trace_comes_from_either_header(headers: dict[str, str],
                                            expected: str | None) -> None:
    assert logs.trace_from_headers(headers, "p") == expected


def test_sdk_clients_never_log_below_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in logs.THIRD_PARTY_LOGGERS:
        logging.getLogger(f"{name}.endpoint").debug("body with someone@example.org")
    assert not [r for r in caplog.records if "someone@example.org" in r.getMessage()]


def test_the_leak_detector_finds_plain_and_escaped_secrets() -> None:
    lines = ['{"message": "hello"}', '{"message": "Zo\\u00eb Ashby-Marr"}',
             '{"message": "line\\nbreak"}']
    assert find_leaks(lines, {"Zoë Ashby-Marr", "line\nbreak", "absent text"}) == [
        ("Zoë Ashby-Marr", lines[1]), ("line\nbreak", lines[2])]
