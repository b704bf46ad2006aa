"""The verification draw on each backend (SQLite, the Firestore emulator): the draw stored
with its seed and frame and reproduced from them; a second draw refused until an
administrator voids the first, with a reason, in the history; only administrators draw and
void; the dry run writes nothing."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from shared.domain.disclosure import DisclosureError
from shared.domain.officers import Forbidden
from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES
from shared.domain.verification import draw_sample, reproduces
from shared.ports.disclosure import DisclosureStore
from shared.services import disclosure as programme_service
from shared.services import verification as verifying
from shared.services.disclosure import CampaignProblem, Programme, caller
from tests.support.disclosure import (  # noqa: F401
    ADMIN,
    OFFICER,
    backend_programme,
    open_store,
    roster_line,
)

YEAR = 2025
T0 = datetime(2026, 5, 4, 9, tzinfo=UTC)
GRADES = ("D-2", "D-1", "P-5", "P-4", "P-2", "G-7", "G-4", "NO-C", "ASG")


@pytest.fixture(params=["sqlite", "firestore"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DisclosureStore:
    return open_store(request.param, tmp_path, request)


def test_a_draw_is_created_once_per_number_and_voided_once(store: DisclosureStore) -> None:
    frame = {"headquarters/general_service/general_service": ("S1", "S2", "S3"),
             "other/consultant/other": ("S4",)}
    first = draw_sample(YEAR, 1, Decimal("0.5"), b"\x01" * 32, frame, at=T0, by=ADMIN)
    assert store.create_draw(first) == (first, True)
    rival = draw_sample(YEAR, 1, Decimal("0.5"), b"\x02" * 32, frame, at=T0, by=ADMIN)
    assert store.create_draw(rival) == (first, False)
    assert store.draws(YEAR) == [first] and store.draws(YEAR + 1) == []
    voided, changed = store.void_draw(YEAR, 1, T0, ADMIN, "The roster was stale.")
    assert changed and voided == replace(first, voided_at=T0, voided_by=ADMIN,
                                         void_reason="The roster was stale.")
    assert store.void_draw(YEAR, 1, T0, "other@example.org", "again") == (voided, False)
    second = replace(rival, number=2)
    assert store.create_draw(second) == (second, True)
    assert store.draws(YEAR) == [voided, second]
    assert reproduces(store.draws(YEAR)[0]) and reproduces(store.draws(YEAR)[1])
    with pytest.raises(KeyError):
        store.void_draw(YEAR, 9, T0, ADMIN, "none")


def seeded(p: Programme, count: int = 300) -> Programme:
    rng = random.Random(7)
    admin = caller(p, ADMIN)
    programme_service.import_roster(p, admin, [
        roster_line(n, duty_station=rng.choice(list(DUTY_STATIONS)),
                    staff_category=rng.choice(list(STAFF_CATEGORIES)),
                    grade=rng.choice(GRADES)) for n in range(count)])
    programme_service.open_campaign(p, admin, YEAR)
    seeds = iter([bytes([n]) * 32 for n in range(1, 10)])
    return replace(p, seed=lambda: next(seeds))


def test_draw_refuse_void_and_draw_again(backend_programme: Programme) -> None:  # noqa: F811
    p = seeded(backend_programme)
    admin, officer = caller(p, ADMIN), caller(p, OFFICER)
    plan = verifying.plan(p, officer, YEAR, "0.06")
    assert plan.population == 300 and plan.rounded_share == 18
    assert plan.total == max(18, len(plan.strata))
    assert p.store.draws(YEAR) == []  # the dry run wrote nothing
    with pytest.raises(Forbidden):
        verifying.draw(p, officer, YEAR, "0.06")
    made = verifying.draw(p, admin, YEAR, "0.06")
    assert made.seed == "01" * 32 and made.number == 1 and made.drawn_by == ADMIN
    assert len(made.sample) == plan.total and made.strata == plan.strata
    assert {name for name, ids in made.frame.items()
            if set(ids) & set(made.sample)} == set(made.frame)  # every stratum drawn
    assert p.store.draws(YEAR) == [made] and reproduces(made)
    with pytest.raises(CampaignProblem, match="void"):
        verifying.draw(p, admin, YEAR, "0.06")
    with pytest.raises(Forbidden):
        verifying.void(p, officer, YEAR, "Wrong share.")
    with pytest.raises(DisclosureError):
        verifying.void(p, admin, YEAR, "  ")
    assert p.store.draws(YEAR) == [made]  # refusals change nothing
    p.clock.advance(minutes=1)  # type: ignore[attr-defined]
    voided = verifying.void(p, admin, YEAR, "Wrong share.")
    assert voided.voided and voided.void_reason == "Wrong share."
    p.clock.advance(minutes=1)  # type: ignore[attr-defined]
    again = verifying.draw(p, admin, YEAR, "0.1")
    assert again.number == 2 and again.seed == "02" * 32 and again.sample != made.sample
    found = verifying.verification(p, officer, YEAR)
    assert found.standing == again and found.draws == (voided, again)
    assert [(h.action, h.actor) for h in found.history] == [
        ("sample_drawn", ADMIN), ("draw_voided", ADMIN), ("sample_drawn", ADMIN)]
    assert found.history[0].details["seed"] == made.seed
    assert found.history[1].details == {"number": 1, "reason": "Wrong share."}
    with pytest.raises(CampaignProblem):
        verifying.void(p, admin, YEAR - 1, "No draw.")


def test_the_frame_is_the_year_s_filers_still_owing_or_filed(
        backend_programme: Programme) -> None:  # noqa: F811
    p = seeded(backend_programme, count=40)
    admin = caller(p, ADMIN)
    programme_service.withdraw(p, admin, "S000003")
    programme_service.import_roster(p, admin, [roster_line(n) for n in range(40) if n != 5])
    made = verifying.draw(p, admin, YEAR, "1")
    assert len(made.sample) == 38
    assert "S000003" not in made.sample and "S000005" not in made.sample
    with pytest.raises(CampaignProblem, match="No campaign"):
        verifying.plan(p, admin, YEAR - 1, "0.06")
    with pytest.raises(DisclosureError):
        verifying.plan(p, admin, YEAR, "0")
