"""How a form page is laid out: sections, groups of fields, repeated rows and fields.

Field names are the form-encoding names the submit functions read (``complainant.name``,
``witnesses.0.name``), so a page, the API and its error messages share one vocabulary.
Every text is an English source string marked with ``N_`` for the catalogues; the page
translates it when it renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:  # the gettext convention for "mark, translate later"
    """Mark a string for the catalogues without translating it here."""
    return message


YES_NO = {"yes": N_("Yes"), "no": N_("No")}


@dataclass(frozen=True)
class Field:
    """One control. ``kind``: text, email, tel, number, date, textarea, select, radios,
    yesno or checkbox. ``options`` maps codes to English labels."""

    name: str
    label: str
    kind: str = "text"
    hint: str | None = None
    required: bool = False
    options: Mapping[str, str] | None = None
    max_length: int | None = None
    autocomplete: str | None = None
    rows: int = 5
    conditional: bool = False  # required in some cases, which the hint says: not "optional"


@dataclass(frozen=True)
class Group:
    """A fieldset. With ``repeat``, rows of a list named ``name``: the fields' names are
    relative to a row (``name.<index>.<field>``) and ``legend`` takes ``%(number)s``."""

    legend: str
    fields: tuple[Field, ...]
    hint: str | None = None
    name: str | None = None  # errors about the group as a whole are keyed by this name
    repeat: int = 0


@dataclass(frozen=True)
class Section:
    heading: str
    groups: tuple[Group | Field, ...]
    intro: str | None = None


@dataclass(frozen=True)
class FormPage:
    code: str  # the form's code (advice, misconduct, retaliation)
    function: str  # the submit function it posts to
    title: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    submit_label: str
    anonymous_allowed: bool
    texts: Mapping[str, str] = field(default_factory=dict)


def group_names(page: FormPage) -> set[str]:
    return {g.name for s in page.sections for g in s.groups
            if isinstance(g, Group) and g.name}
