"""Data sets with known counts for the annual report, the expected numbers computed here
independently of the code under test, and readers of the report's Markdown and HTML."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from shared import bootstrap
from shared.adapters.investigations_http import HttpInvestigationsGateway
from shared.bootstrap import Container
from shared.cli import main
from shared.domain.officers import parse_directory
from shared.domain.proxy_intake import CHANNELS
from shared.domain.taxonomy import (
    ADVICE_SUBCATEGORIES,
    DUTY_STATIONS,
    INDEPENDENT_REVIEW_RESULTS,
    OTHER_SERVICE_CATEGORIES,
    PANEL_REVIEW_STEPS,
    PRELIMINARY_DETERMINATIONS,
    RETALIATION_OUTCOMES,
    SERVICE_CATEGORIES,
)
from shared.ports.statistics import StatisticsStore
from shared.ports.storage import IntakeStore
from shared.reports.tables import CHANNEL_LABELS
from tests.support.fakes import FixedClock, RecordingQueue, storage_for
from tests.support.harness import Harness, settings_for
from tests.support.processes import free_port
from tests.support.receiver import SECRET, ServedReceiver, new_receiver
from tests.support.tokens import dev_bearer, dev_verifier

OFFICER = "olga@example.org"
DIRECTORY = {OFFICER: {"name": "Olga Officer", "roles": ["ethics_officer"]}}
AS_OFFICER = dev_bearer(OFFICER)


def backend_harness(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                    statistics: StatisticsStore | None = None) -> Harness:
    """The functions and the command line on one real backend (SQLite or the emulator),
    forwarding misconduct reports to a served reference receiver, with one ethics officer
    (``OFFICER``) for the internal functions."""
    store: IntakeStore
    if backend == "sqlite":
        from shared.adapters.sqlite_statistics import SqliteStatistics
        from shared.adapters.sqlite_store import SqliteStore

        store = SqliteStore.open(tmp_path / "intake.sqlite3")
        stats: StatisticsStore = SqliteStatistics(store.database)
    else:
        from shared.adapters.firestore_statistics import FirestoreStatistics
        from shared.adapters.firestore_store import FirestoreStore

        store = FirestoreStore.connect(request.getfixturevalue("firestore_project"),
                                       "(default)", timeout=10)
        stats = FirestoreStatistics(store.database)
    served = ServedReceiver(new_receiver(tmp_path), free_port())
    served.start()
    request.addfinalizer(served.stop)
    gateway = HttpInvestigationsGateway(served.url, SECRET, timeout=5)
    return harness_with(tmp_path, store, statistics or stats, gateway=gateway)


def harness_with(tmp_path: Path, store: IntakeStore, statistics: StatisticsStore,
                 **components: object) -> Harness:
    settings = settings_for(tmp_path)
    queue, clock = RecordingQueue(), FixedClock()
    storage = storage_for(store)
    if storage is not None:
        components.setdefault("storage", storage)
    container = Container(settings, store=store, statistics=statistics, queue=queue,
                          clock=clock, verifier=dev_verifier(),
                          officers=parse_directory(json.dumps(DIRECTORY)), **components)
    return Harness(container, store, queue, clock)


def intake(container: Container, *args: str, stdin: bytes | None = None) -> Result:
    """Run the `intake` command line in-process against ``container``."""
    with bootstrap.using(container):
        return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


# Written out here, not taken from the code under test: Figure II's groups as the 2024
# report presents them, and the determination an imported outcome stands for.
FIGURE_II = {
    "work_environment": ["work_environment"],
    "conflict_of_interest": ["coi_outside_activities", "coi_gifts_hospitality",
                             "coi_family_relationships", "coi_investments",
                             "coi_political_activities", "coi_social_media"],
    "workplace_conflict": ["workplace_conflict", "retaliation_advice"],
    "other": ["other"],
}
DETERMINATION = {"retaliation_established": "prima_facie_established",
                 "not_substantiated": "prima_facie_established"}
PRIMA_FACIE_FOUND = ("prima_facie_established", "retaliation_established",
                     "not_substantiated")


@dataclass
class Expected:
    """What a data set must produce: counts keyed by (category, year) and so on."""

    table_1: Counter[tuple[str, int]] = field(default_factory=Counter)
    leaves: Counter[tuple[str, int]] = field(default_factory=Counter)
    determinations: Counter[tuple[str, int]] = field(default_factory=Counter)
    panel: Counter[tuple[str, int]] = field(default_factory=Counter)
    reviews: Counter[tuple[str, int]] = field(default_factory=Counter)
    with_measures: Counter[int] = field(default_factory=Counter)
    stations: Counter[tuple[str, int]] = field(default_factory=Counter)
    group_advice: Counter[int] = field(default_factory=Counter)
    anonymous: Counter[tuple[str, int]] = field(default_factory=Counter)
    participants: Counter[int] = field(default_factory=Counter)
    referrals: Counter[int] = field(default_factory=Counter)
    submissions: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # form, channel
    disclosure: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add(self, other: Expected) -> None:
        for name in ("table_1", "leaves", "determinations", "panel", "reviews",
                     "with_measures", "stations", "group_advice", "anonymous",
                     "participants", "referrals", "submissions"):
            getattr(self, name).update(getattr(other, name))
        self.disclosure.update(other.disclosure)


def _day(rng: random.Random, year: int) -> str:
    return (date(year, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()


def _maybe(rng: random.Random, options: list[Any]) -> Any:
    """One of ``options``, or None (the optional field left out) as often as each."""
    return rng.choice([*options, None])


def known_dataset(seed: int, years: range, *, scale: int = 1) -> tuple[list[dict[str, Any]],
                                                                         Expected]:
    """Random counts per cell (so no table is a coincidence), shuffled, and the tallies."""
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = []
    want = Expected()
    for year in years:
        for category in OTHER_SERVICE_CATEGORIES:
            for _ in range(rng.randint(0, 8) * scale):
                line: dict[str, Any] = {"kind": "service", "category": category,
                                        "date": _day(rng, year)}
                if category == "training":
                    line["participants"] = rng.randint(1, 80)
                    want.participants[year] += line["participants"]
                lines.append(line)
                want.table_1[category, year] += 1
        for _ in range(rng.randint(0, 6) * scale):
            if rng.random() < 0.5:
                lines.append({"kind": "service", "category": "misconduct",
                              "date": _day(rng, year)})
            else:
                line = {"kind": "misconduct", "date": _day(rng, year),
                        "allegation_type": "fraud_corruption"}
                anonymous = _maybe(rng, [True, False])
                if anonymous is not None:
                    line["anonymous"] = anonymous
                    want.anonymous["misconduct", year] += anonymous
                lines.append(line)
            want.table_1["misconduct", year] += 1  # reported; not a referral made
        for leaf in ADVICE_SUBCATEGORIES:
            for _ in range(rng.randint(0, 7) * scale):
                line = {"kind": "advice", "subcategory": leaf, "date": _day(rng, year)}
                requester = _maybe(rng, ["individual", "group"])
                if requester is not None:
                    line["requester_type"] = requester
                    want.group_advice[year] += requester == "group"
                anonymous = _maybe(rng, [True, False])
                if anonymous is not None:
                    line["anonymous"] = anonymous
                    want.anonymous["advice", year] += anonymous
                lines.append(line)
                want.table_1["advice", year] += 1
                want.leaves[leaf, year] += 1
        for outcome in RETALIATION_OUTCOMES:
            for _ in range(rng.randint(0, 3) * scale):
                line = {"kind": "retaliation", "outcome": outcome, "date": _day(rng, year)}
                station = _maybe(rng, list(DUTY_STATIONS))
                if station is not None:
                    line["duty_station"] = station
                    want.stations[station, year] += 1
                if outcome in PRIMA_FACIE_FOUND and rng.random() < 0.5:
                    line["protective_measures"] = True
                    want.with_measures[year] += 1
                lines.append(line)
                want.table_1["retaliation", year] += 1
                want.determinations[DETERMINATION.get(outcome, outcome), year] += 1
                if outcome in INDEPENDENT_REVIEW_RESULTS:
                    want.reviews[outcome, year] += 1
        for step in PANEL_REVIEW_STEPS:
            for _ in range(rng.randint(0, 2) * scale):
                lines.append({"kind": "panel_review", "step": step, "date": _day(rng, year)})
                want.panel[step, year] += 1
        for result in INDEPENDENT_REVIEW_RESULTS:
            for _ in range(rng.randint(0, 2) * scale):
                lines.append({"kind": "independent_review", "result": result,
                              "date": _day(rng, year)})
                want.reviews[result, year] += 1
    for year in range(2018, years.stop):
        if year != 2021:  # a year with no figures: Table 2 shows it as not recorded
            filers = rng.randint(1000, 3000)
            compliant = filers - rng.randint(0, 6)
            lines.append({"kind": "disclosure", "year": year, "filers": filers,
                          "compliant": compliant})
            want.disclosure[year] = (filers, compliant)
    rng.shuffle(lines)
    return lines, want


def share(count: int, whole: int) -> float | None:
    if whole == 0:
        return None
    exact = Decimal(count) * 100 / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _figure_2(want: Expected, year: int, n: int) -> dict[str, Any]:
    groups = []
    for group, members in FIGURE_II.items():
        counts = {m: want.leaves[m, year] for m in members}
        groups.append((group, sum(counts.values()), counts))
    order = list(FIGURE_II)
    figure_2: dict[str, Any] = {}
    for group, count, counts in sorted(groups, key=lambda g: (-g[1], order.index(g[0]))):
        entry: dict[str, Any] = {"count": count, "percent": share(count, n)}
        listed = [m for m in counts if m != group] if len(counts) > 1 else []
        ordered = sorted(listed, key=lambda m: (-counts[m], ADVICE_SUBCATEGORIES.index(m)))
        if ordered:
            entry["subcategories"] = ordered
        figure_2[group] = entry
        for member in ordered:
            figure_2[member] = {"count": counts[member], "percent": share(counts[member], n),
                                "group": group}
    return figure_2


def _retaliation(want: Expected, year: int) -> dict[str, Any]:
    requests = want.table_1["retaliation", year]
    stations = {s: want.stations[s, year] for s in DUTY_STATIONS}
    return {
        "year": year,
        "requests": requests,
        "outside_headquarters": sum(n for s, n in stations.items() if s != "headquarters"),
        "duty_stations": {**stations, "not_recorded": requests - sum(stations.values())},
        "preliminary_review": {d: want.determinations[d, year]
                               for d in PRELIMINARY_DETERMINATIONS},
        # Imported complaints carry no suspension reason; the forms' cases here none
        # suspended.
        "suspension_reasons": {"parallel_complaint": 0, "no_retaliatory_action": 0,
                               "not_recorded": want.determinations["suspended", year]},
        "ethics_panel_reviews": {s: want.panel[s, year] for s in PANEL_REVIEW_STEPS},
        "protective_measures": {
            "prima_facie_cases": want.determinations["prima_facie_established", year],
            "with_recommendation": want.with_measures[year]},
        "independent_reviews": {r: want.reviews[r, year] for r in INDEPENDENT_REVIEW_RESULTS},
    }


def expected_json(want: Expected, year: int) -> dict[str, Any]:
    """The report's JSON for ``year``, worked out from the tallies alone."""
    t1_years = [year - 2, year - 1, year]
    n = want.table_1["advice", year]
    disclosure = {str(y): None if y not in want.disclosure else {
        "filers": want.disclosure[y][0], "compliant": want.disclosure[y][1],
        "compliance": share(want.disclosure[y][1], want.disclosure[y][0])}
        for y in range(2018, year + 1)}
    return {
        "year": year,
        "table_1": {
            "years": t1_years,
            "categories": {c: {str(y): want.table_1[c, y] for y in t1_years}
                           for c in SERVICE_CATEGORIES},
            "total": {str(y): sum(want.table_1[c, y] for c in SERVICE_CATEGORIES)
                      for y in t1_years},
        },
        "figure_1": {str(y): want.table_1["advice", y] or None
                     for y in range(year - 4, year + 1)},
        "figure_2": {"year": year, "n": n, "subcategories": _figure_2(want, year, n)},
        "retaliation": _retaliation(want, year),
        "misconduct_referrals": {"year": year, "count": want.referrals[year]},
        "retaliation_referrals": {"year": year, "count": 0},
        "breakdowns": {"year": year, "advice_group_requests": want.group_advice[year],
                       "anonymous_requests": {form: want.anonymous[form, year]
                                              for form in ("advice", "misconduct")},
                       "training_participants": want.participants[year]},
        "submissions_by_channel": {"year": year, "forms": {
            form: {channel: want.submissions[form, channel, year] for channel in CHANNELS}
            for form in ("advice", "misconduct", "retaliation")}},
        "table_2": disclosure,
        "disclosure_outcomes": None,  # no campaign: imported history only
        "notes": [],
    }


