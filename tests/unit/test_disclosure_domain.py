"""The disclosure programme's rules, without storage: settings, the roster's diff, due
dates, which reminders are due, declarations' answers, compliance and outcome shares."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.disclosure import (
    ESCALATION,
    FILED,
    FILER_REMINDER,
    PENDING,
    SEPARATED,
    WITHDRAWN,
    Campaign,
    DisclosureError,
    Obligation,
    ProgrammeSettings,
    Reminder,
    compliance,
    due_date,
    parse_content,
    parse_filer,
    parse_settings,
    reminders_due,
    roster_diff,
)
from tests.support.disclosure import nothing_to_declare, roster_line, with_items

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


class TestSettings:
    def test_the_defaults_are_the_un_secretariats(self) -> None:
        s = parse_settings("{}")
        t = s.thresholds
        assert (t.assets_at_least, t.outside_income_over, t.gifts_at_least_per_source,
                t.liabilities_at_least_per_creditor, t.stock_options_at_least) == (
            10_000, 10_000, 250, 50_000, None)
        assert s.default_due(2025) == date(2026, 3, 31)

    def test_thresholds_and_dates_are_configuration(self) -> None:
        s = parse_settings('{"thresholds": {"gifts_at_least_per_source": 100}, '
                           '"due_month": 4, "due_day": 30, "reminder_days": [7, -7], '
                           '"unit_heads": {"Head@Example.org": ["finance"]}}')
        assert s.thresholds.gifts_at_least_per_source == 100
        assert s.default_due(2025) == date(2026, 4, 30)
        assert s.reminder_days == (-7, 7)
        assert s.heads_of("finance") == ["head@example.org"]

    @pytest.mark.parametrize(("text", "field"), [
        ('{"due_month": 2, "due_day": 30}', "due_day"),
        ('{"thresholds": {"assets": 1}}', "thresholds"),
        ('{"reminder_days": "soon"}', "reminder_days"),
        ('{"bogus": 1}', "bogus"),
        ("[1]", "INTAKE_DISCLOSURE"),
    ])
    def test_bad_settings_are_named(self, text: str, field: str) -> None:
        with pytest.raises(DisclosureError) as refused:
            parse_settings(text)
        assert field in refused.value.errors


class TestRoster:
    def test_a_line_is_checked_field_by_field(self) -> None:
        with pytest.raises(DisclosureError) as refused:
            parse_filer({**roster_line(1), "duty_station": "moon", "email": "nope",
                         "reason": "whim", "extra": "x"})
        assert set(refused.value.errors) == {"duty_station", "email", "reason", "extra"}

    def test_joined_left_changed(self) -> None:
        before = [parse_filer(roster_line(n), at=T0) for n in range(4)]
        nominated = parse_filer(roster_line(9, reason="nominated"), source="nominated", at=T0)
        incoming = [parse_filer(roster_line(0)), parse_filer(roster_line(1, grade="D-1")),
                    parse_filer(roster_line(5))]
        diff = roster_diff([*before, nominated], incoming, at=T0)
        assert [f.staff_id for f in diff.joined] == ["S000005"]
        assert [(f.staff_id, f.status) for f in diff.left] == [
            ("S000002", SEPARATED), ("S000003", SEPARATED)]  # never the nominated filer
        assert [f.staff_id for f in diff.changed] == ["S000001"]
        assert diff.unchanged == 1

    def test_an_address_signs_in_one_filer(self) -> None:
        nominated = parse_filer(roster_line(9, reason="nominated"), source="nominated", at=T0)
        clash = parse_filer({**roster_line(1), "email": nominated.email})
        with pytest.raises(DisclosureError) as refused:
            roster_diff([nominated], [clash], at=T0)
        assert list(refused.value.errors) == ["line 1"]

    def test_a_roster_naming_someone_twice_is_refused(self) -> None:
        line = parse_filer(roster_line(1))
        with pytest.raises(DisclosureError):
            roster_diff([], [line, line], at=T0)


class TestDueDates:
    campaign = Campaign(2025, date(2026, 3, 31), T0, "admin@example.org")
    settings = ProgrammeSettings()

    def test_a_filer_of_the_roster_is_due_on_the_campaigns_date(self) -> None:
        assert due_date(self.campaign, parse_filer(roster_line(1)), self.settings) == date(
            2026, 3, 31)

    def test_a_filer_appointed_during_the_cycle_has_30_days(self) -> None:
        filer = parse_filer({**roster_line(1), "appointed_on": "2026-03-20"})
        assert due_date(self.campaign, filer, self.settings) == date(2026, 4, 19)
        early = parse_filer({**roster_line(1), "appointed_on": "2026-01-10"})
        assert due_date(self.campaign, early, self.settings) == date(2026, 3, 31)


class TestReminders:
    settings = ProgrammeSettings(reminder_days=(-14, -3, 7), escalation_days=(14,))
    obligation = Obligation(2025, "S1", date(2026, 3, 31), "finance")

    @pytest.mark.parametrize(("today", "expected"), [
        (date(2026, 3, 16), []),
        (date(2026, 3, 17), [(FILER_REMINDER, -14)]),
        (date(2026, 3, 28), [(FILER_REMINDER, -3)]),
        (date(2026, 4, 7), [(FILER_REMINDER, 7)]),
        (date(2026, 4, 14), [(FILER_REMINDER, 7), (ESCALATION, 14)]),
    ])
    def test_the_latest_threshold_reached_of_each_kind(
            self, today: date, expected: list[tuple[str, int]]) -> None:
        assert reminders_due(self.obligation, today, self.settings) == [
            Reminder(kind, 2025, "S1", days) for kind, days in expected]

    @pytest.mark.parametrize("state", [FILED, SEPARATED, WITHDRAWN])
    def test_nothing_once_the_obligation_is_met_or_closed(self, state: str) -> None:
        from dataclasses import replace

        done = replace(self.obligation, state=state)
        assert reminders_due(done, date(2026, 5, 1), self.settings) == []


class TestDeclarations:
    def test_every_member_answers_every_section(self) -> None:
        content = parse_content(with_items(spouse=True, children=2), kind="annual")
        assert set(content.answers["assets"]) == {"self", "spouse", "child_1", "child_2"}
        assert content.counterparts() == ["Acme Supplies Ltd", "Friends of the Park"]
        assert not content.nothing_declared
        assert parse_content(nothing_to_declare(), kind="annual").nothing_declared

    def test_both_items_and_nothing_to_declare_is_refused(self) -> None:
        body = nothing_to_declare()
        body["sections"]["gifts"]["self"] = {
            "nothing_to_declare": True, "items": [{"description": "A watch"}]}
        with pytest.raises(DisclosureError) as refused:
            parse_content(body, kind="annual")
        assert list(refused.value.errors) == ["sections.gifts.self"]

    def test_an_ad_hoc_declaration_says_why(self) -> None:
        with pytest.raises(DisclosureError) as refused:
            parse_content(nothing_to_declare(), kind="ad_hoc")
        assert list(refused.value.errors) == ["ad_hoc_reason"]


def test_compliance_counts_leavers_apart() -> None:
    due = date(2026, 3, 31)
    obligations = [
        *(Obligation(2025, f"F{n}", due, "u", FILED,
                     filed_at=datetime(2026, 3, 1, tzinfo=UTC)) for n in range(1750)),
        *(Obligation(2025, f"S{n}", due, "u", SEPARATED) for n in range(4)),
        Obligation(2025, "W", due, "u", WITHDRAWN),
        Obligation(2024, "old", due, "u", PENDING),
    ]
    figures = compliance(2025, obligations)
    assert (figures.filers, figures.filed, figures.separated_without_filing) == (1754, 1750, 4)
    assert (figures.compliance, figures.compliance_employed) == (99.8, 100.0)
