"""The annual report's tables and figures: which counts make each number, and how the
numbers are put together (totals, shares, order), as the 2024 report lays them out.

Pure: ``report_queries`` lists the counts a report needs and ``retaliation_history_window``
the retaliation cases whose history it reads; the store answers; and ``assemble`` turns the
answers into an ``AnnualReport``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from shared.domain.disclosure import Compliance, OutcomeShares
from shared.domain.forms import FORMS
from shared.domain.handling_times import ManagementIndicators
from shared.domain.proxy_intake import PROXY_CHANNELS, WEB
from shared.domain.retaliation_figures import (
    DETERMINATION_OF_OUTCOME,
    PRIMA_FACIE,
    REASON_NOT_RECORDED,
    SUSPENDED,
    RetaliationFigures,
    figures_from_histories,
)
from shared.domain.statistics import (
    INDEPENDENT_REVIEW,
    PANEL_REVIEW,
    CaseCount,
    CaseHistory,
    CountQuery,
    DisclosureYear,
    ForwardedCount,
    RecordCount,
    RecordSum,
    SubmissionCount,
    year_bounds,
)
from shared.domain.taxonomy import (
    ADVICE_SUBCATEGORIES,
    DUTY_STATIONS,
    FIGURE_II_GROUPS,
    INDEPENDENT_REVIEW_RESULTS,
    PANEL_REVIEW_STEPS,
    RETALIATION_OUTCOMES,
    SERVICE_CATEGORIES,
)

TABLE_1_YEARS = 3  # the requested year and the two before
FIGURE_1_YEARS = 5  # the requested year and the four before
TABLE_2_FIRST_YEAR = 2018
HEADQUARTERS = "headquarters"
GROUP = ("requester_type", "group")
ANONYMOUS = ("anonymous", True)
WITH_PROTECTIVE_MEASURES = ("protective_measures", True)
# Forms a request may be made anonymously on (a retaliation complaint never is).
SUBMISSION_FORMS = tuple(FORMS)
ANONYMOUS_FORMS = tuple(code for code, form in FORMS.items() if form.allows_anonymous)
RETALIATION = "retaliation"


def table_1_cell(year: int, category: str) -> tuple[CountQuery, ...]:
    """The counts whose sum is one cell of Table 1: logged and imported records, and for
    advice, misconduct and retaliation the form submissions too. The misconduct row is of
    allegations reported to the Ethics Office (through the form, or copied to it), not of
    referrals made (``referral_counts``)."""
    if category == "advice":
        return RecordCount(year, category), SubmissionCount(year, "advice")
    if category == "misconduct":
        return RecordCount(year, category), SubmissionCount(year, "misconduct")
    if category == "retaliation":
        # Cases, not submissions: the retaliation figures are read from the cases.
        return RecordCount(year, category), CaseCount(year, "retaliation")
    return (RecordCount(year, category),)


class ReferralCounts(NamedTuple):
    """The year's referrals the investigations office accepted, of every matter, and
    those of retaliation matters (prima facie cases referred for investigation)."""

    accepted: ForwardedCount
    retaliation: ForwardedCount


def referral_counts(year: int) -> ReferralCounts:
    """What the year's referrals made are counted from: the misconduct referrals made are
    the referrals accepted that year (misconduct reports, and advice requests or
    retaliation complaints closed as misconduct) but those of retaliation matters, which
    are counted apart. Counted as all but the retaliation ones, so a referral stored
    before referrals carried their matter counts as the misconduct referral it was. A
    referral still being retried, or failed, is not one made; an imported or logged
    allegation is one reported (Table 1), not a referral made here."""
    return ReferralCounts(ForwardedCount(year), ForwardedCount(year, RETALIATION))


def figure_2_leaf(year: int, subcategory: str) -> tuple[CountQuery, ...]:
    return (RecordCount(year, "advice", subcategory=subcategory),
            SubmissionCount(year, "advice", subcategory=subcategory))


def table_1_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - TABLE_1_YEARS + 1, year + 1))


def figure_1_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - FIGURE_1_YEARS + 1, year + 1))


@dataclass(frozen=True)
class ImportedRetaliation:
    """The counts of imported retaliation history that the retaliation figures add to what
    the cases' histories give, each keyed by its code."""

    outcomes: Mapping[str, RecordCount]  # complaints of the year by outcome code
    panel_steps: Mapping[str, RecordCount]  # steps of the Ethics Panel chair's reviews
    review_results: Mapping[str, RecordCount]  # independent reviews completed
    with_protective_measures: RecordCount  # complaints with measures recommended

    def queries(self) -> list[CountQuery]:
        return [*self.outcomes.values(), *self.panel_steps.values(),
                *self.review_results.values(), self.with_protective_measures]


