"""Verification of declarations: drawing a reporting year's stratified random sample of
filers, showing it, and voiding it (``shared.domain.verification`` holds the rules).

Who may do what: an ethics administrator (``ethics_admin``) draws and voids; ethics
officers and administrators read the allocation, the draw and its history. A year has at
most one draw standing: a second is refused until an administrator voids the first, with
a reason, which the programme's history records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shared.domain.disclosure import FILED, PENDING, DisclosureError, HistoryEntry
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER, Forbidden
from shared.domain.verification import (
    SEED_BYTES,
    Draw,
    Stratum,
    allocate,
    draw_sample,
    frame_of,
    parse_share,
    reproduces,
    sample_size,
    void_reason,
)
from shared.services.disclosure import Caller, CampaignProblem, Programme

# Obligations whose filers are in the frame: still employed, still filers.
FRAME_STATES = (PENDING, FILED)


def _subject(year: int) -> str:
    return f"verification:{year}"


def _may_read(who: Caller) -> None:
    if not (who.has_role(ETHICS_ADMIN) or who.has_role(ETHICS_OFFICER)):
        raise Forbidden("missing_role", "Only ethics officers and administrators may read "
                                        "the verification sample.")


def _require_admin(who: Caller, action: str) -> None:
    if not who.has_role(ETHICS_ADMIN):
        raise Forbidden("missing_role", f"Only an ethics administrator may {action}.")


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise DisclosureError({"year": ["A reporting year from 2000 to 2100."]})
    return year


def frame(p: Programme, year: int) -> dict[str, tuple[str, ...]]:
    """The filers a year's sample is drawn from, by stratum: those who owe the year's
    declaration (pending) or filed it, with the duty station, staff category and grade the
    roster gives now."""
    if p.store.campaign(year) is None:
        raise CampaignProblem(f"No campaign is open for {year}: there is nobody to draw.")
    owing = {o.staff_id for o in p.store.obligations(year) if o.state in FRAME_STATES}
    return frame_of(f for f in p.store.filers() if f.staff_id in owing)


@dataclass(frozen=True)
class Allocation:
    """What a draw would take: per stratum, and in all."""

    year: int
    share: Decimal
    population: int
    rounded_share: int  # the share of the population, rounded half up
    strata: tuple[Stratum, ...]

    @property
    def total(self) -> int:
        return sum(s.allocated for s in self.strata)


def plan(p: Programme, who: Caller, year: int, share: Any) -> Allocation:
    """The allocation per stratum, without drawing (``--dry-run``); writes nothing."""
    _may_read(who)
    chosen = parse_share(share)
    strata = frame(p, _year(year))
    population = sum(len(ids) for ids in strata.values())
    return Allocation(year, chosen, population, sample_size(chosen, population),
                      allocate({k: len(v) for k, v in strata.items()}, chosen))


def draw(p: Programme, who: Caller, year: int, share: Any) -> Draw:
    """Draw the year's sample with a fresh secure seed, and record it with its seed and
    frame. CampaignProblem if a draw stands for the year, or there is nobody to draw."""
    _require_admin(who, "draw the verification sample")
    chosen = parse_share(share)
    stored = p.store.draws(_year(year))
    standing = [d for d in stored if not d.voided]
    if standing:
        raise CampaignProblem(
            f"The sample of {year} was drawn on {standing[0].drawn_at.date().isoformat()}; "
            "an administrator must void that draw before another is made.")
    strata = frame(p, year)
    if not strata:
        raise CampaignProblem(f"Nobody owes or has filed a declaration for {year}.")
    seed = p.seed()
    if len(seed) != SEED_BYTES:
        raise ValueError("a verification seed is 32 bytes")
    made = draw_sample(year, len(stored) + 1, chosen, seed, strata, at=p.clock.now(),
                       by=who.email)
    kept, created = p.store.create_draw(made)
    if not created:  # another draw got there first
        raise CampaignProblem(f"The sample of {year} was drawn meanwhile; read it again.")
    p.store.append_history(HistoryEntry(
        _subject(year), made.drawn_at, who.email, "sample_drawn",
        {"number": kept.number, "share": kept.share, "seed": kept.seed,
         "population": kept.population, "drawn": len(kept.sample),
         "frame_sha256": kept.digest}))
    return kept


def void(p: Programme, who: Caller, year: int, reason: Any) -> Draw:
    """Void the year's standing draw, with a reason; recorded in the history."""
    _require_admin(who, "void a verification draw")
    why = void_reason(reason)
    standing = [d for d in p.store.draws(_year(year)) if not d.voided]
    if not standing:
        raise CampaignProblem(f"No draw of {year} stands: there is nothing to void.")
    now = p.clock.now()
    voided, changed = p.store.void_draw(year, standing[0].number, now, who.email, why)
    if changed:
        p.store.append_history(HistoryEntry(_subject(year), now, who.email, "draw_voided",
                                            {"number": voided.number, "reason": why}))
    return voided


@dataclass(frozen=True)
class Verification:
    """A year's draws (the standing one last, if any) and their history."""

    year: int
    draws: tuple[Draw, ...]
    history: tuple[HistoryEntry, ...]

    @property
    def standing(self) -> Draw | None:
        return next((d for d in self.draws if not d.voided), None)


def verification(p: Programme, who: Caller, year: int) -> Verification:
    _may_read(who)
    return Verification(year, tuple(p.store.draws(_year(year))),
                        tuple(p.store.history(_subject(year))))


def check(draw_: Draw) -> bool:
    """Whether a stored draw is reproduced by its own seed and frame."""
    return reproduces(draw_)
