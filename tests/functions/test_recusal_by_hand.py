"""An administrator recuses an officer from a case by hand, with a reason: the case is then
invisible to that officer exactly as one that names them (no list entry, the answer of an
unknown reference), through the API and `intake cases`, and no longer theirs if it was;
the reason is in the history the others read. On SQLite and the Firestore emulator."""

from __future__ import annotations

from tests.functions.test_declared_interest_recusal import (  # noqa: F401
    ALICE,
    BOB,
    CAROL,
    DANA,
    call,
    h,
    listed,
    report,
)
from tests.support.case_cli import cases_cli
from tests.support.harness import Harness


def test_a_recused_officer_loses_the_case_and_others_read_why(h: Harness) -> None:  # noqa: F811
    reference = report(h, "Zephyrine Logistics")
    assert call(h, "POST", f"/{reference}/assignment", ALICE,
                {"assignee": ALICE}).status_code == 200
    assert reference in listed(h, ALICE)
    refused = call(h, "POST", f"/{reference}/recusals", DANA,
                   {"officer": ALICE, "reason": "Worked with the subject."})
    assert refused.status_code == 403  # only administrators recuse
    missing = call(h, "POST", f"/{reference}/recusals", CAROL, {"officer": ALICE})
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
    stranger = call(h, "POST", f"/{reference}/recusals", CAROL,
                    {"officer": "nobody@example.org", "reason": "x"})
    assert stranger.status_code == 422 and "officer" in stranger.get_json()["errors"]
    done = call(h, "POST", f"/{reference}/recusals", CAROL,
                {"officer": "ALICE@example.org", "reason": "Worked with the subject."})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["case"]["assignee"] is None
    assert reference not in listed(h, ALICE)
    unknown = "ETH-MIS-00000-00000"
    mine = call(h, "GET", f"/{reference}", ALICE)
    absent = call(h, "GET", f"/{unknown}", ALICE)
    assert mine.status_code == absent.status_code == 404
    assert mine.get_data() == absent.get_data()
    assert call(h, "POST", f"/{reference}/assignment", CAROL,
                {"assignee": ALICE}).status_code == 422
    as_alice = cases_cli(h.container, ALICE, "list", "--json")
    assert as_alice.exit_code == 0 and reference not in as_alice.output
    def recusals(who: str) -> list[dict[str, str]]:
        opened = call(h, "GET", f"/{reference}", who)
        assert opened.status_code == 200
        return [e["details"] for e in opened.get_json()["history"]
                if e["kind"] == "officer_recused"]

    # The reason is for administrators; other officers see who was recused.
    assert recusals(BOB) == [{"officer": ALICE, "reason": "Worked with the subject."}]
    assert recusals(DANA) == [{"officer": ALICE}]
    refusals = [e.details for e in h.store.case_events(reference)
                if e.kind == "access_refused" and e.actor == f"officer:{ALICE}"]
    assert refusals and all(d["reason"] == "recused_by_administrator" for d in refusals)


def test_the_command_line_recuses(h: Harness) -> None:  # noqa: F811
    reference = report(h, "Zephyrine Logistics")
    refused = cases_cli(h.container, DANA, "recuse", reference, ALICE, "--reason", "x")
    assert refused.exit_code != 0
    assert reference in listed(h, ALICE)
    done = cases_cli(h.container, CAROL, "recuse", reference, ALICE, "--reason",
                     "Her brother supplies the project.")
    assert done.exit_code == 0, done.output
    assert reference not in listed(h, ALICE) and reference in listed(h, DANA)
    again = cases_cli(h.container, CAROL, "recuse", reference, ALICE, "--reason", "Again.")
    assert again.exit_code == 0
    events = [e for e in h.store.case_events(reference) if e.kind == "officer_recused"]
    assert len(events) == 1  # recusing again changes nothing