def imported_retaliation(year: int) -> ImportedRetaliation:
    return ImportedRetaliation(
        outcomes={o: RecordCount(year, RETALIATION, outcome=o) for o in RETALIATION_OUTCOMES},
        panel_steps={s: RecordCount(year, PANEL_REVIEW, outcome=s) for s in PANEL_REVIEW_STEPS},
        review_results={r: RecordCount(year, INDEPENDENT_REVIEW, outcome=r)
                        for r in INDEPENDENT_REVIEW_RESULTS},
        with_protective_measures=RecordCount(year, RETALIATION,
                                             where=WITH_PROTECTIVE_MEASURES))


def duty_station_cell(year: int, station: str) -> tuple[CountQuery, ...]:
    """The year's retaliation requests from one duty station: complaints through the form
    (which asks for it) and imported complaints that give it."""
    where = ("duty_station", station)
    return (RecordCount(year, RETALIATION, where=where),
            SubmissionCount(year, RETALIATION, where=where))


def breakdown_counts(year: int) -> dict[str, tuple[CountQuery, ...]]:
    """Advice requests made for a group, anonymous requests of each form that allows them,
    and the participants of the year's trainings: from every source that records them."""
    counts: dict[str, tuple[CountQuery, ...]] = {
        "advice_group_requests": (RecordCount(year, "advice", where=GROUP),
                                  SubmissionCount(year, "advice", where=GROUP)),
        "training_participants": (RecordSum(year, "training", "participants"),),
    }
    for form in ANONYMOUS_FORMS:
        counts[f"anonymous:{form}"] = (RecordCount(year, form, where=ANONYMOUS),
                                       SubmissionCount(year, form, where=ANONYMOUS))
    return counts


def channel_counts(year: int) -> dict[str, dict[str, CountQuery]]:
    """For each form, the year's submissions in all and those an officer recorded from each
    channel (the forms' own are the rest: their clear view names no channel)."""
    return {form: {"all": SubmissionCount(year, form),
                   **{channel: SubmissionCount(year, form, where=("channel", channel))
                      for channel in PROXY_CHANNELS}}
            for form in SUBMISSION_FORMS}


def report_queries(year: int) -> list[CountQuery]:
    """Every count the report for ``year`` needs, each once (the retaliation cases'
    histories are read besides: ``retaliation_history_window``)."""
    wanted: list[CountQuery] = []
    for y in table_1_years(year):
        for category in SERVICE_CATEGORIES:
            wanted += table_1_cell(y, category)
    for y in figure_1_years(year):
        wanted += table_1_cell(y, "advice")
    for leaf in ADVICE_SUBCATEGORIES:
        wanted += figure_2_leaf(year, leaf)
    wanted += imported_retaliation(year).queries()
    for station in DUTY_STATIONS:
        wanted += duty_station_cell(year, station)
    for group in breakdown_counts(year).values():
        wanted += group
    wanted += referral_counts(year)
    for by_channel in channel_counts(year).values():
        wanted += by_channel.values()
    return list(dict.fromkeys(wanted))


class HistoryWindow(NamedTuple):
    """Which retaliation cases the report reads the history of: those received before
    ``received_before`` whose history goes on at or after ``active_since``."""

    received_before: datetime
    active_since: datetime


def retaliation_history_window(year: int) -> HistoryWindow:
    """The year's requests, and earlier ones whose review may have gone on in the year."""
    start, end = year_bounds(year)
    return HistoryWindow(received_before=end, active_since=start)


@dataclass(frozen=True)
class Share:
    """A count and its share of the whole in percent, to one decimal (None when the whole
    is zero); a group carries the members listed under it in ``parts``."""

    code: str
    count: int
    percent: float | None
    parts: tuple[Share, ...] = ()


@dataclass(frozen=True)
class DisclosureFigures:
    filers: int
    compliant: int
    compliance: float | None
    # From the programme's records (a year with a campaign); None for imported history.
    separated_without_filing: int | None = None
    compliance_still_employed: float | None = None


@dataclass(frozen=True)
class DisclosureOutcomes:
    """The report year's reviewed annual declarations: nothing to declare, no conflict or
    a mitigated one ("98 %"), against guidance to manage a conflict ("2 %")."""

    reviewed: int
    cleared: int
    cleared_percent: float | None
    guidance: int
    guidance_percent: float | None


