"""The report as data: JSON keyed by the codes of docs/vocabulary.md and by years, and CSV rows."""

from __future__ import annotations

import csv
import io
from typing import Any

from shared.domain.annual_report import AnnualReport, Share
from shared.domain.handling_times import ManagementIndicators

CSV_HEADER = ("section", "code", "year", "measure", "value")


def _share(share: Share, parent: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"count": share.count, "percent": share.percent}
    if parent is not None:
        entry["group"] = parent
    if share.parts:
        entry["subcategories"] = [part.code for part in share.parts]
    return entry


def retaliation_json(report: AnnualReport) -> dict[str, Any]:
    r = report.retaliation
    f = r.figures
    return {
        "year": report.year,
        "requests": r.requests,
        "outside_headquarters": r.outside_headquarters,
        "duty_stations": {**r.duty_stations, "not_recorded": r.duty_station_not_recorded},
        "preliminary_review": dict(f.determinations),
        "suspension_reasons": dict(f.suspension_reasons),
        "ethics_panel_reviews": dict(f.panel_reviews),
        "protective_measures": {"prima_facie_cases": f.prima_facie,
                                "with_recommendation": f.with_protective_measures},
        "independent_reviews": dict(f.independent_reviews),
    }


def indicators_json(indicators: ManagementIndicators) -> dict[str, Any]:
    """Per form: the cases, days to each milestone (median and 90th percentile over the
    cases that reached it), the cases reopened, and each clock's counts and share met."""
    return {
        "year": indicators.year,
        "as_of": indicators.as_of.isoformat(timespec="seconds"),
        "forms": {form: {
            "cases": f.cases,
            "days_to": {m: {"reached": d.reached, "pending": d.pending, "median": d.median,
                            "p90": d.p90} for m, d in f.durations.items()},
            "reopened": {"cases": f.reopened_cases, "reopenings": f.reopenings},
            "clocks": {c: {"met": k.met, "missed": k.missed, "overdue": k.overdue,
                           "running": k.running, "percent_met": k.percent_met}
                       for c, k in f.clocks.items()},
        } for form, f in indicators.forms.items()},
    }


def report_json(report: AnnualReport) -> dict[str, Any]:
    """Categories, sub-categories (a group's total beside the members listed under it),
    determinations, steps and years as keys; Figure II in the report's order; a year of
    Figure I with no advice recorded as null."""
    figure_2: dict[str, Any] = {}
    for group in report.figure_2:
        figure_2[group.code] = _share(group, None)
        for part in group.parts:
            figure_2[part.code] = _share(part, group.code)
    b = report.breakdowns
    return {
        "year": report.year,
        "table_1": {
            "years": list(report.table_1_years),
            "categories": {code: {str(y): n for y, n in row.items()}
                           for code, row in report.table_1.items()},
            "total": {str(y): n for y, n in report.table_1_total.items()},
        },
        "figure_1": {str(y): n for y, n in report.figure_1.items()},
        "figure_2": {"year": report.year, "n": report.figure_2_n, "subcategories": figure_2},
        "retaliation": retaliation_json(report),
        "misconduct_referrals": {"year": report.year, "count": report.misconduct_referrals},
        "retaliation_referrals": {"year": report.year, "count": report.retaliation_referrals},
        "breakdowns": {"year": report.year,
                       "advice_group_requests": b.advice_group_requests,
                       "anonymous_requests": dict(b.anonymous_requests),
                       "training_participants": b.training_participants},
        "submissions_by_channel": {"year": report.year, "forms": {
            form: dict(channels) for form, channels in report.by_channel.items()}},
        "table_2": {str(y): (None if f is None else
                             {"filers": f.filers, "compliant": f.compliant,
                              "compliance": f.compliance,
                              # a year counted from the disclosure programme's records
                              **({} if f.separated_without_filing is None else {
                                  "separated_without_filing": f.separated_without_filing,
                                  "compliance_still_employed":
                                      f.compliance_still_employed})})
                    for y, f in report.table_2.items()},
        "disclosure_outcomes": None if report.disclosure_outcomes is None else {
            "year": report.year, **vars(report.disclosure_outcomes)},
        **({"management_indicators": indicators_json(report.indicators)}
           if report.indicators is not None else {}),
        "notes": list(report.notes),
    }


