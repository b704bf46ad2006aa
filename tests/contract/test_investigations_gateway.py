"""The investigations intake contract, both sides over real HTTP: our gateway adapter
against the reference receiver (signatures, replays, de-duplication, status classes)."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_receiver.app import ReferenceReceiver
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.domain.referrals import REFERRAL_FORMAT
from shared.domain.signatures import WINDOW_SECONDS, signature
from shared.ports.investigations import ReferralRejected, ReferralUnavailable
from tests.support.processes import free_port
from tests.support.receiver import (
    CONTROL_TOKEN,
    SECRET,
    Redirector,
    new_receiver,
    receiving,
)

DOCUMENT = {"format": REFERRAL_FORMAT, "referral_id": "ETH-MIS-00000-00001-R1",
            "ethics_office_reference": "ETH-MIS-00000-00001", "what": "an allegation"}


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[tuple[ReferenceReceiver, str]]:
    app = new_receiver(tmp_path)
    with receiving(app, free_port()) as url:
        yield app, url


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def signed(body: bytes, *, secret: bytes = SECRET, at: int | None = None,
           key: str = "ETH-MIS-00000-00001-R1") -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    nonce = secrets.token_hex(16)
    return {"X-Ethics-Timestamp": str(timestamp), "X-Ethics-Nonce": nonce,
            "X-Ethics-Signature": signature(secret, timestamp, nonce, body),
            "Idempotency-Key": key}


def test_a_referral_is_recorded_once_however_often_it_is_delivered(
        receiver: tuple[ReferenceReceiver, str]) -> None:
    app, url = receiver
    gateway = HttpInvestigationsGateway(url, SECRET)
    receipts = {gateway.refer("ETH-MIS-00000-00001-R1", DOCUMENT).investigations_case_id
                for _ in range(3)}
    [recorded] = app.store.referrals()
    assert receipts == {recorded.case_id}
    assert recorded.deliveries == 3
    assert recorded.document == DOCUMENT and recorded.reference == "ETH-MIS-00000-00001"


@pytest.mark.parametrize("tamper", ["body", "secret", "stale", "future", "replay", "unsigned"])
def test_a_bad_signature_is_401_and_records_nothing(
        receiver: tuple[ReferenceReceiver, str], tamper: str) -> None:
    app, url = receiver
    body = json.dumps(DOCUMENT).encode()
    headers = signed(body)
    if tamper == "body":
        body = body.replace(b"an allegation", b"another story")
    elif tamper == "secret":
        headers = signed(body, secret=b"w" * 40)
    elif tamper == "stale":
        headers = signed(body, at=int(time.time()) - 301)
    elif tamper == "future":
        # A second boundary may pass before the receiver reads its clock: +301 could land
        # exactly at the window's edge; a minute past it cannot.
        headers = signed(body, at=int(time.time()) + WINDOW_SECONDS + 60)
    elif tamper == "replay":
        assert post(url, body, headers) == 201
        before = app.store.referrals()
        assert post(url, body, headers) == 401
        assert app.store.referrals() == before
        return
    else:
        headers = {"Idempotency-Key": headers["Idempotency-Key"]}
    assert post(url, body, headers) == 401
    assert app.store.referrals() == []


@pytest.mark.parametrize(("status", "error"), [
    (500, ReferralUnavailable), (503, ReferralUnavailable), (408, ReferralUnavailable),
    (429, ReferralUnavailable), (400, ReferralRejected), (422, ReferralRejected),
    (403, ReferralRejected)])
def test_answers_are_classed_as_retryable_or_final(
        receiver: tuple[ReferenceReceiver, str], status: int, error: type[Exception]) -> None:
    app, url = receiver
    app.store.set_controls(fail_next=1, fail_status=status)
    with pytest.raises(error):
        HttpInvestigationsGateway(url, SECRET).refer("ETH-MIS-00000-00001-R1", DOCUMENT)
    assert app.store.referrals() == []


def test_a_mismatched_idempotency_key_is_refused(receiver: tuple[ReferenceReceiver, str]) -> None:
    _, url = receiver
    with pytest.raises(ReferralRejected):
        HttpInvestigationsGateway(url, SECRET).refer("another-id", DOCUMENT)


def test_a_slow_receiver_times_out_after_recording(
        receiver: tuple[ReferenceReceiver, str]) -> None:
    app, url = receiver
    app.store.set_controls(slow_next=1, slow_seconds=2.0)
    with pytest.raises(ReferralUnavailable, match="timeout"):
        HttpInvestigationsGateway(url, SECRET, timeout=0.5).refer(
            "ETH-MIS-00000-00001-R1", DOCUMENT)
    assert len(app.store.referrals()) == 1


def test_nobody_listening_is_unavailable() -> None:
    gateway = HttpInvestigationsGateway(f"http://127.0.0.1:{free_port()}/", SECRET, timeout=2)
    with pytest.raises(ReferralUnavailable, match="connection"):
        gateway.refer("ETH-MIS-00000-00001-R1", DOCUMENT)


def test_the_receiver_lists_and_controls_over_http(
        receiver: tuple[ReferenceReceiver, str]) -> None:
    app, url = receiver
    token = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    assert post(url + "_control", json.dumps({"fail_next": 2}).encode(), token) == 200
    assert post(url + "_control", json.dumps({"explode": 1}).encode(), token) == 400
    assert app.store.controls()["fail_next"] == 2
    listing = urllib.request.Request(url + "_referrals", headers=token)
    with urllib.request.urlopen(listing, timeout=5) as response:
        assert json.loads(response.read()) == []


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", f"Bearer {CONTROL_TOKEN}x", f"Bearer {CONTROL_TOKEN[:-1]}",
    f"Basic {CONTROL_TOKEN}", "Bearer dev:officer@localhost.test"])
def test_the_receivers_controls_and_list_need_the_control_token(
        receiver: tuple[ReferenceReceiver, str], authorization: str | None) -> None:
    app, url = receiver
    gateway = HttpInvestigationsGateway(url, SECRET)
    gateway.refer("ETH-MIS-00000-00001-R1", DOCUMENT)
    headers = {} if authorization is None else {"Authorization": authorization}
    assert post(url + "_control", json.dumps({"fail_next": 5}).encode(), headers) == 401
    assert app.store.controls()["fail_next"] == 0
    listing = urllib.request.Request(url + "_referrals", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(listing, timeout=5)
    assert refused.value.code == 401
    assert b"ETH-MIS" not in refused.value.read()


def test_a_receiver_without_a_control_token_refuses_every_controller(tmp_path: Path) -> None:
    app = new_receiver(tmp_path, control_token=None)
    with receiving(app, free_port()) as url:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
            assert post(url + "_control", b"{}", headers) == 401


@pytest.fixture
def redirector() -> Iterator[Redirector]:
    server = Redirector()
    yield server
    server.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(redirector: Redirector, status: int) -> None:
    redirector.status = status
    with pytest.raises(ReferralUnavailable, match=rf"redirect \(HTTP {status}\) not followed"):
        HttpInvestigationsGateway(redirector.url, SECRET).refer("ETH-MIS-00000-00001-R1",
                                                                DOCUMENT)
    assert redirector.requests == [("POST", "/")]  # the signed referral went nowhere else
    assert not redirector.targeted


def test_one_connection_serves_successive_referrals(redirector: Redirector) -> None:
    gateway = HttpInvestigationsGateway(redirector.url + "ok", SECRET)
    receipts = [gateway.refer("ETH-MIS-00000-00001-R1", DOCUMENT) for _ in range(3)]
    assert {r.investigations_case_id for r in receipts} == {"OIAI-000001"}
    assert redirector.connections == 1


@pytest.mark.parametrize(("timeout", "expected"), [(30.0, (5.0, 30.0)), (2.0, (2.0, 2.0))])
def test_connecting_and_answering_have_their_own_deadlines(
        timeout: float, expected: tuple[float, float]) -> None:
    gateway = HttpInvestigationsGateway("https://intake.example.org/", SECRET, timeout=timeout)
    assert gateway._timeout == expected
