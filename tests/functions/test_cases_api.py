"""The officers' case API in-process: authentication with real Google-style ID tokens
(verified by google-auth against a local certificate server), roles, recusal, the
workflows, the history of every read and write, and reclassification as misconduct."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.google_id_tokens import GoogleIdTokenVerifier
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.officers import parse_directory
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app
from tests.support.payloads import ADVICE_ANONYMOUS, SENSITIVE, payload
from tests.support.processes import free_port
from tests.support.receiver import SECRET, ServedReceiver, new_receiver
from tests.support.tokens import CertServer, SigningKey

AUDIENCE = "https://europe-west1-ethics.cloudfunctions.net/cases"
DIRECTORY = {
    "alice@example.org": {"name": "Alice Mbeki-Laurent", "roles": ["ethics_officer"]},
    "bob@example.org": {"name": "Bob Oyelaran", "roles": ["ethics_officer", "ethics_admin"]},
    "carol@example.org": {"name": "Carol Admin", "roles": ["ethics_admin"]},
    # named in the retaliation payload as an alleged retaliator
    "philippa@example.org": {"name": "Philippa Ravensworth", "roles": ["ethics_officer"]},
}


@dataclass
class Office:
    harness: Harness
    key: SigningKey
    receiver: ServedReceiver
    notifier: RecordingNotifier

    def token(self, email: str, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": "https://accounts.google.com", "aud": AUDIENCE, "sub": "1" * 21,
                "email": email, "email_verified": True, "iat": now, "exp": now + 3600}
        body.update(claims)
        return self.key.sign(body)

    def call(self, method: str, path: str, body: Any = None, *, who: str | None = None,
             token: str | None = None) -> Any:
        headers = {}
        if token is not None or who is not None:
            headers["Authorization"] = f"Bearer {token or self.token(who or '')}"
        client = function_app("cases").test_client()
        with bootstrap.using(self.harness.container):
            if method == "GET":
                return client.get(path, headers=headers)
            return client.post(path, data=json.dumps(body), content_type="application/json",
                               headers=headers)

    def submit(self, form: str, body: dict[str, Any] | None = None) -> str:
        function = {"advice": "submit_advice", "misconduct": "submit_misconduct",
                    "retaliation": "submit_retaliation"}[form]
        response = self.harness.submit(function, body or payload(form))
        assert response.status_code == 201, response.get_json()
        self.harness.drain()
        return str(response.get_json()["reference"])

    def kinds(self, reference: str) -> list[tuple[str, str, str | None]]:
        return [(e.kind, e.actor, e.to_state) for e in
                self.harness.store.case_events(reference)]


@pytest.fixture(scope="module")
def certificates() -> Iterator[tuple[CertServer, SigningKey]]:
    key, server = SigningKey("google-1"), CertServer()
    server.publish(key)
    yield server, key
    server.close()


@pytest.fixture
def office(tmp_path: Path, certificates: tuple[CertServer, SigningKey]) -> Iterator[Office]:
    with open_office(tmp_path, certificates) as opened:
        yield opened


@contextmanager
def open_office(tmp_path: Path, certificates: tuple[CertServer, SigningKey]) -> Iterator[Office]:
    server, key = certificates
    served = ServedReceiver(new_receiver(tmp_path), free_port())
    served.start()
    notifier = RecordingNotifier()
    harness = Harness.build(
        tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
        components={"verifier": GoogleIdTokenVerifier(AUDIENCE, server.url),
                    "officers": parse_directory(json.dumps(DIRECTORY)),
                    "gateway": HttpInvestigationsGateway(served.url, SECRET, timeout=2),
                    "notifier": notifier})
    try:
        yield Office(harness, key, served, notifier)
    finally:
        served.stop()


class TestAuthentication:
    def test_no_token_is_401_with_a_challenge(self, office: Office) -> None:
        response = office.call("GET", "/")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    @pytest.mark.parametrize("kind", ["expired", "wrong_audience", "forged", "tampered",
                                      "garbage"])
    def test_a_bad_token_is_401(self, office: Office, kind: str) -> None:
        if kind == "expired":
            token = office.token("alice@example.org", iat=int(time.time()) - 7200,
                                 exp=int(time.time()) - 3600)
        elif kind == "wrong_audience":
            token = office.token("alice@example.org", aud="https://elsewhere.example")
        elif kind == "forged":
            token = SigningKey("google-1").sign({"aud": AUDIENCE, "email": "alice@example.org",
                                                 "iss": "https://accounts.google.com"})
        elif kind == "tampered":
            good = office.token("bob@example.org").split(".")
            mine = office.token("alice@example.org").split(".")
            token = ".".join([good[0], mine[1], good[2]])
        else:
            token = "not-a-token"
        response = office.call("GET", "/", token=token)
        assert response.status_code == 401
        assert token not in response.get_data(as_text=True)

    def test_a_valid_token_of_someone_outside_the_directory_is_403(self,
                                                                   office: Office) -> None:
        assert office.call("GET", "/", who="mallory@example.org").status_code == 403

    def test_an_administrator_without_the_officer_role_cannot_read_cases(
            self, office: Office) -> None:
        reference = office.submit("advice")
        assert office.call("GET", "/", who="carol@example.org").status_code == 403
        assert office.call("GET", f"/{reference}", who="carol@example.org").status_code == 403

    def test_an_officer_reads_and_the_read_is_recorded(self, office: Office) -> None:
        reference = office.submit("advice")
        response = office.call("GET", f"/{reference}", who="alice@example.org")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["submission"]["name"] == payload("advice")["name"]
        assert body["case"]["allowed_transitions"] == ["assign", "refer_as_misconduct"]
        assert office.kinds(reference)[-1] == ("read", "officer:alice@example.org", None)


def test_a_recused_officer_is_refused_as_if_there_were_no_case_and_it_is_recorded(
        office: Office) -> None:
    reference = office.submit("retaliation")
    for method, path, body in (("GET", f"/{reference}", None),
                               ("POST", f"/{reference}/notes", {"text": "note"})):
        response = office.call(method, path, body, who="philippa@example.org")
        assert response.status_code == 404
        assert response.get_json()["message"] == "No case with this reference."
    assert reference not in [c["reference"] for c in office.call(
        "GET", "/?form=retaliation", who="philippa@example.org").get_json()["cases"]]
    refusals = [e for e in office.harness.store.case_events(reference)
                if e.kind == "access_refused"]
    assert [(e.actor, e.details) for e in refusals] == [
        ("officer:philippa@example.org", {"reason": "recused", "operation": "read"}),
        ("officer:philippa@example.org", {"reason": "recused", "operation": "note"})]
    assert office.call("GET", f"/{reference}", who="alice@example.org").status_code == 200


def test_paths_and_methods_answer_404_or_405_with_what_is_allowed(office: Office) -> None:
    reference = office.submit("advice")
    reads = len(office.kinds(reference))
    headers = {"Authorization": f"Bearer {office.token('alice@example.org')}"}

    def answer(method: str, path: str, body: bytes | None = None) -> Any:
        client = function_app("cases").test_client()
        with bootstrap.using(office.harness.container):
            return client.open(path, method=method, data=body, headers=headers,
                               content_type="application/json" if body else None)

    for method, path, allow, message in (
            ("POST", "/", "GET", "Use GET to list cases."),
            ("HEAD", "/", "GET", None),
            ("DELETE", f"/{reference}", "GET", "Use GET to read a case."),
            ("PUT", f"/{reference.lower()}/", "GET", "Use GET to read a case."),
            # A HEAD would record a read nobody saw: only GET opens a case.
            ("HEAD", f"/{reference}", "GET", None),
            ("GET", f"/{reference}/notes", "POST", "Only POST is accepted."),
            ("PATCH", f"/{reference}/no-such-operation", "POST", "Only POST is accepted."),
            ("GET", "/ETH-ADV-00000-00000/transitions", "POST", "Only POST is accepted.")):
        response = answer(method, path, b"{}" if method != "HEAD" else None)
        assert (response.status_code, response.headers.get("Allow")) == (405, allow), path
        if message is not None:
            assert response.get_json()["message"] == message
    assert len(office.kinds(reference)) == reads  # nothing read, nothing changed
    for method, path in (("GET", "/x"), ("POST", "/x"), ("POST", "/not-a-reference/notes"),
                         ("GET", f"/{reference}/notes/more"), ("PUT", "/a/b/c")):
        response = answer(method, path, b"{}")
        assert (response.status_code, response.get_json()["message"]) == (
            404, "No case with this reference."), path
    unknown = answer("POST", f"/{reference}/no-such-operation", b"{}")
    assert (unknown.status_code, unknown.get_json()["message"]) == (
        404, "No such case operation.")
    unread = answer("POST", f"/{reference}/no-such-operation", b"[]")  # its body first
    assert unread.status_code == 400
    for path in (f"/{reference}/", f"/{reference.lower()}", f"/{reference}//notes/"):
        body = b'{"text": "a note"}' if path.endswith("notes/") else None
        assert answer("POST" if body else "GET", path, body).status_code == 200, path


def test_the_list_filters_and_shows_no_identity(office: Office) -> None:
    advice = office.submit("advice")
    office.harness.clock.advance(minutes=1)
    retaliation = office.submit("retaliation")
    everything = office.call("GET", "/", who="alice@example.org").get_json()["cases"]
    assert [c["reference"] for c in everything] == [retaliation, advice]
    assert not [s for s in SENSITIVE if s in json.dumps(everything)]
    due = office.call("GET", "/?due_within_days=45", who="alice@example.org").get_json()
    # The most urgent first: the advice answer (10 working days from Monday 2 March)
    # before the preliminary review (30 days).
    assert [c["reference"] for c in due["cases"]] == [advice, retaliation]
    assert due["cases"][0]["deadlines"] == {"advice_answer_due": "2026-03-16T09:30:00+00:00",
                                            "feedback_due": "2026-06-02T09:30:00+00:00"}
    assert due["cases"][1]["deadlines"]["preliminary_review_due"].startswith("2026-04-01")
    soon = office.call("GET", "/?due_within_days=10", who="alice@example.org").get_json()
    assert [c["reference"] for c in soon["cases"]] == []
    forms = office.call("GET", "/?form=advice&state=received", who="alice@example.org")
    assert [c["reference"] for c in forms.get_json()["cases"]] == [advice]
    assert office.call("GET", "/?colour=red", who="alice@example.org").status_code == 422


def test_an_illegal_transition_is_409_with_what_is_allowed(office: Office) -> None:
    reference = office.submit("retaliation")
    response = office.call("POST", f"/{reference}/transitions", {"name": "establish_retaliation"},
                           who="alice@example.org")
    assert response.status_code == 409
    assert response.get_json()["errors"]["allowed"] == [
        "start_preliminary_review", "suspend", "refer_as_misconduct"]
    assert office.kinds(reference)[-1][0] == "triaged"  # nothing recorded


def test_bad_bodies_are_4xx_and_change_nothing(office: Office) -> None:
    reference = office.submit("advice")
    before = office.kinds(reference)
    for body in ({"name": "assign", "colour": "red"}, {"name": "X"}, {}):
        assert office.call("POST", f"/{reference}/transitions", body,
                           who="alice@example.org").status_code == 422
    assert office.call("POST", f"/{reference}/teleport", {}, who="alice@example.org"
                       ).status_code == 404
    assert office.call("POST", "/ETH-ADV-00000-00000/notes", {"text": "x"},
                       who="alice@example.org").status_code == 404
    assert office.call("POST", "/not-a-reference/notes", {"text": "x"},
                       who="alice@example.org").status_code == 404
    assert office.kinds(reference) == before


@pytest.mark.parametrize(("method", "path", "body", "field", "found"), [
    ("POST", "/notes", {"text": "Spoke to \u202eHR\u202c today"}, "text", "U+202E"),
    ("POST", "/replies", {"text": "You may\u200b teach"}, "text", "U+200B"),
    ("POST", "/transitions", {"name": "assign\x00"}, "name", "U+0000"),
    ("POST", "/transitions", {"name": "assign", "note": "ok\x1b[2J"}, "note", "U+001B"),
    ("POST", "/assignment", {"assignee": '"b\x1b\x07"@example.org'}, "assignee", "U+001B"),
    ("POST", "/assignment", {"assignee": "bob\u00ad@example.org"}, "assignee", "U+00AD"),
    ("GET", "?assignee=bob%C2%AD%40example.org", None, "assignee", "U+00AD"),
    ("GET", "?state=received%E2%80%8B", None, "state", "U+200B"),
])
def test_refused_characters_are_a_422_naming_the_field_and_change_nothing(
        office: Office, method: str, path: str, body: Any, field: str, found: str) -> None:
    reference = office.submit("advice")
    before = office.kinds(reference)
    target = f"/{reference}{path}" if method == "POST" else f"/{path}"
    response = office.call(method, target, body, who="bob@example.org")
    assert response.status_code == 422, response.get_json()
    assert any(f"(found {found})" in m for m in response.get_json()["errors"][field])
    assert office.kinds(reference) == before
    assert office.notifier.sent == []


def test_assignment_self_or_by_an_administrator(office: Office) -> None:
    reference = office.submit("advice")
    assert office.call("POST", f"/{reference}/assignment", {"assignee": "bob@example.org"},
                       who="alice@example.org").status_code == 403
    assert office.call("POST", f"/{reference}/assignment", {"assignee": "alice@example.org"},
                       who="alice@example.org").status_code == 200
    assert office.call("POST", f"/{reference}/assignment", {"assignee": "bob@example.org"},
                       who="bob@example.org").status_code == 200
    assert office.call("POST", f"/{reference}/assignment", {"assignee": "nobody@example.org"},
                       who="bob@example.org").status_code == 422
    case = office.harness.store.get_case(reference)
    assert case is not None and case.assignee == "bob@example.org"


def test_notes_and_replies_are_sealed_and_the_submitter_is_told(office: Office) -> None:
    reference = office.submit("advice")
    note, answer = "Conflict clear: the course is unpaid.", "You may teach the course."
    assert office.call("POST", f"/{reference}/notes", {"text": note},
                       who="alice@example.org").status_code == 200
    assert office.call("POST", f"/{reference}/replies", {"text": answer},
                       who="alice@example.org").status_code == 200
    office.harness.drain()
    stored = json.dumps([e.details for e in office.harness.store.case_events(reference)])
    assert note not in stored and answer not in stored
    history = office.call("GET", f"/{reference}", who="alice@example.org").get_json()["history"]
    assert [(h["kind"], h["text"]) for h in history if h["text"]] == [
        ("note", note), ("reply_to_submitter", answer)]
    [told] = office.notifier.sent
    assert told.to == payload("advice")["email"] and reference in told.subject
    assert answer not in told.body and note not in told.body


def test_an_anonymous_submitter_is_not_emailed_about_a_reply(office: Office) -> None:
    reference = office.submit("advice", ADVICE_ANONYMOUS)
    office.call("POST", f"/{reference}/replies", {"text": "Here is our advice."},
                who="alice@example.org")
    office.harness.drain()
    assert office.notifier.sent == []


def test_protective_measures_only_while_a_prima_facie_case_is_open(office: Office) -> None:
    reference = office.submit("retaliation")
    measure = {"kind": "suspend_contested_decision", "recommended_on": "2026-03-01"}
    assert office.call("POST", f"/{reference}/measures", measure,
                       who="alice@example.org").status_code == 409
    for name in ("start_preliminary_review", "establish_prima_facie"):
        assert office.call("POST", f"/{reference}/transitions", {"name": name},
                           who="alice@example.org").status_code == 200
    recorded = office.call("POST", f"/{reference}/measures", measure, who="alice@example.org")
    assert recorded.status_code == 200
    [stored] = recorded.get_json()["case"]["measures"]
    assert (stored["kind"], stored["outcome"]) == ("suspend_contested_decision", "recommended")
    update = {**measure, "measure_id": stored["measure_id"], "outcome": "implemented"}
    [changed] = office.call("POST", f"/{reference}/measures", update,
                            who="alice@example.org").get_json()["case"]["measures"]
    assert changed["outcome"] == "implemented"


def test_the_history_is_exactly_the_operations_performed(office: Office) -> None:
    reference = office.submit("advice")
    operations = [
        ("POST", f"/{reference}/assignment", {"assignee": "alice@example.org"}, "assigned"),
        ("POST", f"/{reference}/transitions", {"name": "assign"}, "transition"),
        ("GET", f"/{reference}", None, "read"),
        ("POST", f"/{reference}/notes", {"text": "checked the policy"}, "note"),
        ("POST", f"/{reference}/transitions", {"name": "answer"}, "transition"),
        ("POST", f"/{reference}/transitions", {"name": "assign"}, None),  # illegal: 409
        ("POST", f"/{reference}/transitions", {"name": "close"}, "transition"),
        ("POST", f"/{reference}/transitions", {"name": "reopen"}, "transition"),
    ]
    for method, path, body, _ in operations:
        office.call(method, path, body, who="alice@example.org")
    events = office.harness.store.case_events(reference)
    assert [e.kind for e in events] == ["received", "triaged"] + [
        kind for *_, kind in operations if kind is not None]
    assert [e.to_state for e in events if e.kind == "transition"] == [
        "assigned", "answered", "closed", "assigned"]
    assert all(e.actor == "officer:alice@example.org" for e in events[2:])
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


# What an officer gives with the transitions that require it.
DETAILS = {"suspend": {"reason": "parallel_complaint"},
           "refer_as_misconduct": {"allegation_type": "harassment_abuse_of_authority"}}


def walk(office: Office, reference: str, *names: str) -> int:
    for name in names:
        response = office.call("POST", f"/{reference}/transitions",
                               {"name": name, **DETAILS.get(name, {})},
                               who="alice@example.org")
        assert response.status_code == 200, (name, response.get_json())
    case = office.harness.store.get_case(reference)
    assert case is not None
    return len(names)


def test_the_2024_retaliation_outcomes(office: Office) -> None:
    """The 2024 annual report's retaliation cases as workflows: prima facie and referred;
    not prima facie and upheld; not prima facie, returned, re-reviewed; suspended and
    reopened; closed and forwarded as misconduct."""
    clock, store = office.harness.clock, office.harness.store
    cases = {name: office.submit("retaliation") for name in
             ("referred", "upheld", "returned", "suspended", "misconduct")}

    walk(office, cases["referred"], "start_preliminary_review", "establish_prima_facie",
         "refer_for_investigation")
    walk(office, cases["upheld"], "start_preliminary_review", "find_no_prima_facie",
         "request_panel_review", "record_panel_upheld", "close")
    walk(office, cases["returned"], "start_preliminary_review", "find_no_prima_facie",
         "request_panel_review", "record_panel_returned")
    clock.advance(days=3)
    walk(office, cases["returned"], "resume_preliminary_review", "find_no_prima_facie")
    walk(office, cases["suspended"], "start_preliminary_review", "suspend", "reopen",
         "resume_preliminary_review")
    walk(office, cases["misconduct"], "refer_as_misconduct")
    office.harness.drain()

    states = {name: store.get_case(ref).state for name, ref in cases.items()}  # type: ignore[union-attr]
    assert states == {"referred": "referred_for_investigation", "upheld": "closed",
                      "returned": "no_prima_facie", "suspended": "preliminary_review",
                      "misconduct": "closed_referred_misconduct"}
    returned = store.get_case(cases["returned"])
    assert returned is not None
    # re-reviewed: a fresh panel window from the complainant's notice of the second
    # finding (e-mailed at once here), no review deadline left
    assert set(returned.deadlines) == {"panel_review_request_due"}
    # (the first finding's notice went out once the chair had the case: no window then)
    notified = [e for e in store.case_events(cases["returned"])
                if e.kind == "determination_notified"]
    assert len(notified) == 1
    assert returned.deadlines["panel_review_request_due"] == notified[-1].at + \
        timedelta(days=30)
    suspended = store.get_case(cases["suspended"])
    assert suspended is not None
    assert suspended.deadlines["preliminary_review_due"] == suspended.updated_at + \
        timedelta(days=30)
    # the misconduct one went to the investigations office, as did the prima facie one
    referrals = {r.reference: r for r in office.receiver.receiver.store.referrals()}
    assert set(referrals) == {cases["misconduct"], cases["referred"]}
    referral = referrals[cases["misconduct"]]
    assert referral.document["allegation_type"] == "harassment_abuse_of_authority"
    assert referrals[cases["referred"]].document["matter"] == "retaliation"
    misconduct = store.get_case(cases["misconduct"])
    assert misconduct is not None and misconduct.forwarding is not None
    assert misconduct.forwarding.investigations_case_id == referral.case_id
    assert referral.document["reporter"]["email"] == "ignatius.w@example.org"
    history = [e.to_state for e in store.case_events(cases["upheld"]) if e.to_state]
    assert history == ["received", "preliminary_review", "no_prima_facie",
                       "panel_review_requested", "upheld", "closed"]


def test_an_advice_request_is_referred_only_with_the_requesters_consent(
        office: Office) -> None:
    reference = office.submit("advice")
    refused = office.call("POST", f"/{reference}/transitions",
                          {"name": "refer_as_misconduct"}, who="alice@example.org")
    assert refused.status_code == 409 and "consent" in refused.get_json()["message"]
    assert office.call("POST", f"/{reference}/transitions",
                       {"name": "refer_as_misconduct", "requester_consent": True,
                        "allegation_type": "fraud_corruption",
                        "note": "Requester agreed by phone on 2 March."},
                       who="alice@example.org").status_code == 200
    office.harness.drain()
    [referral] = office.receiver.receiver.store.referrals()
    assert referral.reference == reference
    assert referral.document["what"] == payload("advice")["question"]


def test_a_failed_referral_is_retried_by_an_officer(office: Office) -> None:
    office.receiver.receiver.store.set_controls(fail_next=1, fail_status=422)
    reference = office.submit("misconduct")
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarding_failed"
    response = office.call("POST", f"/{reference}/transitions", {"name": "retry_forwarding"},
                           who="alice@example.org")
    assert response.status_code == 200
    office.harness.drain()
    case = office.harness.store.get_case(reference)
    assert case is not None and case.state == "forwarded"
    assert len(office.receiver.receiver.store.referrals()) == 1
    assert office.call("POST", f"/{reference}/transitions", {"name": "acknowledge"},
                       who="alice@example.org").status_code == 200


OPERATIONS = {
    "read": ("GET", "", None, "read"),
    "note": ("POST", "/notes", {"text": "internal"}, "note"),
    "reply": ("POST", "/replies", {"text": "to the requester"}, "reply_to_submitter"),
    "take": ("POST", "/assignment", {"assignee": "alice@example.org"}, "assigned"),
    **{name: ("POST", "/transitions", {"name": name, **DETAILS.get(name, {})}, "transition")
       for name in ("assign", "answer", "close", "reopen", "start_preliminary_review",
                    "establish_prima_facie", "suspend", "acknowledge")},
}


def test_any_sequence_of_operations_is_the_history_exactly(tmp_path_factory: Any,
                                                           certificates: Any) -> None:
    """Random officers' operations, legal or not: afterwards the history holds one event
    per operation that succeeded, in order, and nothing for those refused."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(form=st.sampled_from(["advice", "retaliation"]),
           steps=st.lists(st.sampled_from(sorted(OPERATIONS)), max_size=8))
    def check(form: str, steps: list[str]) -> None:
        with open_office(tmp_path_factory.mktemp("history"), certificates) as desk:
            reference = desk.submit(form)
            expected = [e.kind for e in desk.harness.store.case_events(reference)]
            for step in steps:
                method, path, body, kind = OPERATIONS[step]
                response = desk.call(method, f"/{reference}{path}", body,
                                     who="alice@example.org")
                assert response.status_code in (200, 409), response.get_json()
                if response.status_code == 200:
                    expected.append(kind)
            desk.harness.drain()
            events = desk.harness.store.case_events(reference)
            assert [e.kind for e in events if not e.kind.startswith("notification")] == \
                expected
            assert [e.seq for e in events] == list(range(1, len(events) + 1))

    check()
