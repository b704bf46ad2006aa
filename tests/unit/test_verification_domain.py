"""The verification sample's rules: grade bands, the share, the allocation (every
non-empty stratum drawn, the rest by largest remainder, the total within one of the rounded
share) and the selection (the same seed and frame give the same sample)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.disclosure import DisclosureError, parse_filer
from shared.domain.verification import (
    allocate,
    draw_sample,
    frame_of,
    grade_band,
    parse_share,
    reproduces,
    sample_size,
    stratum_of,
)

T0 = datetime(2026, 5, 4, 9, tzinfo=UTC)


@pytest.mark.parametrize(("grade", "band"), [
    ("USG", "senior_leadership"), ("asg", "senior_leadership"), ("D-1", "director"),
    ("D 2", "director"), ("P-5", "senior_professional"), ("p4", "senior_professional"),
    ("P-3", "professional"), ("P.1", "professional"), ("NO-B", "national_officer"),
    ("NOC", "national_officer"), ("G-5", "general_service"), ("GS-7", "general_service"),
    ("G-9", "other"), ("P-7", "other"), ("Consultant", "other"), ("", "other"),
])
def test_grade_bands(grade: str, band: str) -> None:
    assert grade_band(grade) == band


@pytest.mark.parametrize("text", ["0.06", "1", "0.5", ".25", "0.0001", "1.0", 0.06])
def test_a_share_is_an_exact_decimal(text: object) -> None:
    assert 0 < parse_share(text) <= 1


@pytest.mark.parametrize("bad", ["0", "0.00001", "1.01", "-0.1", "abc", "NaN", "Infinity",
                                 "", None, True, [0.1], "1e-5"])
def test_a_bad_share_is_refused(bad: object) -> None:
    with pytest.raises(DisclosureError) as refused:
        parse_share(bad)
    assert "share" in refused.value.errors


def test_the_share_is_rounded_half_up_exactly() -> None:
    assert sample_size(Decimal("0.06"), 1754) == 105  # 105.24
    assert sample_size(Decimal("0.5"), 3) == 2  # 1.5 rounds up
    assert sample_size(Decimal("0.25"), 2) == 1  # 0.5 rounds up
    assert sample_size(Decimal("0.06"), 8) == 0  # 0.48


def test_the_allocation_gives_every_stratum_one_then_the_rest_by_largest_remainder() -> None:
    strata = allocate({"a": 1, "b": 11, "c": 21, "d": 67}, Decimal("0.1"))
    # n = 10; 4 strata get 1; R = 6 over the 96 filers beyond the firsts: quotas 0, 0.625,
    # 1.25, 4.125 -> 0, 0, 1, 4 and the one left to b (largest remainder, 0.625).
    assert [(s.name, s.size, s.allocated) for s in strata] == [
        ("a", 1, 1), ("b", 11, 2), ("c", 21, 2), ("d", 67, 5)]


def test_ties_between_remainders_go_by_stratum_name() -> None:
    strata = allocate({"b": 3, "a": 3, "c": 3}, Decimal("0.5"))
    # n = 5 (4.5 rounds up); 3 firsts; R = 2 over 6: quotas 2/3 each -> a and b.
    assert [(s.name, s.allocated) for s in strata] == [("a", 2), ("b", 2), ("c", 1)]


def test_more_strata_than_the_share_still_draws_one_in_each() -> None:
    strata = allocate({f"s{n}": 1 for n in range(10)}, Decimal("0.06"))
    assert sum(s.allocated for s in strata) == 10


def test_selection_is_the_documented_hmac_ranking() -> None:
    seed = bytes(range(32))
    frame = {"headquarters/general_service/general_service": ("A1", "A2", "A3", "A4")}
    made = draw_sample(2025, 1, Decimal("0.5"), seed, frame, at=T0, by="cli")
    ranked = sorted(frame["headquarters/general_service/general_service"],
                    key=lambda s: hmac.new(seed, s.encode(), hashlib.sha256).digest())
    assert made.sample == tuple(sorted(ranked[:2]))
    assert reproduces(made)


def test_the_frame_groups_filers_by_their_stratum() -> None:
    line = {"staff_id": "S1", "name": "A", "email": "a@example.org", "grade": "P-4",
            "staff_category": "international_professional", "duty_station": "headquarters",
            "office": "o", "reason": "seniority", "unit": "u"}
    one = parse_filer(line)
    two = parse_filer({**line, "staff_id": "S2", "email": "b@example.org", "grade": "G-6",
                       "staff_category": "general_service"})
    assert stratum_of(one) == "headquarters/international_professional/senior_professional"
    assert frame_of([two, one]) == {
        "headquarters/general_service/general_service": ("S2",),
        "headquarters/international_professional/senior_professional": ("S1",)}


# --- The property the allocation guarantees, over random rosters -------------------------

strata_sizes = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=25)
shares = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1), places=4)


def roster(sizes: list[int]) -> dict[str, tuple[str, ...]]:
    return {f"stratum{n:02d}": tuple(f"S{n:02d}{m:03d}" for m in range(size))
            for n, size in enumerate(sizes)}


@settings(max_examples=300, deadline=None)
@given(sizes=strata_sizes, share=shares, seed=st.binary(min_size=32, max_size=32))
def test_every_stratum_is_drawn_the_total_is_the_share_and_the_seed_decides(
        sizes: list[int], share: Decimal, seed: bytes) -> None:
    frame = roster(sizes)
    made = draw_sample(2025, 1, share, seed, frame, at=T0, by="cli")
    population, rounded = sum(sizes), sample_size(share, sum(sizes))
    drawn = set(made.sample)
    assert len(drawn) == len(made.sample)  # nobody twice
    for name, ids in frame.items():  # every non-empty stratum drawn, none beyond its size
        taken = drawn & set(ids)
        assert 1 <= len(taken) <= len(ids)
        assert len(taken) == next(s.allocated for s in made.strata if s.name == name)
    if rounded >= len(frame):
        assert abs(len(made.sample) - rounded) <= 1
    else:  # more strata than the share: one in each, no more
        assert len(made.sample) == len(frame)
    assert len(made.sample) <= population
    again = draw_sample(2025, 1, share, seed, dict(reversed(list(frame.items()))), at=T0,
                        by="someone else")
    assert again.sample == made.sample and again.strata == made.strata
    assert reproduces(made)


@settings(max_examples=100, deadline=None)
@given(sizes=strata_sizes, share=shares)
def test_the_allocation_is_proportional_within_one(sizes: list[int], share: Decimal) -> None:
    strata = allocate({f"s{n:02d}": size for n, size in enumerate(sizes)}, share)
    total = sum(s.allocated for s in strata)
    rest, spare = total - len(strata), sum(sizes) - len(strata)
    for s in strata:
        quota = rest * (s.size - 1) / spare if spare else 0
        assert abs((s.allocated - 1) - quota) < 1


def test_the_documented_independent_check_gives_the_same_samples() -> None:
    """docs/verification.md's Python check, run as written, agrees with the draw."""
    import random
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "verification.md").read_text("utf-8")
    match = re.search(r"```python\n(.*?)```", text, re.S)
    assert match is not None
    for trial in range(200):
        rng = random.Random(trial)
        frame = {f"s{n}": [f"X{n}_{m}" for m in range(rng.randint(1, 40))]
                 for n in range(rng.randint(1, 15))}
        share = str(Decimal(rng.randint(1, 10000)) / 10000)
        seed = rng.randbytes(32)
        scope: dict[str, Any] = {"seed_hex": seed.hex(), "share": share, "frame": frame}
        exec(match.group(1), scope)  # noqa: S102 - our own documentation's code
        made = draw_sample(2025, 1, Decimal(share), seed,
                           {k: tuple(v) for k, v in frame.items()}, at=T0, by="cli")
        assert tuple(scope["sample"]) == made.sample


def test_the_programme_s_seed_is_32_fresh_bytes_from_the_secure_source() -> None:
    from shared.services.disclosure import Programme, random_seed

    seeds = {random_seed() for _ in range(50)}
    assert len(seeds) == 50 and {len(s) for s in seeds} == {32}
    assert Programme.__dataclass_fields__["seed"].default is random_seed
