"""Reading our Markdown the way GitHub renders it, for the tests that hold the docs to the
repository: links and their targets, heading anchors, and the tables under a heading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
_SKIPPED_DIRS = {"node_modules", "build"}

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
_HTML_LINK = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)=\"([^\"]*)\"", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:...


def markdown_files(root: Path = ROOT) -> list[Path]:
    """Every Markdown file of the project (not those of virtualenvs, caches or builds)."""
    return sorted(p for p in root.rglob("*.md")
                  if not any(part.startswith(".") or part in _SKIPPED_DIRS
                             for part in p.relative_to(root).parts[:-1]))


def without_fences(text: str) -> str:
    """The text with fenced code blocks blanked, every position kept."""
    return _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def without_code(text: str) -> str:
    """The text with fenced code blocks and code spans blanked: what is in them is not a
    link. Line breaks are kept."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), without_fences(text))


def link_targets(text: str) -> list[str]:
    """The targets of the links and images of a Markdown text (inline, reference
    definitions, HTML ``href``/``src``), code excluded."""
    prose = without_code(text)
    return [*(m.group(1) for m in _INLINE_LINK.finditer(prose)),
            *(m.group(1) for m in _REFERENCE_DEFINITION.finditer(prose)),
            *(m.group(1) for m in _HTML_LINK.finditer(prose))]


def is_external(target: str) -> bool:
    return bool(_EXTERNAL.match(target)) or target.startswith("//")


def _rendered(heading: str) -> str:
    """A heading's text as rendered: links by their text, no emphasis or code marks."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces
    as hyphens, and -1, -2... for repeats."""
    seen: dict[str, int] = {}
    found = set()
    for match in _HEADING.finditer(without_fences(text)):
        slug = re.sub(r"[^\w\- ]", "", _rendered(match.group(2)).strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


@dataclass(frozen=True)
class BrokenLink:
    file: str
    target: str
    why: str


def broken_links(path: Path, root: Path = ROOT) -> Iterator[BrokenLink]:
    """Every relative link of ``path`` that leaves the repository, names nothing that exists,
    or points at a heading its Markdown target does not have."""
    text = path.read_text(encoding="utf-8")
    shown = str(path.relative_to(root))
    for target in link_targets(text):
        if not target or is_external(target):
            continue
        location, _, fragment = target.partition("#")
        location = unquote(location.split("?", 1)[0])
        resolved = (path.parent / location).resolve() if location else path
        if not resolved.is_relative_to(root.resolve()):
            yield BrokenLink(shown, target, "points outside the repository")
            continue
        if not resolved.exists():
            yield BrokenLink(shown, target, "no such file or folder")
            continue
        if fragment and resolved.suffix == ".md" and unquote(fragment).lower() not in \
                anchors(resolved.read_text(encoding="utf-8")):
            yield BrokenLink(shown, target, f"{resolved.name} has no heading #{fragment}")


def section(text: str, heading: str) -> str:
    """The text under the heading called ``heading`` (any level), up to the next heading of
    the same or a higher level."""
    headings = list(_HEADING.finditer(without_fences(text)))
    for index, match in enumerate(headings):
        if _rendered(match.group(2)).strip() == heading:
            level = len(match.group(1))
            end = next((h.start() for h in headings[index + 1:] if len(h.group(1)) <= level),
                       len(text))
            return text[match.end():end]
    raise KeyError(f"no heading {heading!r}")


_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")


def tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of ``text``, in order: each a list of its body rows, each row a
    list of cells (the header and the rule under it left out)."""
    found: list[list[list[str]]] = []
    lines = without_fences(text).splitlines()
    index = 0
    while index < len(lines):
        if lines[index].lstrip().startswith("|") and index + 1 < len(lines) \
                and _RULE.fullmatch(lines[index + 1]):
            rows = []
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                rows.append([cell.strip() for cell in lines[index].strip().strip("|").split("|")])
                index += 1
            found.append(rows)
        else:
            index += 1
    return found


def codes(cell: str) -> list[str]:
    """The code spans of a table cell, in order (`a`, `b` -> ["a", "b"])."""
    return re.findall(r"`([^`]+)`", cell)
