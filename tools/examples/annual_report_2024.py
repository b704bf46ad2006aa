"""Writes docs/examples/annual-report-2024.jsonl: an import file whose report for 2024
reproduces the published figures of the Ethics Office's 2024 annual report.

Published, and reproduced exactly: Table 1 (2022-2024), Figure I's 2020 end point, the 2024
shares of Figure II's groups (work environment 328 = 35.5 %, conflict of interest 33.6 %,
workplace issues 14.6 %, which include the 22 advice requests about retaliation), the 2023
figures of 156 work-environment and 18 retaliation requests, and the 2024 retaliation
figures: 14 requests, 9 of them from outside headquarters; their determinations (3 prima
facie, 5 not, 2 still under review, 3 suspended, 1 closed and referred as misconduct); 2 of
the 3 prima facie cases with protective measures recommended; 2 reviews asked of the
Ethics Panel chair (1 upheld, 1 returned); 2 independent reviews completed (retaliation
established in a case of 2023, not substantiated in one of 2024); and Table 2. Not
published, so illustrative here: the split of conflict of interest into its six
sub-categories, the rest of the sub-category figures before 2024, the retaliation outcomes
before 2024, the duty stations outside headquarters (country offices here), training
participants, which advice requests of 2024 were made for a group (one in twelve) or
anonymously (one in fifty), and every date within its year. 2021 is absent: the report
gives no figure for it, so Figure I shows it as no data.

Run: python tools/examples/annual_report_2024.py [OUTPUT]
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "examples" / "annual-report-2024.jsonl"

# Table 1 of the report, without advice and retaliation (their own kinds below).
SERVICES = {
    "champion_request": {2022: 20, 2023: 26, 2024: 21},
    "training": {2022: 87, 2023: 81, 2024: 122},
    "disclosure_support": {2022: 118, 2023: 63, 2024: 367},
    "external_communication": {2022: 509, 2023: 469, 2024: 567},
    "media_inquiry": {2022: 2, 2023: 0, 2024: 0},
    "misconduct": {2022: 71, 2023: 19, 2024: 66},
    "policy_input": {2022: 88, 2023: 38, 2024: 34},
    "ethics_coherence": {2022: 58, 2023: 55, 2024: 50},
}
ADVICE = {
    2020: {"work_environment": 70, "coi_outside_activities": 70, "coi_gifts_hospitality": 40,
           "coi_family_relationships": 25, "coi_investments": 8, "coi_political_activities": 4,
           "coi_social_media": 3, "workplace_conflict": 50, "retaliation_advice": 10,
           "other": 40},
    2022: {"work_environment": 120, "coi_outside_activities": 100,
           "coi_gifts_hospitality": 55, "coi_family_relationships": 35, "coi_investments": 15,
           "coi_political_activities": 8, "coi_social_media": 7, "workplace_conflict": 90,
           "retaliation_advice": 15, "other": 71},
    2023: {"work_environment": 156, "coi_outside_activities": 115,
           "coi_gifts_hospitality": 60, "coi_family_relationships": 40, "coi_investments": 17,
           "coi_political_activities": 9, "coi_social_media": 9, "workplace_conflict": 120,
           "retaliation_advice": 18, "other": 100},
    # Workplace issues, 135 (14.6 %): 113 of their own and the 22 about retaliation.
    2024: {"work_environment": 328, "coi_outside_activities": 140,
           "coi_gifts_hospitality": 75, "coi_family_relationships": 50, "coi_investments": 22,
           "coi_political_activities": 12, "coi_social_media": 12, "workplace_conflict": 113,
           "retaliation_advice": 22, "other": 151},
}
# Each complaint's outcome as of the end of its year. 2023's second prima facie case had its
# independent review in 2024 (INDEPENDENT_REVIEWS); 2024's not_substantiated case was
# found prima facie and reviewed within 2024.
RETALIATION = {
    2022: {"prima_facie_established": 1, "no_prima_facie": 2, "not_substantiated": 1},
    2023: {"prima_facie_established": 2, "no_prima_facie": 3},
    2024: {"prima_facie_established": 2, "not_substantiated": 1, "no_prima_facie": 5,
           "under_review": 2, "suspended": 3, "closed_referred_misconduct": 1},
}
GROUP_EVERY_2024 = 12  # illustrative: every 12th advice request of 2024 made for a group
ANONYMOUS_EVERY_2024 = 50  # illustrative: every 50th made anonymously ("very few")
HEADQUARTERS_2024 = 5  # of the 14 requests of 2024, 9 came from outside headquarters
MEASURES_2024 = 2  # of the 3 prima facie cases of 2024, 2 got protective measures
PANEL_REVIEWS = {2024: ["requested", "requested", "upheld", "returned"]}
INDEPENDENT_REVIEWS = {2024: ["retaliation_established"]}  # of the 2023 case
DISCLOSURE = {2018: (2160, 2158), 2019: (1613, 1613), 2020: (1626, 1626),
              2021: (1677, 1677), 2022: (1630, 1630), 2023: (1738, 1738), 2024: (1754, 1750)}


def _day(year: int, n: int) -> str:
    """The n-th date of a year, spread over it without randomness."""
    return (date(year, 1, 1) + timedelta(days=(n * 37) % 365)).isoformat()


def lines() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for category, years in SERVICES.items():
        for year, count in years.items():
            for n in range(count):
                line: dict[str, object] = {"kind": "service", "category": category,
                                           "date": _day(year, n)}
                if category == "training":
                    line["participants"] = 8 + (n * 13) % 53
                out.append(line)
    for year, leaves in ADVICE.items():
        n = 0
        for subcategory, count in leaves.items():
            for _ in range(count):
                line = {"kind": "advice", "subcategory": subcategory, "date": _day(year, n)}
                if year == 2024 and n % GROUP_EVERY_2024 == GROUP_EVERY_2024 - 1:
                    line["requester_type"] = "group"
                if year == 2024 and n % ANONYMOUS_EVERY_2024 == ANONYMOUS_EVERY_2024 - 1:
                    line["anonymous"] = True
                out.append(line)
                n += 1
    for year, outcomes in RETALIATION.items():
        n = 0
        for outcome, count in outcomes.items():
            for _ in range(count):
                line = {"kind": "retaliation", "outcome": outcome, "date": _day(year, n)}
                if year == 2024:
                    line["duty_station"] = ("headquarters" if n < HEADQUARTERS_2024
                                            else "country_office")
                    if n < MEASURES_2024:  # the first of the prima facie cases
                        line["protective_measures"] = True
                out.append(line)
                n += 1
    for year, steps in PANEL_REVIEWS.items():
        out += [{"kind": "panel_review", "step": step, "date": _day(year, 200 + n)}
                for n, step in enumerate(steps)]
    for year, results in INDEPENDENT_REVIEWS.items():
        out += [{"kind": "independent_review", "result": result, "date": _day(year, 300 + n)}
                for n, result in enumerate(results)]
    out += [{"kind": "disclosure", "year": year, "filers": filers, "compliant": compliant}
            for year, (filers, compliant) in DISCLOSURE.items()]
    return out


def text() -> str:
    return "".join(json.dumps(line, separators=(", ", ": ")) + "\n" for line in lines())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text(), encoding="utf-8")
    print(f"wrote {target}")
