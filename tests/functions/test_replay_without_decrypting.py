"""The submit functions can only encrypt. Run against Cloud KMS (the real client, over gRPC
to our KMS-compatible server) where the cases key refuses Decrypt to them, as
roles/cloudkms.cryptoKeyEncrypter does: submissions and idempotent retries still work, an API
retry shows the receipt again only within INTAKE_REPLAY_RECEIPT_SECONDS (a browser's form
sent again never does), and KMS never sees a Decrypt."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteStore
from shared.domain.records import CaseQuery
from shared.domain.references import hash_receipt, verify_receipt
from tests.conftest import KmsServer
from tests.support.fakes import InMemoryStore
from tests.support.harness import Harness
from tests.support.payloads import ADVICE_ANONYMOUS, flatten, payload
from tests.support.web import ORIGIN, Browser, receipt_on, reference_on

KEY = "7c1e6a0e-5f7b-4d5e-9a59-3c3f0b9d2a41"
WINDOW = 600


@pytest.fixture
def encrypt_only(kms_server: KmsServer, tmp_path: Path) -> Harness:
    harness = Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                            INTAKE_KMS_KEY=kms_server.key_name,
                            INTAKE_MESSAGES_KMS_KEY=kms_server.another_key(),
                            INTAKE_KMS_EMULATOR_HOST=kms_server.host,
                            INTAKE_REPLAY_RECEIPT_SECONDS=str(WINDOW),
                            INTAKE_FORM_RATE_LIMIT="1000", INTAKE_FUNCTIONS_BASE_URL=ORIGIN)
    kms_server.state.encrypt_only.add(kms_server.key_name)
    return harness


def test_a_retry_is_answered_without_decrypting_and_the_receipt_only_within_the_window(
        encrypt_only: Harness, kms_server: KmsServer) -> None:
    harness, calls = encrypt_only, len(kms_server.state.calls)
    first = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert first.status_code == 201
    answer = first.get_json()
    harness.clock.advance(seconds=WINDOW - 1)
    retry = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == answer
    case = harness.store.get_case(answer["reference"])
    assert case is not None
    submission = harness.store.get_submission(case.submission_id)
    assert submission is not None and submission.receipt_hash is not None
    assert verify_receipt(answer["receipt"], submission.receipt_hash)

    harness.clock.advance(seconds=1)
    late = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert late.status_code == 201 and late.headers["Idempotent-Replayed"] == "true"
    assert late.get_json() == {k: v for k, v in answer.items() if k != "receipt"}

    other = harness.submit("submit_advice", dict(ADVICE_ANONYMOUS, question="Another one."),
                           **{"Idempotency-Key": KEY})
    assert other.status_code == 409
    assert "Decrypt" not in kms_server.state.calls[calls:]
    assert "Encrypt" in kms_server.state.calls[calls:]


def test_a_browser_resending_the_same_form_never_sees_the_receipt_again(
        encrypt_only: Harness, kms_server: KmsServer) -> None:
    # The API's retry may show the receipt again within the window; a browser's never does:
    # its confirmation is shown once, and the same form sent again (Back and reload, or
    # Send pressed twice) is a page that has expired, within the window or after it.
    calls = len(kms_server.state.calls)
    browser = Browser(encrypt_only)
    page = browser.get("/advice")
    answers = dict(ADVICE_ANONYMOUS, requester_type="individual")  # the page asks it
    pairs = [(name, page.inputs[name]) for name in ("csrf_token", "lang", "website")] + [
        ("idempotency_key", KEY), *flatten(answers)]
    sent = browser.post("submit_advice", pairs)
    assert sent.status == 303
    double_click = browser.post("submit_advice", pairs)  # before the confirmation is seen
    assert double_click.status == 303 and double_click.location == sent.location
    first = browser.follow(sent)
    assert first.status == 200
    reference, receipt = reference_on(first), receipt_on(first)
    for wait in (0, WINDOW):
        encrypt_only.clock.advance(seconds=wait)
        again = browser.post("submit_advice", pairs)
        assert again.status == 410, again.summary
        assert reference not in again.text and receipt not in again.text
        assert "receipt-code" not in again.text
    assert len(encrypt_only.store.list_cases(CaseQuery(form="advice"))) == 1
    assert "Decrypt" not in kms_server.state.calls[calls:]


def test_the_window_is_configurable_down_to_never(tmp_path: Path) -> None:
    harness = Harness.build(tmp_path, InMemoryStore(), INTAKE_REPLAY_RECEIPT_SECONDS="0")
    first = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert "receipt" in first.get_json()
    retry = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert retry.status_code == 201 and "receipt" not in retry.get_json()


def test_a_named_submission_gets_the_same_receipt_on_a_retry_in_the_window(
        tmp_path: Path) -> None:
    harness = Harness.build(tmp_path, InMemoryStore())
    receipts = []
    for _ in range(2):
        response = harness.submit("submit_advice", payload("advice"),
                                  **{"Idempotency-Key": KEY})
        assert response.status_code == 201
        receipts.append(response.get_json()["receipt"])
    assert receipts[0] == receipts[1]
    submission = next(iter(harness.store.submissions.values()))  # type: ignore[attr-defined]
    assert not submission.anonymous and submission.receipt_hash
    assert verify_receipt(receipts[0], submission.receipt_hash)


def test_a_derived_code_that_does_not_open_the_case_is_never_shown(tmp_path: Path) -> None:
    """A submission whose receipt was made otherwise (by the code before the replay secret,
    say): the retry gets the reference, never a code that would not work."""
    store = InMemoryStore()
    harness = Harness.build(tmp_path, store)
    first = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    (submission,) = store.submissions.values()
    store.submissions[submission.id] = replace(submission,
                                               receipt_hash=hash_receipt("AAAA-BBBB-CCCC-DDDD"))
    retry = harness.submit("submit_advice", ADVICE_ANONYMOUS, **{"Idempotency-Key": KEY})
    assert retry.status_code == 201
    assert retry.get_json() == {k: v for k, v in first.get_json().items() if k != "receipt"}


def test_without_an_idempotency_key_each_receipt_is_random(tmp_path: Path) -> None:
    harness = Harness.build(tmp_path, InMemoryStore())
    receipts = {harness.submit("submit_advice", ADVICE_ANONYMOUS).get_json()["receipt"]
                for _ in range(3)}
    assert len(receipts) == 3
