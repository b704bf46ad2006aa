"""Verification of declarations: the stratified random sample of a reporting year's filers
whose declarations the Ethics Office checks against third-party documents. Pure Python.

The draw is reproducible by anyone who has its seed and its frame (the filers it drew
from, with their strata); ``docs/verification.md`` states the algorithm step by step:

1. **Strata.** Each filer of the frame falls in one stratum: duty station x staff category
   x grade band (``grade_band``). Strata are named ``station/category/band``.
2. **Size.** ``n`` is the share of the frame's size rounded half up: ``floor(share x N +
   1/2)``, in exact arithmetic. The sample has ``max(n, H)`` filers, ``H`` the number of
   non-empty strata: every stratum gets at least one.
3. **Allocation.** Each stratum gets one; the ``R = max(n, H) - H`` others are shared in
   proportion to each stratum's filers beyond its first (``R x (N_h - 1) / (N - H)``),
   each stratum the whole part of its quota, then one more to the strata with the largest
   remainders (ties: stratum name, ascending) until ``R`` are given. No stratum gets more
   filers than it has.
4. **Selection.** In each stratum, filers are ranked by ``HMAC-SHA256(key=seed,
   message=UTF-8 staff id)`` (the digests compared as bytes, ties by staff id) and the
   first ``k_h`` are drawn.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Final

from shared.domain.disclosure import DisclosureError, Filer
from shared.domain.text_input import forbidden_character

SEED_BYTES: Final = 32
MAX_SHARE_PLACES: Final = 4
MAX_REASON: Final = 1000
ALGORITHM: Final = "stratified-hmac-sha256/1"

# Grade bands, in the order the documentation lists them. A grade is compared upper-case
# without spaces, hyphens, dots or underscores ("P-4", "p4", "P 4" are one grade).
GRADE_BANDS: Final = ("senior_leadership", "director", "senior_professional",
                      "professional", "national_officer", "general_service", "other")
_BAND_PATTERNS: Final = (
    ("senior_leadership", re.compile(r"(USG|ASG|DSG|SG)")),
    ("director", re.compile(r"D[12]")),
    ("senior_professional", re.compile(r"P[456]")),
    ("professional", re.compile(r"P[123]")),
    ("national_officer", re.compile(r"NO[A-E]")),
    ("general_service", re.compile(r"GS?[1-7]")),
)


def grade_band(grade: str) -> str:
    """The band of a grade as the roster writes it; ``other`` for any grade not listed."""
    compact = re.sub(r"[\s\-._\u2010-\u2015]", "", grade).upper()
    for band, pattern in _BAND_PATTERNS:
        if pattern.fullmatch(compact):
            return band
    return "other"


def stratum_of(filer: Filer) -> str:
    return f"{filer.duty_station}/{filer.staff_category}/{grade_band(filer.grade)}"


def parse_share(value: Any) -> Decimal:
    """The share to draw, as an exact decimal: more than 0, at most 1, at most four
    decimal places. DisclosureError otherwise."""
    problem = {"share": [f"A number more than 0 and at most 1, with at most "
                         f"{MAX_SHARE_PLACES} decimal places."]}
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise DisclosureError(problem)
    try:
        share = Decimal(str(value).strip())
    except InvalidOperation:
        raise DisclosureError(problem) from None
    exponent = share.as_tuple().exponent
    if (not share.is_finite() or not 0 < share <= 1 or not isinstance(exponent, int)
            or exponent < -MAX_SHARE_PLACES):
        raise DisclosureError(problem)
    return share.normalize() if share != 1 else Decimal(1)


def sample_size(share: Decimal, population: int) -> int:
    """The share of the population rounded half up, exactly."""
    exact = Fraction(share) * population
    return int(exact + Fraction(1, 2)) if exact >= 0 else 0  # floor(x + 1/2)


@dataclass(frozen=True)
class Stratum:
    name: str  # station/category/band
    size: int
    allocated: int


def allocate(sizes: Mapping[str, int], share: Decimal) -> tuple[Stratum, ...]:
    """Every non-empty stratum's number to draw (step 3), by stratum name."""
    strata = sorted((name, size) for name, size in sizes.items() if size > 0)
    population = sum(size for _, size in strata)
    if not strata:
        return ()
    total = max(sample_size(share, population), len(strata))
    rest = total - len(strata)
    spare = population - len(strata)  # filers beyond each stratum's first
    quotas = {name: (Fraction(rest * (size - 1), spare) if spare else Fraction(0))
              for name, size in strata}
    given = {name: 1 + int(quota) for name, quota in quotas.items()}
    left = rest - sum(int(q) for q in quotas.values())
    by_remainder = sorted(strata, key=lambda s: (-(quotas[s[0]] - int(quotas[s[0]])), s[0]))
    for name, _ in by_remainder[:left]:
        given[name] += 1
    return tuple(Stratum(name, size, given[name]) for name, size in strata)


