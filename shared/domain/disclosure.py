"""The conflict-of-interest and financial disclosure programme: filers, the annual campaign,
declarations, their review, reminders and compliance. Pure Python.

- A **filer** is a person of the roster (imported from HR) or nominated by a head of unit,
  keyed by staff id. A filer leaves the programme as ``separated`` (left the organisation:
  gone from HR's roster) or ``withdrawn`` (a head of unit withdrew a nomination).
- A **campaign** opens the cycle of a reporting year: each active filer gets an
  **obligation** for that year, due on the campaign's due date (end of March of the next
  year by default), or 30 days after appointment for a filer appointed during the cycle.
  An obligation is ``pending`` until a declaration is filed (``filed``, ``late`` if after
  the due date), or is closed as ``separated`` when the filer leaves without filing.
- A **declaration** (annual, for a year, or ad hoc, at any time) holds one answer per
  section and household member: items, or an explicit "nothing to declare". It can be
  amended (a new version; every version is kept) until an officer records its **review**:
  no conflict, conflict mitigated, or guidance given (the guidance is a reply the filer
  reads after signing in).
- **Reminders** go out at thresholds in days from the due date (negative: before),
  **escalations** to the head of unit at thresholds after it; each once per obligation.

Declarations are shaped so that a later check can use them: each item keeps its section,
member and the free text that names a counterpart (``counterpart``), which a verification
or a recusal of case handlers by their own declarations can compare against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Final

from shared.domain.taxonomy import DUTY_STATIONS, STAFF_CATEGORIES
from shared.domain.text_input import forbidden_character, is_email

# Why a person files.
REASONS: Final = ("seniority", "procurement", "investment", "confidential_information",
                  "ethics_office_staff", "nominated")
# Sections of a declaration, in the form's order.
SECTIONS: Final = ("assets", "outside_income", "gifts", "liabilities", "stock_options",
                   "outside_activities", "relationships")
# Filer states.
ACTIVE: Final = "active"
SEPARATED: Final = "separated"
WITHDRAWN: Final = "withdrawn"
# Obligation states.
PENDING: Final = "pending"
FILED: Final = "filed"
OBLIGATION_STATES: Final = (PENDING, FILED, SEPARATED, WITHDRAWN)
# Declaration kinds.
ANNUAL: Final = "annual"
AD_HOC: Final = "ad_hoc"
KINDS: Final = (ANNUAL, AD_HOC)
# Review outcomes.
NO_CONFLICT: Final = "no_conflict"
CONFLICT_MITIGATED: Final = "conflict_mitigated"
GUIDANCE_GIVEN: Final = "guidance_given"
OUTCOMES: Final = (NO_CONFLICT, CONFLICT_MITIGATED, GUIDANCE_GIVEN)
# Who a reminder goes to.
FILER_REMINDER: Final = "reminder"
ESCALATION: Final = "escalation"

NEW_FILER_DAYS: Final = 30
MAX_TEXT: Final = 500
MAX_ITEMS: Final = 50
MAX_CHILDREN: Final = 12
STAFF_ID_MAX: Final = 40


class DisclosureError(ValueError):
    """Input the programme cannot take; ``errors`` maps each field to why."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


# --- Configuration ---------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """What must be declared (USD): the form explains these. ``None``: at any value."""

    assets_at_least: int = 10_000
    outside_income_over: int = 10_000
    gifts_at_least_per_source: int = 250
    liabilities_at_least_per_creditor: int = 50_000
    stock_options_at_least: int | None = None
    outside_activities_always: bool = True


@dataclass(frozen=True)
class ProgrammeSettings:
    """The programme's configuration (``INTAKE_DISCLOSURE``)."""

    thresholds: Thresholds = Thresholds()
    due_month: int = 3
    due_day: int = 31
    new_filer_days: int = NEW_FILER_DAYS
    reminder_days: tuple[int, ...] = (-14, -3, 7)  # from the due date
    escalation_days: tuple[int, ...] = (14,)  # after the due date, to the head of unit
    unit_heads: Mapping[str, frozenset[str]] = field(default_factory=dict)  # e-mail -> units

    def default_due(self, year: int) -> date:
        """The campaign's due date for reporting ``year``: in the next calendar year."""
        return date(year + 1, self.due_month, self.due_day)

    def units_headed_by(self, email: str) -> frozenset[str]:
        return self.unit_heads.get(email.strip().lower(), frozenset())

    def heads_of(self, unit: str) -> list[str]:
        return sorted(e for e, units in self.unit_heads.items() if unit in units)


