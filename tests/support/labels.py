"""What a page's labels say about each question, and what the form's schema says: the
two must agree ("(optional)" only where the schema does without the answer)."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from marshmallow import ValidationError

from schemas.common import LOAD_CONTEXT
from shared.web.errors import flat_errors
from shared.web.pages import SCHEMAS

FIELD = re.compile(r'<div class="field[^"]*">(.*?)(?=<div class="field|</form>)', re.DOTALL)
OPTIONAL_MARK = '<span class="optional">'


def labels(html: str) -> dict[str, tuple[bool, bool]]:
    """Each question a page shows: (its label is marked optional, its control is
    required). Questions hidden under an answer, and boxes one ticks, are left out."""
    found = {}
    for block in FIELD.findall(html):
        names = re.findall(r'name="([^"]+)"', block)
        label = re.search(r"<(legend|label)[^>]*>(.*?)</\1>", block, re.DOTALL)
        first = re.search(r"<(?:input|textarea|select)\b[^>]*>", block)
        if not names or label is None or first is None or re.search(
                r"\sdisabled(=|\s|>)", first.group()) or 'type="checkbox"' in first.group():
            continue
        name = names[0].removesuffix(".day")
        found[name] = (OPTIONAL_MARK in label.group(2), bool(re.search(
            r"<(?:input|textarea|select)\b[^>]*\srequired(=|\s|>)", block)))
    return found


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The body without one answer (and a date's "approximate" flag with it)."""
    data = copy.deepcopy(body)
    parts: list[Any] = [int(p) if p.isdigit() else p for p in name.split(".")]
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    node.pop(parts[-1], None)
    if isinstance(node, dict):
        node.pop(f"{parts[-1]}_approximate", None)
    return data


def refused_at(form: str, body: dict[str, Any], name: str, today: date) -> bool:
    """Whether the schema refuses the body with a problem on this question or its group."""
    try:
        with LOAD_CONTEXT({"today": today}):
            SCHEMAS[form].load(body)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {}
        flat = flat_errors(messages, {})
        group = name.rsplit(".", 1)[0]
        return name in flat or (group != name and group in flat)
    return False


def has_a_rule(form: str, name: str) -> bool:
    generic = re.sub(r"\.[0-9]+\.", ".%d.", name)
    return any(generic in rule.paths or any(generic.startswith(p + ".") for p in rule.paths)
               for rule in SCHEMAS[form].rules)


def decides(form: str, name: str) -> bool:
    return any(name in rule.depends_on for rule in SCHEMAS[form].rules)


def disagreements(form: str, html: str, body: dict[str, Any], answered: set[str],
                  today: date) -> list[str]:
    """The questions of a page whose label says other than the schema, given the whole
    submission ``body`` the person is filling in (``answered``: its flat names)."""
    wrong = []
    for name, (optional, required) in labels(html).items():
        if not (optional or name in answered or any(
                key.startswith(name + ".") for key in answered)):
            continue  # left empty in this body: its requirement is checked in another
        refused = refused_at(form, without(body, name), name, today)
        if optional and (refused or required):
            wrong.append(f"{name}: marked optional, but the schema needs it")
        elif required and not optional and not (refused or decides(form, name)):
            wrong.append(f"{name}: marked required, but the schema does without it")
        elif not optional and not required and not has_a_rule(form, name):
            wrong.append(f"{name}: not marked optional, but no rule of the schema needs it")
    return wrong
