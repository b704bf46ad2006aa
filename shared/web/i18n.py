"""Languages of the pages: negotiation and catalogues.

English is the source language (the strings in the code and templates); each other
language has a gettext catalogue ``locales/<code>/LC_MESSAGES/messages.po``. Catalogues are
compiled from the ``.po`` files when a language is first used in a process, so the ``.po``
files are the only form of a translation that exists: nothing compiled can drift from them.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
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


@functools.cache
def _catalogue(code: str) -> gettext_module.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[code].babel_locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def translations(code: str) -> gettext_module.NullTranslations:
    """The compiled catalogue of a language (built once per process)."""
    with _lock:
        return _catalogue(code)