def parse_settings(text: str) -> ProgrammeSettings:
    """The programme's settings from their JSON text; DisclosureError says what is wrong."""
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        raise DisclosureError({"INTAKE_DISCLOSURE": ["Not valid JSON."]}) from None
    if not isinstance(raw, dict):
        raise DisclosureError({"INTAKE_DISCLOSURE": ["Must be a JSON object."]})
    known = {"thresholds", "due_month", "due_day", "new_filer_days", "reminder_days",
             "escalation_days", "unit_heads"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DisclosureError({k: ["Unknown setting."] for k in unknown})
    defaults = ProgrammeSettings()
    errors: dict[str, list[str]] = {}

    def whole(name: str, value: Any, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = [f"A whole number from {low} to {high}."]
            return low
        return value

    thresholds = defaults.thresholds
    if "thresholds" in raw:
        t = raw["thresholds"]
        fields_ = set(vars(Thresholds()))
        if not isinstance(t, dict) or set(t) - fields_:
            errors["thresholds"] = [f"An object with keys among {sorted(fields_)}."]
        else:
            values: dict[str, Any] = {}
            for key, value in t.items():
                if key == "outside_activities_always":
                    if not isinstance(value, bool):
                        errors[f"thresholds.{key}"] = ["true or false."]
                    values[key] = bool(value)
                elif key == "stock_options_at_least" and value is None:
                    values[key] = None
                else:
                    values[key] = whole(f"thresholds.{key}", value, 0, 10**12)
            thresholds = replace(thresholds, **values)
    month = whole("due_month", raw.get("due_month", defaults.due_month), 1, 12)
    day = whole("due_day", raw.get("due_day", defaults.due_day), 1, 31)
    try:
        date(2001, month, day)
    except ValueError:
        errors["due_day"] = ["No such day in that month."]

    def days(name: str, low: int, high: int) -> tuple[int, ...]:
        value = raw.get(name, list(getattr(defaults, name)))
        if not isinstance(value, list) or len(value) > 20:
            errors[name] = ["A list of at most 20 whole numbers of days."]
            return ()
        return tuple(sorted({whole(name, v, low, high) for v in value}))

    heads: dict[str, frozenset[str]] = {}
    raw_heads = raw.get("unit_heads", {})
    if not isinstance(raw_heads, dict):
        errors["unit_heads"] = ["An object: e-mail address -> list of units."]
    else:
        for email, units in raw_heads.items():
            if not is_email(email) or not isinstance(units, list) or not all(
                    isinstance(u, str) and u.strip() for u in units):
                errors["unit_heads"] = ["Each key an e-mail address, each value a list of "
                                        "unit names."]
                break
            heads[email.strip().lower()] = frozenset(u.strip() for u in units)
    settings = ProgrammeSettings(
        thresholds=thresholds, due_month=month, due_day=day,
        new_filer_days=whole("new_filer_days", raw.get("new_filer_days", NEW_FILER_DAYS),
                             1, 365),
        reminder_days=days("reminder_days", -365, 365),
        escalation_days=days("escalation_days", 1, 365),
        unit_heads=heads)
    if errors:
        raise DisclosureError(errors)
    return settings


# --- Filers and the roster ---------------------------------------------------------------

ROSTER_FIELDS: Final = ("staff_id", "name", "email", "grade", "staff_category",
                        "duty_station", "office", "reason", "unit", "appointed_on")


@dataclass(frozen=True)
class Filer:
    staff_id: str
    name: str
    email: str  # normalised
    grade: str
    staff_category: str
    duty_station: str
    office: str
    reason: str
    unit: str  # the nominating unit
    appointed_on: date | None = None
    status: str = ACTIVE
    source: str = "roster"  # "roster" (HR's import) or "nominated" (a head of unit)
    joined_at: datetime | None = None
    left_on: date | None = None

    def profile(self) -> tuple[Any, ...]:
        """What a roster line says of the filer: a change in any is a change."""
        return tuple(getattr(self, f) for f in ROSTER_FIELDS)


def _text(errors: dict[str, list[str]], name: str, value: Any, *, limit: int = 200,
          required: bool = True) -> str:
    if value is None or value == "":
        if required:
            errors[name] = ["Required."]
        return ""
    if not isinstance(value, str):
        errors[name] = ["Must be text."]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = ["Required."]
    elif len(value) > limit:
        errors[name] = [f"At most {limit} characters."]
    elif forbidden_character(value) is not None:
        errors[name] = ["Contains a character that is not allowed."]
    return str(value)


def parse_filer(raw: Mapping[str, Any], *, source: str = "roster",
                at: datetime | None = None) -> Filer:
    """A filer from one roster line or nomination; DisclosureError names each bad field."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(ROSTER_FIELDS))
    for key in unknown:
        errors[str(key)[:40]] = ["Unknown field."]
    staff_id = _text(errors, "staff_id", raw.get("staff_id"), limit=STAFF_ID_MAX)
    if staff_id and not all(ch.isalnum() or ch in "-_." for ch in staff_id):
        errors["staff_id"] = ["Letters, digits, '-', '_' and '.' only."]
    name = _text(errors, "name", raw.get("name"))
    email = _text(errors, "email", raw.get("email"), limit=254).lower()
    if email and not is_email(email):
        errors["email"] = ["Not an e-mail address."]
    grade = _text(errors, "grade", raw.get("grade"), limit=20)
    category = _text(errors, "staff_category", raw.get("staff_category"), limit=40)
    if category and category not in STAFF_CATEGORIES:
        errors["staff_category"] = [f"One of {', '.join(STAFF_CATEGORIES)}."]
    station = _text(errors, "duty_station", raw.get("duty_station"), limit=40)
    if station and station not in DUTY_STATIONS:
        errors["duty_station"] = [f"One of {', '.join(DUTY_STATIONS)}."]
    office = _text(errors, "office", raw.get("office"))
    reason = _text(errors, "reason", raw.get("reason"), limit=40)
    if reason and reason not in REASONS:
        errors["reason"] = [f"One of {', '.join(REASONS)}."]
    unit = _text(errors, "unit", raw.get("unit"))
    appointed = _text(errors, "appointed_on", raw.get("appointed_on"), limit=10,
                      required=False)
    appointed_on = None
    if appointed:
        try:
            appointed_on = date.fromisoformat(appointed)
        except ValueError:
            errors["appointed_on"] = ["A date, YYYY-MM-DD."]
    if errors:
        raise DisclosureError(errors)
    return Filer(staff_id, name, email, grade, category, station, office, reason, unit,
                 appointed_on, ACTIVE, source, at)


@dataclass(frozen=True)
class RosterDiff:
    """What an import of HR's roster changes: who joined, left, changed; the rest is as
    it was."""

    joined: tuple[Filer, ...] = ()
    left: tuple[Filer, ...] = ()  # as they will be stored: separated
    changed: tuple[Filer, ...] = ()  # as they will be stored
    unchanged: int = 0

    @property
    def writes(self) -> tuple[Filer, ...]:
        return self.joined + self.left + self.changed


def roster_diff(current: Iterable[Filer], incoming: Sequence[Filer], *, at: datetime
                ) -> RosterDiff:
    """The diff between the stored filers and HR's roster. Only filers who came from the
    roster can leave by being absent from it; nominated filers stay until withdrawn.
    A separated or withdrawn filer back on the roster joins again."""
    stored = {f.staff_id: f for f in current}
    seen: dict[str, Filer] = {}
    emails: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for index, filer in enumerate(incoming, start=1):
        if filer.staff_id in seen:
            errors[f"line {index}"] = [f"staff_id {filer.staff_id} appears twice."]
        if emails.setdefault(filer.email, filer.staff_id) != filer.staff_id:
            errors[f"line {index}"] = ["This e-mail address belongs to another staff_id."]
        seen[filer.staff_id] = filer
    kept = {f.email: f.staff_id for f in stored.values()
            if f.status == ACTIVE and f.source != "roster" and f.staff_id not in seen}
    for index, filer in enumerate(incoming, start=1):
        if kept.get(filer.email, filer.staff_id) != filer.staff_id:
            errors[f"line {index}"] = ["This e-mail address is a nominated filer's, under "
                                       "another staff_id."]
    if errors:
        raise DisclosureError(errors)
    joined, changed, left = [], [], []
    unchanged = 0
    for staff_id, filer in seen.items():
        before = stored.get(staff_id)
        if before is None or before.status != ACTIVE:
            joined.append(replace(filer, joined_at=at, source="roster"))
        elif before.profile() != filer.profile() or before.source != "roster":
            changed.append(replace(filer, joined_at=before.joined_at, source="roster"))
        else:
            unchanged += 1
    for staff_id, before in stored.items():
        if staff_id not in seen and before.status == ACTIVE and before.source == "roster":
            left.append(replace(before, status=SEPARATED, left_on=at.date()))
    key = lambda f: f.staff_id  # noqa: E731
    return RosterDiff(tuple(sorted(joined, key=key)), tuple(sorted(left, key=key)),
                      tuple(sorted(changed, key=key)), unchanged)


# --- Campaigns and obligations -------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    year: int  # the reporting year: interests held during it
    due_on: date
    opened_at: datetime
    opened_by: str


@dataclass(frozen=True)
class Obligation:
    """One filer's duty to file the annual declaration of a year."""

    year: int
    staff_id: str
    due_on: date
    unit: str
    state: str = PENDING
    declaration_id: str | None = None
    filed_at: datetime | None = None
    closed_on: date | None = None

    @property
    def key(self) -> str:
        return obligation_key(self.year, self.staff_id)

    @property
    def late(self) -> bool:
        return self.filed_at is not None and self.filed_at.date() > self.due_on

    def overdue(self, today: date) -> bool:
        return self.state == PENDING and today > self.due_on


def obligation_key(year: int, staff_id: str) -> str:
    return f"{year}:{staff_id}"


def due_date(campaign: Campaign, filer: Filer, settings: ProgrammeSettings) -> date:
    """The campaign's date; for a filer appointed (or joining the roster) after the campaign
    opened, ``new_filer_days`` after that, if later."""
    started = filer.appointed_on
    if started is None and filer.joined_at is not None and filer.joined_at > campaign.opened_at:
        started = filer.joined_at.date()
    if started is not None and started > campaign.opened_at.date():
        return max(campaign.due_on, started + timedelta(days=settings.new_filer_days))
    return campaign.due_on


def obligation_for(campaign: Campaign, filer: Filer, settings: ProgrammeSettings
                   ) -> Obligation:
    return Obligation(campaign.year, filer.staff_id, due_date(campaign, filer, settings),
                      filer.unit)


@dataclass(frozen=True)
class Reminder:
    """One reminder (to the filer) or escalation (to the heads of unit) of an obligation at
    one threshold: its key is what makes it go out once."""

    kind: str
    year: int
    staff_id: str
    days: int  # from the due date

    @property
    def key(self) -> str:
        return f"{self.year}:{self.staff_id}:{self.kind}:{self.days:+d}"


def reminders_due(obligation: Obligation, today: date, settings: ProgrammeSettings
                  ) -> list[Reminder]:
    """Every reminder and escalation of a pending obligation whose day has come (the
    caller sends those not sent before). Only the latest past threshold of each kind: a
    filer added late does not get every earlier reminder at once."""
    if obligation.state != PENDING:
        return []
    days_past = (today - obligation.due_on).days
    out = []
    for kind, thresholds in ((FILER_REMINDER, settings.reminder_days),
                             (ESCALATION, settings.escalation_days)):
        reached = [d for d in thresholds if d <= days_past]
        if reached:
            out.append(Reminder(kind, obligation.year, obligation.staff_id, max(reached)))
    return out


# --- Declarations ------------------------------------------------------------------------

ITEM_FIELDS: Final = ("description", "counterpart", "value_usd")


def members_of(spouse: bool, children: int) -> tuple[str, ...]:
    """The household members a declaration answers for."""
    return ("self",) + (("spouse",) if spouse else ()) + tuple(
        f"child_{n}" for n in range(1, children + 1))


@dataclass(frozen=True)
class Item:
    description: str
    counterpart: str  # the source, creditor, company, organisation or person
    value_usd: int | None


@dataclass(frozen=True)
class Answer:
    """One section for one member: items, or nothing to declare (never both, never
    neither)."""

    nothing_to_declare: bool
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class DeclarationContent:
    """What the filer declares (sealed at rest)."""

    spouse: bool
    children: int
    answers: Mapping[str, Mapping[str, Answer]]  # section -> member -> answer
    ad_hoc_reason: str = ""

    @property
    def nothing_declared(self) -> bool:
        return all(a.nothing_to_declare for s in self.answers.values() for a in s.values())

    def counterparts(self) -> list[str]:
        """Every counterpart named: what a verification or a recusal check compares."""
        return [i.counterpart for s in self.answers.values() for a in s.values()
                for i in a.items if i.counterpart]


def content_to_json(content: DeclarationContent) -> dict[str, Any]:
    return {"spouse": content.spouse, "children": content.children,
            "ad_hoc_reason": content.ad_hoc_reason,
            "sections": {s: {m: {"nothing_to_declare": a.nothing_to_declare,
                                 "items": [vars(i) for i in a.items]}
                             for m, a in members.items()}
                         for s, members in content.answers.items()}}


def parse_content(raw: Mapping[str, Any], *, kind: str) -> DeclarationContent:
    """A declaration's content from its JSON shape (``content_to_json``); every section
    must answer for every member, each answer either items or nothing to declare."""
    errors: dict[str, list[str]] = {}
    for key in sorted(set(raw) - {"spouse", "children", "sections", "ad_hoc_reason"}):
        errors[str(key)[:40]] = ["Unknown field."]
    spouse = raw.get("spouse")
    if not isinstance(spouse, bool):
        errors["spouse"] = ["true or false."]
        spouse = False
    children = raw.get("children")
    if not isinstance(children, int) or isinstance(children, bool) or not (
            0 <= children <= MAX_CHILDREN):
        errors["children"] = [f"A whole number from 0 to {MAX_CHILDREN}."]
        children = 0
    reason = _text(errors, "ad_hoc_reason", raw.get("ad_hoc_reason"), limit=MAX_TEXT,
                   required=kind == AD_HOC)
    sections = raw.get("sections")
    answers: dict[str, dict[str, Answer]] = {}
    if not isinstance(sections, dict):
        errors["sections"] = ["An object: section -> member -> answer."]
        sections = {}
    for key in sorted(set(sections) - set(SECTIONS)):
        errors[f"sections.{str(key)[:40]}"] = ["Unknown section."]
    members = members_of(spouse, children)
    for section in SECTIONS:
        given = sections.get(section)
        if not isinstance(given, dict):
            errors[f"sections.{section}"] = ["Answer this section for each member."]
            continue
        for key in sorted(set(given) - set(members)):
            errors[f"sections.{section}.{str(key)[:40]}"] = ["Not a member of the household."]
        answers[section] = {}
        for member in members:
            where = f"sections.{section}.{member}"
            answer = given.get(member)
            if not isinstance(answer, dict) or set(answer) - {"nothing_to_declare", "items"}:
                errors[where] = ["Answer with items or nothing_to_declare."]
                continue
            nothing = answer.get("nothing_to_declare", False)
            items = answer.get("items", [])
            if not isinstance(nothing, bool) or not isinstance(items, list):
                errors[where] = ["nothing_to_declare is true or false; items is a list."]
                continue
            if nothing and items:
                errors[where] = ["Either items or nothing to declare, not both."]
                continue
            if not nothing and not items:
                errors[where] = ["Declare at least one item, or say nothing to declare."]
                continue
            if len(items) > MAX_ITEMS:
                errors[where] = [f"At most {MAX_ITEMS} items."]
                continue
            parsed = []
            for n, item in enumerate(items):
                at = f"{where}.items.{n}"
                if not isinstance(item, dict) or set(item) - set(ITEM_FIELDS):
                    errors[at] = [f"An object with {', '.join(ITEM_FIELDS)}."]
                    continue
                description = _text(errors, f"{at}.description", item.get("description"),
                                    limit=MAX_TEXT)
                counterpart = _text(errors, f"{at}.counterpart", item.get("counterpart"),
                                    limit=200, required=False)
                value = item.get("value_usd")
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                          or not 0 <= value <= 10**12):
                    errors[f"{at}.value_usd"] = ["A whole number of US dollars, or null."]
                    value = None
                parsed.append(Item(description, counterpart, value))
            answers[section][member] = Answer(nothing, tuple(parsed))
    if errors:
        raise DisclosureError(errors)
    return DeclarationContent(spouse, children, answers, reason)


@dataclass(frozen=True)
class Review:
    outcome: str
    by: str
    at: datetime
    has_guidance: bool


@dataclass(frozen=True)
class Declaration:
    """A declaration's current state (its versions are kept beside it)."""

    id: str
    staff_id: str
    kind: str
    year: int  # the reporting year (ad hoc: the year it was made)
    version: int
    filed_at: datetime  # first filed
    updated_at: datetime  # latest version
    sealed: Mapping[str, Any]  # the latest version's content, sealed
    nothing_declared: bool
    review: Review | None = None
    guidance: Mapping[str, Any] | None = None  # sealed guidance reply, if any

    @property
    def amendable(self) -> bool:
        return self.review is None


@dataclass(frozen=True)
class DeclarationVersion:
    declaration_id: str
    version: int
    at: datetime
    sealed: Mapping[str, Any]


@dataclass(frozen=True)
class HistoryEntry:
    """One read or action on the programme's records: append-only."""

    subject: str  # "declaration:<id>", "filer:<staff_id>", "campaign:<year>"
    at: datetime
    actor: str
    action: str
    details: Mapping[str, Any] = field(default_factory=dict)


# --- Compliance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Compliance:
    year: int
    filers: int
    filed: int
    late: int
    separated_without_filing: int
    pending: int

    @property
    def still_employed(self) -> int:
        return self.filers - self.separated_without_filing

    @property
    def compliance(self) -> float | None:
        return _percent(self.filed, self.filers)

    @property
    def compliance_employed(self) -> float | None:
        return _percent(self.filed, self.still_employed)


def _percent(count: int, whole: int) -> float | None:
    if whole <= 0:
        return None
    return ((count * 2000 + whole) // (2 * whole)) / 10


def compliance(year: int, obligations: Iterable[Obligation]) -> Compliance:
    """The year's figures from its obligations. Withdrawn obligations (nominated in error)
    do not count as filers."""
    filers = filed = late = separated = pending = 0
    for o in obligations:
        if o.year != year or o.state == WITHDRAWN:
            continue
        filers += 1
        if o.state == FILED:
            filed += 1
            late += o.late
        elif o.state == SEPARATED:
            separated += 1
        else:
            pending += 1
    return Compliance(year, filers, filed, late, separated, pending)


@dataclass(frozen=True)
class OutcomeShares:
    """Of the year's reviewed declarations: how many had nothing to declare, no conflict
    or a mitigated one, and how many got guidance."""

    reviewed: int
    cleared: int
    guidance: int

    @property
    def cleared_percent(self) -> float | None:
        return _percent(self.cleared, self.reviewed)

    @property
    def guidance_percent(self) -> float | None:
        return _percent(self.guidance, self.reviewed)


def outcome_shares(declarations: Iterable[Declaration], year: int) -> OutcomeShares:
    reviewed = cleared = guidance = 0
    for d in declarations:
        if d.year != year or d.kind != ANNUAL or d.review is None:
            continue
        reviewed += 1
        if d.review.outcome == GUIDANCE_GIVEN:
            guidance += 1
        else:
            cleared += 1
    return OutcomeShares(reviewed, cleared, guidance)