@dataclass(frozen=True)
class Retaliation:
    """The year's requests for protection against retaliation and what became of them."""

    requests: int  # Table 1's retaliation of the year
    duty_stations: Mapping[str, int]  # requests by duty station, in taxonomy order
    duty_station_not_recorded: int  # imported requests that do not give theirs
    figures: RetaliationFigures

    @property
    def outside_headquarters(self) -> int:
        return sum(n for station, n in self.duty_stations.items() if station != HEADQUARTERS)


@dataclass(frozen=True)
class Breakdowns:
    advice_group_requests: int  # advice requests made for a group or team
    anonymous_requests: Mapping[str, int]  # form -> anonymous requests (ANONYMOUS_FORMS)
    training_participants: int  # people who took part in the year's trainings


@dataclass(frozen=True)
class AnnualReport:
    year: int
    table_1_years: tuple[int, ...]
    table_1: Mapping[str, Mapping[int, int]]  # category -> year -> count, report order
    table_1_total: Mapping[int, int]
    figure_1: Mapping[int, int | None]  # year -> advice requests (None: none recorded)
    figure_2_n: int
    figure_2: tuple[Share, ...]  # groups, largest first
    retaliation: Retaliation
    misconduct_referrals: int  # misconduct referrals accepted in the year
    retaliation_referrals: int  # prima facie cases referred for investigation, accepted
    breakdowns: Breakdowns
    table_2: Mapping[int, DisclosureFigures | None]  # year -> figures (None: not recorded)
    # form -> channel (web first, then proxy_intake.PROXY_CHANNELS) -> submissions received
    # in the year: the forms' own and the reports officers recorded on reporters' behalf.
    by_channel: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    disclosure_outcomes: DisclosureOutcomes | None = None  # None: no campaign that year
    # Handling times and clocks of the year's cases per form (``handling_times``), when
    # the report is made with them (``intake report`` always is).
    indicators: ManagementIndicators | None = None


def percent(count: int, whole: int) -> float | None:
    """``count`` as a percentage of ``whole`` to one decimal, halves rounded up (35.459...
    -> 35.5, 99.77 -> 99.8), computed in integers so no binary fraction tips a half."""
    if whole <= 0:
        return None
    tenths = (count * 2000 + whole) // (2 * whole)
    return tenths / 10


def _sorted(shares: Iterable[Share], order: Sequence[str]) -> tuple[Share, ...]:
    """Largest first, as the report presents Figure II; ties in taxonomy order."""
    return tuple(sorted(shares, key=lambda s: (-s.count, order.index(s.code))))


def _sum(counts: Mapping[CountQuery, int], queries: Iterable[CountQuery]) -> int:
    return sum(counts[q] for q in queries)


def _figure_2(year: int, n: int, counts: Mapping[CountQuery, int]) -> tuple[Share, ...]:
    """Figure II's groups, largest first, each with the members listed under it: every
    member of a group of several but the one that shares the group's code (its total
    includes that one; the report names the others inside it)."""
    leaves = {leaf: _sum(counts, figure_2_leaf(year, leaf)) for leaf in ADVICE_SUBCATEGORIES}
    groups = []
    for group, members in FIGURE_II_GROUPS.items():
        listed = [m for m in members if m != group] if len(members) > 1 else []
        parts = _sorted((Share(m, leaves[m], percent(leaves[m], n)) for m in listed),
                        ADVICE_SUBCATEGORIES)
        count = sum(leaves[m] for m in members)
        groups.append(Share(group, count, percent(count, n), parts))
    return _sorted(groups, list(FIGURE_II_GROUPS))


