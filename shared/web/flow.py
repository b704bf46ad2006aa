"""A form's way through its steps: the answers so far (the draft), which steps are asked,
what the answers amount to as a submission, and what is wrong with them.

The draft holds every answer exactly as typed (dates as day, month and year), the rows
each list shows, the steps already answered and the form's idempotency key. It travels
sealed in the pages (``shared.web.sealed``): nothing is stored before the final send.
What is wrong is found by the same schema as the API's, on the submission the answers
make; the page adds only what a page has and the API has not (the parts of a date, and
the answers that decide what later steps ask).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError

from schemas.common import LOAD_CONTEXT, Problem
from shared.web import requirements
from shared.web.errors import flat_errors
from shared.web.formdefs import CHECK_STEP, Field, FormPage, Group, Placed, Rows, Step
from shared.web.requirements import generic

DATE_PARTS = ("day", "month", "year")
APPROXIMATE = "_approximate"  # the schema's flag of an approximate date: <date>_approximate
UNKNOWN = ".unknown"
YES = "yes"
Problems = dict[str, list[Problem]]


def new_key() -> str:
    return "web-" + secrets.token_hex(16)


@dataclass
class Draft:
    """A form's answers so far."""

    form: str
    key: str = field(default_factory=new_key)
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    review: bool = False  # came from "Check your answers": go back there

    def as_json(self) -> dict[str, Any]:
        return {"f": self.form, "k": self.key, "v": self.values, "r": self.rows,
                "d": self.done, "c": self.review}

    @classmethod
    def from_json(cls, data: Any) -> Draft | None:
        try:
            draft = cls(str(data["f"]), str(data["k"]),
                        {str(k): str(v) for k, v in dict(data["v"]).items()},
                        {str(k): int(v) for k, v in dict(data["r"]).items()},
                        [str(s) for s in data["d"]], bool(data["c"]))
        except (KeyError, TypeError, ValueError):
            return None
        return draft


def _problem(code: str) -> Problem:
    return Problem(code.replace("_", " "), code)


def compose_date(values: Mapping[str, str], name: str,
                 spec: Field) -> tuple[str | None, bool, str | None]:
    """A date asked as day, month and year: (ISO date or None, approximate, problem code).
    A month and year without the day make an approximate date."""
    if spec.unknown and values.get(name + UNKNOWN) == YES:
        return None, False, None
    approximate = spec.approximate and values.get(name + APPROXIMATE) == YES
    if values.get(name, "").strip():  # the whole date in one box (a form of an older page)
        return values[name].strip(), approximate, None
    day, month, year = (values.get(f"{name}.{part}", "").strip() for part in DATE_PARTS)
    if not (day or month or year):
        return None, False, None
    if not all(part.isdecimal() for part in (day, month, year) if part):
        return None, approximate, "date_numbers"
    if not (month and year) or not (day or spec.approximate):
        return None, approximate, "date_incomplete"
    if len(year) != 4:
        return None, approximate, "date_year"
    if not day:
        day, approximate = "1", True
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}", approximate, None


@dataclass
class Assembled:
    """The submission a draft's answers make, and what only a page can find wrong."""

    body: dict[str, Any]
    rows: dict[str, list[int]]  # for each list: the page rows kept, in order
    problems: Problems


def _put(body: dict[str, Any], name: str, value: Any) -> None:
    node = body
    parts = name.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _answer(values: Mapping[str, str], name: str, spec: Field,
            problems: Problems) -> Iterator[tuple[str, Any]]:
    """The (name, value) pairs one control adds to the submission."""
    if spec.kind == "date":
        iso, approximate, problem = compose_date(values, name, spec)
        if problem:
            problems[name] = [_problem(problem)]
        if iso:
            yield name, iso
            if approximate:
                yield name + APPROXIMATE, YES
        return
    value = values.get(name, "")
    if value.strip():
        yield name, value


