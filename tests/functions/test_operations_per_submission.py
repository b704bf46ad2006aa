"""What one submission's whole life costs in billed operations, pinned: Firestore document
reads, writes and deletes (counted at the wire, on the emulator), Cloud Tasks creates, KMS
operations and e-mails (counted at our ports, on both backends). A change that adds an
operation fails here until the cost model's figures (shared/domain/cost.py, from which
docs/cost.md is generated) are updated on purpose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shared.domain.cost import LIFECYCLES, Operations
from tests.support.casework import Office, open_office
from tests.support.operations import (
    FIRESTORE_DELETES,
    FIRESTORE_READS,
    FIRESTORE_WRITES,
    Tally,
    count_ports,
    counting_firestore_client,
    counting_requests,
)
from tests.support.web import ORIGIN, Browser, Page

FIRESTORE = (FIRESTORE_READS, FIRESTORE_WRITES, FIRESTORE_DELETES)


def counting_office(backend: str, request: pytest.FixtureRequest,
                    tmp_path: Path) -> tuple[Office, Tally, str]:
    tally = Tally()
    office = open_office(backend, tmp_path, request, INTAKE_FUNCTIONS_BASE_URL=ORIGIN,
                         firestore_client=lambda project: counting_firestore_client(
                             project, tally))
    count_ports(office.container, tally)
    counting = counting_requests(tally)
    counting.__enter__()
    request.addfinalizer(lambda: counting.__exit__(None, None, None))
    return office, tally, backend


@pytest.fixture(params=["sqlite", "firestore"])
def counted_office(request: pytest.FixtureRequest,
                   tmp_path: Path) -> tuple[Office, Tally, str]:
    return counting_office(request.param, request, tmp_path)


def advice(office: Office) -> None:
    reference = office.submit("advice")["reference"]  # the submit, then triage
    office.walk(reference, "assign", "answer", "close")


def misconduct(office: Office) -> None:
    # The submit, then triage, the forwarding and the office's notification.
    reference = office.submit("misconduct")["reference"]
    assert office.case(reference).state == "forwarded"
    assert len(office.referrals()) == 1
    office.act(reference, "acknowledge")


def retaliation(office: Office) -> None:
    reference = office.submit("retaliation")["reference"]  # the submit, then triage
    office.walk(reference, "start_preliminary_review", "establish_prima_facie")


def follow_up_visit(office: Office, answer: dict[str, Any]) -> Page:
    browser = Browser(office.h)
    page = browser.get("/follow-up")
    return browser.follow(browser.post(
        "forms", [("csrf_token", page.token), ("lang", page.inputs["lang"]),
                  ("reference", answer["reference"]), ("receipt", answer["receipt"])],
        path="/follow-up"))


def quiet_sweep(office: Office) -> None:
    """The scheduled sweep with nothing due (what most of its runs are)."""
    office.clock.advance(days=1)
    response = office.h.post("sweep", {})
    assert response.status_code == 200, response.get_data(as_text=True)


def measured(office: Office, tally: Tally, cycle: str) -> dict[str, int]:
    walks: dict[str, Callable[[Office], None]] = {
        "advice": advice, "misconduct": misconduct, "retaliation": retaliation,
        "quiet_sweep": quiet_sweep}
    if cycle == "follow_up_visit":
        answer = office.submit("retaliation")
        office.clock.advance(days=1)
        before = tally.snapshot()
        page = follow_up_visit(office, answer)
        assert page.status == 200, page.summary
        assert answer["reference"] in page.text
        return tally.since(before)
    before = tally.snapshot()
    walks[cycle](office)
    return tally.since(before)


@pytest.mark.parametrize("cycle", sorted(LIFECYCLES))
def test_a_life_cycle_costs_the_pinned_operations(counted_office: tuple[Office, Tally, str],
                                                  cycle: str) -> None:
    office, tally, backend = counted_office
    counts = measured(office, tally, cycle)
    pinned = LIFECYCLES[cycle].as_counts()
    if backend == "sqlite":
        # No Firestore here: the other services' operations do not depend on the store.
        assert {k: v for k, v in counts.items() if k not in FIRESTORE} == \
            {k: v for k, v in pinned.items() if k not in FIRESTORE}
        assert all(counts[k] == 0 for k in FIRESTORE)
    else:
        assert counts == pinned, (
            f"{cycle} now costs {counts}, pinned {pinned}: if intended, update "
            "shared/domain/cost.py and regenerate docs/cost.md (tools/cost_doc)")


def test_the_counter_sees_every_firestore_rpc_it_bills(request: pytest.FixtureRequest,
                                                        tmp_path: Path) -> None:
    """No RPC goes uncounted: every method the adapters used is one the counter prices."""
    office, tally, _ = counting_office("firestore", request, tmp_path)
    for cycle in sorted(LIFECYCLES):
        measured(office, tally, cycle)
    client = office.store.database.client  # type: ignore[attr-defined]
    assert dict(client.counter.unknown) == {}


def test_the_counter_counts_documents_as_firestore_bills_them(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Known operations give known counts: a get of a missing document is one read, a
    query finding nothing is one read, a query finding n documents is n reads, and a batch
    of writes and deletes is one of each per document."""
    office, tally, _ = counting_office("firestore", request, tmp_path)
    client = office.store.database.client  # type: ignore[attr-defined]
    before = tally.snapshot()
    assert office.store.get_case("NO-SUCH-CASE") is None
    assert tally.since(before)[FIRESTORE_READS] == 1
    batch = client.batch()
    for n in range(3):
        batch.set(client.document(f"counted/doc{n}"), {"n": n})
    batch.commit()
    after_writes = tally.since(before)
    assert (after_writes[FIRESTORE_READS], after_writes[FIRESTORE_WRITES]) == (1, 3)
    assert len(list(client.collection("counted").stream())) == 3
    from google.cloud.firestore_v1.base_query import FieldFilter

    nothing = client.collection("counted").where(filter=FieldFilter("n", ">", 5))
    assert len(list(nothing.stream())) == 0
    batch = client.batch()
    batch.delete(client.document("counted/doc0"))
    batch.delete(client.document("counted/doc1"))
    batch.commit()
    counts = tally.since(before)
    assert (counts[FIRESTORE_READS], counts[FIRESTORE_WRITES],
            counts[FIRESTORE_DELETES]) == (1 + 3 + 1, 3, 2)


def test_operations_add_up() -> None:
    total = Operations(firestore_reads=1, emails=2) + Operations(firestore_reads=3)
    assert total == Operations(firestore_reads=4, emails=2)
