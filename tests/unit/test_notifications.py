from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain import notifications
from tests.support.payloads import SENSITIVE

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(("template", "role"), [(t, r) for t, roles in
                                                notifications.TEMPLATES.items() for r in roles])
def test_every_notification_names_the_reference_and_nothing_personal(template: str,
                                                                     role: str) -> None:
    message = notifications.render(
        template, role, reference="ETH-MIS-7K3MQ-9TZ4X", at=AT,
        case_url="https://office.example/cases/ETH-MIS-7K3MQ-9TZ4X",
        follow_up_url="https://forms.example/follow-up", investigations_case_id="OIAI-000001",
        attempts=2, reason_code="refused by the investigations office (HTTP 422)",
        qualifier="preliminary_review_due.20260401.due_today")
    text = message.subject + message.body
    assert "ETH-MIS-7K3MQ-9TZ4X" in text
    assert not [s for s in SENSITIVE if s in text]
    qualifier = "preliminary_review_due.20260401.due_today" if template == "deadline_alert" \
        else ""
    made = notifications.item(template, role, qualifier)
    assert notifications.parse_item(made) == (template, role, qualifier)


def test_unknown_notifications_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        notifications.parse_item("referral_made-reporter")
    with pytest.raises(ValueError, match="no"):
        notifications.item("reporter_ack", "ethics_office")
