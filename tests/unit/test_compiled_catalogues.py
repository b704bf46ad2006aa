"""Each language's compiled catalogue is there for its .po as it is now, and says exactly
what compiling that .po says; a .po edited after compiling is compiled on first use, never
served from an older compiled file."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest

from shared.web import i18n

OTHER_LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_the_compiled_catalogue_of_the_current_po_is_there_and_agrees(code: str) -> None:
    source = i18n.source_path(code).read_bytes()
    compiled = i18n.compiled_path(code, source)
    assert compiled.is_file(), f"run `intake i18n compile`: {compiled.name} is missing"
    shipped = gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(i18n.compile_catalogue(code, source)))
    assert shipped._catalog == fresh._catalog  # type: ignore[attr-defined]
    leftovers = sorted(p.name for p in compiled.parent.glob("messages-*.mo") if p != compiled)
    assert leftovers == []


def test_an_edited_po_is_never_served_from_an_older_compiled_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = OTHER_LANGUAGES[0]
    folder = tmp_path / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    original = i18n.source_path(code).read_bytes()
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    (folder / "messages.po").write_bytes(original)
    i18n.write_compiled(code)
    edited = original.replace(b'msgid "Back"\nmsgstr "', b'msgid "Back"\nmsgstr "EDITED ')
    assert edited != original
    (folder / "messages.po").write_bytes(edited)
    i18n._catalogue.cache_clear()
    try:
        assert i18n._catalogue(code).gettext("Back").startswith("EDITED ")
    finally:
        i18n._catalogue.cache_clear()
