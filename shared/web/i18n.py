"""Languages of the pages: negotiation and catalogues.

English is the source language (the strings in the code and templates); each other
language has a gettext catalogue ``locales/<code>/LC_MESSAGES/messages.po``, the one form of
a translation anyone edits. Compiling one takes a first page hundreds of milliseconds, so
``intake i18n compile`` (and ``update``) writes each compiled catalogue beside its ``.po``,
named by the hash of the ``.po`` it was compiled from: a page loads the compiled file of
the ``.po`` as it is now, and compiles the ``.po`` itself when there is none (an edited
``.po`` not compiled yet), so nothing compiled can drift from its source.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
import hashlib
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str  # as used in URLs and in the ``preferred_language`` field
    name: str  # in the language itself
    html_lang: str  # BCP 47 tag for the ``lang`` attribute
    babel_locale: str
    direction: str  # ltr or rtl


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("en", "English", "en", "en", "ltr"),
    Language("fr", "Français", "fr", "fr", "ltr"),
    Language("es", "Español", "es", "es", "ltr"),
    Language("pt", "Português", "pt", "pt", "ltr"),
    Language("ar", "العربية", "ar", "ar", "rtl"),
    Language("zh", "中文", "zh-Hans", "zh_Hans", "ltr"),
)}
SOURCE_LANGUAGE = "en"
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)

_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def negotiate(explicit: str | None, accept_language: str | None) -> str:
    """The page language: an explicit choice (the switcher, a form's hidden field) if it is
    one of ours, else the best of ``Accept-Language``, else English.

    The best is the first of ours among the languages the browser accepts, by quality
    (``q``, 1 when not given) and then in the order listed; a language with a region or
    script (``fr-CA``, ``zh-Hant-TW``) counts as its primary language, at its own quality.
    ``q=0``, an invalid ``q`` and a malformed tag are not accepted; ``*`` picks nothing.
    """
    if explicit in LANGUAGES:
        return explicit
    from babel.core import negotiate_locale
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    # Bounded work on a hostile header: its first 1000 characters and 30 items.
    header = ",".join((accept_language or "")[:1000].split(",")[:30])
    accepted = parse_accept_header(header, LanguageAccept)  # by quality, stable
    tags = ((item.partition(";")[0].strip(), quality) for item, quality in accepted)
    preferred = [tag.replace("_", "-").lower() for tag, quality in tags
                 if quality > 0 and _TAG.match(tag)]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-", aliases={}) \
        or SOURCE_LANGUAGE


_lock = threading.Lock()


def source_path(code: str) -> Path:
    """A language's ``.po`` file."""
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_path(code: str, source: bytes) -> Path:
    """Where the compiled catalogue of exactly this ``.po`` content is kept."""
    digest = hashlib.sha256(source).hexdigest()[:16]
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}-{digest}.mo"


def compile_catalogue(code: str, source: bytes) -> bytes:
    """The ``.mo`` form of a language's ``.po`` content."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale=LANGUAGES[code].babel_locale,
                      domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()


def write_compiled(code: str) -> Path:
    """Compile a language's ``.po`` beside it, removing what older versions left."""
    source = source_path(code).read_bytes()
    target = compiled_path(code, source)
    for old in target.parent.glob(f"{DOMAIN}-*.mo"):
        if old != target:
            old.unlink()
    target.write_bytes(compile_catalogue(code, source))
    return target


@functools.cache
def _catalogue(code: str) -> gettext_module.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    source = source_path(code).read_bytes()
    compiled = compiled_path(code, source)
    data = compiled.read_bytes() if compiled.is_file() else compile_catalogue(code, source)
    return gettext_module.GNUTranslations(io.BytesIO(data))


def translations(code: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of a language (built once per process)."""
    with _lock:
        return _catalogue(code)
