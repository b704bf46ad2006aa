"""Reading requests and writing responses at the edge, for hostile input.

Every way a request can be malformed ends in an ``HttpProblem``: a 4xx with a JSON body
saying which field or header and why. Nothing here echoes submitted values.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from enum import Enum
from typing import Any

from flask import Request, Response

from shared.config import url_origin
from shared.domain import strict_json

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 600
MAX_FORM_DEPTH = 4
MAX_LIST_INDEX = 99
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_FIELD = "idempotency_key"
_IDEMPOTENCY_RE = re.compile(r"[A-Za-z0-9._:-]{16,128}")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_INDEX_RE = re.compile(r"[0-9]{1,2}")

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class HttpProblem(Exception):
    """A request the caller must fix (4xx), or a dependency that is down (503)."""

    def __init__(self, status: int, message: str, errors: dict[str, Any],
                 headers: dict[str, str] | None = None, *,
                 log_fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        # What may be logged of ``errors``: its keys unless they may hold client text.
        self.log_fields = sorted(set(log_fields if log_fields is not None else errors))

    def response(self) -> Response:
        return json_response(self.status, {"message": self.message, "errors": self.errors},
                             self.headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=JSON_TYPE)
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(headers or {})
    return response


def _bad_body(message: str) -> HttpProblem:
    return HttpProblem(400, message, {"_body": [message]})


def post_only(method: str) -> HttpProblem:
    """The answer to ``method`` where only POST is accepted."""
    return HttpProblem(405, "Only POST is accepted.",
                       {"_method": [f"{method} is not allowed; use POST."]}, {"Allow": "POST"})


def require_post(request: Request) -> None:
    if request.method != "POST":
        raise post_only(request.method)


def read_body(request: Request, limit: int, *, allow_form: bool = True) -> dict[str, Any]:
    """The request body as a dict, from JSON or (if allowed) form encoding."""
    require_post(request)
    too_large = HttpProblem(413, f"The body is larger than {limit} bytes.",
                            {"_body": [f"Must not be larger than {limit} bytes."]})
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    mimetype = request.mimetype
    accepted = [JSON_TYPE, FORM_TYPE] if allow_form else [JSON_TYPE]
    if mimetype not in accepted:
        message = f"Content-Type must be {' or '.join(accepted)}."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        message = "The only accepted charset is utf-8."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    raw = _read_at_most(request, limit + 1)
    if len(raw) > limit:
        raise too_large
    return parse_json(raw) if mimetype == JSON_TYPE else parse_form(raw)


def _read_at_most(request: Request, size: int) -> bytes:
    """Up to ``size`` bytes of the body, without allocating ``size`` bytes up front."""
    if request.content_length is not None:
        return bytes(request.stream.read(min(size, request.content_length)))
    chunks, total = [], 0  # chunked transfer: no length announced
    while total < size:
        chunk = request.stream.read(min(65536, size - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_body("The body is not valid UTF-8.") from None
    try:
        value = strict_json.loads(text)
    except RecursionError:
        raise _bad_body("The JSON is nested too deeply.") from None
    except strict_json.RepeatedKey:
        raise _bad_body("The JSON repeats a key inside one object.") from None
    except json.JSONDecodeError as error:
        raise _bad_body(f"The body is not valid JSON: {error.msg} (line {error.lineno}, "
                        f"column {error.colno}).") from None
    except ValueError:
        raise _bad_body("The body is not valid JSON: a number is too long or not "
                        "allowed.") from None
    if not isinstance(value, dict):
        raise _bad_body("The body must be a JSON object.")
    return value


def parse_form(raw: bytes) -> dict[str, Any]:
    """Form encoding to nested data: ``a.b`` is a nested field, ``a.0.b`` a list item.

    A blank value is dropped: an HTML form sends every field, filled in or not.
    """
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise _bad_body("A form body must be percent-encoded ASCII.") from None
    if not text.strip():
        return {}
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True,
                                       encoding="utf-8", errors="strict",
                                       max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise _bad_body("A form value is not valid UTF-8 once decoded.") from None
    except ValueError:
        raise _bad_body(f"The form is malformed or has more than {MAX_FORM_FIELDS} "
                        "fields.") from None
    return _unflatten([(name, value) for name, value in pairs if value.strip()])


def _unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = name.split(".")
        if len(parts) > MAX_FORM_DEPTH or not _NAME_RE.fullmatch(parts[0]) or not all(
                _NAME_RE.fullmatch(p) or _INDEX_RE.fullmatch(p) for p in parts[1:]):
            raise _bad_body("A form field name is not of the form name, name.field or "
                            "name.0.field.")
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise _bad_body(f"Form field {parts[0]!r} is both a value and a group.")
            node = child
        if parts[-1] in node:
            raise _bad_body(f"Form field {name!r} appears more than once.")
        node[parts[-1]] = value
    return _lists(root)  # type: ignore[no-any-return]


def _lists(node: Any) -> Any:
    """Dicts keyed only by indexes become lists, in index order (gaps close up)."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(_INDEX_RE.fullmatch(key) for key in converted):
        if any(int(key) > MAX_LIST_INDEX for key in converted):
            raise _bad_body(f"A list index is larger than {MAX_LIST_INDEX}.")
        return [converted[key] for key in sorted(converted, key=int)]
    if any(_INDEX_RE.fullmatch(key) for key in converted):
        raise _bad_body("A form group mixes list indexes and field names.")
    return converted