class Flow:
    """One form: its page, its schema and the date it is judged on."""

    def __init__(self, page: FormPage, schema: Schema, today: date) -> None:
        self.page, self.schema, self.today = page, schema, today
        self._placed = list(_placed(page))
        self._answers: dict[tuple[Any, ...], dict[str, Any]] = {}  # one request's memo

    # --- what the answers make --------------------------------------------------------

    def row_count(self, draft: Draft, rows: Rows) -> int:
        fewest, _ = requirements.list_bounds(self.schema, rows.name)
        found = [int(k.split(".")[1]) for k in draft.values
                 if k.startswith(rows.name + ".") and k.split(".")[1].isdigit()]
        return max([draft.rows.get(rows.name, fewest), *(r + 1 for r in found)])

    def assemble(self, draft: Draft, steps: list[Step] | None = None) -> Assembled:
        """The submission of the answers of ``steps`` (default: the steps asked)."""
        steps = steps if steps is not None else self.asked_steps(draft)
        codes = {s.code for s in steps} | {CHECK_STEP.code}
        body: dict[str, Any] = {}
        problems: Problems = {}
        kept: dict[str, list[int]] = {}
        values = draft.values
        for step in (*self.page.steps, CHECK_STEP):
            if step.code not in codes:
                continue
            for item in (step.items if step is not CHECK_STEP else (self.page.consent,)):
                if isinstance(item, Rows):
                    rows = []
                    for row in range(self.row_count(draft, item)):
                        pairs = [pair for f in item.fields for pair in _answer(
                            values, f"{item.name}.{row}.{f.name}", f, problems)]
                        if pairs:
                            rows.append(dict(pairs))
                            kept.setdefault(item.name, []).append(row)
                    for index, row_pairs in enumerate(rows):  # numbered again, gaps closed
                        for name, value in row_pairs.items():
                            _, _, rest = name.split(".", 2)
                            _put(body, f"{item.name}.{index}.{rest}", value)
                    continue
                fields_ = item.fields if isinstance(item, Group) else (item,)
                prefix = f"{item.name}." if isinstance(item, Group) and item.name else ""
                for spec in fields_:
                    for name, value in _answer(values, prefix + spec.name, spec, problems):
                        _put(body, name, value)
        return Assembled(_lists(body), kept, problems)

    def draft_of(self, submission: Mapping[str, Any]) -> Draft:
        """The draft whose answers make ``submission`` (a stored one, to show it as the
        check page does: an officer's record of a report, read by its reporter)."""
        dates = {p.name for p in self._placed if p.field.kind == "date"}
        values: dict[str, str] = {}
        rows: dict[str, int] = {}
        for key, value in _pairs(submission):
            parts = key.split(".")
            if len(parts) > 1 and parts[1].isdigit():
                rows[parts[0]] = max(rows.get(parts[0], 0), int(parts[1]) + 1)
            if generic(key) in dates and len(value) == 10 and value[4] == value[7] == "-":
                for part, text in zip(("year", "month", "day"), value.split("-"), strict=True):
                    values[f"{key}.{part}"] = str(int(text)) if text.isdecimal() else text
            else:
                values[key] = value
        return Draft(self.page.code, values=values, rows=rows)

    def answers(self, draft: Draft) -> dict[str, Any]:
        """The answers as the schema reads them (what validates of them)."""
        key = (tuple(sorted(draft.values.items())), tuple(sorted(draft.rows.items())))
        if key not in self._answers:
            self._answers[key] = self._typed(self.assemble(draft, list(self.page.steps)).body)
        return self._answers[key]

    def _typed(self, body: Mapping[str, Any]) -> dict[str, Any]:
        try:
            with LOAD_CONTEXT({"today": self.today}):
                loaded: dict[str, Any] = self.schema.load(body)
        except ValidationError as error:
            valid = error.valid_data
            return dict(valid) if isinstance(valid, Mapping) else {}
        return loaded

    # --- which steps are asked ----------------------------------------------------------

    def _given(self, draft: Draft, steps: list[Step]) -> set[str]:
        """The names answered on these steps."""
        codes = {s.code for s in steps}
        names = {p.name for p in self._placed if p.step.code in codes}
        return {control_of(key) for key, value in draft.values.items()
                if value.strip() and control_of(key) in names}

    def earlier(self, step: Step) -> list[Step]:
        steps = list(self.page.steps)
        return steps[:steps.index(step)] if step in steps else steps

    def is_asked(self, draft: Draft, step: Step, answers: Mapping[str, Any]) -> bool:
        if step.asked is not None and not step.asked(answers):
            return False
        answered = self._given(draft, self.earlier(step))
        return any(requirements.asked(self.schema, p.name, answers, answered)
                   for p in self._placed if p.step is step)

    def asked_steps(self, draft: Draft) -> list[Step]:
        answers = self.answers(draft)
        return [step for step in self.page.steps if self.is_asked(draft, step, answers)]

    def asked_fields(self, draft: Draft, step: Step) -> list[Placed]:
        answers = self.answers(draft)
        answered = self._given(draft, self.earlier(step))
        return [p for p in self._placed if p.step is step and requirements.asked(
            self.schema, p.name, answers, answered)]

    def requirement(self, draft: Draft, placed: Placed) -> str:
        answered = self._given(draft, self.earlier(placed.step))
        return requirements.requirement(self.page, self.schema, placed.name,
                                        self.answers(draft), answered)

    def next_step(self, draft: Draft) -> Step:
        """The first step asked and not answered yet, or the check page."""
        return next((s for s in self.asked_steps(draft) if s.code not in draft.done),
                    CHECK_STEP)

    def previous_step(self, draft: Draft, step: Step) -> Step | None:
        asked = self.asked_steps(draft)
        earlier = [s for s in asked if s in self.earlier(step)]
        return earlier[-1] if earlier else None

    def purge(self, draft: Draft) -> None:
        """Forget the answers of questions no longer asked (an identity given before the
        person chose to stay anonymous is not kept)."""
        asked_steps = self.asked_steps(draft)
        keep = {p.name for s in asked_steps for p in self.asked_fields(draft, s)}
        keep.add(self.page.consent.name)
        for key in list(draft.values):
            if control_of(key) not in keep:
                del draft.values[key]
        draft.done = [code for code in draft.done if code in {s.code for s in asked_steps}]

    # --- what is wrong --------------------------------------------------------------------

    def problems(self, draft: Draft, steps: list[Step] | None = None, *,
                 consent: bool = False) -> Problems:
        """The problems of the answers of ``steps`` (default: every step asked) by control
        name, rows as the page shows them. Questions of later steps are not judged yet."""
        asked = self.asked_steps(draft)
        judged = [s for s in asked if steps is None or s in steps]
        assembled = self.assemble(draft, asked)
        found: Problems = dict(assembled.problems)
        try:
            with LOAD_CONTEXT({"today": self.today}):
                self.schema.load(assembled.body)
        except ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {
                "_schema": error.messages}
            for name, problems in flat_errors(messages, assembled.rows).items():
                found.setdefault(self._placed_name(name), []).extend(
                    p for p in problems if isinstance(p, Problem))
        answers = self._typed(assembled.body)
        for step in judged:
            answered = self._given(draft, self.earlier(step))
            for placed in self._placed:
                if placed.step is step and generic(placed.name) in requirements.decisive(
                        self.page, self.schema) and placed.name not in found and \
                        requirements.asked(self.schema, placed.name, answers, answered) and \
                        not draft.values.get(placed.name, "").strip():
                    found[placed.name] = [_problem("required")]
        names = {generic(p.name) for s in judged for p in self._placed if p.step is s}
        names |= {item.name for s in judged for item in s.items if isinstance(item, Rows)}
        if consent:
            names.add(self.page.consent.name)
        return {name: problems for name, problems in found.items()
                if generic(name) in names and problems}

    def _placed_name(self, name: str) -> str:
        """A problem about a whole group belongs to its first required question."""
        if any(generic(name) == p.name for p in self._placed):
            return name
        for p in self._placed:
            if p.group is not None and p.group.name == name and schema_required(
                    self.schema, p.name):
                return p.name
        return name

    def step_of(self, name: str) -> Step | None:
        path = generic(control_of(name))
        for placed in self._placed:
            if placed.name == path or (placed.rows is not None and path == placed.rows.name):
                return placed.step
        return None


def schema_required(schema: Schema, name: str) -> bool:
    field_ = requirements.schema_field(schema, name)
    return bool(field_ is not None and field_.required)


def control_of(key: str) -> str:
    """The control a value belongs to (a date's parts and flags belong to the date)."""
    for suffix in (*(f".{part}" for part in DATE_PARTS), UNKNOWN):
        if key.endswith(suffix):
            return generic(key.removesuffix(suffix))
    return generic(key.removesuffix(APPROXIMATE))


def _pairs(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested data as the names and values of a page's controls (yes and no for flags)."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _pairs(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from _pairs(value, f"{prefix}.{index}")
    elif isinstance(data, bool):
        yield prefix, YES if data else "no"
    elif data is not None:
        yield prefix, str(data)


def _lists(node: Any) -> Any:
    """Dicts keyed by row numbers become lists."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _placed(page: FormPage) -> Iterator[Placed]:
    from shared.web.formdefs import placed_fields

    yield from placed_fields(page)
