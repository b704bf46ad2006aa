"""Name matching for recusal, however a complainant writes the name, and its blind index:
the same answers on keyed marks as on plain text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.documents import named_index_doc, named_index_from_doc
from shared.domain.officers import Officer, is_named
from shared.domain.recusal import (
    Marker,
    fold,
    index_names,
    index_of,
    name_tokens,
    officer_marks,
)

DANA = Officer("dana.officer@example.org", "Dana Officer", frozenset({"ethics_officer"}))
LOCAL = Officer("officer@localhost.test", "Dr. Local Officer", frozenset({"ethics_officer"}))


@pytest.mark.parametrize("written", [
    "Da\u00adna Officer",                 # soft hyphen
    "Dana Offi\u00adcer",
    "Da\u200bna Officer",                 # zero-width space
    "Da\u200cna Offi\u200dcer",           # zero-width non-joiner and joiner
    "D\u2060ana Officer",                 # word joiner
    "\ufeffDana Officer",                 # byte order mark
    "\u202eDana Officer\u202c",           # right-to-left override, pop
    "Dana \u2066Officer\u2069",           # isolates
    "\u200fDana\u200e Officer",           # bidi marks
    "D\u0430na Officer",                  # Cyrillic a
    "Dana \u041efficer",                  # Cyrillic O
    "Dana \u039ffficer",                  # Greek Omicron
    "D\u0430n\u0430 \u041effi\u0441\u0435r",  # several Cyrillic letters
    "Dana Offlcer".replace("l", "\u0456"),  # Cyrillic i
    "Dana OffIcer",                       # capital I for i
    "\uff24\uff41\uff4e\uff41 \uff2f\uff46\uff46\uff49\uff43\uff45\uff52",  # full width
    "\U0001d403\U0001d41a\U0001d427\U0001d41a \U0001d40e\U0001d41f\U0001d41f\U0001d422"
    "\U0001d41c\U0001d41e\U0001d42b",     # mathematical bold
    "Dana O\ufb03cer",                    # ffi ligature
    "D\u00e1n\u00e4 \u00d6ff\u00eec\u00e9r",  # accents
    "Da\u0301na Officer",                 # combining accent
    "OFFICER, Dana",
    "officer dana",
    "Officer,Dana",
    "Dana\u00a0Officer",                  # no-break space
    "Dana\u3000Officer",                  # ideographic space
    "  Dana \t\n Officer ",
    "Dr. Dana Officer",
    "Ms Dana Officer",
    "Prof. DANA OFFICER",
    "Dana M. Officer",
    "Dana Marie Officer",
    "DanaOfficer",                        # no space
    "Da-na Officer",                      # a word cut by a hyphen
    "Dana Offi-\ncer",                    # ... at the end of a line
    "Da na Offi cer",                     # ... by spaces
    "D a n a  O f f i c e r",             # spaced out
    "OFFICER Dana (my manager)".replace(" (my manager)", ""),
    "DANA.OFFICER@EXAMPLE.ORG",
    "dana.officer+complaints@example.org",
    "my manager <Dana.Officer@Example.org>",
    "dana.officer@example.org.",
    "d\u0430na.officer@example.org",      # Cyrillic a in the address
    "dana.officer\u00ad@example.org",
])
def test_the_officer_is_matched_however_the_name_is_written(written: str) -> None:
    assert is_named(DANA, ["Someone Else", written])


@pytest.mark.parametrize("written", [
    "Dana", "Officer", "D\u0430na", "OFFICER", "Dr. Officer", "Ms Dana",
    "Dana Officers", "Diana Officer", "Dana Offcer", "Donna Officer", "Dan Officer",
    "dana@example.org", "officer@example.org", "dana.officer@example.com",
    "dana.officer@example.org.evil.test", "D. Officer", "Dana O.", "", "\u00ad\u200b",
])
def test_a_lone_name_or_a_near_miss_does_not_recuse(written: str) -> None:
    assert not is_named(DANA, [written])


def test_an_entry_of_any_length_has_a_bounded_index() -> None:
    from shared.adapters.documents import named_index_doc

    marker = Marker(b"k" * 32)
    for text in (" ".join("abcdefghij" * 15), "-".join(["Dana"] * 60), "x" * 300):
        assert len(repr(named_index_doc(index_of([text], marker)))) < 8000


def test_an_honorific_in_the_directory_is_not_part_of_the_name() -> None:
    assert is_named(LOCAL, ["Local Officer"])
    assert is_named(LOCAL, ["LOCAL, officer"])
    assert not is_named(LOCAL, ["Dr. Officer"])


def test_name_tokens_are_skeletons_without_honorifics_or_initials() -> None:
    assert name_tokens("Dr. A. M. Example-Smith") == {"example", "smith"}
    assert name_tokens("Pr\u043ef. D\u0430na O\u00adfficer") == {"dana", "officer"}
    assert name_tokens("\u738b \u5c0f\u660e") == {"\u738b", "\u5c0f\u660e"}


# Property tests: transformations a name survives.

LATIN_CONFUSABLES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440",
                     "c": "\u0441", "i": "\u0456", "x": "\u0445", "y": "\u0443"}
FORMAT_CHARACTERS = [c for c in map(chr, range(0x2000, 0x2070))
                     if unicodedata.category(c) == "Cf"] + ["\u00ad", "\ufeff", "\u061c"]
NAMES = st.lists(st.text("abcdefghijklmnoprstuvwxyz", min_size=3, max_size=9),
                 min_size=2, max_size=3, unique=True)


@st.composite
def disguised(draw: st.DrawFn, words: list[str]) -> str:
    """The officer's name, reordered, with changed case, confusable letters, format
    characters, full-width letters and accents sprinkled in."""
    order = draw(st.permutations(words))
    out = []
    for word in order:
        letters = []
        for letter in word:
            kind = draw(st.sampled_from(["same", "upper", "confusable", "wide", "accent"]))
            if kind == "upper":
                letter = letter.upper()
            elif kind == "confusable" and letter in LATIN_CONFUSABLES:
                letter = LATIN_CONFUSABLES[letter]
            elif kind == "wide":
                letter = chr(ord(letter) + 0xFEE0)
            elif kind == "accent":
                letter += "\u0301"
            letters.append(letter)
            if draw(st.booleans()):
                letters.append(draw(st.sampled_from(FORMAT_CHARACTERS)))
        out.append("".join(letters))
    separator = draw(st.sampled_from([" ", ", ", "\u00a0", "\t", " - "]))
    honorific = draw(st.sampled_from(["", "Dr. ", "Ms ", "Mx. "]))
    return honorific + separator.join(out)


@settings(max_examples=200, deadline=None)
@given(st.data(), NAMES)
def test_any_disguise_of_the_name_still_recuses(data: st.DataObject, words: list[str]) -> None:
    officer = Officer("someone@example.org", " ".join(words), frozenset({"ethics_officer"}))
    written = data.draw(disguised(words))
    assert is_named(officer, [written]), (officer.name, written)


@settings(max_examples=200, deadline=None)
@given(st.data(), NAMES)
def test_a_single_word_of_a_longer_name_never_recuses(data: st.DataObject,
                                                      words: list[str]) -> None:
    officer = Officer("someone@example.org", " ".join(words), frozenset({"ethics_officer"}))
    one = data.draw(st.sampled_from(words))
    assert not is_named(officer, [data.draw(disguised([one]))])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_fold_is_a_fixed_point(text: str) -> None:
    for word in text.split():
        assert fold(fold(word)) == fold(word)


@settings(max_examples=150, deadline=None)
@given(NAMES, st.lists(st.text(max_size=40), max_size=4), st.binary(min_size=16,
                                                                    max_size=32))
def test_the_blind_index_answers_as_the_plain_comparison(words: list[str],
                                                         named: list[str],
                                                         key: bytes) -> None:
    officer = Officer("someone@example.org", " ".join(words), frozenset({"ethics_officer"}))
    marker = Marker(key)
    for entries in (named, [*named, officer.name.upper()], [*named, "SOMEONE@example.org"]):
        index = index_of(entries, marker)
        assert named_index_from_doc(named_index_doc(index)) == index
        assert index_names(officer_marks(officer.name, officer.email, marker), index) == \
            is_named(officer, entries)


def test_the_index_holds_no_name_and_depends_on_the_key() -> None:
    named = ["Dana Officer", "dana.officer@example.org"]
    one, other = Marker(b"k" * 32), Marker(b"j" * 32)
    text = repr(named_index_doc(index_of(named, one)))
    assert "dana" not in text.lower() and "officer" not in text.lower()
    assert index_of(named, one).entries != index_of(named, other).entries
    with pytest.raises(ValueError, match="schemes"):
        index_names(officer_marks(DANA.name, DANA.email, other), index_of(named, one))


def test_the_index_key_is_required_on_google_cloud_and_kept_in_the_data_folder_locally(
        tmp_path: Path) -> None:
    from shared import config
    from shared.bootstrap import Container

    on_gcp = Container(config.load({"INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": "p"}))
    with pytest.raises(config.ConfigError, match="INTAKE_NAME_INDEX_SECRET"):
        on_gcp.name_marker  # noqa: B018
    local = {"INTAKE_DATA_DIR": str(tmp_path)}
    first = Container(config.load(local)).name_marker
    assert (tmp_path / "keys" / "name-index.secret").stat().st_mode & 0o777 == 0o600
    assert Container(config.load(local)).name_marker.key_id == first.key_id
    given = Container(config.load({**local, "INTAKE_NAME_INDEX_SECRET": "s" * 40})).name_marker
    assert given.key_id == Marker(b"s" * 40).key_id != first.key_id
    with pytest.raises(config.ConfigError, match="INTAKE_NAME_INDEX_SECRET"):
        config.load({"INTAKE_NAME_INDEX_SECRET": "too short"})


def test_a_mailbox_is_the_one_the_send_limits_count() -> None:
    """Recusal and the send limits agree on what one mailbox is (shared.domain.mailboxes):
    Gmail ignores the dots of a local part, so an officer's Gmail address spelt with or
    without them is the officer."""
    officer = Officer("dana.officer@gmail.com", "Dana Officer", frozenset({"ethics_officer"}))
    for written in ("danaofficer@gmail.com", "Dana.Officer+hr@googlemail.com",
                    "Someone <d.a.n.a.officer@GMAIL.com.>"):
        assert is_named(officer, [written]), written
    assert not is_named(officer, ["dana.officer@example.org"])
