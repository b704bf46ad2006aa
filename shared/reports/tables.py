"""The report's tables as the annual report lays them out, in Markdown and in HTML (the
Jinja2 template ``templates/annual_report.html``).

One model (``Table``) feeds both formats, so they cannot disagree. Numbers are written as
the report writes them: thousands grouped with a space (1 473), shares to one decimal.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shared.domain.annual_report import HEADQUARTERS, AnnualReport
from shared.domain.handling_times import ManagementIndicators
from shared.domain.taxonomy import (
    ADVICE_LABELS,
    DUTY_STATIONS,
    INDEPENDENT_REVIEW_RESULTS,
    PANEL_REVIEW_STEPS,
    RETALIATION_OUTCOME_LABELS,
    SERVICE_CATEGORIES,
    SUSPENSION_REASONS,
)

NOT_RECORDED = "—"
NO_DATA_NOTE = f"{NOT_RECORDED}: no data recorded for the year."
SUSPENSION_REASON_LABELS = {**SUSPENSION_REASONS, "not_recorded": "Reason not recorded"}
ANONYMOUS_LABELS = {"advice": "Anonymous advice requests",
                    "misconduct": "Anonymous misconduct reports"}
CHANNEL_FORM_LABELS = {"advice": "Advice requests", "misconduct": "Misconduct reports",
                       "retaliation": "Retaliation complaints"}
CHANNEL_LABELS = {"web": "Web forms", "telephone": "Telephone", "in_person": "In person",
                  "mission": "On a mission", "post": "Post", "email": "E-mail"}
MILESTONE_LABELS = {"first_response": "First response",
                    "prima_facie_determination": "Prima facie determination",
                    "referral": "Referral accepted", "close": "Closed"}
CLOCK_LABELS = {"acknowledgement": "Acknowledgement (7 days)",
                "advice_answer_due": "Answer to an advice request",
                "preliminary_review_due": "Preliminary review",
                "feedback_due": "Feedback to the reporter"}
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    level: int = 0  # 1: a member of the group above it
    total: bool = False


@dataclass(frozen=True)
class Table:
    label: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())


def number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def share(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:.1f}"


def _count(value: int | None) -> str:
    return NOT_RECORDED if value is None else number(value)


def _total(label: str, value: int, columns: int = 1) -> Row:
    return Row((label, number(value), *[""] * (columns - 1)), total=True)


def retaliation_tables(report: AnnualReport) -> list[Table]:
    """The retaliation figures as the 2024 report gives them: the year's requests by
    preliminary-review determination and by duty station, the Ethics Panel chair's reviews,
    protective measures, and the independent reviews."""
    y, r = report.year, report.retaliation
    f = r.figures
    rows: list[Row] = []
    for code, n in f.determinations.items():
        rows.append(Row((RETALIATION_OUTCOME_LABELS[code], number(n))))
        if code == "suspended":
            rows += [Row((SUSPENSION_REASON_LABELS[reason], number(k)), level=1)
                     for reason, k in f.suspension_reasons.items()]
    determinations = Table(
        "Protection against retaliation",
        f"Requests for protection against retaliation received in {y}, by preliminary-"
        f"review determination as of 31 December {y} (n = {number(r.requests)}); the "
        "suspended ones by the reason of their suspension",
        ("Determination", "Requests"), (*rows, _total("Total", f.requests)))
    outside = [s for s in DUTY_STATIONS if s != HEADQUARTERS]
    stations = Table(
        "Retaliation requests by duty station",
        f"Requests for protection against retaliation received in {y}: "
        f"{number(r.outside_headquarters)} of {number(r.requests)} from outside headquarters",
        ("Duty station", "Requests"),
        (Row((DUTY_STATIONS[HEADQUARTERS], number(r.duty_stations[HEADQUARTERS]))),
         Row(("Outside headquarters", number(r.outside_headquarters))),
         *(Row((DUTY_STATIONS[s], number(r.duty_stations[s])), level=1) for s in outside),
         Row(("Not recorded", number(r.duty_station_not_recorded))),
         _total("Total", r.requests)))
    panel = Table(
        "Ethics Panel reviews",
        f"Reviews of no-prima-facie determinations by the Chair of the Ethics Panel, {y}",
        ("Step", "Reviews"),
        tuple(Row((PANEL_REVIEW_STEPS[step], number(n)))
              for step, n in f.panel_reviews.items()))
    measures = Table(
        "Protective measures",
        f"Requests of {y} with a prima facie determination, and those for which protective "
        f"measures were recommended to the Executive Director: "
        f"{number(f.with_protective_measures)} of {number(f.prima_facie)}",
        ("", "Requests"),
        (Row(("Prima facie cases", number(f.prima_facie))),
         Row(("With protective measures recommended", number(f.with_protective_measures)),
             level=1)))
    reviews = Table(
        "Independent reviews",
        f"Independent reviews of investigation reports completed in {y}, whatever the year "
        "of the request",
        ("Determination", "Reviews"),
        (*(Row((INDEPENDENT_REVIEW_RESULTS[code], number(n)))
           for code, n in f.independent_reviews.items()),
         _total("Total", sum(f.independent_reviews.values()))))
    return [determinations, stations, panel, measures, reviews]


def _days(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:.1f}"


def indicator_tables(indicators: ManagementIndicators) -> list[Table]:
    """The management indicators: handling times, clocks met, cases reopened."""
    y = indicators.year
    forms = indicators.forms
    times = Table(
        "Handling times", f"Days from reception to each step, cases received in {y}",
        ("Form", "Step", "Cases that reached it", "Not yet", "Median (days)",
         "90th percentile (days)"),
        tuple(Row((CHANNEL_FORM_LABELS.get(form, form), MILESTONE_LABELS.get(m, m),
                   number(d.reached), number(d.pending), _days(d.median), _days(d.p90)))
              for form, f in forms.items() for m, d in f.durations.items()),
        notes=("Median and 90th percentile over the cases that reached the step "
               f"(linear interpolation), as the cases' histories stand at the end of the year "
               f"(or today, for the year still running). {NOT_RECORDED}: no case reached it.",))
    clocks = Table(
        "Clocks met", f"Time limits of the cases received in {y}",
        ("Form", "Clock", "Met", "Missed", "Overdue", "Running", "Share met (%)"),
        tuple(Row((CHANNEL_FORM_LABELS.get(form, form), CLOCK_LABELS.get(c, c),
                   number(k.met), number(k.missed), number(k.overdue), number(k.running),
                   share(k.percent_met)))
              for form, f in forms.items() for c, k in f.clocks.items()),
        notes=("Share met: of the clocks met, missed (ended late) or overdue (still "
               "running, past due); those still running and not yet due are not counted.",))
    reopened = Table(
        "Reopened cases", f"Cases received in {y} reopened",
        ("Form", "Cases", "Reopened cases", "Reopenings"),
        tuple(Row((CHANNEL_FORM_LABELS.get(form, form), number(f.cases),
                   number(f.reopened_cases), number(f.reopenings)))
              for form, f in forms.items()))
    return [times, clocks, reopened]


def report_tables(report: AnnualReport) -> list[Table]:
    y, years = report.year, report.table_1_years
    first, last = years[0], years[-1]
    table_1 = Table(
        "Table 1", f"Ethics services provided by category, {first} to {last}",
        ("Category", *map(str, years)),
        (*(Row((SERVICE_CATEGORIES[code], *(number(row[x]) for x in years)))
           for code, row in report.table_1.items()),
         Row(("Total", *(number(report.table_1_total[x]) for x in years)), total=True)),
        notes=("Misconduct allegations reported to the Ethics Office: through the misconduct "
               "form, or copied to the office on a report to the investigations office "
               "(logged, never forwarded). They are allegations reported, not referrals "
               "made: see Misconduct referrals.",))
    f1_years = list(report.figure_1)
    figure_1 = Table(
        "Figure I", f"Confidential ethics advice provided, {f1_years[0]} to {f1_years[-1]}",
        ("Year", "Requests"),
        tuple(Row((str(x), _count(n))) for x, n in report.figure_1.items()),
        notes=(NO_DATA_NOTE,) if None in report.figure_1.values() else ())
    figure_2_rows: list[Row] = []
    for group in report.figure_2:
        figure_2_rows.append(Row((ADVICE_LABELS[group.code], number(group.count),
                                  share(group.percent))))
        figure_2_rows += [Row((ADVICE_LABELS[p.code], number(p.count), share(p.percent)),
                              level=1) for p in group.parts]
    figure_2_rows.append(Row(("Total", number(report.figure_2_n),
                              "100.0" if report.figure_2_n else NOT_RECORDED), total=True))
    figure_2 = Table(
        "Figure II", f"Confidential ethics advice provided by sub-category, {y} "
                     f"(n = {number(report.figure_2_n)})",
        ("Sub-category", "Requests", "Share (%)"), tuple(figure_2_rows))
    referrals = Table(
        "Misconduct referrals", f"Referrals the investigations office accepted from this "
                                f"system in {y}",
        ("", "Referrals"),
        (Row(("Referrals made", number(report.misconduct_referrals))),
         Row(("Retaliation matters referred for investigation (not misconduct referrals)",
              number(report.retaliation_referrals)))),
        notes=("Imported allegations, and those the office was only copied on, count in "
               "Table 1 as reported; they are not referrals made here. A prima facie case of "
               "retaliation referred for investigation of the retaliatory acts is counted "
               "apart, not as a misconduct referral.",))
    b = report.breakdowns
    breakdowns = Table(
        "Other breakdowns", f"Advice requests made for a group, anonymous requests and "
                            f"training participants, {y}",
        ("", "Number"),
        (Row(("Advice requests made for a group or team", number(b.advice_group_requests))),
         *(Row((ANONYMOUS_LABELS.get(form, f"Anonymous requests ({form})"), number(n)))
           for form, n in b.anonymous_requests.items()),
         Row(("Participants in ethics trainings", number(b.training_participants)))))
    forms = list(report.by_channel)
    channels = list(next(iter(report.by_channel.values()), {}))
    by_channel = Table(
        "Submissions by channel", f"Submissions received through the forms and reports "
                                  f"recorded by an officer, by channel, {y}",
        ("Channel", *(CHANNEL_FORM_LABELS.get(form, form) for form in forms)),
        tuple(Row((CHANNEL_LABELS.get(channel, channel),
                   *(number(report.by_channel[form][channel]) for form in forms)))
              for channel in channels),
        notes=("A report recorded by an officer counts in the year it was received, not "
               "the year it was entered. Imported records are not submissions and are not "
               "counted here.",))
    t2_years = list(report.table_2)
    table_2 = Table(
        "Table 2", "Annual filers of the conflict of interest and financial disclosure "
                   + (f"programme, {t2_years[0]} to {t2_years[-1]}" if t2_years
                      else "programme"),
        ("Year", "Personnel required to file", "Compliance rate (%)"),
        tuple(Row((str(x), NOT_RECORDED, NOT_RECORDED)) if f is None
              else Row((str(x), number(f.filers), share(f.compliance)))
              for x, f in report.table_2.items()),
        notes=(NO_DATA_NOTE,) if any(f is None for f in report.table_2.values()) else ())
    tables = [table_1, figure_1, figure_2, *retaliation_tables(report), referrals, breakdowns,
              by_channel, table_2]
    recorded = {x: f for x, f in report.table_2.items()
                if f is not None and f.separated_without_filing is not None}
    if recorded:
        tables.append(Table(
            "Table 2 (detail)", "Compliance from the programme's records",
            ("Year", "Filers", "Filed", "Left without filing", "Compliance (%)",
             "Compliance of those still employed (%)"),
            tuple(Row((str(x), number(f.filers), number(f.compliant),
                       number(f.separated_without_filing or 0), share(f.compliance),
                       share(f.compliance_still_employed)))
                  for x, f in recorded.items())))
    outcomes = report.disclosure_outcomes
    if outcomes is not None:
        tables.append(Table(
            "Disclosure review outcomes", f"Reviewed annual declarations, {report.year}",
            ("Outcome", "Declarations", "Share (%)"),
            (Row(("Nothing to declare, no conflict, or conflict mitigated",
                  number(outcomes.cleared), share(outcomes.cleared_percent))),
             Row(("Guidance given to manage a potential or actual conflict",
                  number(outcomes.guidance), share(outcomes.guidance_percent))))))
    if report.indicators:
        tables += indicator_tables(report.indicators)
    return tables


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(report: AnnualReport, images: dict[str, str] | None = None) -> str:
    """The report in Markdown; ``images`` maps a table label to a chart to show under it."""
    out = [f"# Ethics Office annual report {report.year}: figures", ""]
    for table in report_tables(report):
        out += [f"## {table.label}", "", f"*{_md_cell(table.caption)}*", ""]
        out.append("| " + " | ".join(_md_cell(h) for h in table.header) + " |")
        out.append("|" + "|".join(["---", *["---:"] * (len(table.header) - 1)]) + "|")
        for row in table.rows:
            cells = [_md_cell(c) for c in row.cells]
            if row.level:
                cells[0] = "&emsp;" + cells[0]
            if row.total:
                cells = [f"**{c}**" if c else c for c in cells]
            out.append("| " + " | ".join(cells) + " |")
        out += ["", *(f"{note}" for note in table.notes)]
        if table.notes:
            out.append("")
        if images and table.label in images:
            out += [f"![{table.label}]({images[table.label]})", ""]
    if report.notes:
        out += ["## Notes", "", *(f"- {_md_cell(n)}" for n in report.notes), ""]
    return "\n".join(out).rstrip() + "\n"


@functools.cache
def _environment() -> Environment:
    # As the web pages' environment: autoescaped, strict about missing names.
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)


def html_page(report: AnnualReport, images: dict[str, str] | None = None) -> str:
    """The report as one self-contained HTML page."""
    return _environment().get_template("annual_report.html").render(
        year=report.year, tables=report_tables(report), images=images or {},
        notes=report.notes)
