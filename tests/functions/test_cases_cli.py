"""`intake cases` acts only as the officer whose token it sends: a client of the case API
(served here on a real port), with a signed development token locally and a Google ID token
from Application Default Credentials on Google Cloud. `--as` chooses nobody."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import google.auth.jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.adapters.google_id_tokens import GoogleIdTokenVerifier
from shared.adapters.sqlite_store import SqliteStore
from shared.bootstrap import Container
from shared.cli import main as cli
from shared.domain.officers import parse_directory
from tests.support.case_cli import cases_cli, serving_cases
from tests.support.harness import Harness
from tests.support.payloads import payload
from tests.support.tokens import CertServer, SigningKey, dev_token, dev_verifier

SERVICE_ACCOUNT = "olga-officer@ethics-test.iam.gserviceaccount.com"
DIRECTORY = {
    "alice@example.org": {"name": "Alice Mbeki-Laurent", "roles": ["ethics_officer"]},
    # named in the retaliation payload as an alleged retaliator and the supervisor
    "philippa@example.org": {"name": "Philippa Ravensworth", "roles": ["ethics_officer"]},
    SERVICE_ACCOUNT: {"name": "Olga Officer", "roles": ["ethics_officer"]},
}


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                         components={"officers": parse_directory(json.dumps(DIRECTORY)),
                                     "verifier": dev_verifier()})


def retaliation(h: Harness) -> str:
    reference = str(h.submit("submit_retaliation", payload("retaliation")
                             ).get_json()["reference"])
    h.drain()
    return reference


def history(h: Harness, reference: str) -> list[tuple[str, str]]:
    return [(e.kind, e.actor) for e in h.store.case_events(reference)]


def test_the_cli_lists_shows_and_moves_cases(h: Harness) -> None:
    reference = retaliation(h)
    listed = cases_cli(h.container, "alice@example.org", "list", "--json")
    moved = cases_cli(h.container, "alice@example.org", "transition", reference,
                      "start_preliminary_review")
    illegal = cases_cli(h.container, "alice@example.org", "transition", reference, "close")
    noted = cases_cli(h.container, "alice@example.org", "note", reference, "Called HR.")
    taken = cases_cli(h.container, "alice@example.org", "assign", reference,
                      "alice@example.org")
    shown = cases_cli(h.container, "alice@example.org", "show", reference)
    [row] = [json.loads(line) for line in listed.output.splitlines()]
    assert row["reference"] == reference and row["form"] == "retaliation"
    assert row["state"] == "received" and row["received_at"].startswith("2026-03-02T09:30")
    assert row["deadlines"] == {"preliminary_review_due": "2026-04-01T09:30:00+00:00",
                                "feedback_due": "2026-06-02T09:30:00+00:00"}
    assert moved.exit_code == 0 and json.loads(moved.output)["state"] == "preliminary_review"
    assert illegal.exit_code != 0 and "Allowed:" in illegal.output
    assert noted.exit_code == 0 and taken.exit_code == 0
    assert json.loads(taken.output)["assignee"] == "alice@example.org"
    assert shown.exit_code == 0, shown.output
    opened = json.loads(shown.output)
    assert opened["submission"]["complainant"]["name"] == "Ignatius Wolstenholme"
    assert [e["kind"] for e in opened["history"]] == [
        "received", "triaged", "transition", "note", "assigned", "read"]
    assert [e["text"] for e in opened["history"] if e["kind"] == "note"] == ["Called HR."]
    assert all(actor == "officer:alice@example.org" for _, actor in history(h, reference)[2:])


def test_as_names_nobody_the_token_does(h: Harness) -> None:
    """Philippa, named in the case, cannot read it as Alice: `--as` only checks the token."""
    reference = retaliation(h)
    before = history(h, reference)
    impersonating = cases_cli(h.container, "philippa@example.org", "show", reference,
                              "--as", "alice@example.org")
    assert impersonating.exit_code != 0
    assert "philippa@example.org, not alice@example.org" in impersonating.output
    assert "Ignatius" not in impersonating.output
    assert history(h, reference) == before  # nothing was even asked
    # Without a token of her own, --as gets nobody anywhere either.
    anonymous = cases_cli(h.container, None, "show", reference, "--as", "alice@example.org")
    assert anonymous.exit_code != 0 and "Ignatius" not in anonymous.output
    assert history(h, reference) == before
    # The officer's own token, checked by --as, works.
    own = cases_cli(h.container, "alice@example.org", "show", reference,
                    "--as", "ALICE@example.org")
    assert own.exit_code == 0
    assert history(h, reference)[-1] == ("read", "officer:alice@example.org")


def test_a_forged_token_is_refused_by_the_api(h: Harness) -> None:
    reference = retaliation(h)
    before = history(h, reference)
    for forged in ("dev:alice@example.org", dev_token("alice@example.org")[:-3] + "xyz"):
        result = cases_cli(h.container, None, "show", reference, token=forged)
        assert result.exit_code != 0 and "HTTP 401" in result.output
    assert history(h, reference) == before


def test_a_named_officer_sees_no_trace_of_the_case_in_the_cli(h: Harness) -> None:
    reference = retaliation(h)
    other = str(h.submit("submit_advice", payload("advice")).get_json()["reference"])
    h.drain()
    listed = cases_cli(h.container, "philippa@example.org", "list", "--json")
    assert [json.loads(line)["reference"] for line in listed.output.splitlines()] == [other]
    for args in (["list", "--form", "retaliation"], ["--state", "received"]):
        assert reference not in cases_cli(h.container, "philippa@example.org", *args).output
    shown = cases_cli(h.container, "philippa@example.org", "show", reference)
    unknown = cases_cli(h.container, "philippa@example.org", "show", "ETH-RET-00000-00000")
    assert shown.exit_code == unknown.exit_code == 1
    assert shown.output == unknown.output == "Error: No case with this reference. (HTTP 404)\n"


def test_without_a_token_or_credentials_the_cli_says_how_to_sign_in(
        h: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    result = cases_cli(h.container, None, "list")
    assert result.exit_code != 0
    assert "INTAKE_OFFICER_TOKEN" in result.output and "Application Default" in result.output


# On Google Cloud: an ID token for the cases URL from Application Default Credentials.

class TokenEndpoint:
    """Google's OAuth token endpoint as a service account's ID-token grant sees it: the
    signed assertion's target_audience comes back as a Google-signed ID token."""

    def __init__(self, key: SigningKey) -> None:
        self.audiences: list[str] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(
                    int(self.headers["Content-Length"])).decode())
                claims = google.auth.jwt.decode(  # type: ignore[no-untyped-call]
                    form["assertion"][0], verify=False)
                endpoint.audiences.append(claims["target_audience"])
                now = int(time.time())
                body = json.dumps({"id_token": key.sign({
                    "iss": "https://accounts.google.com", "aud": claims["target_audience"],
                    "sub": "104", "email": claims["iss"], "email_verified": True,
                    "iat": now, "exp": now + 3600})}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/token"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def google_cloud() -> Iterator[tuple[SigningKey, CertServer, TokenEndpoint]]:
    key, certs = SigningKey("google-1"), CertServer()
    certs.publish(key)
    endpoint = TokenEndpoint(key)
    yield key, certs, endpoint
    endpoint.close()
    certs.close()


def test_on_google_cloud_the_cli_sends_an_id_token_from_default_credentials(
        h: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        google_cloud: tuple[SigningKey, CertServer, TokenEndpoint]) -> None:
    _, certs, endpoint = google_cloud
    reference = retaliation(h)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps({
        "type": "service_account", "project_id": "ethics-test", "private_key_id": "k1",
        "private_key": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode(),
        "client_email": SERVICE_ACCOUNT, "client_id": "1", "token_uri": endpoint.url}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials))

    def container_at(url: str) -> Container:
        settings = h.container.settings
        return Container(settings, store=h.store, storage=h.container.storage,
                         queue=h.queue, clock=h.clock,
                         cipher=h.container.cipher,
                         officers=parse_directory(json.dumps(DIRECTORY)),
                         verifier=GoogleIdTokenVerifier(url, certs.url))

    with serving_cases(container_at) as url:
        result = CliRunner().invoke(cli, ["cases", "show", reference, "--as", SERVICE_ACCOUNT],
                                    env={"INTAKE_CASES_URL": url, "INTAKE_OFFICER_TOKEN": ""})
    assert result.exit_code == 0, result.output
    assert endpoint.audiences == [url]
    assert history(h, reference)[-1] == ("read", f"officer:{SERVICE_ACCOUNT}")


def test_the_cli_lists_the_cases_still_owing_feedback(h: Harness) -> None:
    reference = retaliation(h)
    soon = cases_cli(h.container, "alice@example.org", "list", "--json",
                     "--feedback-due-within", "7")
    later = cases_cli(h.container, "alice@example.org", "list", "--json",
                      "--feedback-due-within", "100")
    both = cases_cli(h.container, "alice@example.org", "list", "--feedback-due-within", "7",
                     "--due-within", "7")
    assert soon.exit_code == 0 and soon.output.strip() == ""  # due in three months
    assert [json.loads(line)["reference"] for line in later.output.splitlines()] == \
        [reference]
    assert both.exit_code == 2 and "not both" in both.output
