"""The report as data: JSON keyed by the codes of DOMAIN.md and by years, and CSV rows."""

from __future__ import annotations

import csv
import io
from typing import Any

from shared.domain.annual_report import AnnualReport, Share

CSV_HEADER = ("section", "code", "year", "measure", "value")


def _share(share: Share, parent: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"count": share.count, "percent": share.percent}
    if parent is not None:
        entry["group"] = parent
    if share.parts:
        entry["subcategories"] = [part.code for part in share.parts]
    return entry


def report_json(report: AnnualReport) -> dict[str, Any]:
    """Categories, sub-categories (the conflict_of_interest group total beside its
    members), outcomes and years as keys; Figure II in the report's order."""
    figure_2: dict[str, Any] = {}
    for group in report.figure_2:
        figure_2[group.code] = _share(group, None)
        for part in group.parts:
            figure_2[part.code] = _share(part, group.code)
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
        "retaliation_outcomes": {"year": report.year, "total": report.retaliation_total,
                                 "outcomes": dict(report.retaliation_outcomes)},
        "misconduct_referrals": {"year": report.year, "count": report.misconduct_referrals},
        "table_2": {str(y): (None if f is None else
                             {"filers": f.filers, "compliant": f.compliant,
                              "compliance": f.compliance})
                    for y, f in report.table_2.items()},
        "notes": list(report.notes),
    }


def report_rows(report: AnnualReport) -> list[tuple[str, str, int, str, Any]]:
    """Every number of the report as one row: (section, code, year, measure, value)."""
    rows: list[tuple[str, str, int, str, Any]] = []
    for code, row in report.table_1.items():
        rows += [("table_1", code, y, "count", n) for y, n in row.items()]
    rows += [("table_1", "total", y, "count", n) for y, n in report.table_1_total.items()]
    rows += [("figure_1", "advice", y, "count", n) for y, n in report.figure_1.items()]
    rows.append(("figure_2", "n", report.year, "count", report.figure_2_n))
    for group in report.figure_2:
        for share in (group, *group.parts):
            rows.append(("figure_2", share.code, report.year, "count", share.count))
            rows.append(("figure_2", share.code, report.year, "percent", share.percent))
    rows.append(("retaliation_outcomes", "total", report.year, "count",
                 report.retaliation_total))
    rows += [("retaliation_outcomes", code, report.year, "count", n)
             for code, n in report.retaliation_outcomes.items()]
    rows.append(("misconduct_referrals", "misconduct", report.year, "count",
                 report.misconduct_referrals))
    for y, f in report.table_2.items():
        if f is not None:
            rows += [("table_2", "disclosure", y, "filers", f.filers),
                     ("table_2", "disclosure", y, "compliant", f.compliant),
                     ("table_2", "disclosure", y, "compliance", f.compliance)]
    return rows


def report_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for section, code, year, measure, value in report_rows(report):
        writer.writerow((section, code, year, measure, "" if value is None else value))
    return out.getvalue()
