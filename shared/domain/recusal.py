"""Recusal: is an officer one of the people a case names?

A complainant writes names as they come: "Dr. Dana Officer", "OFFICER, Dana", with a
Cyrillic letter from another keyboard layout, a soft hyphen pasted from a word processor,
an e-mail address with a ``+tag``. Matching errs towards recusal (a wrongly recused officer
hands the case to a colleague; a missed recusal hands a complaint to the person it is
about) but never on a lone first or last name, which would lock officers out of unrelated
cases. docs/recusal.md says what matches and where matching stops.

How a name becomes comparable words:

1. Every format character (Unicode category Cf: soft hyphen, zero-width characters, bidi
   controls, ...) is removed, then the text is put in NFKC (full-width and compatibility
   forms, ligatures).
2. E-mail addresses are taken out and compared on their own, by mailbox: case and
   ``+tag`` ignored.
3. The rest is cut into words at spaces and punctuation; apostrophes join ("O'Brien" is
   one word).
4. Each word is folded: accents dropped, a few letters without a decomposition spelled out
   (ø, æ, ł, þ...), then its Unicode TR39 skeleton taken from Unicode's confusables data
   (the ``disarm`` package), lower-cased. A word keeps two folds, of itself as written and
   of its lower case, because the skeleton sees capitals: "AIice" (capital i) looks like
   "Alice", "ALICE" is "Alice" in capitals, and each meets "Alice" in one of them.
5. Honorifics and one-letter initials are dropped.

Two people's words are compared as sets: the officer is named by an entry when the words
are the same, or when one set holds the other and the smaller has at least two words. An
entry's word that is two or three of the officer's words run together ("DanaOfficer")
counts as those words.

The same comparison runs on a keyed blind index (``NamedIndex``): each fold and mailbox is
replaced by its HMAC under a secret key, so a case can carry the index of the people it
names and a list can be filtered without opening any submission.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from shared.domain.mailboxes import mailbox

# What "the same word" means may change with the fold (our rules, the Unicode data):
# the scheme is stored with each index so an index built under another one is not trusted.
# "3": the index also holds the organisations and offices a case names.
FOLD_RULES: Final = "3"

_APOSTROPHES: Final = frozenset("'`\u00b4\u2018\u2019\u02bc\u02b9\u02bb\u2032\uff07")
_SPELLED_OUT: Final = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "ng", "ß": "ss"}
_SPELL_OUT: Final = str.maketrans({**_SPELLED_OUT, **{
    k.upper(): v.capitalize() for k, v in _SPELLED_OUT.items() if len(k.upper()) == 1}})
_HONORIFICS: Final = (
    "mr", "mrs", "ms", "miss", "mx", "mister", "dr", "dra", "prof", "professor", "sir",
    "dame", "madam", "madame", "mme", "mlle", "monsieur", "sr", "sra", "srta", "herr",
    "frau", "rev", "hon")
# An address as written in free text: no spaces, brackets or quotes around its parts.
_FIND_EMAIL_RE: Final = re.compile(r"[^\s<>()\[\]{},;:\"'/\\]+@[^\s<>()\[\]{},;:\"'/\\]+")
_MAX_JOINED: Final = 3  # officer's words run together that one written word may be
# Pieces of a name written apart ("Lo-cal", "D a n a") that may be one word: at most so
# many, so long together, and so many such runs per entry.
_MAX_PIECES: Final = 12
_MAX_RUN_LENGTH: Final = 32
_MAX_RUNS: Final = 64
_MAX_WORDS_FOR_ALL_ORDERS: Final = 6
# Legal forms of organisations, dropped from an organisation's name before comparing it
# ("Acme Supplies Ltd" is "ACME SUPPLIES GmbH"). Forms written with dots ("S.A.", "B.V.")
# are initials, dropped anyway.
LEGAL_FORMS: Final = (
    "ltd", "limited", "plc", "llc", "llp", "lp", "inc", "incorporated", "corp",
    "corporation", "co", "company", "cie", "sa", "sas", "sasu", "sarl", "sàrl", "snc",
    "eurl", "gmbh", "ag", "kg", "kgaa", "ug", "ev", "bv", "nv", "vof", "spa", "srl", "sl",
    "sau", "slu", "ltda", "eireli", "me", "mei", "oy", "oyj", "ab", "asa", "aps", "pty",
    "pte", "pvt", "bhd", "sdn", "kk", "ooo", "zao", "oao", "pjsc", "jsc", "sc", "scs")


# --- Folding ------------------------------------------------------------------------------

@functools.cache
def _disarm() -> Any:
    import disarm  # imported on first use: ~50 ms, only for the functions that match names

    return disarm


def fold_version() -> str:
    """The version of the fold: our rules and the Unicode confusables data."""
    d = _disarm()
    return f"{FOLD_RULES}/{d.CONFUSABLES_VERSION}/{d.KEY_SCHEMA_VERSION}"


def without_format_characters(text: str) -> str:
    """``text`` without its format characters (Cf), in NFKC."""
    return unicodedata.normalize("NFKC", "".join(
        c for c in text if unicodedata.category(c) != "Cf"))


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """One word's comparable form: accents dropped, then its TR39 skeleton, lower-cased.
    A fixed point: folding a fold changes nothing."""
    current = word
    for _ in range(4):
        skeleton = _disarm().skeleton_key(_bare(current).translate(_SPELL_OUT),
                                          digit_policy="tr39")
        folded = "".join(c for c in _bare(skeleton).translate(_SPELL_OUT)
                         if c.isalnum())
        if folded == current:
            break
        current = folded
    return current


def folds(word: str) -> frozenset[str]:
    """The folds of a word as written and of its lower case (see the module's docstring)."""
    return frozenset(f for f in (fold(word), fold(word.lower())) if f)


@functools.cache
def _honorific_folds() -> frozenset[str]:
    return frozenset(fold(h) for h in _HONORIFICS)


@functools.cache
def _legal_form_folds() -> frozenset[str]:
    return frozenset(fold(f) for f in LEGAL_FORMS)


def _organisation(text: str) -> str:
    """An organisation's name without its legal forms (a name that is nothing but legal
    forms is kept as it is)."""
    legal = _legal_form_folds()
    pieces = "".join(_word_char(c) for c in without_format_characters(text)).split()
    kept = [p for p in pieces if not folds(p) & legal]
    return " ".join(kept) if kept else text


@functools.lru_cache(maxsize=4096)
def _word_char(c: str) -> str:
    """A character inside a word as itself, a separator as " ", an apostrophe as "".
    Punctuation that the confusables data takes for a letter ("|" for "l") is that letter."""
    if c in _APOSTROPHES:
        return ""
    if unicodedata.category(c)[0] in "LMN":
        return c
    if c.isspace():
        return " "
    looks_like = _disarm().skeleton_key(c, digit_policy="tr39")
    return looks_like if len(looks_like) == 1 and looks_like.isalnum() else " "


def _pieces(text: str) -> list[str]:
    """What a name is cut into at spaces and punctuation, honorifics left out."""
    text = _FIND_EMAIL_RE.sub(" ", without_format_characters(text))
    honorifics = _honorific_folds()
    return [piece for piece in "".join(_word_char(c) for c in text).split()
            if (forms := folds(piece)) and not forms & honorifics]


def _is_initial(piece: str) -> bool:
    return all(len(f) == 1 and f.isascii() and f.isalpha() for f in folds(piece))


def _word_positions(pieces: Sequence[str]) -> list[int]:
    """The positions of the pieces that are words: no initial, no repeat."""
    seen: set[frozenset[str]] = set()
    kept = []
    for at, piece in enumerate(pieces):
        forms = folds(piece)
        if _is_initial(piece) or forms in seen:
            continue
        seen.add(forms)
        kept.append(at)
    return kept


def _written_words(text: str) -> list[str]:
    """The words of a name as written, without honorifics, initials and repeats."""
    pieces = _pieces(text)
    return [pieces[at] for at in _word_positions(pieces)]


def name_tokens(text: str) -> frozenset[str]:
    """The lower-case folds of a name's words (for reading and tests)."""
    return frozenset(fold(w.lower()) for w in _written_words(text))


def mailbox_forms(address: str) -> frozenset[str]:
    """The mailbox an address delivers to (``shared.domain.mailboxes``), as comparable
    forms: itself and its confusable skeleton."""
    local, _, domain = without_format_characters(address).strip().rpartition("@")
    if not local or not domain:
        return frozenset()
    box = mailbox(f"{local}@{domain}")
    return frozenset({box, _disarm().skeleton_key(box, digit_policy="tr39")})


def mailboxes_in(text: str) -> list[frozenset[str]]:
    """The mailboxes of the addresses written in ``text``."""
    return [forms for found in _FIND_EMAIL_RE.findall(without_format_characters(text))
            if (forms := mailbox_forms(found))]


# --- Keyed marks and the blind index ------------------------------------------------------

class Marker:
    """Keyed HMAC-SHA256 marks of folds and mailboxes (128 bits, base64url): equal inputs
    give equal marks, and without the key a mark says nothing of what it marks."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the name index key must be at least 16 bytes")
        self._key = key
        self.key_id = self.mark("key-id", "")[:12]

    def mark(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")

    def marks(self, kind: str, values: Iterable[str]) -> frozenset[str]:
        return frozenset(self.mark(kind, v) for v in values)

    @property
    def scheme(self) -> str:
        """What an index made with this marker can be compared with."""
        return f"{fold_version()}/{self.key_id}"


@dataclass(frozen=True)
class NamedEntry:
    """One person a case names: the marks of each of their words and of their mailboxes,
    and ``runs``: the marks of adjacent pieces written together ("Lo-cal", "D a n a"),
    each with the positions of the words it would make one word of."""

    words: tuple[frozenset[str], ...]
    mailboxes: tuple[frozenset[str], ...] = ()
    runs: tuple[tuple[frozenset[str], tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class NamedIndex:
    """The blind index of the people a case names, stored on the case at triage, and of
    the organisations and offices it names (their legal forms dropped)."""

    scheme: str
    entries: tuple[NamedEntry, ...]
    organisations: tuple[NamedEntry, ...] = ()


def _entry(text: str, marker: Marker) -> NamedEntry:
    pieces = _pieces(text)
    positions = _word_positions(pieces)
    runs: list[tuple[frozenset[str], tuple[int, ...]]] = []
    # Shortest runs first, and a bounded number of them: a long entry of single letters
    # must not make the case too big to store.
    for size in range(2, _MAX_PIECES + 1):
        for start in range(len(pieces) - size + 1):
            joined = "".join(pieces[start:start + size])
            if len(joined) <= _MAX_RUN_LENGTH and len(runs) < _MAX_RUNS:
                runs.append((marker.marks("word", folds(joined)), tuple(
                    k for k, at in enumerate(positions) if start <= at < start + size)))
    return NamedEntry(tuple(marker.marks("word", folds(pieces[at])) for at in positions),
                      tuple(marker.marks("mailbox", m) for m in mailboxes_in(text)),
                      tuple(runs))


def index_of(named: Iterable[str], marker: Marker,
             organisations: Iterable[str] = ()) -> NamedIndex:
    """The blind index of the people ``named`` (names or addresses, as written) and of the
    ``organisations`` (organisations, vendors, offices)."""
    return NamedIndex(marker.scheme, tuple(_entry(entry, marker) for entry in named),
                      tuple(_entry(_organisation(o), marker) for o in organisations))


@dataclass(frozen=True)
class OfficerMarks:
    """An officer's name and mailbox as marks, to compare with a case's index.

    ``words`` maps each mark of the officer's words, and of two or three of them run
    together ("danaofficer"), to the positions of the words it stands for."""

    scheme: str
    count: int  # how many words the officer's name has
    words: Mapping[str, frozenset[int]]
    mailbox: frozenset[str]


def _runs(words: Sequence[str]) -> Iterator[tuple[int, ...]]:
    n = len(words)
    if n <= _MAX_WORDS_FOR_ALL_ORDERS:
        for size in range(2, min(_MAX_JOINED, n) + 1):
            yield from itertools.permutations(range(n), size)
    else:
        for size in range(2, _MAX_JOINED + 1):
            yield from (tuple(range(i, i + size)) for i in range(n - size + 1))


def officer_marks(name: str, email: str, marker: Marker) -> OfficerMarks:
    written = _written_words(name)
    words: dict[str, frozenset[int]] = {}
    runs = [(i,) for i in range(len(written))] + list(_runs(written))
    for run in runs:
        for mark in marker.marks("word", folds("".join(written[i] for i in run))):
            words[mark] = words.get(mark, frozenset()) | frozenset(run)
    return OfficerMarks(marker.scheme, len(written), words,
                        marker.marks("mailbox", mailbox_forms(email)))


def entry_names(officer: OfficerMarks, entry: NamedEntry) -> bool:
    """Whether one named entry is the officer (see the module's docstring)."""
    if any(officer.mailbox & mailbox for mailbox in entry.mailboxes):
        return True
    if not officer.count or not (entry.words or entry.runs):
        return False
    matched: set[int] = set()
    covered: set[int] = set()
    for at, theirs in enumerate(entry.words):
        hits = [officer.words[mark] for mark in theirs if mark in officer.words]
        if hits:
            matched.update(*hits)
            covered.add(at)
    for marks, words in entry.runs:
        hits = [officer.words[mark] for mark in marks if mark in officer.words]
        if hits:
            matched.update(*hits)
            covered.update(words)
    unmatched = len(entry.words) - len(covered)
    whole = len(matched) == officer.count
    if whole and not unmatched:
        return True  # the same words
    return len(matched) >= 2 and (whole or not unmatched)  # one holds the other


def index_names(officer: OfficerMarks, index: NamedIndex) -> bool:
    """Whether the index names the officer. Both must come from the same scheme."""
    if officer.scheme != index.scheme:
        raise ValueError("the officer's marks and the index come from different schemes")
    return any(entry_names(officer, entry) for entry in index.entries)


@dataclass(frozen=True)
class InterestMarks:
    """What an officer declared (each counterpart: a company, organisation, person), as
    marks: each counterpart as a name, and as an organisation without its legal forms."""

    scheme: str
    as_names: tuple[OfficerMarks, ...]
    as_organisations: tuple[OfficerMarks, ...]


def interest_marks(counterparts: Iterable[str], marker: Marker) -> InterestMarks:
    kept = sorted({c for c in counterparts if c and c.strip()})
    return InterestMarks(marker.scheme,
                         tuple(officer_marks(c, c, marker) for c in kept),
                         tuple(officer_marks(_organisation(c), "", marker) for c in kept))


def index_names_interest(interests: InterestMarks, index: NamedIndex) -> bool:
    """Whether the index names one of the officer's declared counterparts: a person it
    names is one, or an organisation or office it names is one, legal forms aside."""
    if interests.scheme != index.scheme:
        raise ValueError("the interests' marks and the index come from different schemes")
    return any(entry_names(marks, entry) for marks in interests.as_names
               for entry in (*index.entries, *index.organisations)) or any(
        entry_names(marks, entry) for marks in interests.as_organisations
        for entry in index.organisations)


_PLAIN = Marker(b"recusal: the comparison in memory, no secret")


def names_interest(counterparts: Iterable[str], named: Iterable[str],
                   organisations: Iterable[str]) -> bool:
    """``index_names_interest`` on plain text."""
    return index_names_interest(interest_marks(counterparts, _PLAIN),
                                index_of(named, _PLAIN, organisations))


def is_named(name: str, email: str, named: Iterable[str]) -> bool:
    """Whether the person ``name`` <``email``> is one of the people ``named`` (names or
    e-mail addresses, as a submitter wrote them): the blind index's comparison, on
    plain text."""
    return index_names(officer_marks(name, email, _PLAIN), index_of(named, _PLAIN))
