"""What a piece of text typed by a person may hold, and what an e-mail address is.

One definition for every schema field (``schemas.common``), the officers directory and the
officers' sign-in, so no path into the system accepts a character another path refuses.

Refused in every text field:

- control characters, C0 and C1 (Unicode category Cc: NUL, ESC, BEL, DEL, U+0080-U+009F),
  except newline and tab in multi-line text (a narrative needs them);
- format characters (category Cf): the soft hyphen, zero-width spaces and joiners, bidi
  embeddings, overrides, isolates and marks, the byte-order mark, tag characters. They
  are invisible, so they hide text from the person reading it and defeat comparisons of
  names; the price is that the zero-width joiners of some emoji sequences and scripts
  cannot be typed either;
- what is not a character: surrogates (category Cs) and the 66 non-characters (U+FDD0 to
  U+FDEF, U+FFFE and U+FFFF of every plane), and the line and paragraph separators
  U+2028 and U+2029 (line breaks other than newline).

Everything else is accepted, in any script: spaces of every width, private-use characters
and characters newer than Python's Unicode data.

An e-mail address is checked by ``email-validator`` (syntax only, never a DNS look-up),
after the character rules above. Refused as well: a quoted part before the @ (``"a b"@x``,
where control characters used to hide), letters outside ASCII before the @ (mail servers
do not all take them; Amazon SES does not), a display name, an IP address for a domain,
and reserved domains (``localhost``, ``.invalid``...) other than ``.test``, which the local
runner's demonstration accounts use.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

CONTROL: Final = "control"
FORMAT: Final = "format"
NOT_TEXT: Final = "not_text"

EMAIL_MAX_LENGTH: Final = 254
EMAIL_TOO_LONG: Final = "too_long"
EMAIL_QUOTED: Final = "quoted"
EMAIL_NOT_ASCII: Final = "not_ascii"
EMAIL_INVALID: Final = "invalid"

MULTILINE_ALLOWED: Final = frozenset("\n\t")


@dataclass(frozen=True)
class Refusal:
    """Why a text is refused: one of the reason codes above, and the first offending
    character's code point when a character is the reason."""

    reason: str
    code: int | None = None


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def character_reason(char: str) -> str | None:
    """Why one character may not appear in text (None: it may)."""
    category = unicodedata.category(char)
    if category == "Cc":
        return CONTROL
    if category == "Cf":
        return FORMAT
    if category in ("Cs", "Zl", "Zp") or _is_noncharacter(ord(char)):
        return NOT_TEXT
    return None


def forbidden_character(text: str, *, multiline: bool = False) -> Refusal | None:
    """The first character ``text`` must not hold, or None. ``multiline``: newline and tab
    are allowed."""
    if text.isprintable():  # in C: no character of Cc, Cf, Cs, Zl, Zp (nor Co, Cn, Zs)
        return None
    for char in text:
        if multiline and char in MULTILINE_ALLOWED:
            continue
        reason = character_reason(char)
        if reason is not None:
            return Refusal(reason, ord(char))
    return None


def email_problem(address: str) -> Refusal | None:
    """Why ``address`` is not an e-mail address this service accepts (None: it is one).

    The address is taken as given: surrounding spaces are a problem, as is anything
    ``email-validator`` refuses with the options of this module's docstring.
    """
    if len(address) > EMAIL_MAX_LENGTH:
        return Refusal(EMAIL_TOO_LONG)
    refusal = forbidden_character(address)
    if refusal is not None:
        return refusal
    if '"' in address:
        return Refusal(EMAIL_QUOTED)
    if not address.rpartition("@")[0].isascii():
        return Refusal(EMAIL_NOT_ASCII)
    # Imported here: the library and its IDNA tables cost a cold start that anonymous
    # submissions, which carry no address, should not pay.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False,
                       allow_quoted_local=False, allow_domain_literal=False,
                       allow_display_name=False, allow_empty_local=False,
                       strict=True,  # also: at most 64 characters before the @
                       test_environment=True)
    except EmailNotValidError:
        return Refusal(EMAIL_INVALID)
    return None


def is_email(text: str) -> bool:
    """Whether ``text`` is, exactly, an e-mail address this service accepts."""
    return email_problem(text) is None
