"""A submission as an officer reads it: in sections, one per step of the form the submitter
filled in, each answer under the question the form asked (in the page's language), codes
shown as their labels. What no step asks (fields of older submissions, for instance) comes
last, under its own name, so nothing stored is ever hidden from the officer."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.web.formdefs import N_, YES_NO, Field, Group, Rows
from shared.web.pages import PAGES

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    answers: tuple[Answer, ...]


def _get(payload: Mapping[str, Any], dotted: str) -> Any:
    node: Any = payload
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _shown(spec: Field, value: Any, gettext: Gettext) -> str | None:
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return gettext(YES_NO["yes" if value else "no"])
    if isinstance(value, list):
        parts = [_shown(spec, item, gettext) for item in value]
        return ", ".join(p for p in parts if p) or None
    if spec.options and isinstance(value, str) and value in spec.options:
        return gettext(spec.options[value])
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _label(text: str, gettext: Gettext, number: int | None = None) -> str:
    translated = gettext(text)
    return translated % {"number": number} if number is not None and "%(number)s" in text \
        else translated


def sections(form: str, payload: Mapping[str, Any], gettext: Gettext) -> list[Section]:
    page = PAGES.get(form)
    used: set[str] = set()
    found: list[Section] = []
    for step in page.steps if page else ():
        answers: list[Answer] = []
        for item in step.items:
            if isinstance(item, Field):
                used.add(item.name.split(".")[0])
                shown = _shown(item, _get(payload, item.name), gettext)
                if shown is not None:
                    answers.append(Answer(gettext(item.label), shown))
            elif isinstance(item, Group):
                for spec in item.fields:
                    name = f"{item.name}.{spec.name}" if item.name else spec.name
                    used.add(name.split(".")[0])
                    shown = _shown(spec, _get(payload, name), gettext)
                    if shown is not None:
                        answers.append(Answer(gettext(spec.label), shown))
            elif isinstance(item, Rows):
                used.add(item.name)
                rows = _get(payload, item.name)
                for number, row in enumerate(rows if isinstance(rows, list) else [], 1):
                    legend = _label(item.legend, gettext, number)
                    for spec in item.fields:
                        shown = _shown(spec, row.get(spec.name) if isinstance(row, Mapping)
                                       else None, gettext)
                        if shown is not None:
                            answers.append(Answer(f"{legend}: {gettext(spec.label)}", shown))
        if answers:
            found.append(Section(gettext(step.title), tuple(answers)))
    if page is not None:
        used.add(page.consent.name)
    rest = [Answer(key, _shown(Field(key, key), value, gettext) or "")
            for key, value in sorted(payload.items()) if key not in used
            and _shown(Field(key, key), value, gettext) is not None]
    if rest:
        found.append(Section(gettext(N_("Other answers")), tuple(rest)))
    return found
