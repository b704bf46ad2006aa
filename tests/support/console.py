"""The officers' web console in-process: a browser's requests (cookies kept, anti-forgery
tokens read from the pages) to the ``console`` function, signed in through
Identity-Aware Proxy assertions that a local EC key signs and google-auth verifies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.test import TestResponse

from shared import bootstrap
from shared.adapters.iap_assertions import IapAssertionVerifier
from shared.auth import IAP_ASSERTION_HEADER, IapSignIn
from shared.bootstrap import Container
from shared.domain.officers import Officer
from shared.google_certs import CertificateCache
from tests.support.harness import function_app
from tests.support.iap import AUDIENCE, IapKey, publish
from tests.support.tokens import CertServer

ORIGIN = "http://127.0.0.1:8080"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def iap_keys() -> Iterator[tuple[CertServer, IapKey]]:
    """IAP's key endpoint, served locally, publishing one key."""
    server, key = CertServer(), IapKey("iap-test-1")
    publish(server, key)
    try:
        yield server, key
    finally:
        server.close()


def iap_sign_in(server: CertServer, directory: Any) -> IapSignIn:
    """The console's sign-in as on Google Cloud, against the local key endpoint."""
    return IapSignIn(IapAssertionVerifier(AUDIENCE, certificates=CertificateCache(server.url)),
                     directory)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def token_of(page: str) -> str:
    found = TOKEN.search(page)
    assert found, "no anti-forgery token on the page"
    return found.group(1)


class Browser:
    """One officer's browser on the console: cookies kept between requests; every request
    carries the assertion IAP would add for ``email`` (None: no assertion at all)."""

    def __init__(self, container: Container, key: IapKey | None, email: str | None) -> None:
        self.container = container
        self.key = key
        self.email = email
        self.client = function_app("console").test_client()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.key is not None and self.email is not None:
            headers.setdefault(IAP_ASSERTION_HEADER, self.key.assertion(self.email))
        return headers

    def get(self, path: str, **headers: str) -> TestResponse:
        with bootstrap.using(self.container):
            response: TestResponse = self.client.get(path, headers=self.headers(headers))
        return response

    def post(self, path: str, data: dict[str, str], *, token: str | None = "fresh",  # noqa: S107
             origin: str | None = ORIGIN, **headers: str) -> TestResponse:
        """A form post; ``token`` "fresh" takes one from a page of the console first."""
        if token == "fresh":
            token = token_of(text(self.get("/")))
        body = dict(data)
        if token is not None:
            body["csrf_token"] = token
        extra = dict(headers)
        if origin is not None:
            extra["Origin"] = origin
        with bootstrap.using(self.container):
            response: TestResponse = self.client.post(path, data=body,
                                                      headers=self.headers(extra))
        return response


def officer_names(directory: dict[str, Officer]) -> list[str]:
    return sorted(o.name for o in directory.values())