def report_rows(report: AnnualReport) -> list[tuple[str, str, int, str, Any]]:
    """Every number of the report as one row: (section, code, year, measure, value). A
    section is the JSON key the number is under (``retaliation.preliminary_review``)."""
    y = report.year
    rows: list[tuple[str, str, int, str, Any]] = []
    for code, row in report.table_1.items():
        rows += [("table_1", code, x, "count", n) for x, n in row.items()]
    rows += [("table_1", "total", x, "count", n) for x, n in report.table_1_total.items()]
    rows += [("figure_1", "advice", x, "count", n) for x, n in report.figure_1.items()]
    rows.append(("figure_2", "n", y, "count", report.figure_2_n))
    for group in report.figure_2:
        for share in (group, *group.parts):
            rows.append(("figure_2", share.code, y, "count", share.count))
            rows.append(("figure_2", share.code, y, "percent", share.percent))
    retaliation = retaliation_json(report)
    rows.append(("retaliation", "requests", y, "count", retaliation["requests"]))
    rows.append(("retaliation", "outside_headquarters", y, "count",
                 retaliation["outside_headquarters"]))
    for key in ("duty_stations", "preliminary_review", "suspension_reasons",
                "ethics_panel_reviews", "protective_measures", "independent_reviews"):
        rows += [(f"retaliation.{key}", code, y, "count", n)
                 for code, n in retaliation[key].items()]
    rows.append(("misconduct_referrals", "misconduct", y, "count",
                 report.misconduct_referrals))
    rows.append(("retaliation_referrals", "retaliation", y, "count",
                 report.retaliation_referrals))
    b = report.breakdowns
    rows.append(("breakdowns", "advice_group_requests", y, "count", b.advice_group_requests))
    rows += [("breakdowns.anonymous_requests", form, y, "count", n)
             for form, n in b.anonymous_requests.items()]
    rows.append(("breakdowns", "training_participants", y, "count", b.training_participants))
    for form, channels in report.by_channel.items():
        rows += [(f"submissions_by_channel.{form}", channel, y, "count", n)
                 for channel, n in channels.items()]
    for x, f in report.table_2.items():
        if f is not None:
            rows += [("table_2", "disclosure", x, "filers", f.filers),
                     ("table_2", "disclosure", x, "compliant", f.compliant),
                     ("table_2", "disclosure", x, "compliance", f.compliance)]
            if f.separated_without_filing is not None:
                rows += [("table_2", "disclosure", x, "separated_without_filing",
                          f.separated_without_filing),
                         ("table_2", "disclosure", x, "compliance_still_employed",
                          f.compliance_still_employed)]
    outcomes = report.disclosure_outcomes
    if outcomes is not None:
        rows += [("disclosure_outcomes", code, y, measure, value)
                 for code, count, share in (
                     ("cleared", outcomes.cleared, outcomes.cleared_percent),
                     ("guidance", outcomes.guidance, outcomes.guidance_percent))
                 for measure, value in (("count", count), ("percent", share))]
    if report.indicators is not None:
        rows += indicator_rows(report.indicators)
    return rows


def indicator_rows(indicators: ManagementIndicators) -> list[tuple[str, str, int, str, Any]]:
    """The indicators as rows: ``management_indicators.<form>`` sections; a milestone
    or clock is the code, a figure the measure (``median_days``, ``percent_met``...)."""
    y = indicators.year
    rows: list[tuple[str, str, int, str, Any]] = []
    for form, f in indicators.forms.items():
        section = f"management_indicators.{form}"
        rows.append((section, "cases", y, "count", f.cases))
        for m, d in f.durations.items():
            rows += [(section, m, y, "reached", d.reached), (section, m, y, "pending", d.pending),
                     (section, m, y, "median_days", d.median), (section, m, y, "p90_days", d.p90)]
        rows += [(section, "reopened", y, "cases", f.reopened_cases),
                 (section, "reopened", y, "reopenings", f.reopenings)]
        for c, k in f.clocks.items():
            rows += [(section, c, y, "met", k.met), (section, c, y, "missed", k.missed),
                     (section, c, y, "overdue", k.overdue),
                     (section, c, y, "running", k.running),
                     (section, c, y, "percent_met", k.percent_met)]
    return rows


def report_csv(report: AnnualReport) -> str:
    """The rows as CSV; a value that is not recorded (a year of Figure I with no advice, a
    share of nothing) is an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for section, code, year, measure, value in report_rows(report):
        writer.writerow((section, code, year, measure, "" if value is None else value))
    return out.getvalue()
