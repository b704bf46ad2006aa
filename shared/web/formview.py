"""A form page ready to render: each control with its id, value, hint and translated errors,
and the error summary in page order.

Values come back exactly as the browser sent them (flat form-encoding names), so a page
with errors shows what the person typed; errors come keyed the same way (see
``shared.web.errors``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from shared.web.formdefs import YES_NO, Field, FormPage, Group
from shared.web.i18n import translate_error

Gettext = Callable[[str], str]
_INDEX = re.compile(r"^[0-9]{1,2}$")


def field_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


@dataclass
class Control:
    name: str
    id: str
    label: str
    kind: str
    value: str
    errors: list[str]
    hint: str | None
    required: bool
    options: list[tuple[str, str]]
    max_length: int | None
    autocomplete: str | None
    rows: int
    conditional: bool = False

    @property
    def described_by(self) -> str:
        ids = ([f"{self.id}-hint"] if self.hint else []) + (
            [f"{self.id}-error"] if self.errors else [])
        return " ".join(ids)

    @property
    def anchor(self) -> str:
        """Where the error summary links: the control, or a group's first option."""
        return f"{self.id}-0" if self.kind in ("radios", "yesno") else self.id


@dataclass
class GroupView:
    name: str | None
    id: str
    legend: str
    hint: str | None
    errors: list[str]
    controls: list[Control]


@dataclass
class SectionView:
    heading: str
    intro: str | None
    items: list[Control | GroupView]


@dataclass
class SummaryItem:
    anchor: str | None
    text: str


@dataclass
class FormView:
    sections: list[SectionView]
    summary: list[SummaryItem] = field(default_factory=list)


def _options(spec: Field, gettext: Gettext) -> list[tuple[str, str]]:
    if spec.kind == "yesno":
        return [(code, gettext(label)) for code, label in (spec.options or YES_NO).items()]
    if spec.options is None:
        return []
    translate = spec.name != "preferred_language"  # language names stay in their own script
    return [(code, gettext(label) if translate else label)
            for code, label in spec.options.items()]


def control_view(spec: Field, name: str, label: str, values: Mapping[str, str],
             errors: Mapping[str, list[str]], gettext: Gettext) -> Control:
    return Control(
        name=name, id=field_id(name), label=label, kind=spec.kind,
        value=values.get(name, ""),
        errors=[translate_error(m, gettext) for m in errors.get(name, [])],
        hint=gettext(spec.hint) if spec.hint else None, required=spec.required,
        options=_options(spec, gettext), max_length=spec.max_length,
        autocomplete=spec.autocomplete, rows=spec.rows, conditional=spec.conditional)


def _row_count(group: Group, values: Mapping[str, str]) -> int:
    """The rows to show: the page's default, or as many as the person sent."""
    rows = [int(parts[1]) for parts in (name.split(".") for name in values)
            if len(parts) >= 3 and parts[0] == group.name and _INDEX.match(parts[1])]
    return max([group.repeat, *(row + 1 for row in rows)])


def build(page: FormPage, values: Mapping[str, str], errors: Mapping[str, list[str]],
          gettext: Gettext) -> FormView:
    """The page's controls with values and errors; the summary lists every error in page
    order, then any error that belongs to no control on the page."""
    view = FormView([])
    placed: set[str] = set()

    def note(anchor: str, label: str, messages: list[str]) -> None:
        for message in messages:
            view.summary.append(SummaryItem(anchor, f"{label}: {message}"))

    def group_view(group: Group, prefix: str, legend: str) -> GroupView:
        key = prefix.rstrip(".") if prefix else (group.name or "")
        group_errors = [translate_error(m, gettext) for m in errors.get(key, [])] \
            if key else []
        gid = field_id(key) if key else field_id(legend)
        controls = [control_view(f, prefix + f.name, gettext(f.label), values, errors, gettext)
                    for f in group.fields]
        if group_errors:
            note(gid, legend, group_errors)
            placed.add(key)
        for control in controls:
            note(control.anchor, f"{legend}, {control.label}", control.errors)
            placed.add(control.name)
        return GroupView(key or None, gid, legend,
                         gettext(group.hint) if group.hint else None, group_errors, controls)

    for section in page.sections:
        items: list[Control | GroupView] = []
        for item in section.groups:
            if isinstance(item, Field):
                control = control_view(item, item.name, gettext(item.label), values, errors,
                                   gettext)
                note(control.anchor, control.label, control.errors)
                placed.add(control.name)
                items.append(control)
            elif item.repeat and item.name:
                list_errors = [translate_error(m, gettext) for m in errors.get(item.name, [])]
                if list_errors:
                    note(field_id(f"{item.name}.0"), gettext(section.heading), list_errors)
                    placed.add(item.name)
                for row in range(_row_count(item, values)):
                    legend = gettext(item.legend) % {"number": row + 1}
                    row_view = group_view(item, f"{item.name}.{row}.", legend)
                    if row == 0:
                        row_view.errors = list_errors + row_view.errors
                    items.append(row_view)
            else:
                prefix = f"{item.name}." if item.name else ""
                items.append(group_view(item, prefix, gettext(item.legend)))
        view.sections.append(SectionView(gettext(section.heading),
                                         gettext(section.intro) if section.intro else None,
                                         items))
    for name, messages in errors.items():
        if name not in placed:
            for message in messages:
                view.summary.append(SummaryItem(None, translate_error(message, gettext)))
    return view
