"""Every essential path with JavaScript turned off: each form sent to its confirmation, and
the follow-up page opened with a receipt to add information."""

from __future__ import annotations

from typing import Any

from tests.browser.flows import RECEIPT, REFERENCE, WORDS
from tests.support.browser import Runner

W = WORDS["pt"]


def send(page: Any, runner: Runner, form: str, fills: dict[str, str],
         checks: list[str], selects: dict[str, str]) -> str:
    page.goto(f"{runner.base_url}/forms/{form}?lang=pt")
    for name, value in fills.items():
        page.fill(f"[name='{name}']", value)
    for selector in checks:
        page.check(selector)
    for name, value in selects.items():
        page.select_option(f"[name='{name}']", value)
    page.click("button[type=submit]")
    assert page.locator("h1").count() == 1
    found = REFERENCE.search(page.locator(".reference").inner_text())
    assert found, page.content()[:3000]
    return found.group()


def test_every_form_works_without_javascript(page_without_js: Any, runner: Runner) -> None:
    page = page_without_js
    send(page, runner, "advice",
         {"question": W["question"], "name": W["name"], "email": "pessoa@example.org"},
         ["#f-category-0", "#f-anonymous-1", "#f-consent_privacy_notice"], {})
    send(page, runner, "misconduct",
         {"what": W["story"], "location": W["place"], "incident_date": "2025-05-02",
          "subjects.0.name": W["name"], "witnesses.0.name": W["name"]},
         ["#f-allegation_type-0", "#f-anonymous-0", "#f-consent_forwarding",
          "#f-witnesses-0-may_contact"], {"duty_station": "country_office"})
    assert RECEIPT.fullmatch(page.locator(".receipt .code").inner_text())
    assert page.locator("[data-print]").is_hidden()  # the print button needs the script
    send(page, runner, "retaliation",
         {"complainant.name": W["name"], "complainant.email": "pessoa@example.org",
          "protected_activity.date": "2025-08-01", "protected_activity.reported_to": W["place"],
          "protected_activity.description": W["story"], "retaliatory_acts.0.date": "2025-09-01",
          "retaliatory_acts.0.description": W["story"], "retaliatory_acts.0.by_whom": W["name"],
          "link_explanation": W["story"], "witnesses.0.name": W["name"]},
         ["#f-protected_activity-type-0", "#f-witnesses-0-may_contact-1",
          "#f-consent_privacy_notice", "#f-interim_measures_requested-1"],
         {"employment.staff_category": "general_service",
          "employment.duty_station": "regional_office"})


def test_the_follow_up_page_works_without_javascript(page_without_js: Any,
                                                      runner: Runner) -> None:
    page = page_without_js
    reference = send(page, runner, "advice", {"question": W["question"]},
                     ["#f-category-1", "#f-anonymous-0", "#f-consent_privacy_notice"],
                     {"subcategory": "coi_investments"})
    receipt = page.locator(".receipt .code").inner_text()
    page.goto(f"{runner.base_url}/forms/follow-up?lang=pt")
    page.fill("#f-reference", reference)
    page.fill("#f-receipt", receipt)
    page.click("button[type=submit]")
    assert reference in page.locator(".status").inner_text()
    page.fill("#f-message", W["story"])
    page.click("button[type=submit]")
    assert page.locator(".notice").is_visible()
    assert W["story"] in page.locator(".messages").inner_text()
