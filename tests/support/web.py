"""The web pages in-process, as a browser sees them: one cookie jar across functions (they
share an origin), form posts with the page's token, and the parts of a page tests read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.test import TestResponse

from shared import bootstrap
from shared.bootstrap import Container
from shared.ports.storage import IntakeStore
from tests.support.fakes import (
    FixedClock,
    InMemoryFollowUpStore,
    InMemoryStore,
    RecordingQueue,
    ledger_for,
    storage_for,
)
from tests.support.harness import Harness, function_app, settings_for

HOST = "intake.example.org"
ORIGIN = f"http://{HOST}"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM_TYPE = "application/x-www-form-urlencoded"


def web_harness(tmp_path: Path, store: IntakeStore | None = None, **settings: str) -> Harness:
    """A harness whose container also has a follow-up store on the same database (for the
    in-memory and SQLite stores; another store, such as a failure-injecting proxy, gets
    none)."""
    from shared.adapters.sqlite_followup import SqliteFollowUpStore
    from shared.adapters.sqlite_store import SqliteStore

    store = store if store is not None else InMemoryStore()
    components: dict[str, Any] = {}
    if isinstance(store, InMemoryStore):
        components["follow_up"] = InMemoryFollowUpStore(store)
    elif isinstance(store, SqliteStore):
        components["follow_up"] = SqliteFollowUpStore(store.database)
    queue, clock = RecordingQueue(), FixedClock()
    s = settings_for(tmp_path, **{"INTAKE_FUNCTIONS_BASE_URL": ORIGIN, **settings})
    ledger = ledger_for(store)
    if ledger is not None:
        components["mail_ledger"] = ledger
    storage = storage_for(store)
    if storage is not None:
        components["storage"] = storage
    container = Container(s, store=store, queue=queue, clock=clock, **components)
    return Harness(container, store, queue, clock)


@dataclass
class Page:
    """What tests read of an HTML page."""

    status: int
    text: str
    headers: dict[str, str]
    lang: str = ""
    dir: str = ""
    title: str = ""
    inputs: dict[str, str] = field(default_factory=dict)  # text, hidden, checked choices
    summary: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every control's name, in page order
    disabled: set[str] = field(default_factory=set)  # controls a browser would not send
    location: str = ""  # where a redirect leads

    @property
    def step(self) -> str:
        return self.inputs.get("step", "")

    @property
    def token(self) -> str:
        return self.inputs["csrf_token"]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page: dict[str, Any] = {"inputs": {}, "summary": [], "errors": [], "names": [],
                                     "disabled": set()}
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_title = False
        self._in_summary = 0
        self._in_error = False
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page["lang"], self.page["dir"] = a.get("lang", ""), a.get("dir", "")
        elif tag == "title":
            self._in_title, self._buffer = True, ""
        if tag in ("input", "textarea", "select") and a.get("name"):
            if a["name"] not in self.page["names"]:
                self.page["names"].append(a["name"])
            if "disabled" in a:
                self.page["disabled"].add(a["name"])
        if tag == "html":
            pass
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.page["inputs"][a["name"]] = a.get("value", "")
            else:
                self.page["inputs"][a.get("name", "")] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._buffer = a.get("name", ""), ""
        elif tag == "select":
            self._select = a.get("name", "")
        elif tag == "option" and self._select is not None and "selected" in a:
            self.page["inputs"][self._select] = a.get("value", "")
        elif tag == "div" and "error-summary" in a.get("class", ""):
            self._in_summary = 1
        elif self._in_summary and tag == "li":
            self._buffer = ""
        elif tag == "p" and "error-message" in a.get("class", ""):
            self._in_error, self._buffer = True, ""
        if self._in_summary and tag == "div" and "error-summary" not in a.get("class", ""):
            self._in_summary += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.page["title"], self._in_title = self._buffer.strip(), False
        elif tag == "textarea" and self._textarea is not None:
            self.page["inputs"][self._textarea] = self._buffer
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif self._in_summary and tag == "li":
            self.page["summary"].append(" ".join(self._buffer.split()))
        elif self._in_summary and tag == "div":
            self._in_summary -= 1
        elif tag == "p" and self._in_error:
            self.page["errors"].append(" ".join(self._buffer.split()))
            self._in_error = False

    def handle_data(self, data: str) -> None:
        self._buffer += data


def read_page(response: TestResponse) -> Page:
    text = response.get_data(as_text=True)
    reader = _Reader()
    reader.feed(text)
    return Page(status=response.status_code, text=text, headers=dict(response.headers),
                location=response.headers.get("Location", ""), **reader.page)


HIDDEN = ("csrf_token", "lang", "draft", "step", "website")
PARTS = ("day", "month", "year")


@dataclass
class Browser:
    """A browser on one origin: cookies kept across functions, form posts as it sends them."""

    harness: Harness
    language: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    address: str = "127.0.0.1"  # the network address the function sees it connect from

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, response: TestResponse) -> None:
        for header in response.headers.getlist("Set-Cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]

    def request(self, function: str, path: str = "/", *, method: str = "GET",
                data: bytes | None = None, headers: dict[str, str] | None = None,
                content_type: str = FORM_TYPE) -> TestResponse:
        client = function_app(function).test_client(use_cookies=False)  # our jar, not its
        all_headers = {"Accept": HTML, "Host": HOST, **self._cookie_header(),
                       **({"Accept-Language": self.language} if self.language else {}),
                       **(headers or {})}
        with bootstrap.using(self.harness.container):
            response: TestResponse = client.open(
                path, method=method, data=data, headers=all_headers,
                content_type=content_type if data is not None else None,
                environ_base={"REMOTE_ADDR": self.address})
        self._keep(response)
        return response

    def get(self, path: str = "/", **query: str) -> Page:
        suffix = f"?{urlencode(query)}" if query else ""
        return read_page(self.request("forms", path + suffix))

    def post(self, function: str, pairs: list[tuple[str, str]], *, path: str = "/",
             origin: str | None = ORIGIN, fetch_site: str | None = "same-origin",
             headers: dict[str, str] | None = None) -> Page:
        extra = {**({"Origin": origin} if origin else {}),
                 **({"Sec-Fetch-Site": fetch_site} if fetch_site else {}), **(headers or {})}
        response = self.request(function, path, method="POST",
                                data=urlencode(pairs).encode("ascii"), headers=extra)
        return read_page(response)

    def follow(self, page: Page) -> Page:
        """Where a redirect of the pages leads (a GET, as a browser follows a 303)."""
        if page.status != 303 or not page.location.startswith("/forms"):
            return page
        return read_page(self.request("forms", page.location.removeprefix("/forms")))

    def submit(self, form: str, pairs: list[tuple[str, str]], **kwargs: Any) -> Page:
        """Send a whole form in one post (as the API's form encoding names it), from the
        form's first page (for its token), and follow the answer to the confirmation."""
        page = self.get(f"/{form}", **({"lang": self.language} if self.language else {}))
        hidden = [(name, page.inputs[name]) for name in ("csrf_token", "lang", "website")]
        return self.follow(self.post(f"submit_{form}", hidden + pairs, **kwargs))

    def step(self, form: str, page: Page, answers: dict[str, str], action: str = "continue",
             **kwargs: Any) -> Page:
        """Answer the questions this step shows (from ``answers``, dates as ISO dates or
        as their parts) and press a button of it."""
        pairs = [(name, page.inputs.get(name, "")) for name in HIDDEN]
        for name in page.names:
            if name in HIDDEN or name in page.disabled:
                continue
            base, _, part = name.rpartition(".")
            if part in PARTS and base in answers and "-" in answers[base]:
                year, month, day = answers[base].split("-")
                pairs.append((name, {"day": day, "month": month, "year": year}[part]))
            elif name in answers:
                pairs.append((name, answers[name]))
        pairs.append(("action", action))
        function = f"submit_{form}" if page.step == "check" and action == "send" else "forms"
        path = "/" if function != "forms" else f"/{form}"
        return self.post(function, pairs, path=path, **kwargs)

    def walk(self, form: str, answers: dict[str, str], *, until: str | None = None,
             **kwargs: Any) -> Page:
        """Go through a form's steps with these answers, up to its "Check your answers"
        (or the step ``until``), then send it and follow to the confirmation."""
        page = self.get(f"/{form}", **({"lang": self.language} if self.language else {}))
        for _ in range(80):
            if page.status >= 400 or page.step == until:
                return page
            if page.step == "check":
                return self.follow(self.step(form, page, answers, "send", **kwargs))
            missing = [name for name in re.findall(r'value="add:([a-z_]+)"', page.text)
                       if rows_in(answers, name) > rows_in(page.names, name)]
            page = self.step(form, page, answers, f"add:{missing[0]}" if missing else
                             "continue")
        raise AssertionError("the form never reached its end")


def rows_in(names: Any, rows: str) -> int:
    """How many rows of a list these names hold."""
    found = [int(name.split(".")[1]) for name in names
             if name.startswith(rows + ".") and name.split(".")[1].isdigit()]
    return max(found) + 1 if found else 0


def reference_on(page: Page) -> str:
    found = re.search(r"ETH-[A-Z]{3}-[0-9A-Z]{5}-[0-9A-Z]{5}", page.text)
    assert found, page.text[:2000]
    return found.group()


def receipt_on(page: Page) -> str:
    found = re.search(r'receipt-code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<',
                      page.text)
    assert found, page.text[:2000]
    return found.group(1)
