"""What a text field may hold and what an e-mail address is (shared.domain.text_input)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from shared.domain.text_input import (
    CONTROL,
    EMAIL_INVALID,
    EMAIL_NOT_ASCII,
    EMAIL_QUOTED,
    EMAIL_TOO_LONG,
    FORMAT,
    NOT_TEXT,
    Refusal,
    email_problem,
    forbidden_character,
    is_email,
)

REFUSED_CATEGORIES = {"Cc": CONTROL, "Cf": FORMAT, "Cs": NOT_TEXT, "Zl": NOT_TEXT,
                      "Zp": NOT_TEXT}


def expected_reason(code: int) -> str | None:
    """The rule as the module's docstring states it, from the Unicode data."""
    reason = REFUSED_CATEGORIES.get(unicodedata.category(chr(code)))
    if reason is None and (0xFDD0 <= code <= 0xFDEF or code % 0x10000 in (0xFFFE, 0xFFFF)):
        reason = NOT_TEXT
    return reason


def test_every_code_point_is_judged_by_its_unicode_category() -> None:
    # Exhaustive, so the fast path (str.isprintable) can never let a refused one through.
    wrong = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        want = expected_reason(code)
        got = forbidden_character(f"a{char}b")
        if got != (Refusal(want, code) if want else None):
            wrong.append(f"U+{code:04X}: {got}")
    assert wrong == []


@pytest.mark.parametrize(("char", "reason"), [
    ("\x00", CONTROL), ("\x07", CONTROL), ("\x1b", CONTROL), ("\x7f", CONTROL),
    ("\x85", CONTROL), ("\x9f", CONTROL), ("\r", CONTROL), ("\x0b", CONTROL),
    ("\u00ad", FORMAT),   # soft hyphen
    ("\u200b", FORMAT),   # zero-width space
    ("\u200c", FORMAT), ("\u200d", FORMAT),  # zero-width non-joiner, joiner
    ("\u2060", FORMAT),   # word joiner
    ("\u200e", FORMAT), ("\u200f", FORMAT), ("\u061c", FORMAT),  # direction marks
    ("\u202a", FORMAT), ("\u202e", FORMAT), ("\u2066", FORMAT), ("\u2069", FORMAT),
    ("\ufeff", FORMAT),   # byte-order mark
    ("\U000e0041", FORMAT),  # tag letter
    ("\ud800", NOT_TEXT), (chr(0xDFFF), NOT_TEXT),
    ("\ufdd0", NOT_TEXT), ("\ufffe", NOT_TEXT), ("\uffff", NOT_TEXT),
    ("\U0010ffff", NOT_TEXT), ("\U0001fffe", NOT_TEXT),
    ("\u2028", NOT_TEXT), ("\u2029", NOT_TEXT),
])
@pytest.mark.parametrize("multiline", [False, True])
def test_refused_everywhere(char: str, reason: str, multiline: bool) -> None:
    assert forbidden_character(f"Da{char}na Officer", multiline=multiline) == Refusal(
        reason, ord(char))


def test_newline_and_tab_only_in_multi_line_text() -> None:
    assert forbidden_character("one\ntwo\tthree", multiline=True) is None
    assert forbidden_character("one\ntwo") == Refusal(CONTROL, 0x0A)
    assert forbidden_character("one\ttwo") == Refusal(CONTROL, 0x09)


def test_the_first_offending_character_is_named() -> None:
    assert forbidden_character("a\u200bb\x00c") == Refusal(FORMAT, 0x200B)


@pytest.mark.parametrize("text", [
    "Ordinary text", "Ms Zoë Ó Briain-Łukasiewicz", "حسن العلي", "王小明", "Дана",
    "non\u00a0breaking and ideographic\u3000spaces", "e\u0301 combining", "emoji \U0001f600",
    "private use \ue000", "unassigned \u0378 in this Unicode version", "",
])
def test_text_in_any_script_is_accepted(text: str) -> None:
    assert forbidden_character(text) is None


@pytest.mark.parametrize("address", [
    "alice@example.org", "Alice.Example+cases@Example.ORG", "o'brien@example.ie",
    "a_b-c@sub.example.co.uk", "officer@localhost.test", "x@xn--mnchen-3ya.de",
    "x@münchen.de", "!#$%&'*+/=?^_`{|}~-@example.org",
])
def test_addresses_accepted(address: str) -> None:
    assert email_problem(address) is None
    assert is_email(address)


@pytest.mark.parametrize(("address", "refusal"), [
    ('"a\x1b\x07b"@example.org', Refusal(CONTROL, 0x1B)),  # reached a To: header once
    ('"\x07"@example.org', Refusal(CONTROL, 0x07)),
    ("a\u00adb@example.org", Refusal(FORMAT, 0xAD)),
    ("alice@example.org\u200b", Refusal(FORMAT, 0x200B)),
    ("\u202ealice@example.org", Refusal(FORMAT, 0x202E)),
    ("alice@example.org\n", Refusal(CONTROL, 0x0A)),
    ("alice@exa\rmple.org", Refusal(CONTROL, 0x0D)),
    ('"alice smith"@example.org', Refusal(EMAIL_QUOTED)),
    ('"alice"@example.org', Refusal(EMAIL_QUOTED)),
    ("zoë@example.org", Refusal(EMAIL_NOT_ASCII)),
    ("用户@例子.广告", Refusal(EMAIL_NOT_ASCII)),
    ("Alice <alice@example.org>", Refusal(EMAIL_INVALID)),
    ("alice@[192.0.2.1]", Refusal(EMAIL_INVALID)),
    ("alice@localhost", Refusal(EMAIL_INVALID)),
    ("alice@example.invalid", Refusal(EMAIL_INVALID)),
    ("alice@example", Refusal(EMAIL_INVALID)),
    ("alice..b@example.org", Refusal(EMAIL_INVALID)),
    (".alice@example.org", Refusal(EMAIL_INVALID)),
    ("alice@-example.org", Refusal(EMAIL_INVALID)),
    ("alice@example.org ", Refusal(EMAIL_INVALID)),
    ("alice example@example.org", Refusal(EMAIL_INVALID)),
    ("@example.org", Refusal(EMAIL_INVALID)),
    ("alice", Refusal(EMAIL_INVALID)),
    ("", Refusal(EMAIL_INVALID)),
    ("a" * 65 + "@example.org", Refusal(EMAIL_INVALID)),
    ("a@" + "b" * 250 + ".org", Refusal(EMAIL_TOO_LONG)),
])
def test_addresses_refused_with_the_reason(address: str, refusal: Refusal) -> None:
    assert email_problem(address) == refusal
    assert not is_email(address)
