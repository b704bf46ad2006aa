"""Anti-forgery tokens, sealed tokens, the origin of a post and the client's address."""

from __future__ import annotations

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from shared.http.browsers import Origin, client_address, origin_of
from shared.web import security
from shared.web.sealed import Sealer
from shared.web.security import TokenCheck

SECRET = "s" * 40
OWN = "http://intake.example.org"  # Settings.site_origin of these requests' site


def request(headers: dict[str, str] | None = None, *, https: bool = False,
            remote: str = "192.0.2.1") -> Request:
    builder = EnvironBuilder(base_url=("https" if https else "http") + "://intake.example.org",
                             headers=list((headers or {}).items()),
                             environ_base={"REMOTE_ADDR": remote})
    return Request(builder.get_environ())


def test_a_token_passes_only_with_its_own_cookie_and_while_fresh() -> None:
    cookie, other = security.new_cookie(), security.new_cookie()
    token = security.issue_token(SECRET, cookie)
    assert security.check_token(SECRET, token, cookie) is TokenCheck.OK
    assert security.check_token(SECRET, token, other) is TokenCheck.UNBOUND
    assert security.check_token(SECRET, token, None) is TokenCheck.UNBOUND
    assert security.check_token(SECRET, token, cookie, max_age=-1) is TokenCheck.EXPIRED
    assert security.check_token("t" * 40, token, cookie) is TokenCheck.INVALID
    assert security.check_token(SECRET, token[:-2], cookie) is TokenCheck.INVALID
    assert security.check_token(SECRET, None, cookie) is TokenCheck.INVALID


def test_a_sealed_token_opens_only_for_its_purpose_cookie_and_age() -> None:
    cookie = security.new_cookie()
    case = Sealer(SECRET, "case")
    token = case.seal({"r": "ETH-ADV-AAAAA-BBBBB"}, cookie=cookie, now=1000)
    assert case.open(token, cookie=cookie, now=1100, max_age=600) == {
        "r": "ETH-ADV-AAAAA-BBBBB"}
    assert "ETH" not in token and "AAAAA" not in token  # encrypted, not only signed
    assert case.open(token, cookie=security.new_cookie(), now=1100, max_age=600) is None
    assert case.open(token, cookie=None, now=1100, max_age=600) is None
    assert case.open(token, cookie=cookie, now=1700, max_age=600) is None
    assert Sealer(SECRET, "draft").open(token, cookie=cookie, now=1100, max_age=600) is None
    assert Sealer("t" * 40, "case").open(token, cookie=cookie, now=1100, max_age=600) is None
    for forged in (token[:-4] + "AAAA", token[:20], "", "!!!", None, "A" * 3_000_000):
        assert case.open(forged, cookie=cookie, now=1100, max_age=600) is None


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Sec-Fetch-Site": "same-origin", "Origin": "http://intake.example.org"}, Origin.SAME),
    ({"Sec-Fetch-Site": "same-origin"}, Origin.SAME),
    ({"Origin": "http://intake.example.org"}, Origin.SAME),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://intake.example.org"}, Origin.CROSS),
    ({"Sec-Fetch-Site": "same-site"}, Origin.CROSS),
    ({"Origin": "https://attacker.example"}, Origin.CROSS),
    ({"Origin": "null"}, Origin.UNKNOWN),
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, Origin.SAME),
    ({"Origin": "https://attacker.example", "Sec-Fetch-Site": "same-origin"}, Origin.CROSS),
    ({"Origin": "http://intake.example.org.attacker.example"}, Origin.CROSS),
    ({}, Origin.UNKNOWN),
    ({"Sec-Fetch-Site": "none"}, Origin.UNKNOWN),
])
def test_where_a_post_comes_from(headers: dict[str, str], expected: Origin) -> None:
    assert origin_of(request(headers), OWN) is expected


@pytest.mark.parametrize(("headers", "expected"), [
    # The configured origin decides, not the Host the request names.
    ({"Origin": "http://intake.example.org:8080"}, Origin.CROSS),
    ({"Origin": "https://intake.example.org"}, Origin.CROSS),  # another scheme
    ({"Origin": "HTTP://INTAKE.EXAMPLE.ORG:80"}, Origin.SAME),  # the same, spelt otherwise
    ({"Origin": "http://evil.example@intake.example.org"}, Origin.CROSS),  # not an origin
    ({"Origin": "not a url"}, Origin.CROSS),
    ({"Origin": "http://intake.example.org https://evil.example"}, Origin.CROSS),
    ({"Sec-Fetch-Site": "cross-site, same-origin"}, Origin.CROSS),
    ({"Sec-Fetch-Site": "something-new"}, Origin.CROSS),
    ({"Sec-Fetch-Site": "Same-Origin"}, Origin.SAME),
])
def test_only_the_configured_origin_is_ours(headers: dict[str, str], expected: Origin) -> None:
    assert origin_of(request(headers), OWN) is expected
    if "Origin" in headers:
        assert origin_of(request(headers), "https://other.example.org") is Origin.CROSS


def test_a_host_header_cannot_make_a_foreign_origin_ours() -> None:
    spoofed = request({"Origin": "https://evil.example", "Host": "evil.example"})
    assert origin_of(spoofed, OWN) is Origin.CROSS


def test_the_cookie_is_host_only_and_secure_over_https() -> None:
    assert security.set_cookie_header(request(), "v") == (
        "csrf=v; Path=/; HttpOnly; SameSite=Strict")
    forwarded = request({"X-Forwarded-Proto": "https"})
    assert security.set_cookie_header(forwarded, "v") == (
        "__Host-csrf=v; Path=/; HttpOnly; SameSite=Strict; Secure")


@pytest.mark.parametrize(("hops", "forwarded", "expected"), [
    (0, "203.0.113.7", "192.0.2.1"),
    (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
    (2, "198.51.100.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
    (1, "", "192.0.2.1"),
])
def test_the_client_address_trusts_only_the_configured_proxies(
        hops: int, forwarded: str, expected: str) -> None:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    assert client_address(request(headers), hops) == expected


@pytest.mark.parametrize(("forwarded", "expected"), [
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:DB8:1:2::7", "2001:db8:1:2::/64"),
    ("[2001:db8:1:3::1]", "2001:db8:1:3::/64"),
    ("fe80::1%eth0", "fe80::/64"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("203.0.113.9", "203.0.113.9"),
    ("not an address", "not an address"),
])
def test_a_client_is_an_ipv4_address_or_an_ipv6_64(forwarded: str, expected: str) -> None:
    # Every address of a /64 is one client, so rotating through them gains nothing.
    assert client_address(request({"X-Forwarded-For": forwarded}), 1) == expected
