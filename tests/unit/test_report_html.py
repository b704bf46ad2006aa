"""The annual report's HTML page: what it says is fixed by a page committed as expected,
made from text that needs escaping everywhere the page shows text (captions, notes, image
addresses and their alternative text)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from shared.domain import annual_report as ar
from shared.reports.tables import html_page

EXPECTED = Path(__file__).resolve().parent / "report_html"
HOSTILE_NOTE = "<b>\"Tom & Jerry's\"</b> note"
HOSTILE_IMAGES = {"Figure I": "a b/\"x\".svg?q=1&r=<2>", "Figure II": "f'2.svg"}


class _Events(HTMLParser):
    """A page as the sequence a browser's parser sees: tags with their attributes, text
    with its character references resolved; two spellings of one page compare equal."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[object, ...]] = []

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("text", data))


def parsed(page: str) -> list[tuple[object, ...]]:
    events = _Events()
    events.feed(page)
    events.close()
    return events.events


def test_text_is_escaped_wherever_the_page_shows_it() -> None:
    report = ar.assemble(2024, dict.fromkeys(ar.report_queries(2024), 0), [],
                         notes=[HOSTILE_NOTE])
    page = html_page(report, HOSTILE_IMAGES)
    assert parsed(page) == parsed((EXPECTED / "escaping.html").read_text(encoding="utf-8"))
    assert "<b>" not in page and HOSTILE_NOTE not in page
    assert ("text", HOSTILE_NOTE) in parsed(page)
    sources = [value for event in parsed(page) if event[:2] == ("start", "img")
               for name, value in event[2] if name == "src"]  # type: ignore[attr-defined]
    assert sources == list(HOSTILE_IMAGES.values())
