"""How a form is laid out for people: short steps of questions, then "Check your answers".

Field names are the form-encoding names the submit functions read (``complainant.name``,
``witnesses.0.name``), so a page, the API and its error messages share one vocabulary.
What a page does not say here comes from the form's schema: whether a question must be
answered, may be left empty or is not asked at all, and how long an answer may be (see
``shared.web.requirements``). Every text is an English source string marked with ``N_`` for
the catalogues; the page translates it when it renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:  # the gettext convention for "mark, translate later"
    """Mark a string for the catalogues without translating it here."""
    return message


YES_NO = {"yes": N_("Yes"), "no": N_("No")}
KINDS = ("text", "email", "tel", "number", "date", "textarea", "select", "radios", "yesno",
         "checkbox")


@dataclass(frozen=True)
class Field:
    """One question. ``kind`` is one of ``KINDS``; ``options`` maps codes to English labels;
    ``messages`` maps a problem code (``schemas.common.Problem``) to what the page says
    when the answer has that problem. A ``date`` is asked as day, month and year; with
    ``approximate`` it offers "about" (the schema's ``<name>_approximate``), with
    ``unknown`` "I do not know". ``reveals`` maps an option to a step whose questions
    appear under it when it is chosen (with JavaScript; without, that step comes next)."""

    name: str
    label: str
    kind: str = "text"
    hint: str | None = None
    options: Mapping[str, str] | None = None
    rows: int = 5
    messages: Mapping[str, str] = field(default_factory=dict)
    approximate: bool = False
    unknown: bool = False
    reveals: Mapping[str, str] = field(default_factory=dict)
    short: bool = False  # a short answer: a narrower box

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind


@dataclass(frozen=True)
class Group:
    """Questions about one thing, in a fieldset. With ``name`` their names are relative to
    it (``complainant`` + ``name`` is ``complainant.name``)."""

    legend: str
    fields: tuple[Field, ...]
    name: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Rows:
    """A list the person adds to one item at a time ("Add another"). ``legend`` takes
    ``%(number)s``; field names are relative to a row (``witnesses.0.name``)."""

    name: str
    legend: str
    fields: tuple[Field, ...]
    add_first: str
    add_another: str
    remove: str
    none_yet: str
    messages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Term:
    """A word of the policy, with what it means in plain words."""

    term: str
    meaning: str


Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    """One page of questions. ``asked`` narrows when it is shown, beyond what the schema's
    rules say (a step none of whose questions may be asked is skipped anyway)."""

    code: str
    title: str
    items: tuple[Field | Group | Rows, ...]
    intro: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()
    asked: Callable[[Answers], bool] | None = None


@dataclass(frozen=True)
class FormPage:
    code: str  # the form's code (advice, misconduct, retaliation)
    function: str  # the submit function the last page posts to
    title: str  # shown above each step's question, and on the start page
    intro: tuple[str, ...]  # shown on the first step
    who_knows: tuple[str, ...]  # who will know it was you: each form and its confirmation
    steps: tuple[Step, ...]
    consent: Field  # asked on "Check your answers", with the send button
    submit_label: str
    received: str  # the confirmation's heading
    anonymous_allowed: bool
    terms: tuple[Term, ...] = ()  # explained on "Check your answers" and the confirmation

    def step(self, code: str) -> Step | None:
        return next((s for s in self.steps if s.code == code), None)


@dataclass(frozen=True)
class Placed:
    """A question where a page shows it: its full name, its row, its step."""

    field: Field
    name: str
    step: Step
    rows: Rows | None = None
    group: Group | None = None


def placed_fields(page: FormPage) -> Iterator[Placed]:
    """Every question of a form with its full name (``%d`` for a row's index)."""
    for step in page.steps:
        for item in step.items:
            if isinstance(item, Field):
                yield Placed(item, item.name, step)
            elif isinstance(item, Group):
                prefix = f"{item.name}." if item.name else ""
                for f in item.fields:
                    yield Placed(f, prefix + f.name, step, group=item)
            else:
                for f in item.fields:
                    yield Placed(f, f"{item.name}.%d.{f.name}", step, rows=item)
    yield Placed(page.consent, page.consent.name, CHECK_STEP)


CHECK_STEP = Step("check", N_("Check your answers before sending"), ())


def contact_fields(no_phone: str) -> tuple[Field, Field, Field]:
    """Name, e-mail and telephone as every named form asks them; `no_phone` is the message
    shown when the chosen way of contact is the telephone and no number was given."""
    return (
        Field("name", N_("Full name"), messages={"required": N_("Enter your full name")}),
        Field("email", N_("E-mail address"), "email",
              messages={"required": N_("Enter your e-mail address")}),
        Field("phone", N_("Telephone number"), "tel",
              hint=N_("Needed only if you want us to call you."),
              messages={"required": no_phone}),
    )
