"""The proof of submission end to end: given with every acknowledgement (JSON and pages),
stored with the submission on both backends so a retry gets the same one, never given
without a signature (the key out of reach stores nothing), downloadable and printable from
the confirmation, and checked on the public page and by ``intake verify-proof`` with no
login and nothing read from the store."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from shared import bootstrap
from shared.bootstrap import Container
from shared.cli import main
from shared.domain.proofs import PublishedKey, canonical_content
from shared.ports.proofs import ProofSigner, ProofSigningUnavailable
from tests.support.casework import Office, open_office
from tests.support.harness import Harness, function_app, settings_for
from tests.support.payloads import FUNCTIONS, SENSITIVE, flatten, payload
from tests.support.web import ORIGIN, Browser, Page, reference_on


@pytest.fixture(params=["sqlite", "firestore"])
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Office:
    return open_office(request.param, tmp_path, request, INTAKE_FUNCTIONS_BASE_URL=ORIGIN)


def _proof_on(page: Page) -> str:
    found = re.search(r'<pre class="block proof-text"[^>]*>(.*?)</pre>', page.text, re.S)
    assert found, page.text[:3000]
    return html.unescape(found.group(1))


def _verify(browser: Browser, proof: str, content: str = "") -> Page:
    page = browser.get("/verify")
    assert page.status == 200
    return browser.post("forms", [("csrf_token", page.token), ("lang", page.inputs["lang"]),
                                  ("proof", proof), ("content", content)], path="/verify")


@pytest.mark.parametrize("form", ["advice", "misconduct", "retaliation"])
def test_every_json_acknowledgement_carries_a_proof_of_what_was_sent(
        office: Office, form: str) -> None:
    body = payload(form)
    response = office.h.submit(FUNCTIONS[form], body)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    proof = answer["proof"]
    assert f"reference: {answer['reference']}\n" in proof and f"form: {form}\n" in proof
    assert not [s for s in SENSITIVE if s in proof]
    uc = office.h.container.use_cases
    check = uc.check_proof(proof, json.dumps(body, indent=2).encode())
    assert check.valid and check.content_checked
    assert check.proof is not None and check.proof.statement.received_at.isoformat() == \
        answer["received_at"]
    other = {**body, "anonymous": not body.get("anonymous", False)}
    assert uc.check_proof(proof, json.dumps(other).encode()).outcome == "content_mismatch"
    stored = office.h.store.get_submission(
        office.h.store.get_case(answer["reference"]).submission_id)  # type: ignore[union-attr]
    assert stored is not None and stored.proof == proof


def test_a_retry_gets_the_same_proof(office: Office) -> None:
    headers = {"Idempotency-Key": "proof-retry-0123456789"}
    first = office.h.submit(FUNCTIONS["advice"], payload("advice"), **headers)
    office.h.clock.advance(hours=2)  # after the receipt's window: the proof still comes
    again = office.h.submit(FUNCTIONS["advice"], payload("advice"), **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert "receipt" not in again.get_json()
    assert again.get_json()["proof"] == first.get_json()["proof"]


class _Unreachable(ProofSigner):
    def current_key(self) -> PublishedKey:
        raise ProofSigningUnavailable("signing key out of reach")

    def sign(self, key_id: str, message: bytes) -> bytes:
        raise ProofSigningUnavailable("signing key out of reach")

    def published_keys(self) -> Sequence[PublishedKey]:
        raise ProofSigningUnavailable("signing key out of reach")


def test_no_acknowledgement_without_a_proof_the_key_out_of_reach_stores_nothing(
        tmp_path: Path) -> None:
    from tests.support.fakes import InMemoryStore
    store = InMemoryStore()
    h = Harness.build(tmp_path, store, components={"proof_signer": _Unreachable()})
    response = h.submit(FUNCTIONS["misconduct"], payload("misconduct"))
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert not store.submissions and not store.cases and not h.queue.tasks


def test_the_confirmation_shows_the_proof_and_offers_it_as_a_file(office: Office) -> None:
    browser = Browser(office.h)
    confirmation = browser.submit("misconduct", flatten(payload("misconduct")))
    assert confirmation.status == 200, confirmation.summary
    reference = reference_on(confirmation)
    proof = _proof_on(confirmation)
    assert f"reference: {reference}" in proof
    assert office.h.container.use_cases.check_proof(proof).valid
    assert 'href="/forms/received/proof"' in confirmation.text
    assert "data-print" in confirmation.text
    for _ in range(2):  # the proof holds no secret: it may be saved more than once
        download = browser.request("forms", "/received/proof")
        assert download.status_code == 200
        assert download.headers["Content-Disposition"] == \
            f'attachment; filename="proof-{reference}.txt"'
        assert download.get_data(as_text=True) == proof
    assert "receipt" not in proof.lower().replace("proof of submission", "")
    # Once the person says they have written it down, the file is gone with the page.
    browser.post("forms", [("csrf_token", confirmation.token),
                           ("lang", confirmation.inputs["lang"])], path="/received")
    assert browser.request("forms", "/received/proof").status_code == 410


def test_the_public_page_checks_a_pasted_proof_and_a_copy(office: Office) -> None:
    body = payload("advice")
    proof = office.h.submit(FUNCTIONS["advice"], body).get_json()["proof"]
    browser = Browser(office.h)
    valid = _verify(browser, proof.replace("\n", "\r\n"), json.dumps(body, indent=1))
    assert valid.status == 200
    assert "This proof is valid" in valid.text
    assert "exactly what was sent" in valid.text
    tampered = _verify(browser, proof.replace("form: advice", "form: misconduct"))
    assert "This proof is not valid" in tampered.text
    assert "This proof is valid" not in tampered.text
    other = _verify(browser, proof, json.dumps({**body, "question": "something else"}))
    assert "not what was sent" in other.text
    broken = _verify(browser, proof.splitlines()[0])
    assert "not a complete proof" in broken.text
    empty = _verify(browser, "")
    assert empty.status == 422 and empty.summary == ["Paste the proof you want to check"]


def test_the_verify_page_refuses_a_cross_site_post(office: Office) -> None:
    browser = Browser(office.h)
    page = browser.get("/verify")
    refused = browser.post("forms", [("csrf_token", page.token), ("proof", "x")],
                           path="/verify", origin="https://elsewhere.example",
                           fetch_site="cross-site")
    assert refused.status == 403


def test_the_keys_are_published_as_a_page_and_as_json(office: Office) -> None:
    browser = Browser(office.h)
    page = browser.get("/keys")
    assert page.status == 200
    keys = office.h.container.use_cases.published_keys()
    assert keys and all(k.key_id in page.text for k in keys)
    assert "BEGIN PUBLIC KEY" in page.text
    with bootstrap.using(office.h.container):
        document = function_app("forms").test_client().get("/keys.json")
    assert document.status_code == 200
    assert document.headers["Content-Type"].startswith("application/json")
    [entry] = document.get_json()["keys"]
    assert entry["key"] == keys[0].key_id and entry["valid_until"] is None


def test_intake_verify_proof_needs_only_the_proof_the_keys_and_the_copy(
        harness: Harness, tmp_path: Path) -> None:
    body = payload("retaliation")
    proof = harness.submit(FUNCTIONS["retaliation"], body).get_json()["proof"]
    with bootstrap.using(harness.container):
        keys = function_app("forms").test_client().get("/keys.json").get_data()
    (tmp_path / "proof.txt").write_text(proof)
    (tmp_path / "keys.json").write_bytes(keys)
    (tmp_path / "copy.json").write_bytes(canonical_content(body))
    (tmp_path / "other.json").write_text(json.dumps({**body, "anonymous": True}))
    # Another data folder, with no store and another key: only the files are used.
    elsewhere = Container(settings_for(tmp_path / "elsewhere"))
    runner = CliRunner()
    with bootstrap.using(elsewhere):
        _run_cli(runner, proof, tmp_path)
    assert not (tmp_path / "elsewhere" / "intake.sqlite3").exists()


def _run_cli(runner: CliRunner, proof: str, tmp_path: Path) -> None:
    ok = runner.invoke(main, ["verify-proof", str(tmp_path / "proof.txt"), "--keys",
                              str(tmp_path / "keys.json"), "--content",
                              str(tmp_path / "copy.json")])
    assert ok.exit_code == 0, ok.output
    result = json.loads(ok.output)
    assert result["valid"] and result["content_matches"] and result["form"] == "retaliation"
    mismatch = runner.invoke(main, ["verify-proof", str(tmp_path / "proof.txt"), "--keys",
                                    str(tmp_path / "keys.json"), "--content",
                                    str(tmp_path / "other.json")])
    assert mismatch.exit_code == 1 and json.loads(mismatch.output)["outcome"] == \
        "content_mismatch"
    (tmp_path / "tampered.txt").write_text(proof.replace("form: retaliation", "form: advice"))
    tampered = runner.invoke(main, ["verify-proof", str(tmp_path / "tampered.txt"),
                                    "--keys", str(tmp_path / "keys.json")])
    assert tampered.exit_code == 1 and json.loads(tampered.output)["outcome"] == \
        "bad_signature"
    # A file given must be one the proof lists; this proof lists none.
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff a photo")
    unlisted = runner.invoke(main, ["verify-proof", str(tmp_path / "proof.txt"), "--keys",
                                    str(tmp_path / "keys.json"), "--file",
                                    str(tmp_path / "photo.jpg")])
    assert unlisted.exit_code == 1 and json.loads(unlisted.output)["outcome"] == \
        "file_mismatch"
    # Without --keys: the configured signer's keys, here another key ring.
    unknown = runner.invoke(main, ["verify-proof", str(tmp_path / "proof.txt")])
    assert unknown.exit_code == 1 and json.loads(unknown.output)["outcome"] == "unknown_key"


def test_checks_of_pasted_proofs_are_rate_limited_per_client(tmp_path: Path) -> None:
    from tests.support.fakes import InMemoryStore
    h = Harness.build(tmp_path, InMemoryStore(), INTAKE_FORM_RATE_LIMIT="2",
                      INTAKE_FUNCTIONS_BASE_URL=ORIGIN)
    browser = Browser(h)
    statuses = [_verify(browser, "not a proof").status for _ in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429
