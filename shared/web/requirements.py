"""What a form's schema says about each question of its pages: must it be answered, may it
be left empty, does that depend on another answer, is it asked at all, and how long may
the answer be.

The schema is the one source: a field's ``required``, its length validator, and the
schema's declared cross-field rules (``schemas.common.Rule``). A rule whose condition reads
answers given on earlier steps is settled when the page is shown (a named reporter must
give a name; an anonymous one is not asked for it); one that reads an answer on the same
page leaves the question "conditional": not marked "(optional)", with a hint that says
when it is needed. An answer that decides what later steps ask (anonymity, who the
request is for, whether measures are requested) must be given, even where the API
would assume a default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from schemas.common import Rule
from shared.web.formdefs import FormPage, placed_fields

REQUIRED, OPTIONAL, CONDITIONAL = "required", "optional", "conditional"
_INDEX = re.compile(r"\.[0-9]{1,2}\.")


def generic(name: str) -> str:
    """A control's name with its row index replaced: ``acts.2.date`` -> ``acts.%d.date``."""
    return _INDEX.sub(".%d.", name)


def schema_field(schema: Schema, name: str) -> fields.Field | None:  # type: ignore[type-arg]
    """The schema's field behind a control name, through groups and lists."""
    node: Schema | None = schema
    found: fields.Field | None = None  # type: ignore[type-arg]
    for part in generic(name).split("."):
        if part == "%d":
            continue
        if node is None or part not in node.fields:
            return None
        found = node.fields[part]
        inner = found.inner if isinstance(found, fields.List) else found
        node = inner.schema if isinstance(inner, fields.Nested) else None
    return found


def max_length(schema: Schema, name: str) -> int | None:
    """The longest answer the schema accepts for a control, if it sets one."""
    field = schema_field(schema, name)
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, validate.Length) and validator.max is not None:
            return int(validator.max)
    return None


def list_bounds(schema: Schema, name: str) -> tuple[int, int]:
    """How many rows a list takes: (fewest, most)."""
    field = schema_field(schema, name)
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, validate.Length):
            return int(validator.min or 0), int(validator.max or 99)
    return 0, 99


def _covers(path: str, name: str) -> bool:
    """Whether a rule's path is the control or a group that holds it."""
    return name == path or name.startswith(path + ".")


_OWNERS: dict[int, Mapping[str, str]] = {}


def _owners(page: FormPage) -> Mapping[str, str]:
    """Each question's step (pages are made once, at import: kept by identity)."""
    if id(page) not in _OWNERS:
        _OWNERS[id(page)] = {p.name: p.step.code for p in placed_fields(page)}
    return _OWNERS[id(page)]


def _owner(page: FormPage, path: str) -> str | None:
    owners = _owners(page)
    if path in owners:
        return owners[path]
    return next((step for name, step in owners.items() if _covers(path, name)), None)


def decisive(page: FormPage, schema: Schema) -> frozenset[str]:
    """Answers a rule reads to decide about a question of another step: always asked."""
    found = set()
    for rule in _rules(schema):
        for dependency in rule.depends_on:
            if any(_owner(page, path) != _owner(page, dependency) for path in rule.paths):
                found.add(dependency)
    return frozenset(found)


def _rules(schema: Schema) -> tuple[Rule, ...]:
    return tuple(getattr(schema, "rules", ()))


def _settled(rule: Rule, answered: Iterable[str]) -> bool:
    known = set(answered)
    return all(dependency in known for dependency in rule.depends_on)


def asked(schema: Schema, name: str, answers: Mapping[str, Any],
          answered: Iterable[str]) -> bool:
    """Whether a page asks this question, given the answers of earlier steps."""
    name = generic(name)
    for rule in _rules(schema):
        if rule.kind == "only_when" and any(_covers(p, name) for p in rule.paths) and \
                _settled(rule, answered) and not rule.when(answers):
            return False
    return True


def _required_by_rule(schema: Schema, path: str, answers: Mapping[str, Any],
                      answered: Iterable[str]) -> bool:
    return any(rule.kind == "required" and path in rule.paths and _settled(rule, answered)
               and rule.when(answers) for rule in _rules(schema))


def _required_by_structure(schema: Schema, name: str, answers: Mapping[str, Any],
                           answered: Iterable[str]) -> bool:
    """Required by the fields themselves: the field and every group around it are
    required (or required now by a rule). A row someone added is there: its required
    fields are required."""
    parts = generic(name).split(".")
    node: Schema | None = schema
    for position, part in enumerate(parts):
        if part == "%d":
            continue
        if node is None or part not in node.fields:
            return False
        field = node.fields[part]
        path = ".".join(p for p in parts[:position + 1])
        in_rows = position + 1 < len(parts) and parts[position + 1] == "%d"
        if not (field.required or in_rows or _required_by_rule(schema, path, answers,
                                                                answered)):
            return False
        inner = field.inner if isinstance(field, fields.List) else field
        node = inner.schema if isinstance(inner, fields.Nested) else None
    return True


def requirement(page: FormPage, schema: Schema, name: str, answers: Mapping[str, Any],
                answered: Iterable[str]) -> str:
    """REQUIRED, OPTIONAL or CONDITIONAL, for the page's label (``answered``: the names
    answered on earlier steps, which settle the rules that read them)."""
    answered = set(answered)
    path = generic(name)
    if path in decisive(page, schema):
        return REQUIRED
    if _required_by_structure(schema, path, answers, answered):
        return REQUIRED
    for rule in _rules(schema):
        if rule.kind not in ("required", "one_of") or path not in rule.paths:
            continue
        if not _settled(rule, answered) or (rule.kind == "one_of" and rule.when(answers)):
            return CONDITIONAL
    return OPTIONAL