def rank(seed: bytes, staff_id: str) -> bytes:
    return hmac.new(seed, staff_id.encode("utf-8"), hashlib.sha256).digest()


def select(frame: Mapping[str, Sequence[str]], strata: Iterable[Stratum], seed: bytes
           ) -> tuple[str, ...]:
    """The staff ids drawn (step 4), sorted."""
    drawn: list[str] = []
    for stratum in strata:
        members = sorted(frame.get(stratum.name, ()), key=lambda s: (rank(seed, s), s))
        drawn.extend(members[:stratum.allocated])
    return tuple(sorted(drawn))


def frame_of(filers: Iterable[Filer]) -> dict[str, tuple[str, ...]]:
    """The frame: each stratum's staff ids, sorted."""
    frame: dict[str, list[str]] = {}
    for filer in filers:
        frame.setdefault(stratum_of(filer), []).append(filer.staff_id)
    return {name: tuple(sorted(ids)) for name, ids in sorted(frame.items())}


def frame_digest(frame: Mapping[str, Sequence[str]]) -> str:
    """SHA-256 of the frame as text: one line ``stratum<TAB>staff id`` per filer, sorted,
    each ending in a line feed (UTF-8)."""
    lines = sorted(f"{name}\t{staff_id}\n" for name, ids in frame.items() for staff_id in ids)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Draw:
    """One draw of a year's sample. A year has at most one draw not voided; each later one
    gets the next number."""

    year: int
    number: int
    share: str  # the decimal as given, normalised ("0.06")
    seed: str  # hex, SEED_BYTES bytes
    drawn_at: datetime
    drawn_by: str
    strata: tuple[Stratum, ...]
    frame: Mapping[str, tuple[str, ...]]
    sample: tuple[str, ...]
    algorithm: str = ALGORITHM
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def population(self) -> int:
        return sum(s.size for s in self.strata)

    @property
    def digest(self) -> str:
        return frame_digest(self.frame)


def draw_sample(year: int, number: int, share: Decimal, seed: bytes,
                frame: Mapping[str, Sequence[str]], *, at: datetime, by: str) -> Draw:
    """Allocate and select: the whole draw, from the seed and the frame alone."""
    strata = allocate({name: len(ids) for name, ids in frame.items()}, share)
    return Draw(year, number, str(share), seed.hex(), at, by, strata,
                {name: tuple(sorted(ids)) for name, ids in sorted(frame.items()) if ids},
                select(frame, strata, seed))


def reproduces(draw: Draw) -> bool:
    """Whether the draw's seed and frame give its allocation and sample again."""
    again = draw_sample(draw.year, draw.number, Decimal(draw.share), bytes.fromhex(draw.seed),
                        draw.frame, at=draw.drawn_at, by=draw.drawn_by)
    return again.strata == draw.strata and again.sample == draw.sample


def void_reason(value: Any) -> str:
    """A void's reason: required text."""
    if not isinstance(value, str) or not value.strip():
        raise DisclosureError({"reason": ["Required: why the draw is voided."]})
    text = value.strip()
    if len(text) > MAX_REASON:
        raise DisclosureError({"reason": [f"At most {MAX_REASON} characters."]})
    if forbidden_character(text) is not None:
        raise DisclosureError({"reason": ["Contains a character that is not allowed."]})
    return text
