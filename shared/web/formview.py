"""A step of a form, or its "Check your answers" page, ready to render: each question with
its id, what was typed, its label marked as the schema says, its limit, its hint and its
problems in the page's words, and the error summary in page order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, ClassVar

from shared.web import messages
from shared.web.flow import APPROXIMATE, DATE_PARTS, UNKNOWN, YES, Draft, Flow, Problems
from shared.web.formdefs import CHECK_STEP, YES_NO, Field, Group, Placed, Rows, Step
from shared.web.requirements import OPTIONAL, REQUIRED, list_bounds, max_length

Gettext = Callable[[str], str]


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


@dataclass
class Reveal:
    """Questions of another step shown under one option (with JavaScript)."""

    option: str
    id: str
    items: list[Control | GroupView | RowsView]

    @property
    def controls(self) -> list[Control]:
        return [c for item in self.items for c in controls_of(item)]


@dataclass
class Control:
    view: ClassVar[str] = "control"
    name: str
    id: str
    label: str
    kind: str
    value: str
    errors: list[str]
    hint: str | None
    requirement: str
    options: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None
    rows: int = 5
    parts: dict[str, str] = field(default_factory=dict)  # a date's day, month and year
    approximate: bool | None = None  # None: not offered
    unknown: bool | None = None
    reveals: list[Reveal] = field(default_factory=list)
    heading: bool = False  # the page's one question: its label is the page's heading
    short: bool = False
    limit: str | None = None  # max_length, written in the page's language

    @property
    def required(self) -> bool:
        return self.requirement == REQUIRED

    @property
    def optional(self) -> bool:
        return self.requirement == OPTIONAL

    @property
    def described_by(self) -> str:
        ids = ([f"{self.id}-hint"] if self.hint else []) + (
            [f"{self.id}-limit"] if self.max_length else []) + (
            [f"{self.id}-error"] if self.errors else [])
        return " ".join(ids)

    @property
    def anchor(self) -> str:
        """Where the error summary links: the control, a date's first box, a group's first
        option."""
        if self.kind in ("radios", "yesno"):
            return f"{self.id}-0"
        if self.kind == "date":
            return f"{self.id}-day"
        return self.id


@dataclass
class GroupView:
    view: ClassVar[str] = "group"
    name: str | None
    id: str
    legend: str
    hint: str | None
    controls: list[Control]


@dataclass
class RowView:
    number: int
    legend: str
    id: str
    controls: list[Control]
    remove: str  # the action that removes it


@dataclass
class RowsView:
    view: ClassVar[str] = "rows"
    name: str
    id: str
    rows: list[RowView]
    add_label: str
    remove_label: str
    none_yet: str | None
    errors: list[str]
    can_add: bool
    can_remove: bool


@dataclass
class SummaryItem:
    anchor: str | None
    text: str


@dataclass
class StepView:
    items: list[Control | GroupView | RowsView]
    summary: list[SummaryItem]
    heading_control: Control | None = None


@dataclass
class Renderer:
    """What turning answers into a page needs besides the form."""

    flow: Flow
    draft: Draft
    gettext: Gettext
    number: Callable[[int], str]
    format_date: Callable[[date, str], str]
    problems: Problems = field(default_factory=dict)
    language: str = "en"  # the page's: the preselected language for our messages

    def say(self, spec: Field | None, problems: list[Any]) -> list[str]:
        return [messages.say(spec, getattr(p, "code", "invalid"), getattr(p, "params", {}),
                             self.gettext, self.number) for p in problems]

    # --- a step ---------------------------------------------------------------------------

    def control(self, placed: Placed, name: str) -> Control:
        spec, values, gettext = placed.field, self.draft.values, self.gettext
        schema = self.flow.schema
        requirement = self.flow.requirement(self.draft, placed)
        if spec.kind == "checkbox":
            requirement = REQUIRED if requirement == REQUIRED else OPTIONAL
        control = Control(
            name=name, id=field_id(name), label=gettext(spec.label), kind=spec.kind,
            value=values.get(name, ""), errors=self.say(spec, self.problems.get(name, [])),
            hint=gettext(spec.hint) if spec.hint else None, requirement=requirement,
            options=_options(spec, gettext), rows=spec.rows, short=spec.short,
            max_length=max_length(schema, name) if spec.kind in (
                "text", "textarea", "email", "tel") else None)
        if control.max_length:
            control.limit = self.number(control.max_length)
        if spec.kind == "date":
            control.parts = {part: values.get(f"{name}.{part}", "") for part in DATE_PARTS}
            if spec.approximate:
                control.approximate = values.get(name + APPROXIMATE) == YES
            if spec.unknown:
                control.unknown = values.get(name + UNKNOWN) == YES
        if spec.kind == "select" and not control.value and spec.name == "preferred_language":
            control.value = self.language
        return control

    def consent_control(self) -> Control:
        consent = self.flow.page.consent
        placed = Placed(consent, consent.name, CHECK_STEP)
        return self.control(placed, consent.name)

    def step_view(self, step: Step, *, reveals: bool = True) -> StepView:
        asked = self.flow.asked_fields(self.draft, step)
        asked_names = {p.name for p in asked}
        view = StepView([], [])
        for item in step.items:
            if isinstance(item, Field):
                placed = next((p for p in asked if p.field is item), None)
                if placed is None:
                    continue
                control = self.control(placed, placed.name)
                if reveals:
                    control.reveals = self._reveals(item)
                view.items.append(control)
                self._note(view, control)
            elif isinstance(item, Group):
                group = [p for p in asked if p.group is item]
                if not group:
                    continue
                controls = [self.control(p, p.name) for p in group]
                name = item.name or ""
                view.items.append(GroupView(item.name, field_id(name or step.code),
                                            self.gettext(item.legend),
                                            self.gettext(item.hint) if item.hint else None,
                                            controls))
                for control in controls:
                    self._note(view, control)
            elif any(p.rows is item and p.name in asked_names for p in asked):
                view.items.append(self._rows(item, asked, view))
        single = [i for i in view.items if isinstance(i, Control)]
        if len(view.items) == 1 and single and step.items[0].label == step.title:  # type: ignore[union-attr]
            single[0].heading = True
            view.heading_control = single[0]
        return view

    def _note(self, view: StepView, control: Control, prefix: str = "") -> None:
        for message in control.errors:
            view.summary.append(SummaryItem(control.anchor, prefix + message))
        for reveal in control.reveals:
            for inner in reveal.controls:
                self._note(view, inner)

    def _reveals(self, spec: Field) -> list[Reveal]:
        """The steps shown under an option: their questions as if the option were chosen
        (a named reporter's name is required)."""
        reveals = []
        for index, (option, step_code) in enumerate(spec.reveals.items()):
            step = self.flow.page.step(step_code)
            if step is None:
                continue
            chosen = replace(self.draft, values={**self.draft.values, spec.name: option})
            inner = replace(self, draft=chosen).step_view(step, reveals=False)
            if inner.items:
                reveals.append(Reveal(option, f"reveal-{field_id(spec.name)}-{index}",
                                      inner.items))
        return reveals

    def _rows(self, item: Rows, asked: list[Placed], view: StepView) -> RowsView:
        fewest, most = list_bounds(self.flow.schema, item.name)
        count = self.flow.row_count(self.draft, item)
        rows = []
        for row in range(count):
            legend = self.gettext(item.legend) % {"number": row + 1}
            controls = [self.control(p, p.name.replace("%d", str(row))) for p in asked
                        if p.rows is item]
            for control in controls:
                for message in control.errors:
                    view.summary.append(SummaryItem(control.anchor, f"{legend}: {message}"))
            rows.append(RowView(row + 1, legend, field_id(f"{item.name}.{row}"), controls,
                                f"remove:{item.name}.{row}"))
        errors = [self.gettext(item.messages[p.code]) if getattr(p, "code", "") in
                  item.messages else messages.say(None, getattr(p, "code", "invalid"),
                                                  getattr(p, "params", {}), self.gettext,
                                                  self.number)
                  for p in self.problems.get(item.name, [])]
        rows_id = field_id(item.name)
        for message in errors:
            view.summary.insert(0, SummaryItem(f"{rows_id}-add", message))
        return RowsView(item.name, rows_id, rows,
                        self.gettext(item.add_another if rows else item.add_first),
                        self.gettext(item.remove),
                        None if rows else self.gettext(item.none_yet), errors,
                        count < most, count > fewest)



def _options(spec: Field, gettext: Gettext) -> list[tuple[str, str]]:
    if spec.kind == "yesno":
        return [(code, gettext(label)) for code, label in (spec.options or YES_NO).items()]
    if spec.options is None:
        return []
    translate = spec.name != "preferred_language"  # language names stay in their own script
    return [(code, gettext(label) if translate else label)
            for code, label in spec.options.items()]


# --- "Check your answers" ----------------------------------------------------------------

@dataclass
class Answer:
    label: str
    value: str
    lines: list[str] = field(default_factory=list)


@dataclass
class StepAnswers:
    code: str
    title: str
    answers: list[Answer]
    problems: list[str]


def _shown(control: Control, gettext: Gettext, format_date: Callable[[date, str], str]) -> str:
    if control.kind == "date":
        if control.unknown:
            return gettext("I do not know")
        parts = control.parts
        if not any(parts.values()):
            return ""
        try:
            day = date(int(parts["year"]), int(parts["month"]), int(parts["day"] or 1))
        except ValueError:
            return " ".join(v for v in (parts["day"], parts["month"], parts["year"]) if v)
        text = format_date(day, "month" if not parts["day"] else "day")
        return gettext("about %(date)s") % {"date": text} if control.approximate or \
            not parts["day"] else text
    if control.kind == "checkbox":
        return gettext("Yes") if control.value == YES else gettext("No")
    if control.options:
        return dict(control.options).get(control.value, control.value)
    return control.value


def _line(label: str, value: str) -> str:
    return f"{label} {value}" if label.rstrip().endswith(("?", "\u061f", "\uff1f", ":")) else \
        f"{label}: {value}"


def check_answers(renderer: Renderer) -> list[StepAnswers]:
    """Every step asked, with each answer as the page will send it."""
    flow, gettext = renderer.flow, renderer.gettext
    found = []
    for step in flow.asked_steps(renderer.draft):
        # Without the questions an answer reveals: they are a step of their own here, so
        # each problem is listed once, under the step that asks its question.
        view = renderer.step_view(step, reveals=False)
        answers: list[Answer] = []
        for item in view.items:
            controls = item.controls if isinstance(item, GroupView) else (
                [item] if isinstance(item, Control) else [])
            for control in controls:
                label = "" if control.heading else control.label  # the section says it
                answers.append(Answer(label, _shown(control, gettext, renderer.format_date)))
            if isinstance(item, RowsView):
                if not item.rows:
                    answers.append(Answer(gettext(step.title), ""))
                for row in item.rows:
                    lines = [_line(c.label, _shown(c, gettext, renderer.format_date))
                             for c in row.controls
                             if _shown(c, gettext, renderer.format_date)]
                    answers.append(Answer(row.legend, "", lines))
        problems = [s.text for s in view.summary]
        found.append(StepAnswers(step.code, gettext(step.title), answers, problems))
    return found


def controls_of(item: Control | GroupView | RowsView) -> list[Control]:
    """The controls of an item of a page, those it reveals included."""
    if isinstance(item, Control):
        return [item, *(c for r in item.reveals for c in r.controls)]
    if isinstance(item, GroupView):
        return item.controls
    return [c for row in item.rows for c in row.controls]

