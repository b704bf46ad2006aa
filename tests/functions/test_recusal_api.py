"""Recusal is invisible: a case that names an officer never appears to them (no list,
filter or alert), and opening or acting on it answers exactly as an unknown reference does,
while the refusal is recorded where the other officers see it. Lists compare a keyed blind
index written at triage and open no submission; cases without one are checked by opening
them until `intake recusal-index` writes theirs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shared import bootstrap
from shared.adapters.envelope import EnvelopeCipher
from shared.adapters.local_keys import LocalKeyService
from shared.adapters.sqlite_store import SqliteStore
from shared.cli import main as cli
from shared.domain.officers import parse_directory
from shared.domain.records import CaseChange
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY, SealContext
from shared.ports.sealing import PayloadCipher
from shared.ports.storage import IntakeStore
from shared.services.sweep import sweep
from tests.support.fakes import RecordingNotifier
from tests.support.harness import Harness, function_app, settings_for
from tests.support.payloads import payload
from tests.support.tokens import dev_bearer, dev_verifier

DIRECTORY = {
    "alice@example.org": {"name": "Alice Mbeki-Laurent", "roles": ["ethics_officer"]},
    "bob@example.org": {"name": "Bob Oyelaran", "roles": ["ethics_officer", "ethics_admin"]},
    "carol@example.org": {"name": "Carol Admin", "roles": ["ethics_admin"]},
    "dana@example.org": {"name": "Dr. Dana Officer", "roles": ["ethics_officer"]},
}
OFFICE = "ethics-operations@example.org"


class CountingCipher(PayloadCipher):
    """Our cipher, counting what is opened."""

    def __init__(self, inner: PayloadCipher) -> None:
        self.inner, self.opened = inner, 0

    def seal(self, context: SealContext, plaintext: bytes) -> dict[str, Any]:
        return self.inner.seal(context, plaintext)

    def open(self, context: SealContext, envelope: Mapping[str, Any]) -> bytes:
        self.opened += 1
        return self.inner.open(context, envelope)

    def is_current(self, envelope: Mapping[str, Any]) -> bool:
        return self.inner.is_current(envelope)

    def rewrap(self, context: SealContext, envelope: Mapping[str, Any],
               month: str | None) -> dict[str, Any]:
        return self.inner.rewrap(context, envelope, month)

    def open_outdated(self, record_id: str, envelope: Mapping[str, Any]) -> bytes:
        self.opened += 1
        return self.inner.open_outdated(record_id, envelope)


@pytest.fixture(params=["sqlite", "firestore"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    """The functions over SQLite or the Firestore emulator, with four officers."""
    store: IntakeStore
    if request.param == "sqlite":
        store = SqliteStore.open(tmp_path / "intake.sqlite3")
    else:
        from shared.adapters.firestore_store import FirestoreStore

        store = FirestoreStore.connect(request.getfixturevalue("firestore_project"),
                                       "(default)", timeout=10)
    settings = settings_for(tmp_path)
    cipher = CountingCipher(EnvelopeCipher({
        CASES_KEY: LocalKeyService.from_file(settings.key_file, create=True),
        MESSAGES_KEY: LocalKeyService.from_file(settings.sealing.messages_key_file,
                                                create=True)}))
    return Harness.build(tmp_path, store,
                         components={"officers": parse_directory(json.dumps(DIRECTORY)),
                                     "verifier": dev_verifier(), "cipher": cipher,
                                     "notifier": RecordingNotifier()},
                         INTAKE_ETHICS_OFFICE_MAILBOX=OFFICE)


def cipher_of(h: Harness) -> CountingCipher:
    cipher = h.container.cipher
    assert isinstance(cipher, CountingCipher)
    return cipher


def call(h: Harness, method: str, path: str, who: str, body: Any = None) -> Any:
    client = function_app("cases").test_client()
    with bootstrap.using(h.container):
        if method == "GET":
            return client.get(path, headers=dev_bearer(who))
        return client.post(path, data=json.dumps(body), content_type="application/json",
                           headers=dev_bearer(who))


def complaint(h: Harness, **changes: Any) -> str:
    """A retaliation complaint; ``changes`` replace fields of the example payload."""
    body = {**payload("retaliation"), **changes}
    response = h.submit("submit_retaliation", body)
    assert response.status_code == 201, response.get_json()
    h.drain()
    return str(response.get_json()["reference"])


def naming(who: str) -> dict[str, Any]:
    """Payload changes that name ``who`` as the one who retaliated."""
    acts = payload("retaliation")["retaliatory_acts"]
    return {"retaliatory_acts": [{**acts[0], "by_whom": who}, *acts[1:]]}


def listed(h: Harness, who: str, query: str = "") -> list[str]:
    response = call(h, "GET", f"/{query}", who)
    assert response.status_code == 200, response.get_json()
    return [c["reference"] for c in response.get_json()["cases"]]


OPERATIONS = [
    ("GET", "", None, "read"),
    ("POST", "/notes", {"text": "internal"}, "note"),
    ("POST", "/replies", {"text": "to the complainant"}, "reply"),
    ("POST", "/assignment", {"assignee": "dana@example.org"}, "assign"),
    ("POST", "/transitions", {"name": "start_preliminary_review"},
     "transition:start_preliminary_review"),
    ("POST", "/transitions", {"name": "close"}, "transition:close"),  # illegal anyway
    ("POST", "/measures", {"kind": "suspend_contested_decision",
                           "recommended_on": "2026-03-01"}, "measure"),
]


def test_a_named_officer_gets_the_answer_of_an_unknown_reference(h: Harness) -> None:
    reference = complaint(h, **naming("Dr. Local Officer and Dana Officer"))
    unknown = "ETH-RET-00000-00000"
    for method, path, body, _ in OPERATIONS:
        refused = call(h, method, f"/{reference}{path}", "dana@example.org", body)
        absent = call(h, method, f"/{unknown}{path}", "dana@example.org", body)
        assert refused.status_code == absent.status_code == 404, (path, refused.get_json())
        assert refused.get_data() == absent.get_data()
        assert sorted(refused.headers.items()) == sorted(absent.headers.items())
        assert b"named" not in refused.get_data()
    refusals = [e for e in h.store.case_events(reference) if e.kind == "access_refused"]
    assert [(e.actor, e.details) for e in refusals] == [
        ("officer:dana@example.org", {"reason": "recused", "operation": operation})
        for *_, operation in OPERATIONS]
    case = h.store.get_case(reference)
    assert case is not None and case.state == "received" and case.assignee is None
    # Other officers see the refusals in the history.
    opened = call(h, "GET", f"/{reference}", "alice@example.org")
    assert opened.status_code == 200
    seen = [(e["kind"], e["actor"], e["details"]) for e in opened.get_json()["history"]
            if e["kind"] == "access_refused"]
    assert seen == [("access_refused", "officer:dana@example.org",
                     {"reason": "recused", "operation": operation})
                    for *_, operation in OPERATIONS]


def test_a_named_officer_never_sees_the_case_in_any_list(h: Harness) -> None:
    named = complaint(h, **naming("OFFICER, Dana"))
    h.clock.advance(minutes=1)
    other = complaint(h)
    assert call(h, "POST", f"/{other}/assignment", "alice@example.org",
                {"assignee": "alice@example.org"}).status_code == 200
    assert call(h, "POST", f"/{named}/assignment", "alice@example.org",
                {"assignee": "alice@example.org"}).status_code == 200
    for query in ("", "?form=retaliation", "?state=received", "?due_within_days=45",
                  "?assignee=alice@example.org", "?limit=2", "?limit=500",
                  "?form=retaliation&state=received&due_within_days=3650"):
        assert sorted(listed(h, "alice@example.org", query)) == sorted([other, named]), query
        assert listed(h, "dana@example.org", query) == [other], query
    assert listed(h, "dana@example.org", "?limit=1") == [other]
    assert listed(h, "dana@example.org", "?assignee=dana@example.org") == []


def test_a_list_with_a_limit_is_still_full(h: Harness) -> None:
    """Recused cases leave no gap: the store is asked for more."""
    visible = []
    for n in range(30):
        h.clock.advance(minutes=1)
        if n % 3 == 2:
            visible.append(complaint(h))
        else:
            complaint(h, **naming("Dana Officer"))
    visible.reverse()  # newest first
    for limit in (1, 2, 5, 10, 11, 100):
        assert listed(h, "dana@example.org", f"?limit={limit}") == visible[:limit], limit
    assert len(listed(h, "alice@example.org", "?limit=30")) == 30


@pytest.mark.parametrize("written", [
    "D\u0430na Offi\u0441er",               # Cyrillic a and es
    "OFFICER, Dana",
    "DANA OFFICER",
    "\uff24\uff41\uff4e\uff41 \uff2f\uff46\uff46\uff49\uff43\uff45\uff52",  # full width
    "Dána Offícer",
    "Dr Dana M. Officer",
    "DanaOfficer",
    "Da-na Offi- cer",
    "Dana+retaliation@EXAMPLE.org",
])
def test_the_named_officer_is_recused_however_the_name_was_written(h: Harness,
                                                                   written: str) -> None:
    reference = complaint(h, **naming(written))
    assert reference not in listed(h, "dana@example.org", "?form=retaliation")
    assert call(h, "GET", f"/{reference}", "dana@example.org").status_code == 404
    assert reference in listed(h, "alice@example.org", "?form=retaliation")


def stored_before_the_text_rules(h: Harness, by_whom: str) -> str:
    """A retaliation complaint stored as the submit functions stored it before every text
    field refused invisible characters: validated, then the first act's ``by_whom`` put in
    as written. Its reference, once triaged."""
    from schemas.retaliation import RetaliationComplaintSchema

    data = RetaliationComplaintSchema().load(payload("retaliation"))
    data["retaliatory_acts"][0]["by_whom"] = by_whom
    reference = h.store_unchecked("retaliation", data)
    h.drain()
    return reference


@pytest.mark.parametrize("written", [
    "Da\u00adna Officer",                   # soft hyphen
    "\u202eDana Officer\u202c",             # bidi controls
    "Dana\u200b Officer",                   # zero-width space
    "Dana Offi\u2060cer",                   # word joiner
])
def test_invisible_characters_neither_get_in_nor_hide_a_name_stored_before(
        h: Harness, written: str) -> None:
    """Every text field now refuses format characters, naming the field; a complaint
    stored before that rule, with the name written so, still recuses the officer."""
    refused = h.submit("submit_retaliation", {**payload("retaliation"), **naming(written)})
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]["retaliatory_acts"]["0"]) == ["by_whom"]
    reference = stored_before_the_text_rules(h, by_whom=written)
    assert reference not in listed(h, "dana@example.org", "?form=retaliation")
    assert call(h, "GET", f"/{reference}", "dana@example.org").status_code == 404
    assert reference in listed(h, "alice@example.org", "?form=retaliation")


def test_a_lone_name_does_not_recuse(h: Harness) -> None:
    reference = complaint(h, **naming("Officer"))
    assert reference in listed(h, "dana@example.org")
    assert call(h, "GET", f"/{reference}", "dana@example.org").status_code == 200


def test_lists_open_no_submission(h: Harness) -> None:
    for n in range(6):
        complaint(h, **(naming("Dana Officer") if n % 2 else {}))
    before = cipher_of(h).opened
    assert len(listed(h, "dana@example.org", "?limit=500")) == 3
    assert len(listed(h, "alice@example.org")) == 6
    assert cipher_of(h).opened == before


def test_cases_without_the_index_are_opened_to_check_until_it_is_written(
        h: Harness, tmp_path: Path) -> None:
    named = complaint(h, **naming("Dana Officer"))
    plain = complaint(h)
    for reference in (named, plain):  # as triaged before the index existed
        h.store.update_case(reference, lambda c: CaseChange(replace(c, named_index=None)))
    before = cipher_of(h).opened
    assert listed(h, "dana@example.org") == [plain]
    assert cipher_of(h).opened == before + 2
    assert call(h, "GET", f"/{named}", "dana@example.org").status_code == 404

    with bootstrap.using(h.container):
        result = CliRunner().invoke(cli, ["recusal-index"])
        again = CliRunner().invoke(cli, ["recusal-index"])
    assert result.exit_code == 0 and result.output.startswith("indexed 2 case(s)")
    assert again.output.startswith("indexed 0 case(s); 2 already current")
    events = len(h.store.case_events(named))
    before = cipher_of(h).opened
    assert listed(h, "dana@example.org") == [plain]
    assert cipher_of(h).opened == before
    assert len(h.store.case_events(named)) == events  # the index is no event of the case


def test_an_index_under_another_key_is_not_trusted(h: Harness, tmp_path: Path) -> None:
    from shared.domain.recusal import Marker, index_of

    named = complaint(h, **naming("Dana Officer"))
    stale = index_of(["Somebody Else"], Marker(b"an older key of the index " * 2))
    h.store.update_case(named, lambda c: CaseChange(replace(c, named_index=stale)))
    assert named not in listed(h, "dana@example.org")  # opened, and found named
    with bootstrap.using(h.container):
        assert CliRunner().invoke(cli, ["recusal-index"]).output.startswith("indexed 1")
    case = h.store.get_case(named)
    assert case is not None and case.named_index is not None
    assert case.named_index.scheme == h.container.name_marker.scheme


def test_a_case_is_not_given_to_an_officer_it_names_and_nobody_is_told_why(
        h: Harness) -> None:
    reference = complaint(h, **naming("Dana Officer"))
    answers = {}
    for assignee in ("dana@example.org", "carol@example.org", "nobody@example.org"):
        response = call(h, "POST", f"/{reference}/assignment", "bob@example.org",
                        {"assignee": assignee})
        answers[assignee] = (response.status_code, response.get_json())
    assert answers["dana@example.org"] == answers["carol@example.org"] == \
        answers["nobody@example.org"]
    status, body = answers["dana@example.org"]
    assert status == 422 and list(body["errors"]) == ["assignee"]
    assert "named" not in json.dumps(body)
    case = h.store.get_case(reference)
    assert case is not None and case.assignee is None
    assert call(h, "POST", f"/{reference}/assignment", "bob@example.org",
                {"assignee": "alice@example.org"}).status_code == 200


def test_no_deadline_alert_reaches_an_assignee_the_case_names(h: Harness) -> None:
    reference = complaint(h, **naming("Dana Officer"))
    # Assigned before the directory knew her by this name, say: the store allows it.
    h.store.update_case(reference, lambda c: CaseChange(replace(c, assignee="dana@example.org")))
    case = h.store.get_case(reference)
    assert case is not None
    h.clock.current = case.deadlines["preliminary_review_due"] + timedelta(days=1)
    sweep(store=h.store, queue=h.queue, clock=h.clock, grace=h.container.sweep_grace,
          batch=100)
    h.drain()
    notifier = h.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    assert [m.to for m in notifier.sent] == [OFFICE]
    assert "dana@example.org" not in {m.to for m in notifier.sent}
    # Withheld is settled, not retried: no notification of the case is left pending.
    assert h.store.pending_tasks(h.clock.now() + timedelta(days=365), 100) == []


def swap_seal_before_triage(h: Harness, **changes: Any) -> str:
    """A complaint whose sealed submission is replaced, before triage, by another case's
    envelope (which opens nowhere else): its reference once triage has run."""
    body = {**payload("retaliation"), **changes}
    first, second = (h.submit("submit_retaliation", body),
                     h.submit("submit_retaliation", payload("retaliation")))
    assert first.status_code == second.status_code == 201
    victim, donor = (h.store.get_case(r.get_json()["reference"]) for r in (first, second))
    assert victim is not None and donor is not None
    submission = h.store.get_submission(victim.submission_id)
    other = h.store.get_submission(donor.submission_id)
    assert submission is not None and other is not None
    assert h.container.sealed_records.replace_submission_seal(
        submission.id, expected=submission.sealed, sealed=other.sealed,
        request_digest=submission.request_digest)
    h.drain()
    return victim.reference


def test_a_submission_that_does_not_open_is_triaged_and_counts_as_naming_everyone(
        h: Harness) -> None:
    """Triage opens the submission to index the people it names; when its seal is broken
    the case is still triaged (nothing acknowledged stays untriaged), the Ethics Office is
    alerted, and the case, which cannot say whom it names, shows itself to no list until
    the failure is resolved. Opening it answers the integrity failure, never its content."""
    reference = swap_seal_before_triage(h)
    case = h.store.get_case(reference)
    assert case is not None and case.triage is not None and case.named_index is None
    assert [e.details for e in h.store.case_events(reference) if e.kind == "integrity_alert"
            ] == [{"code": "seal_broken", "where": "submission"}]
    for who in ("alice@example.org", "dana@example.org"):
        assert reference not in listed(h, who)
        opened = call(h, "GET", f"/{reference}", who)
        assert opened.status_code == 409
        assert opened.get_json()["errors"] == {"_integrity": ["seal_broken"]}
    with bootstrap.using(h.container):
        result = CliRunner().invoke(cli, ["recusal-index"])
    assert result.exit_code == 1
    assert f"1 failed their integrity check: {reference} (seal_broken)" in result.output
    case = h.store.get_case(reference)
    assert case is not None and case.named_index is None


def test_no_mail_reaches_an_assignee_of_a_case_that_cannot_say_whom_it_names(
        h: Harness) -> None:
    reference = swap_seal_before_triage(h)
    h.store.update_case(reference, lambda c: CaseChange(replace(c, assignee="alice@example.org")))
    case = h.store.get_case(reference)
    assert case is not None
    notifier = h.container.notifier
    assert isinstance(notifier, RecordingNotifier)
    before = len(notifier.sent)
    h.clock.current = case.deadlines["preliminary_review_due"] + timedelta(days=1)
    sweep(store=h.store, queue=h.queue, clock=h.clock, grace=h.container.sweep_grace,
          batch=100)
    h.drain()
    assert "alice@example.org" not in {m.to for m in notifier.sent[before:]}
    assert {m.to for m in notifier.sent[before:]} == {OFFICE}
