"""The catalogue template: every message a page can show, and the checks of the catalogues.

Messages come from two places: the templates and the web code (``_``, ``gettext``,
``N_``: labels, hints, and each question's messages for the problems the schemas report
by code), and the domain's vocabulary (taxonomy labels, follow-up statuses). The schemas'
own English is the API's and is never shown on a page. ``intake i18n update`` writes the
template and merges it into each language; ``intake i18n check`` (and a test) fails when a
catalogue misses a message, leaves one untranslated or fuzzy, changes its placeholders, or
keeps one that no page uses any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from shared.web.i18n import DOMAIN, LANGUAGES, LOCALES, TRANSLATED
from shared.web.render import TEMPLATES

WEB = Path(__file__).resolve().parent
PACKAGE_ROOT = WEB.parents[1]
CODE = [*sorted(WEB.rglob("*.py")),
        *sorted((PACKAGE_ROOT / "shared" / "endpoints").glob("*.py"))]
TEMPLATE_FILE = LOCALES / f"{DOMAIN}.pot"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Dates in the headers stay fixed, so regenerating changes a file only when a message does.
STABLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = ("# Messages of the ethics-intake web pages.\n"
          "# Regenerate with `intake i18n update`; translate msgstr only.")


def _extracted() -> Iterator[tuple[str, str]]:
    """(message, where) found in templates and code."""
    for path in sorted(TEMPLATES.glob("*.html")):
        for _, message, _, _ in extract_from_file(
                "jinja2.ext:babel_extract", str(path), keywords={"_": None, "gettext": None},
                options={"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                         "lstrip_blocks": "true"}):
            yield str(message), path.relative_to(PACKAGE_ROOT).as_posix()
    for path in CODE:
        for _, message, _, _ in extract_from_file(
                "python", str(path), keywords={"_": None, "gettext": None, "N_": None}):
            yield str(message), path.relative_to(PACKAGE_ROOT).as_posix()


def _vocabulary() -> Iterator[tuple[str, str]]:
    """(message, where) of the domain's vocabulary."""
    from shared.domain import taxonomy
    from shared.domain.follow_up import all_statuses

    labels = (taxonomy.SERVICE_CATEGORIES, taxonomy.ADVICE_LABELS, taxonomy.ALLEGATION_TYPES,
              taxonomy.PROTECTED_ACTIVITIES, taxonomy.RETALIATORY_ACT_KINDS,
              taxonomy.DUTY_STATIONS, taxonomy.STAFF_CATEGORIES, taxonomy.CONTACT_METHODS,
              taxonomy.REQUESTER_TYPES,
              # the officers' console: suspensions and measures
              taxonomy.SUSPENSION_REASONS, taxonomy.PROTECTIVE_MEASURES,
              taxonomy.CORRECTIVE_MEASURES, taxonomy.PROTECTIVE_MEASURE_OUTCOMES,
              taxonomy.MEASURE_PURPOSES, taxonomy.MEASURE_DECISIONS)
    for mapping in labels:
        for label in mapping.values():
            yield label, "shared/domain/taxonomy.py"
    for status in all_statuses():
        yield status.label, "shared/domain/follow_up.py"
        yield status.next_step, "shared/domain/follow_up.py"


def template() -> Catalog:
    """The catalogue template (msgids only), in a stable order."""
    catalog = Catalog(project="ethics-intake", domain=DOMAIN, charset="utf-8", fuzzy=False,
                      header_comment=HEADER, copyright_holder="ethics-intake contributors",
                      creation_date=STABLE_DATE, revision_date=STABLE_DATE, version="1")
    found: dict[str, set[str]] = {}
    for message, where in [*_extracted(), *_vocabulary()]:
        if message.strip():
            found.setdefault(message, set()).add(where)
    for message in sorted(found):
        catalog.add(message, locations=[(where, 0) for where in sorted(found[message])])
    return catalog


def po_path(code: str) -> Path:
    return LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as handle:
        return read_po(handle, locale=LANGUAGES[code].babel_locale, domain=DOMAIN)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, include_lineno=False, omit_header=False,
                 sort_output=True, ignore_obsolete=True)


def update() -> dict[str, list[str]]:
    """Write the template and merge it into every language (translations kept, new messages
    empty, unused ones dropped). Returns the problems left, by language."""
    pot = template()
    write(pot, TEMPLATE_FILE)
    for code in TRANSLATED:
        path = po_path(code)
        if path.exists():
            catalog = read(code)
        else:
            catalog = Catalog(locale=LANGUAGES[code].babel_locale, domain=DOMAIN,
                              project="ethics-intake", charset="utf-8", fuzzy=False,
                              header_comment=HEADER, copyright_holder="ethics-intake "
                              "contributors", version="1")
        catalog.update(pot, no_fuzzy_matching=True)
        write(catalog, path)
    return check()


def problems(code: str, pot: Catalog) -> list[str]:
    """What is wrong with one language's catalogue against the template."""
    if not po_path(code).exists():
        return [f"{code}: no catalogue at {po_path(code)}"]
    catalog = read(code)
    found = []
    wanted = {m.id for m in pot if m.id}
    for message in catalog:
        if not message.id:
            continue
        if message.id not in wanted:
            found.append(f"{code}: not used by any page any more: {message.id!r}")
        elif not message.string:
            found.append(f"{code}: not translated: {message.id!r}")
        elif message.fuzzy:
            found.append(f"{code}: fuzzy: {message.id!r}")
        elif set(_PLACEHOLDER.findall(str(message.id))) != set(
                _PLACEHOLDER.findall(str(message.string))):
            found.append(f"{code}: placeholders differ: {message.id!r}")
    missing = wanted - {m.id for m in catalog if m.id}
    found += [f"{code}: missing: {msgid!r}" for msgid in sorted(map(str, missing))]
    return found


def check() -> dict[str, list[str]]:
    pot = template()
    return {code: problems(code, pot) for code in TRANSLATED}
