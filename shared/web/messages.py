"""What a page says when an answer has a problem: the question's own words first, then the
words of the page for that kind of problem and question.

A problem is known by its code (``schemas.common.Problem``), never by the API's English
text. Each question may give its own message for any code (``Field.messages``); what it
does not give comes from ``BY_KIND`` and ``DEFAULT`` below. Values in a message (lengths,
counts) are written in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.web.formdefs import N_, Field

Gettext = Callable[[str], str]
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"  # an example kept left to right in any text
DATE_EXAMPLE = "27 3 2025"
MONTH_EXAMPLE = "3 2025"
EARLIEST_YEAR = "1950"

DEFAULT: Mapping[str, str] = {
    "required": N_("Answer this question"),
    "too_short": N_("Answer this question"),
    "too_long": N_("This answer has %(count)s characters: shorten it to %(max)s or fewer. "
                   "Nothing has been cut: all your text is still here."),
    "control": N_("Remove the invisible character %(char)s from this answer. It may have "
                  "come with text you copied."),
    "format": N_("Remove the invisible formatting character %(char)s from this answer (a "
                 "soft hyphen, a zero-width space or a direction mark, for example). It may "
                 "have come with text you copied."),
    "not_text": N_("Remove the character %(char)s from this answer: line separators and "
                   "codes that are not characters cannot be used. It may have come with text "
                   "you copied."),
    "invalid": N_("This answer could not be read: check it and try again"),
    "choice": N_("Choose one of the options shown"),
    "email": N_("Enter an e-mail address in the form name@example.org"),
    "email_quoted": N_("Enter the address without quotation marks: addresses with a quoted "
                       "part are not accepted."),
    "email_not_ascii": N_("Before the @, use only letters without accents (a to z), digits "
                          "and punctuation: this service cannot send mail to other "
                          "addresses."),
    "phone": N_("Enter a telephone number with digits, spaces and + ( ) . - only, for "
                "example +41 22 555 0100"),
    "future": N_("The date must be today or in the past"),
    "too_old": N_("The date must be in %(year)s or later"),
    "range": N_("Enter a number from %(min)s to %(max)s"),
    "date_numbers": N_("Enter the day, month and year as numbers, for example %(example)s"),
    "date_incomplete": N_("Enter the day, the month and the year, for example %(example)s"),
    "date_year": N_("Enter the year with 4 digits, for example 2025"),
    "not_asked": N_("Leave this empty"),
    "unknown": N_("This answer could not be used: leave it empty"),
    "one_of": N_("Answer at least one of these questions"),
    "consent": N_("Tick the box to go on"),
    "before_start": N_("This date must not be before the first one"),
    "predates_activity": N_("This date is before the one it follows: check both dates"),
}

BY_KIND: Mapping[str, Mapping[str, str]] = {
    "radios": {"required": N_("Choose an answer")},
    "yesno": {"required": N_("Choose Yes or No")},
    "select": {"required": N_("Choose an answer")},
    "checkbox": {"required": N_("Tick the box to go on")},
    "date": {"required": N_("Enter the date"),
             "invalid": N_("Enter a real date, for example %(example)s")},
    "number": {"invalid": N_("Enter a whole number in digits, for example 12")},
}

APPROXIMATE_DATE = {
    "date_incomplete": N_("Enter at least the month and the year, for example %(example)s"),
}


def template_for(spec: Field | None, code: str) -> str:
    """The English message a question shows for a problem code."""
    if spec is not None:
        if code in spec.messages:
            return spec.messages[code]
        if spec.kind == "date" and spec.approximate and code in APPROXIMATE_DATE:
            return APPROXIMATE_DATE[code]
        if code in BY_KIND.get(spec.kind, {}):
            return BY_KIND[spec.kind][code]
        if code == "too_short" and "required" in spec.messages:
            return spec.messages["required"]
    return DEFAULT.get(code, DEFAULT["invalid"])


def isolate(text: str) -> str:
    """Text that keeps its own left-to-right order inside a right-to-left sentence."""
    return f"{LTR_ISOLATE}{text}{POP_ISOLATE}"


def say(spec: Field | None, code: str, params: Mapping[str, Any], gettext: Gettext,
        number: Callable[[int], str]) -> str:
    """The message, translated, with its values filled in."""
    template = gettext(template_for(spec, code))
    example = MONTH_EXAMPLE if "%(example)s" in template and code == "date_incomplete" and \
        spec is not None and spec.approximate else DATE_EXAMPLE
    values: dict[str, str] = {"example": isolate(example), "year": EARLIEST_YEAR}
    for key in ("count", "max", "min"):
        if isinstance(params.get(key), int):
            values[key] = number(params[key])
    if isinstance(params.get("code"), int):
        values["char"] = isolate(f"U+{params['code']:04X}")
    try:
        return template % values
    except (KeyError, ValueError, TypeError):
        return template