def _retaliation(year: int, counts: Mapping[CountQuery, int], requests: int,
                 histories: Iterable[CaseHistory]) -> Retaliation:
    """The histories' figures plus the imported history's: an imported complaint counts
    with the determination its outcome code stands for, an imported result of an
    independent review in the year of its complaint."""
    cases = figures_from_histories(year, histories)
    imported = imported_retaliation(year)
    determinations = dict(cases.determinations)
    reviews = dict(cases.independent_reviews)
    for outcome, query in imported.outcomes.items():
        determinations[DETERMINATION_OF_OUTCOME[outcome]] += counts[query]
        if outcome in reviews:
            reviews[outcome] += counts[query]
    for result, query in imported.review_results.items():
        reviews[result] += counts[query]
    panel = {step: n + counts[imported.panel_steps[step]]
             for step, n in cases.panel_reviews.items()}
    reasons = dict(cases.suspension_reasons)
    reasons[REASON_NOT_RECORDED] += counts[imported.outcomes[SUSPENDED]]
    figures = RetaliationFigures(
        determinations=determinations, suspension_reasons=reasons, panel_reviews=panel,
        prima_facie=determinations[PRIMA_FACIE],
        with_protective_measures=cases.with_protective_measures
        + counts[imported.with_protective_measures],
        independent_reviews=reviews)
    stations = {s: _sum(counts, duty_station_cell(year, s)) for s in DUTY_STATIONS}
    return Retaliation(requests=requests, duty_stations=stations,
                       duty_station_not_recorded=requests - sum(stations.values()),
                       figures=figures)


def assemble(year: int, counts: Mapping[CountQuery, int],
             disclosures: Iterable[DisclosureYear], histories: Iterable[CaseHistory] = (),
             notes: Iterable[str] = (),
             campaigns: Mapping[int, tuple[Compliance, OutcomeShares]] | None = None
             ) -> AnnualReport:
    """The report for ``year`` from the store's answers to ``report_queries(year)`` and
    the retaliation cases' histories (``retaliation_history_window``). Table 2 comes from
    the programme's records (``campaigns``: year -> its compliance and review outcomes)
    for each year with a campaign, from the imported history for the years before."""
    notes = list(notes)
    t1_years = table_1_years(year)
    table_1 = {c: {y: _sum(counts, table_1_cell(y, c)) for y in t1_years}
               for c in SERVICE_CATEGORIES}
    totals = {y: sum(row[y] for row in table_1.values()) for y in t1_years}
    figure_1 = {y: _sum(counts, table_1_cell(y, "advice")) or None
                for y in figure_1_years(year)}

    n = table_1["advice"][year]
    figure_2 = _figure_2(year, n, counts)
    classified = sum(group.count for group in figure_2)
    if classified != n:
        notes.append(f"{n - classified} advice requests of {year} have no "
                     "recognised sub-category; Figure II shares are of all "
                     f"{n} requests.")

    retaliation = _retaliation(year, counts, table_1[RETALIATION][year], histories)
    determined = retaliation.figures.requests
    if determined != retaliation.requests:
        notes.append(f"{retaliation.requests} retaliation requests of {year} in Table 1, "
                     f"but {determined} preliminary-review determinations: the records "
                     "changed while the report was made; make it again.")

    referrals = referral_counts(year)
    breakdown = breakdown_counts(year)
    breakdowns = Breakdowns(
        advice_group_requests=_sum(counts, breakdown["advice_group_requests"]),
        anonymous_requests={form: _sum(counts, breakdown[f"anonymous:{form}"])
                            for form in ANONYMOUS_FORMS},
        training_participants=_sum(counts, breakdown["training_participants"]))

    records = {d.year: d for d in disclosures}
    table_2 = {y: (DisclosureFigures(records[y].filers, records[y].compliant,
                                     percent(records[y].compliant, records[y].filers))
                   if y in records else None)
               for y in range(TABLE_2_FIRST_YEAR, year + 1)}
    outcomes = None
    for y, (c, shares) in (campaigns or {}).items():
        if TABLE_2_FIRST_YEAR <= y <= year:
            table_2[y] = DisclosureFigures(c.filers, c.filed, c.compliance,
                                           c.separated_without_filing, c.compliance_employed)
        if y == year:
            outcomes = DisclosureOutcomes(shares.reviewed, shares.cleared,
                                          shares.cleared_percent, shares.guidance,
                                          shares.guidance_percent)

    by_channel: dict[str, dict[str, int]] = {}
    for form, queries in channel_counts(year).items():
        recorded = {channel: counts[queries[channel]] for channel in PROXY_CHANNELS}
        by_channel[form] = {WEB: counts[queries["all"]] - sum(recorded.values()), **recorded}

    return AnnualReport(
        year=year, table_1_years=t1_years, table_1=table_1, table_1_total=totals,
        by_channel=by_channel,
        figure_1=figure_1, figure_2_n=n, figure_2=figure_2, retaliation=retaliation,
        misconduct_referrals=counts[referrals.accepted] - counts[referrals.retaliation],
        retaliation_referrals=counts[referrals.retaliation],
        breakdowns=breakdowns, table_2=table_2, notes=tuple(notes),
        disclosure_outcomes=outcomes)