def idempotency_key(request: Request, body: dict[str, Any]) -> str | None:
    """The client's idempotency key, from the header or the form's hidden field (removed
    from ``body``); None if neither is given."""
    from_body = body.pop(IDEMPOTENCY_FIELD, None)
    from_header = request.headers.get(IDEMPOTENCY_HEADER)
    if from_body is not None and from_header is not None and from_body != from_header:
        message = "The header and the form field carry different idempotency keys."
        raise HttpProblem(400, message, {IDEMPOTENCY_HEADER: [message]})
    key = from_header if from_header is not None else from_body
    if key is None:
        return None
    if not isinstance(key, str) or not _IDEMPOTENCY_RE.fullmatch(key):
        message = "Must be 16 to 128 characters from A-Z a-z 0-9 . _ : -"
        raise HttpProblem(400, f"{IDEMPOTENCY_HEADER}: {message}",
                          {IDEMPOTENCY_HEADER: [message]})
    return key


# --- Browser form posts ------------------------------------------------------------------
# A browser's form post gets pages (shared/endpoints/browser_submit.py) instead of JSON; these
# helpers decide which is which, where a post comes from, and read such a post. Nothing here
# imports page rendering.

HTML_TYPE = "text/html"
# Percent-encoding writes a non-ASCII character as 6 to 9 bytes: a browser's form may carry
# this many times the JSON limit for the same text.
BROWSER_FORM_FACTOR = 4


def accepts_html(request: Request) -> bool:
    """Whether the client names text/html in Accept, as browsers do when they navigate."""
    return any(value.lower() == HTML_TYPE and quality > 0
               for value, quality in request.accept_mimetypes)


def is_browser_form_post(request: Request) -> bool:
    return request.method == "POST" and request.mimetype == FORM_TYPE and accepts_html(request)


class Origin(Enum):
    """Where a browser says a request comes from."""

    SAME = "same"  # our own pages
    CROSS = "cross"  # another site (or an origin that is not ours)
    UNKNOWN = "unknown"  # no evidence either way (not a browser, an old one, a privacy proxy)


def _header_values(request: Request, name: str) -> list[str]:
    return [part.strip() for value in request.headers.getlist(name)
            for part in value.replace(",", " ").split() if part.strip()]


def fetch_sites(request: Request) -> set[str]:
    """The values of ``Sec-Fetch-Site``, lower-case."""
    return {value.lower() for value in _header_values(request, "Sec-Fetch-Site")}


def declared_origins(request: Request) -> list[str]:
    """The origins named in ``Origin`` (``null`` included)."""
    return _header_values(request, "Origin")


def origin_of(request: Request, own_origin: str) -> Origin:
    """What the browser says about where a request comes from, against our own origin
    (``Settings.site_origin``). ``Sec-Fetch-Site`` other than ``same-origin`` or ``none``,
    or an ``Origin`` that is not exactly ours, is another site; either header naming
    another site wins. ``Origin: null`` (a sandboxed frame, a cross-origin redirect) alone
    says nothing here: see ``refuse_cross_site``."""
    sites = fetch_sites(request)
    named = [o for o in declared_origins(request) if o != "null"]
    if sites - {"same-origin", "none"} or any(
            not own_origin or url_origin(o) != own_origin for o in named):
        return Origin.CROSS
    if "same-origin" in sites or named:
        return Origin.SAME
    return Origin.UNKNOWN


def refuse_cross_site(request: Request, own_origin: str) -> None:
    """Refuse (403) a post a browser marks as coming from another site, whatever its
    content type: the CORS "simple" types (form encoding, multipart, text/plain) are what a
    page of another site can send without asking first. Without an anti-forgery token to
    lean on, an opaque ``Origin: null`` that fetch metadata does not vouch for is refused
    too: API clients send no ``Origin`` at all."""
    origin = origin_of(request, own_origin)
    opaque = "null" in declared_origins(request) and origin is not Origin.SAME
    if origin is Origin.CROSS or opaque:
        message = "A form posted from another site is not accepted."
        header = "Sec-Fetch-Site" if fetch_sites(request) - {"same-origin", "none"} \
            else "Origin"
        raise HttpProblem(403, message, {header: [message]})


def client_address(request: Request, proxy_hops: int) -> str:
    """The client's address for rate limiting: the connection's, or the one the nearest of
    ``proxy_hops`` trusted proxies appended to ``X-Forwarded-For``. Never stored."""
    if proxy_hops > 0:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")
                     if a.strip()]
        if len(forwarded) >= proxy_hops:
            return forwarded[-proxy_hops]
    return request.remote_addr or "unknown"


def read_form_pairs(request: Request, limit: int) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A form-encoded body, parsed as ``read_body`` parses it (same checks, same problems),
    and its raw (name, value) pairs, blank ones included, so a page can show back exactly
    what was typed."""
    require_post(request)
    too_large = HttpProblem(413, f"The body is larger than {limit} bytes.",
                            {"_body": [f"Must not be larger than {limit} bytes."]})
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    if request.mimetype != FORM_TYPE:
        message = f"Content-Type must be {FORM_TYPE}."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        message = "The only accepted charset is utf-8."
        raise HttpProblem(415, message, {"Content-Type": [message]})
    raw = _read_at_most(request, limit + 1)
    if len(raw) > limit:
        raise too_large
    body = parse_form(raw)  # refuses every malformed body before the pairs are read
    pairs = urllib.parse.parse_qsl(raw.decode("ascii"), keep_blank_values=True,
                                   encoding="utf-8", max_num_fields=MAX_FORM_FIELDS)
    return body, pairs
