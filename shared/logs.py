"""JSON log lines in the shape Cloud Logging reads: severity, message, trace, and safe labels.

Only pass identifiers as ``extra`` (reference, submission id, form, field names, counts):
never a value a person typed. The test suite greps every captured line for the payloads'
names and texts.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

TRACE_FIELD = "logging.googleapis.com/trace"

_trace: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace", default=None)
_configured = False

# SDK clients log whole request bodies at DEBUG (botocore logs an e-mail's recipient):
# whatever our own level, they never speak below WARNING.
THIRD_PARTY_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "google", "grpc")
for _name in THIRD_PARTY_LOGGERS:
    logging.getLogger(_name).setLevel(logging.WARNING)


def trace_from_headers(headers: Any, project: str) -> str | None:
    """Cloud Logging's trace name from ``X-Cloud-Trace-Context`` or W3C ``traceparent``."""
    trace_id = None
    legacy = headers.get("X-Cloud-Trace-Context")
    if legacy:
        trace_id = legacy.split("/", 1)[0].strip()
    else:
        parent = headers.get("traceparent", "")
        parts = parent.split("-")
        if len(parts) == 4:
            trace_id = parts[1]
    if not trace_id or not trace_id.isalnum() or len(trace_id) > 64:
        return None
    return f"projects/{project or 'local'}/traces/{trace_id}"


def set_trace(trace: str | None) -> contextvars.Token[str | None]:
    return _trace.set(trace)


def reset_trace(token: contextvars.Token[str | None]) -> None:
    _trace.reset(token)


class _TraceFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        trace = _trace.get()
        if trace:
            setattr(record, TRACE_FIELD, trace)
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(levelname)s %(message)s %(name)s",
        rename_fields={"levelname": "severity", "name": "logger"},
        timestamp="time",
    )


def configure(level: str = "INFO", stream: Any = None) -> None:
    """Send every log record to stdout (or ``stream``: the command line keeps stdout for
    its output) as one JSON line. Idempotent: the first call chooses the stream."""
    global _configured
    root = logging.getLogger()
    root.setLevel(level)
    if _configured:
        return
    handler = logging.StreamHandler(sys.stdout if stream is None else stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(_TraceFilter())
    root.addHandler(handler)
    _configured = True


def get_logger(name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    if not any(isinstance(f, _TraceFilter) for f in logger.filters):
        logger.addFilter(_TraceFilter())
    return logger
