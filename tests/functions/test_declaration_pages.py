"""The filers' declaration pages of the ``forms`` function in-process: signed in through
Identity-Aware Proxy assertions (a local key, verified by google-auth) as on Google Cloud,
or through the development sign-in locally. A filer files, reads and amends only their own
declarations, until the Ethics Office has reviewed them, and reads the guidance reply;
anyone else (another filer, a head of unit, nobody signed in) gets nothing."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from shared.adapters.iap_assertions import IapAssertionVerifier
from shared.auth import DevelopmentFilerSignIn, IapFilerSignIn
from shared.domain.disclosure import SECTIONS
from shared.google_certs import CertificateCache
from shared.services import disclosure as service
from shared.web.i18n import LANGUAGES
from tests.support.casework import Office, open_office
from tests.support.console import Browser, iap_keys, text
from tests.support.disclosure import HEAD, roster_line, with_items
from tests.support.harness import function_app
from tests.support.iap import AUDIENCE, IapKey
from tests.support.tokens import CertServer

OFFICER, ADMIN = "olga@example.org", "carol@example.org"
DIRECTORY = {OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]},
             ADMIN: {"name": "Carol Admin", "roles": ["ethics_admin"]}}
FILER, OTHER = "filer0@example.org", "filer1@example.org"
DISCLOSURE = json.dumps({"unit_heads": {HEAD: ["finance"]},
                         "thresholds": {"assets_at_least": 12345}})
ID = re.compile(r"/forms/declarations/([0-9a-f]{32})")


@pytest.fixture(scope="module")
def keys() -> Iterator[tuple[CertServer, IapKey]]:
    with iap_keys() as served:
        yield served


@pytest.fixture
def office(tmp_path: Path, request: pytest.FixtureRequest,
           keys: tuple[CertServer, IapKey]) -> Office:
    verifier = IapAssertionVerifier(AUDIENCE, certificates=CertificateCache(keys[0].url))
    office = open_office("sqlite", tmp_path, request, directory=DIRECTORY,
                         components={"filer_sign_in": IapFilerSignIn(verifier)},
                         INTAKE_DISCLOSURE=DISCLOSURE)
    p = office.container.programme
    admin = service.caller(p, ADMIN)
    service.import_roster(p, admin, [roster_line(n) for n in range(3)])
    service.open_campaign(p, admin, 2025)
    return office


class Filer(Browser):
    """A filer's browser on the ``forms`` function, behind Identity-Aware Proxy."""

    def __init__(self, office: Office, key: IapKey | None, email: str | None) -> None:
        super().__init__(office.container, key, email)
        self.client = function_app("forms").test_client()

    def send(self, path: str, data: dict[str, str], **kw: Any) -> TestResponse:
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          text(self.get("/declarations")))
        assert token is not None
        return self.post(path, data, token=token.group(1), **kw)


def filled(spouse: bool = False, children: int = 0, **answers: str) -> dict[str, str]:
    """The form's fields: nothing to declare everywhere, but for ``answers``."""
    members = ["self"] + (["spouse"] if spouse else []) + [
        f"child_{n}" for n in range(1, children + 1)]
    data = {"spouse": "yes" if spouse else "no", "children": str(children), "kind": "annual",
            "year": "2025", "action": "send"}
    for section in SECTIONS:
        for member in members:
            data[f"{section}__{member}__answer"] = "nothing"
    data.update(answers)
    return data


def declaration_of(office: Office, email: str) -> str:
    p = office.container.programme
    _, found, _ = service.my_declarations(p, service.caller(p, email))
    assert found
    return found[0].id


def declarations_of(office: Office, email: str) -> list[Any]:
    p = office.container.programme
    return list(service.my_declarations(p, service.caller(p, email))[1])


