"""Rendering pages: one Jinja2 environment per language, the URLs pages link to, and the
HTTP response with the security headers every page carries."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shared.web.i18n import LANGUAGES, Language, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
FORMS_FUNCTION = "forms"

# Nothing from elsewhere: no CDN, no font or script host, no inline script or style.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
))
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Our own pages only: the browser then sends a real Origin with our own form posts.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"

_lock = threading.Lock()


@functools.cache
def asset_version() -> str:
    """A digest of the static files, so their URLs change when they do (long caching)."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Urls:
    """Root-relative URLs: every function lives at ``<root>/<function_name>``, where root is
    the path of ``INTAKE_FUNCTIONS_BASE_URL`` (empty when functions are at the host's root)."""

    root: str

    @classmethod
    def from_base_url(cls, base_url: str) -> Urls:
        return cls(urlsplit(base_url).path.rstrip("/"))

    def page(self, name: str = "", lang: str | None = None, **query: str) -> str:
        params = {**({"lang": lang} if lang else {}), **query}
        suffix = f"?{urlencode(params)}" if params else ""
        return f"{self.root}/{FORMS_FUNCTION}/{name}{suffix}"

    def static(self, name: str) -> str:
        return f"{self.root}/{FORMS_FUNCTION}/assets/{name}?v={asset_version()}"

    def function(self, name: str) -> str:
        return f"{self.root}/{name}"


@functools.cache
def _environment(code: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
        auto_reload=False)
    environment.install_gettext_translations(translations(code),  # type: ignore[attr-defined]
                                             newstyle=True)
    return environment


def environment(code: str) -> Environment:
    with _lock:
        return _environment(code)


def gettext_for(code: str) -> Any:
    return translations(code).gettext


def render(template: str, language: Language, **context: Any) -> str:
    return environment(language.code).get_template(template).render(
        lang=language, languages=list(LANGUAGES.values()), **context)


def html_response(status: int, body: str, *, language: Language, https: bool,
                  headers: Mapping[str, str] | None = None,
                  cookies: list[str] | None = None) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Language"] = language.html_lang
    if https:
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers.update(headers or {})
    for cookie in cookies or []:
        response.headers.add("Set-Cookie", cookie)
    return response
