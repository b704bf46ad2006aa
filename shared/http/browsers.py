"""Browser form posts. A browser's form post gets pages (shared/endpoints/browser_submit.py)
instead of JSON; these helpers decide which is which, where a post comes from, and who the
client is for rate limiting. Nothing here imports page rendering."""

from __future__ import annotations

import ipaddress
from enum import Enum

from flask import Request

from shared.config import url_origin
from shared.http.forms import FORM_TYPE, MULTIPART_TYPE
from shared.http.problems import HttpProblem

HTML_TYPE = "text/html"
# Percent-encoding writes a non-ASCII character as 6 to 9 bytes: a browser's form may carry
# this many times the JSON limit for the same text.
BROWSER_FORM_FACTOR = 4


def accepts_html(request: Request) -> bool:
    """Whether the client names text/html in Accept, as browsers do when they navigate."""
    return any(value.lower() == HTML_TYPE and quality > 0
               for value, quality in request.accept_mimetypes)


def is_browser_form_post(request: Request) -> bool:
    return request.method == "POST" and request.mimetype in (FORM_TYPE, MULTIPART_TYPE) \
        and accepts_html(request)


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
            return client_network(forwarded[-proxy_hops])
    return client_network(request.remote_addr or "unknown")


def client_network(address: str) -> str:
    """The unit a per-client counter counts: an IPv4 address, or the /64 an IPv6 address
    lies in, since one subscriber is routinely given a whole /64 and could otherwise
    take a fresh address for every attempt. IPv4-mapped IPv6 counts as its IPv4."""
    try:
        parsed = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