def grouped(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def expected_tables(report: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The body rows of each table (first cell as a code where it is one, then numbers as
    printed), from the JSON."""
    def count(n: int | None) -> str:
        return "—" if n is None else grouped(n)

    def pct(p: float | None) -> str:
        return "—" if p is None else f"{p:.1f}"

    t1 = report["table_1"]
    rows: dict[str, list[list[str]]] = {"Table 1": [
        [code, *(grouped(t1["categories"][code][str(y)]) for y in t1["years"])]
        for code in SERVICE_CATEGORIES]}
    rows["Table 1"].append(["Total", *(grouped(t1["total"][str(y)]) for y in t1["years"])])
    rows["Figure I"] = [[y, count(n)] for y, n in report["figure_1"].items()]
    f2 = report["figure_2"]
    rows["Figure II"] = [[code, grouped(e["count"]), pct(e["percent"])]
                         for code, e in f2["subcategories"].items()]
    rows["Figure II"].append(["Total", grouped(f2["n"]), "100.0" if f2["n"] else "—"])
    r = report["retaliation"]
    rows["Protection against retaliation"] = []
    for code, n in r["preliminary_review"].items():
        rows["Protection against retaliation"].append([code, grouped(n)])
        if code == "suspended":
            rows["Protection against retaliation"] += [
                [reason, grouped(k)] for reason, k in r["suspension_reasons"].items()]
    rows["Protection against retaliation"].append(["Total", grouped(r["requests"])])
    stations = r["duty_stations"]
    rows["Retaliation requests by duty station"] = [
        ["headquarters", grouped(stations["headquarters"])],
        ["Outside headquarters", grouped(r["outside_headquarters"])],
        *([s, grouped(stations[s])] for s in ("regional_office", "country_office", "other")),
        ["Not recorded", grouped(stations["not_recorded"])], ["Total", grouped(r["requests"])]]
    rows["Ethics Panel reviews"] = [[step, grouped(n)]
                                    for step, n in r["ethics_panel_reviews"].items()]
    measures = r["protective_measures"]
    rows["Protective measures"] = [
        ["Prima facie cases", grouped(measures["prima_facie_cases"])],
        ["With protective measures recommended", grouped(measures["with_recommendation"])]]
    reviews = r["independent_reviews"]
    rows["Independent reviews"] = [[code, grouped(n)] for code, n in reviews.items()]
    rows["Independent reviews"].append(["Total", grouped(sum(reviews.values()))])
    rows["Misconduct referrals"] = [
        ["Referrals made", grouped(report["misconduct_referrals"]["count"])],
        ["Retaliation matters referred for investigation (not misconduct referrals)",
         grouped(report["retaliation_referrals"]["count"])]]
    b = report["breakdowns"]
    rows["Other breakdowns"] = [
        ["Advice requests made for a group or team", grouped(b["advice_group_requests"])],
        ["Anonymous advice requests", grouped(b["anonymous_requests"]["advice"])],
        ["Anonymous misconduct reports", grouped(b["anonymous_requests"]["misconduct"])],
        ["Participants in ethics trainings", grouped(b["training_participants"])]]
    channels = report["submissions_by_channel"]["forms"]
    rows["Submissions by channel"] = [
        [CHANNEL_LABELS[channel], *(grouped(channels[form][channel]) for form in channels)]
        for channel in CHANNELS]
    rows["Table 2"] = [[y, "—", "—"] if f is None else
                       [y, grouped(f["filers"]), f"{f['compliance']:.1f}"]
                       for y, f in report["table_2"].items()]
    return rows


def label_codes() -> dict[str, str]:
    from shared.domain.taxonomy import ADVICE_LABELS, RETALIATION_OUTCOME_LABELS
    from shared.reports.tables import SUSPENSION_REASON_LABELS

    return {**{v: k for k, v in SERVICE_CATEGORIES.items()},
            **{v: k for k, v in SUSPENSION_REASON_LABELS.items()},
            **{v: k for k, v in ADVICE_LABELS.items()},
            **{v: k for k, v in RETALIATION_OUTCOME_LABELS.items()},
            **{v: k for k, v in PANEL_REVIEW_STEPS.items()},
            **{v: k for k, v in INDEPENDENT_REVIEW_RESULTS.items()},
            **{v: k for k, v in DUTY_STATIONS.items()}}


def markdown_tables(text: str) -> dict[str, list[list[str]]]:
    """Each `## Heading` of the Markdown report and its table's body rows, labels as codes
    (a table's header is the row above its `|---` line)."""
    codes, heading = label_codes(), ""
    tables: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("## "):
            heading = line[3:]
            tables[heading] = []
        elif (line.startswith("| ") and heading
              and not (n + 1 < len(lines) and lines[n + 1].startswith("|---"))):
            cells = [c.strip().strip("*").replace("&emsp;", "") for c in line.strip("|")
                     .split(" | ")]
            cells[0] = codes.get(cells[0], cells[0])
            tables[heading].append(cells)
    return tables


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._heading = ""
        self._in: str | None = None
        self._text = ""
        self._row: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "th", "td"):
            self._in, self._text = tag, ""
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._heading = self._text.strip()
            self.tables[self._heading] = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(self._text.replace("\xa0", " ").strip())
        elif tag == "tr" and self._row is not None:
            codes = label_codes()
            self._row[0] = codes.get(self._row[0], self._row[0])
            self.tables[self._heading].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        if tag in ("h2", "th", "td"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def html_tables(text: str) -> dict[str, list[list[str]]]:
    reader = _TableReader()
    reader.feed(text)
    return reader.tables