def test_a_filer_files_reads_and_amends_their_declaration(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    home = browser.get("/declarations")
    assert home.status_code == 200
    page = text(home)
    assert "Filer 0" in page and "Make your declaration for 2025" in page
    assert "12,345" in page  # the configured threshold, explained
    form = browser.get("/declarations/new?kind=annual&year=2025")
    assert form.status_code == 200
    assert "USD 12,345 or more" in text(form)
    sent = browser.send("/declarations/new", filled(True, 1, **{
        "assets__spouse__answer": "items",
        "assets__spouse__0__description": "Shares in a listed company",
        "assets__spouse__0__counterpart": "Acme Supplies Ltd",
        "assets__spouse__0__value": "25,000"}))
    assert sent.status_code == 303, text(sent)
    shown = browser.get(sent.headers["Location"].removeprefix("/forms"))
    assert shown.status_code == 200
    assert "Acme Supplies Ltd" in text(shown) and "25,000" in text(shown)
    assert "Your declaration was sent" in text(shown)
    declaration_id = declaration_of(office, FILER)
    amend = browser.get(f"/declarations/{declaration_id}/amend")
    assert amend.status_code == 200 and 'value="Acme Supplies Ltd"' in text(amend)
    again = browser.send(f"/declarations/{declaration_id}/amend", filled(True, 1, **{
        "kind": "annual", "version": "1",
        "assets__spouse__answer": "items",
        "assets__spouse__0__description": "Shares in a listed company",
        "assets__spouse__0__counterpart": "Acme Holdings",
        "assets__spouse__0__value": "30000"}))
    assert again.status_code == 303
    view = service.read_declaration(office.container.programme,
                                    service.caller(office.container.programme, OFFICER),
                                    declaration_id)
    assert view.declaration.version == 2 and view.versions == (1, 2)
    assert view.content["sections"]["assets"]["spouse"]["items"][0]["counterpart"] == \
        "Acme Holdings"
    # The same version again: the form comes back, nothing is written.
    stale = browser.send(f"/declarations/{declaration_id}/amend",
                         filled(True, 1, kind="annual", version="1"))
    assert stale.status_code == 409 and "changed since you opened this form" in text(stale)


def test_every_section_needs_an_answer_for_every_member(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    data = filled(False, 2)
    del data["gifts__child_2__answer"]
    data["assets__self__answer"] = "items"  # and no item
    data["liabilities__self__answer"] = "items"
    data["liabilities__self__0__description"] = "Mortgage"
    data["liabilities__self__0__value"] = "a lot"
    page = browser.send("/declarations/new", data)
    assert page.status_code == 422
    body = html.unescape(text(page))
    assert "Choose “Nothing to declare” or “I have something to declare”" in body
    assert 'href="#f-gifts--child-2--answer"' in body
    assert "Describe at least one item" in body
    assert "whole number of US dollars" in body
    assert 'value="Mortgage"' in body  # what was typed is kept
    p = office.container.programme
    assert service.my_declarations(p, service.caller(p, FILER))[1] == []


def test_the_household_and_more_rows_without_javascript(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    page = browser.send("/declarations/new", {"kind": "annual", "year": "2025",
                                              "spouse": "yes", "children": "2",
                                              "action": "household"})
    assert page.status_code == 200
    assert 'name="gifts__child_2__answer"' in text(page)
    assert 'name="gifts__spouse__answer"' in text(page)
    more = browser.send("/declarations/new", {"kind": "annual", "year": "2025",
                                              "spouse": "no", "children": "0",
                                              "gifts__self__0__description": "Dinner",
                                              "action": "add:gifts__self"})
    assert 'name="gifts__self__1__description"' in text(more)
    assert 'value="Dinner"' in text(more)


def test_another_filer_a_head_of_unit_and_nobody_read_nothing(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    p = office.container.programme
    service.file_declaration(p, service.caller(p, FILER), with_items(), kind="annual",
                             year=2025)
    declaration_id = declaration_of(office, FILER)
    other = Filer(office, keys[1], OTHER)
    for path in (f"/declarations/{declaration_id}", f"/declarations/{declaration_id}/amend"):
        refused = other.get(path)
        assert refused.status_code == 404 and "Acme" not in text(refused)
    sneaky = other.send(f"/declarations/{declaration_id}/amend",
                        filled(kind="annual", version="1"))
    assert sneaky.status_code == 404
    head = Filer(office, keys[1], HEAD)
    as_head = head.get(f"/declarations/{declaration_id}")
    assert as_head.status_code == 404 and "Acme" not in text(as_head)  # as unknown
    assert head.get("/declarations").status_code == 403  # not a filer
    nobody = Filer(office, None, None)
    for path in ("/declarations", f"/declarations/{declaration_id}",
                 "/declarations/new?kind=ad_hoc"):
        page = nobody.get(path)
        assert page.status_code == 401 and "Acme" not in text(page)
    forged = Filer(office, keys[1], FILER)
    forged_page = forged.get(f"/declarations/{declaration_id}", **{
        "x-goog-iap-jwt-assertion": keys[1].assertion(FILER, audience="/projects/1/apps/x")})
    assert forged_page.status_code == 401
    view = service.read_declaration(p, service.caller(p, OFFICER), declaration_id)
    assert view.declaration.version == 1
    assert [h.action for h in view.history].count("read_refused") >= 2


def test_guidance_is_read_after_sign_in_and_a_reviewed_declaration_is_not_amended(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    p = office.container.programme
    service.file_declaration(p, service.caller(p, FILER), with_items(), kind="annual",
                             year=2025)
    declaration_id = declaration_of(office, FILER)
    service.review_declaration(p, service.caller(p, OFFICER), declaration_id,
                               "guidance_given", "Step down from the Acme tender panel.")
    browser = Filer(office, keys[1], FILER)
    page = text(browser.get(f"/declarations/{declaration_id}"))
    assert "Guidance from the Ethics Office" in page
    assert "Step down from the Acme tender panel." in page
    assert "Amend this declaration" not in page
    assert browser.get(f"/declarations/{declaration_id}/amend").status_code == 409
    late = browser.send(f"/declarations/{declaration_id}/amend",
                        filled(True, 1, kind="annual", version="1"))
    assert late.status_code == 409
    assert service.read_declaration(p, service.caller(p, OFFICER),
                                    declaration_id).declaration.version == 1


def test_an_ad_hoc_declaration_needs_its_reason(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    data = filled(kind="ad_hoc")
    del data["year"]
    assert browser.send("/declarations/new", data).status_code == 422
    data["ad_hoc_reason"] = "A new board seat"
    assert browser.send("/declarations/new", data).status_code == 303


def test_the_pages_in_every_language(office: Office,
                                     keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    for language in LANGUAGES.values():
        for path in ("/declarations", "/declarations/new?kind=annual&year=2025"):
            page = browser.get(f"{path}{'&' if '?' in path else '?'}lang={language.code}")
            assert page.status_code == 200
            assert f'lang="{language.html_lang}"' in text(page)


def test_development_sign_in_only_for_filers(tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    office = open_office("sqlite", tmp_path, request, directory=DIRECTORY, components={
        "filer_sign_in": DevelopmentFilerSignIn(dict(os.environ))})
    p = office.container.programme
    service.import_roster(p, service.caller(p, ADMIN), [roster_line(0)])
    browser = Filer(office, None, None)
    first = browser.get("/declarations")
    assert first.status_code == 303 and "/declarations/sign-in" in first.headers["Location"]
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      text(browser.get("/declarations/sign-in")))
    assert token is not None
    stranger = browser.post("/declarations/sign-in", {"email": "who@example.org"},
                            token=token.group(1))
    assert stranger.status_code == 403
    signed = browser.post("/declarations/sign-in", {"email": FILER}, token=token.group(1))
    assert signed.status_code == 303
    assert browser.get("/declarations").status_code == 200
    left = browser.get("/exit")  # "Exit this page" signs the filer out too
    assert any(c.startswith("filer_session=;") for c in left.headers.getlist("Set-Cookie"))
    assert browser.get("/declarations").status_code == 303


def test_without_a_sign_in_configured_the_pages_say_so(
        tmp_path: Path, request: pytest.FixtureRequest) -> None:
    office = open_office("sqlite", tmp_path, request, directory=DIRECTORY,
                         components={"filer_sign_in": None})
    browser = Filer(office, None, None)
    assert browser.get("/declarations").status_code == 404
    assert browser.get("/declarations/sign-in").status_code == 404


def test_the_form_speaks_the_filers_language(office: Office,
                                             keys: tuple[CertServer, IapKey]) -> None:
    browser = Filer(office, keys[1], FILER)
    french = html.unescape(text(browser.get("/declarations/new?kind=annual&year=2025&lang=fr")))
    assert "Rien à déclarer" in french
    assert any(f"12{space}345 USD" in french for space in ("\u202f", "\xa0", " "))
    arabic = text(browser.get("/declarations?lang=ar"))
    assert 'dir="rtl"' in arabic and "إقراراتك" in arabic
    assert "您的申报" in text(browser.get("/declarations?lang=zh"))


def test_posts_come_from_the_forms_or_the_load_balancers_host_and_no_other(
        tmp_path: Path, request: pytest.FixtureRequest,
        keys: tuple[CertServer, IapKey]) -> None:
    """On Google Cloud filers reach the pages through the console's load balancer, on its
    host: posts from there are the pages' own; any other site's are refused."""
    verifier = IapAssertionVerifier(AUDIENCE, certificates=CertificateCache(keys[0].url))
    balanced = "https://console.ethics.example.org"
    office = open_office("sqlite", tmp_path, request, directory=DIRECTORY,
                         components={"filer_sign_in": IapFilerSignIn(verifier)},
                         INTAKE_DISCLOSURE=DISCLOSURE,
                         INTAKE_DECLARATIONS_URL=f"{balanced}/forms/declarations")
    p = office.container.programme
    admin = service.caller(p, ADMIN)
    service.import_roster(p, admin, [roster_line(n) for n in range(3)])
    service.open_campaign(p, admin, 2025)
    browser = Filer(office, keys[1], FILER)
    elsewhere = browser.send("/declarations/new", filled(), origin="https://evil.example")
    assert elsewhere.status_code == 403
    assert declarations_of(office, FILER) == []
    sent = browser.send("/declarations/new", filled(), origin=balanced)
    assert sent.status_code == 303, text(sent)
    assert len(declarations_of(office, FILER)) == 1


def test_the_largest_household_with_many_items_is_one_post(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    """A filer with a spouse, twelve children and fifty assets each for four of them sends
    far more fields than a report's form has: the page takes them all."""
    members = ("self", "spouse", "child_1", "child_2")
    answers: dict[str, str] = {}
    for member in members:
        answers[f"assets__{member}__answer"] = "items"
        answers[f"assets__{member}__rows"] = "50"
        for n in range(50):
            answers |= {f"assets__{member}__{n}__description": f"Holding {n}",
                        f"assets__{member}__{n}__counterpart": f"Company {n} of {member}",
                        f"assets__{member}__{n}__value": "25,000"}
    data = filled(True, 12, **answers)
    assert len(data) > 600  # more than a report's form may send
    sent = Filer(office, keys[1], FILER).send("/declarations/new", data)
    assert sent.status_code == 303, text(sent)[:2000]
    [declaration] = declarations_of(office, FILER)
    assert declaration is not None
