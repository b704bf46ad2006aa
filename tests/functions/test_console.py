"""The officers' web console in-process: Identity-Aware Proxy sign-in (assertions signed
with a local EC key, verified by google-auth), the officers directory, the session, the
anti-forgery checks, the auditor's read-only view and recusal."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap, config
from shared.auth import DevelopmentSignIn
from shared.domain.officers import parse_directory
from shared.domain.records import CaseQuery
from tests.support.casework import COLLEAGUE, OFFICER, Office, open_office
from tests.support.console import Browser, iap_keys, iap_sign_in, text, token_of
from tests.support.harness import settings_for
from tests.support.iap import AUDIENCE, IapKey
from tests.support.payloads import payload
from tests.support.tokens import CertServer, SigningKey

AUDITOR = "audrey@example.org"
NAMED = "philippa@example.org"  # the retaliation payload names her as supervisor
ADMIN = "carol@example.org"  # administers the system, reads no case
DIRECTORY: dict[str, Any] = {
    OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]},
    COLLEAGUE: {"name": "Omar Officer", "roles": ["ethics_officer", "ethics_admin"]},
    AUDITOR: {"name": "Audrey Auditor", "roles": ["ethics_auditor"]},
    NAMED: {"name": "Philippa Ravensworth", "roles": ["ethics_officer"]},
    ADMIN: {"name": "Carol Admin", "roles": ["ethics_admin"]},
}
NARRATIVE = ["Ignatius testified about the Kestrel warehouse fuel theft.",
             "Contract of Ignatius not renewed", "Ignatius Wolstenholme", "IX-448812"]
NOTE = "Spoke to the complainant's second-level supervisor by phone."
REPLY = "We have started the preliminary review of your complaint."


@pytest.fixture(scope="module")
def keys() -> Iterator[tuple[CertServer, IapKey]]:
    with iap_keys() as served:
        yield served


def console_office(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                   keys: tuple[CertServer, IapKey], **settings: str) -> Office:
    server, _ = keys
    return open_office(backend, tmp_path, request, directory=DIRECTORY, components={
        "console_sign_in": iap_sign_in(server, parse_directory(__import__("json").dumps(
            DIRECTORY)))}, **settings)


@pytest.fixture
def office(tmp_path: Path, request: pytest.FixtureRequest,
           keys: tuple[CertServer, IapKey]) -> Office:
    return console_office("sqlite", tmp_path, request, keys)


def browser(office: Office, keys: tuple[CertServer, IapKey], email: str | None) -> Browser:
    return Browser(office.container, keys[1], email)


def without_tokens(page: str) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', page)


class TestIdentityAwareProxySignIn:
    def test_an_officer_signed_in_by_iap_gets_today_and_a_short_strict_session(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        response = browser(office, keys, OFFICER).get("/")
        assert response.status_code == 200
        assert "Olga Officer" in text(response)
        cookies = response.headers.getlist("Set-Cookie")
        session = next(c for c in cookies if c.startswith("console_session="))
        assert "HttpOnly" in session and "SameSite=Strict" in session
        assert "Max-Age" not in session and "Expires" not in session

    def test_no_assertion_is_refused(self, office: Office,
                                     keys: tuple[CertServer, IapKey]) -> None:
        response = browser(office, keys, None).get("/")
        assert response.status_code == 401
        assert "console_session=" not in " ".join(response.headers.getlist("Set-Cookie"))

    @pytest.mark.parametrize("kind", ["forged", "expired", "wrong_audience", "wrong_issuer",
                                      "google_id_token", "unknown_key", "garbage"])
    def test_a_bad_assertion_is_refused(self, office: Office,
                                        keys: tuple[CertServer, IapKey], kind: str) -> None:
        _, key = keys
        now = int(time.time())
        if kind == "forged":  # the same key id, another key
            assertion = IapKey(key.kid).assertion(OFFICER)
        elif kind == "expired":
            assertion = key.assertion(OFFICER, iat=now - 7200, exp=now - 3600)
        elif kind == "wrong_audience":
            assertion = key.assertion(OFFICER,
                                      audience="/projects/123456789012/global/backendServices/1")
        elif kind == "wrong_issuer":
            assertion = key.assertion(OFFICER, iss="https://accounts.google.com")
        elif kind == "google_id_token":  # RS256, as Google signs ID tokens
            assertion = SigningKey(key.kid).sign({
                "iss": "https://cloud.google.com/iap", "aud": AUDIENCE, "email": OFFICER,
                "sub": "1", "iat": now, "exp": now + 600})
        elif kind == "unknown_key":
            assertion = IapKey("another-kid").assertion(OFFICER)
        else:
            assertion = "not.an.assertion"
        response = browser(office, keys, OFFICER).get(
            "/", **{"x-goog-iap-jwt-assertion": assertion})
        assert response.status_code == 401
        assert "Olga Officer" not in text(response)
        assert assertion not in text(response)

    def test_an_account_outside_the_directory_is_refused(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        visitor = browser(office, keys, "mallory@example.org")
        for path in ("/", "/cases", f"/cases/{reference}"):
            response = visitor.get(path)
            assert response.status_code == 403
            assert reference not in text(response)
        assert [e.kind for e in office.events(reference)].count("read") == 0

    def test_an_officer_whose_roles_do_not_cover_a_page_gets_a_403_not_a_500(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        carol = browser(office, keys, ADMIN)
        for path in ("/", "/cases", f"/cases/{reference}"):
            response = carol.get(path)
            assert response.status_code == 403, path
            assert reference not in text(response)

    def test_a_session_belongs_to_the_assertion_that_comes_with_it(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        olga.get("/")
        olga.email = COLLEAGUE  # another account now comes through IAP in this browser
        assert "Omar Officer" in text(olga.get("/"))

    def test_an_ended_session_sends_the_officer_through_iap_again(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        assert olga.get("/").status_code == 200
        office.clock.advance(minutes=31)
        response = olga.get("/")
        assert response.status_code == 303
        assert response.headers["Location"] == "/_gcp_iap/clear_login_cookie"
        assert any(c.startswith("console_session=;") and "Max-Age=0" in c
                   for c in response.headers.getlist("Set-Cookie"))

    def test_a_session_ends_hours_after_sign_in_however_active(
            self, tmp_path: Path, request: pytest.FixtureRequest,
            keys: tuple[CertServer, IapKey]) -> None:
        office = console_office("sqlite", tmp_path, request, keys,
                                INTAKE_CONSOLE_SESSION_MAX_MINUTES="60")
        olga = browser(office, keys, OFFICER)
        for _ in range(3):
            assert olga.get("/").status_code == 200
            office.clock.advance(minutes=25)
        assert olga.get("/").status_code == 303

    def test_sign_out_clears_the_session_and_iaps_login(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        response = olga.post("/sign-out", {})
        assert response.status_code == 303
        assert response.headers["Location"] == "/_gcp_iap/clear_login_cookie"
        assert any(c.startswith("console_session=;")
                   for c in response.headers.getlist("Set-Cookie"))

    def test_there_is_no_development_sign_in_behind_iap(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        assert olga.get("/sign-in").status_code == 404
        assert olga.post("/sign-in", {"email": COLLEAGUE}).status_code == 404


class TestDevelopmentSignIn:
    @pytest.fixture
    def local(self, tmp_path: Path, request: pytest.FixtureRequest) -> Office:
        directory = parse_directory(__import__("json").dumps(DIRECTORY))
        return open_office("sqlite", tmp_path, request, directory=DIRECTORY, components={
            "console_sign_in": DevelopmentSignIn(directory, {})})

    def test_a_choice_of_the_directorys_officers_then_a_session(self, local: Office) -> None:
        visitor = Browser(local.container, None, None)
        first = visitor.get("/")
        assert first.status_code == 303 and "/console/sign-in" in first.headers["Location"]
        page = text(visitor.get("/sign-in"))
        for entry in DIRECTORY.values():
            assert entry["name"] in page
        assert "password" not in page.lower()
        signed = visitor.post("/sign-in", {"email": OFFICER}, token=token_of(page))
        assert signed.status_code == 303
        assert "Olga Officer" in text(visitor.get("/"))
        out = visitor.post("/sign-out", {})
        assert out.status_code == 303 and "/sign-in" in out.headers["Location"]
        assert visitor.get("/").status_code == 303

    def test_only_an_officer_of_the_directory_and_only_with_a_token(self,
                                                                    local: Office) -> None:
        visitor = Browser(local.container, None, None)
        page = text(visitor.get("/sign-in"))
        assert visitor.post("/sign-in", {"email": "mallory@example.org"},
                            token=token_of(page)).status_code == 403
        assert visitor.post("/sign-in", {"email": OFFICER}, token=None).status_code == 403
        assert visitor.get("/").status_code == 303

    def test_never_where_google_cloud_shows(self, tmp_path: Path) -> None:
        settings = settings_for(tmp_path, INTAKE_BACKEND="gcp", GOOGLE_CLOUD_PROJECT="p",
                                INTAKE_DEV_AUTH="true",
                                INTAKE_INVESTIGATIONS_URL="https://oiai.example.org/intake")
        with pytest.raises(config.ConfigError):
            bootstrap.Container(settings).console_sign_in  # noqa: B018
        with pytest.raises(Exception, match="Google Cloud"):
            DevelopmentSignIn({}, {"K_SERVICE": "console"})


class TestRouting:
    def test_unknown_paths_are_404_and_wrong_methods_405_listing_what_the_path_takes(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        olga = browser(office, keys, OFFICER)
        with bootstrap.using(office.container):
            for method, path, allow in [
                    ("POST", "/", "GET"), ("PUT", "/cases", "GET"),
                    ("DELETE", f"/cases/{reference}", "GET"),
                    ("GET", f"/cases/{reference}/notes", "POST"),
                    ("GET", "/sign-out", "POST")]:
                response = olga.client.open(path, method=method, headers=olga.headers())
                assert response.status_code == 405, (method, path)
                assert response.headers["Allow"] == allow
        for path in ["/nowhere", f"/cases/{reference}/delete", "/cases/not-a-reference",
                     f"/cases/{reference}/notes/more", "/assets/missing.css"]:
            assert olga.get(path).status_code == 404, path
        assert olga.get(f"//cases//{reference}/").status_code == 200
        assert browser(office, keys, None).get("/nowhere").status_code == 401

    def test_assets_need_no_sign_in(self, office: Office,
                                    keys: tuple[CertServer, IapKey]) -> None:
        response = browser(office, keys, None).get("/assets/app.css")
        assert response.status_code == 200 and response.mimetype == "text/css"


class TestForgery:
    def test_a_post_without_a_token_or_from_another_site_changes_nothing(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        olga = browser(office, keys, OFFICER)
        before = len(office.events(reference))
        path = f"/cases/{reference}/notes"
        assert olga.post(path, {"text": NOTE}, token=None).status_code == 403
        assert olga.post(path, {"text": NOTE}, token="forged").status_code == 403
        assert olga.post(path, {"text": NOTE},
                         origin="https://evil.example").status_code == 403
        assert len(office.events(reference)) == before


class TestWorkingACase:
    def test_the_case_page_is_an_audited_read_with_the_submission_in_sections(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        page = browser(office, keys, OFFICER).get(f"/cases/{reference}")
        assert page.status_code == 200
        body = text(page)
        assert "Ignatius Wolstenholme" in body and "<h3>" in body
        reads = [e for e in office.events(reference) if e.kind == "read"]
        assert [e.actor for e in reads] == [f"officer:{OFFICER}"]

    def test_actions_go_through_the_use_cases_and_their_refusals_show(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        olga = browser(office, keys, OFFICER)
        done = olga.post(f"/cases/{reference}/transitions",
                         {"name": "start_preliminary_review", "note": ""})
        assert done.status_code == 303
        assert office.case(reference).state == "preliminary_review"
        missing = olga.post(f"/cases/{reference}/transitions", {"name": "suspend"})
        assert missing.status_code == 422
        assert 'id="transition-suspend-reason-error"' in text(missing)
        illegal = olga.post(f"/cases/{reference}/transitions", {"name": "close"})
        assert illegal.status_code == 409
        assert office.case(reference).state == "preliminary_review"
        assert olga.post(f"/cases/{reference}/notes", {"text": NOTE}).status_code == 303
        shown = text(olga.get(f"/cases/{reference}"))
        assert NOTE.replace("'", "&#39;") in shown

    def test_a_bad_filter_is_a_clear_400(self, office: Office,
                                         keys: tuple[CertServer, IapKey]) -> None:
        response = browser(office, keys, OFFICER).get("/cases?state=<script>")
        assert response.status_code == 400
        assert "<script>" not in text(response)


def card_count(page: str, code: str) -> str:
    found = re.search(rf'id="card-{code}".*?<span class="count">([^<]+)</span>', page, re.S)
    assert found, code
    return found.group(1)


class TestToday:
    def test_counts_and_links_of_the_officers_day(self, office: Office,
                                                 keys: tuple[CertServer, IapKey]) -> None:
        mine = office.submit("retaliation")["reference"]
        free = office.submit("advice")["reference"]
        olga = browser(office, keys, OFFICER)
        assert olga.post(f"/cases/{mine}/assignment", {"assignee": OFFICER}).status_code == 303
        page = text(olga.get("/"))
        assert card_count(page, "mine") == "1" and card_count(page, "unassigned") == "1"
        assert card_count(page, "overdue") == "0"
        assert 'href="/console/cases?lang=en&amp;view=mine"' in page
        assert free in text(olga.get("/cases?view=unassigned"))
        assert mine not in text(olga.get("/cases?view=unassigned"))
        due = office.case(mine).deadlines["preliminary_review_due"]
        office.clock.current = due - timedelta(days=3)
        olga = browser(office, keys, OFFICER)  # a new session at this later time
        assert mine in text(olga.get("/cases?view=due_soon"))
        office.clock.current = due + timedelta(days=1)
        olga = browser(office, keys, OFFICER)  # a new session at this later time
        assert mine in text(olga.get("/cases?view=overdue"))
        assert mine in text(olga.get("/cases?due=overdue"))

    def test_alerts_count_until_the_officer_opens_the_case(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        due = office.case(reference).deadlines["preliminary_review_due"]
        raised = office.sweep_at(due - timedelta(days=7, hours=1))
        assert raised
        olga, omar = browser(office, keys, OFFICER), browser(office, keys, COLLEAGUE)
        assert card_count(text(olga.get("/")), "unseen_alerts") == "1"
        assert olga.get(f"/cases/{reference}").status_code == 200
        assert card_count(text(olga.get("/")), "unseen_alerts") == "0"
        assert card_count(text(omar.get("/")), "unseen_alerts") == "1"


class TestRecusal:
    def test_a_case_that_names_the_officer_is_absent_everywhere(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        reference = office.submit("retaliation")["reference"]
        other = office.submit("retaliation", payload(
            "retaliation", employment={**payload("retaliation")["employment"],
                                       "supervisor": "Someone Else"},
            retaliatory_acts=[{"date": "2025-10-27", "kind": "action",
                               "description": "Contract not renewed.",
                               "by_whom": "Someone Else"}]))["reference"]
        named = browser(office, keys, NAMED)
        today = text(named.get("/"))
        assert reference not in today and other in today
        for query in ("", "?form=retaliation", "?state=received", "?sort=deadline",
                      "?due=30", "?view=unassigned", "?view=due_soon"):
            listed = text(named.get(f"/cases{query}"))
            assert reference not in listed
        assert other in text(named.get("/cases"))
        opened = named.get(f"/cases/{reference}")
        unknown = named.get("/cases/ETH-RET-AAAAA-AAAAA")
        assert opened.status_code == unknown.status_code == 404
        assert without_tokens(text(opened)) == without_tokens(text(unknown))
        assert set(opened.headers.keys()) == set(unknown.headers.keys())
        acted = named.post(f"/cases/{reference}/notes", {"text": NOTE})
        assert acted.status_code == 404
        refused = [e for e in office.events(reference) if e.kind == "access_refused"]
        assert {e.actor for e in refused} == {f"officer:{NAMED}"}
        assert "Access refused" in text(browser(office, keys, OFFICER).get(
            f"/cases/{reference}"))


@pytest.fixture(params=["sqlite", "firestore"])
def backend_office(request: pytest.FixtureRequest, tmp_path: Path,
                   keys: tuple[CertServer, IapKey]) -> Office:
    return console_office(request.param, tmp_path, request, keys)


class TestAuditor:
    def test_the_auditor_sees_histories_and_who_read_what_never_narratives(
            self, backend_office: Office, keys: tuple[CertServer, IapKey]) -> None:
        office = backend_office
        reference = office.submit("retaliation")["reference"]
        olga = browser(office, keys, OFFICER)
        assert olga.get(f"/cases/{reference}").status_code == 200
        assert olga.post(f"/cases/{reference}/notes", {"text": NOTE}).status_code == 303
        assert olga.post(f"/cases/{reference}/replies", {"text": REPLY}).status_code == 303
        audrey = browser(office, keys, AUDITOR)
        assert reference in text(audrey.get("/cases"))
        page = audrey.get(f"/cases/{reference}")
        assert page.status_code == 200
        body = text(page)
        assert OFFICER in body  # who read and wrote
        assert "Opened the case" in body and "Internal note" in body
        for secret in [*NARRATIVE, NOTE, REPLY]:
            assert secret.replace("'", "&#39;") not in body
        assert "<textarea" not in body and "/transitions" not in body
        reads = [e for e in office.events(reference) if e.kind == "read"]
        assert reads[-1].actor == f"officer:{AUDITOR}"
        assert reads[-1].details == {"scope": "history"}

    def test_the_case_api_lets_the_auditor_list_and_nothing_more(
            self, office: Office) -> None:
        reference = office.submit("retaliation")["reference"]
        listed = office.call("GET", "/", who=AUDITOR)
        assert listed.status_code == 200
        assert reference in [c["reference"] for c in listed.get_json()["cases"]]
        assert office.call("GET", f"/{reference}", who=AUDITOR).status_code == 403
        assert office.call("POST", f"/{reference}/notes", {"text": NOTE},
                           who=AUDITOR).status_code == 403

    def test_the_auditor_cannot_act(self, backend_office: Office,
                                    keys: tuple[CertServer, IapKey]) -> None:
        office = backend_office
        reference = office.submit("retaliation")["reference"]
        audrey = browser(office, keys, AUDITOR)
        before = len(office.events(reference))
        for action, body in (("notes", {"text": NOTE}), ("replies", {"text": REPLY}),
                             ("transitions", {"name": "start_preliminary_review"}),
                             ("assignment", {"assignee": AUDITOR})):
            assert audrey.post(f"/cases/{reference}/{action}", body).status_code == 403
        assert len(office.events(reference)) == before
        assert office.case(reference).state == "received"


class TestAttachedFiles:
    def test_the_case_page_lists_the_files_and_downloads_the_cleaned_copy_recorded(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        from tests.functions.test_evidence import multipart
        from tests.support import evidence_files as files

        body, content_type = multipart(payload("misconduct"), [
            ("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")])
        response = office.h.post("submit_misconduct", raw=body, content_type=content_type)
        assert response.status_code == 201, response.get_json()
        reference = response.get_json()["reference"]
        olga = browser(office, keys, OFFICER)
        page = text(olga.get(f"/cases/{reference}"))
        assert "Files" in page and "location, camera details and other photo details" in page
        [href] = re.findall(rf'href="([^"]*/cases/{reference}/files/[^"]+)"', page)
        download = olga.get(href.split("/console", 1)[-1])
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert files.CAMERA_SERIAL.encode() not in download.data
        assert "attachment_downloaded" in [e.kind for e in office.store.case_events(reference)]
        assert "Downloaded a file" in text(olga.get(f"/cases/{reference}"))
        # In French, the same page says what was removed in French.
        french = text(olga.get(f"/cases/{reference}?lang=fr"))
        assert "Fichiers" in french and "la localisation" in french

    def test_an_administrator_opens_an_original_only_with_a_reason_recorded(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        from tests.functions.test_evidence import multipart
        from tests.support import evidence_files as files

        photo = files.jpeg_with_gps()
        body, content_type = multipart(payload("misconduct"), [
            ("photo-1.jpg", photo, "image/jpeg")])
        response = office.h.post("submit_misconduct", raw=body, content_type=content_type)
        assert response.status_code == 201, response.get_json()
        reference = response.get_json()["reference"]
        [attachment] = office.container.use_cases.cases.attachments(reference)
        path = f"/cases/{reference}/originals"
        # An officer who is not an administrator is not offered it, and is refused.
        olga = browser(office, keys, OFFICER)
        assert "Open the original" not in text(olga.get(f"/cases/{reference}"))

        def downloads() -> list[Any]:
            return [e for e in office.store.case_events(reference)
                    if e.kind == "attachment_downloaded"]

        refused = olga.post(path, {"attachment_id": attachment.attachment_id,
                                   "reason": "Curious"})
        assert refused.status_code == 403 and refused.data != photo
        assert downloads() == []
        # An administrator is offered it; without a reason, nothing is opened or recorded.
        omar = browser(office, keys, COLLEAGUE)
        page = text(omar.get(f"/cases/{reference}"))
        assert "Open the original" in page and 'name="reason"' in page
        blank = omar.post(path, {"attachment_id": attachment.attachment_id, "reason": "  "})
        assert blank.status_code == 422
        assert "Say why you open the original" in text(blank)
        assert blank.data != photo
        assert downloads() == []
        # With a reason: the original as it came, the reason in the history first.
        reason = "The panel asked for the original date and place of the photo."
        opened = omar.post(path, {"attachment_id": attachment.attachment_id,
                                  "reason": reason})
        assert opened.status_code == 200
        assert opened.data == photo
        assert opened.headers["Content-Disposition"].startswith("attachment;")
        [recorded] = downloads()
        assert recorded.actor == f"officer:{COLLEAGUE}"
        assert "original" in str(recorded.details)
        assert reason in text(omar.get(f"/cases/{reference}"))
        # A file the case does not have is no file at all.
        unknown = omar.post(path, {"attachment_id": "nope-01", "reason": reason})
        assert unknown.status_code == 404


class TestRecordingAReport:
    """An officer records a report taken on the reporter's behalf, through the same use
    case as POST /cases/records."""

    def fields(self, form: str = "misconduct", **changes: str) -> dict[str, str]:
        return {"form": form, "channel": "telephone", "received_on": "2026-02-20",
                "submission": __import__("json").dumps(payload(form)),
                "idempotency_key": "console-" + "a" * 32, **changes}

    def test_the_officer_gets_the_codes_to_give_the_reporter(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        form = olga.get("/record")
        assert form.status_code == 200 and 'name="submission"' in text(form)
        assert "/record" in text(olga.get("/"))  # in the console's navigation
        recorded = olga.post("/record", self.fields())
        assert recorded.status_code == 200, text(recorded)
        shown = text(recorded)
        [reference] = re.findall(r"ETH-MIS-[0-9A-Z]{5}-[0-9A-Z]{5}", shown)[:1]
        assert 'class="receipt-code"' in shown and "received_at:" in shown
        case = office.case(reference)
        assert (case.channel, case.received_at.date().isoformat()) == ("telephone",
                                                                     "2026-02-20")
        # The same page sent again records nothing more.
        again = olga.post("/record", self.fields())
        assert reference in text(again)
        assert len(office.store.list_cases(CaseQuery(limit=50))) == 1
        page = text(olga.get(f"/cases/{reference}"))
        assert "Telephone" in page and "Not yet confirmed by the reporter" in page

    def test_problems_are_named_and_nothing_is_recorded(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        for fields, shown in (
                (self.fields(submission="{not json"), "Paste the report"),
                (self.fields(channel="pigeon"), "Choose how the report reached the office"),
                (self.fields(received_on="2999-01-01"), "today or earlier"),
                (self.fields(submission='{"anonymous": true}'), "allegation_type: ")):
            refused = olga.post("/record", fields)
            assert refused.status_code == 422, fields
            assert shown in text(refused), text(refused)
        assert office.store.list_cases(CaseQuery(limit=50)) == []

    def test_an_auditor_cannot_record(self, office: Office,
                                      keys: tuple[CertServer, IapKey]) -> None:
        audrey = browser(office, keys, AUDITOR)
        assert audrey.get("/record").status_code == 403
        assert audrey.post("/record", self.fields()).status_code == 403
        assert "/record" not in text(audrey.get("/"))
        assert office.store.list_cases(CaseQuery(limit=50)) == []


def test_the_record_page_answers_in_the_language_posted(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    olga = browser(office, keys, OFFICER)
    fields = TestRecordingAReport().fields(lang="fr")
    assert "Le signalement est consigné" in text(olga.post("/record", fields))
    refused = olga.post("/record", {**fields, "channel": "pigeon"})
    assert "Choisissez comment le signalement est parvenu au Bureau." in text(refused)


def test_the_case_list_filters_on_the_feedback_owed(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:
    start = office.clock.now()
    early = office.submit("retaliation")["reference"]
    office.clock.current = start + timedelta(days=20)
    late = office.submit("retaliation")["reference"]
    answered = office.submit("advice")["reference"]
    office.walk(answered, "assign", "answer")  # its feedback is given
    office.clock.current = office.case(early).deadlines["feedback_due"] - timedelta(days=3)
    olga = browser(office, keys, OFFICER)

    def listed(query: str) -> set[str]:
        page = text(olga.get(f"/cases?{query}"))
        return {r for r in (early, late, answered) if r in page}

    assert listed("feedback=7") == {early}
    assert listed("feedback=0") == set()
    assert listed("feedback=30") == {early, late}
    assert listed("feedback=owed&sort=feedback") == {early, late}
    page = text(olga.get("/cases?feedback=owed&sort=feedback"))
    assert page.index(early) < page.index(late)
    both = olga.get("/cases?feedback=7&due=30")
    assert both.status_code == 400 and "not both" in text(both)
    assert olga.get("/cases?feedback=someday").status_code == 400


class TestFigures:
    """The year's handling times and clocks, and the download of its cases, through the
    same use cases as GET /cases/indicators and /cases/export."""

    def test_an_officer_sees_the_figures_and_downloads_the_cases(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        advice = office.submit("advice")["reference"]
        office.clock.advance(days=2)
        office.act(advice, "assign")
        retaliation = office.submit("retaliation")["reference"]  # names Philippa
        olga = browser(office, keys, OFFICER)
        assert "/figures" in text(olga.get("/"))  # in the console's navigation
        page = olga.get("/figures")
        assert page.status_code == 200
        shown = text(page)
        assert "Handling times and clocks, 2026" in shown
        assert "Acknowledgement within 7 days" in shown and "2.0" in shown
        assert "/export?year=2026" in shown
        french = text(olga.get("/figures?lang=fr&year=2026"))
        assert "Délais de traitement et échéances, 2026" in french and "2,0" in french

        download = olga.get("/export?year=2026")
        assert download.status_code == 200 and download.mimetype == "text/csv"
        assert download.headers["Content-Disposition"] == \
            'attachment; filename="cases-2026.csv"'
        csv_text = download.get_data(as_text=True)
        assert advice in csv_text and retaliation in csv_text
        assert not [s for s in NARRATIVE if s in csv_text]
        # The case that names Philippa is not in her download.
        philippa = text(browser(office, keys, NAMED).get("/export?year=2026"))
        assert advice in philippa and retaliation not in philippa

    def test_a_bad_year_is_named_and_is_no_file(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        olga = browser(office, keys, OFFICER)
        for path in ("/figures?year=twenty", "/figures?year=1900", "/export?year=x",
                     "/export?year=99999", "/export"):
            refused = olga.get(path)
            assert refused.status_code == 400, path
            assert refused.mimetype == "text/html"
            assert "The year must be a number from 1950 to 9999" in text(refused)

    def test_an_auditor_may_an_administrator_may_not(
            self, office: Office, keys: tuple[CertServer, IapKey]) -> None:
        office.submit("advice")
        audrey = browser(office, keys, AUDITOR)
        assert audrey.get("/figures").status_code == 200
        assert audrey.get("/export?year=2026").status_code == 200
        carol = browser(office, keys, ADMIN)
        assert carol.get("/figures").status_code == 403
        assert carol.get("/export?year=2026").status_code == 403
        navigation = text(carol.get("/cases"))
        assert 'class="console-nav"' in navigation and "/figures" not in navigation
