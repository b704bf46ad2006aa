"""A form's steps, on the ``forms`` function: the first step (GET), and every move between
steps (POST): on, back, add or remove a row, change an answer from "Check your answers",
or switch language. Nothing is stored: the answers travel sealed in the page. The last
page, "Check your answers", posts to the form's submit function.

Every post is refused if the browser marks it as cross-site, and counted against the
client's rate limit before its body is read (``STEPS_LIMIT``: a 429 shows the step again
with its answers kept). A post whose draft was already sent (the browser's Back and reload
re-send old pages) gets the neutral "This page has expired" page, never the form again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request, Response

from shared.endpoints import browser, guards, page_state
from shared.endpoints.base import Action
from shared.web import security, views
from shared.web.flow import Draft, Flow, Problems, control_of
from shared.web.formdefs import CHECK_STEP, N_, FormPage, Rows, Step
from shared.web.i18n import LANGUAGES
from shared.web.pages import PAGES, SCHEMAS
from shared.web.requirements import list_bounds

if TYPE_CHECKING:
    from shared.bootstrap import UseCases

LIMIT = 2 * 1024 * 1024  # a step's answers, percent-encoded, with the draft of the rest
EXPIRED_DRAFT = N_("For your safety, unsent answers are kept for a day at most, and only in "
                   "the browser that typed them: this form had expired, so it starts again.")

TOO_MANY_STEPS = N_("Too many pages were sent from your network in a short time. Your "
                    "answers are kept below: wait %(time)s and continue.")
# Counted before the body is read, like every post to a submit function, but apart.
STEPS_LIMIT = browser.RateLimit(guards.STEPS_BUCKET, TOO_MANY_STEPS,
                                allowance=guards.STEP_POSTS_PER_FORM)

Page = Action  # a page of the forms function


def flow_of(container: UseCases, page: FormPage) -> Flow:
    return Flow(page, SCHEMAS[page.code], container.now().date())


def first_step(code: str) -> Page:
    """GET /<form>: a new draft, on its first step."""

    def get(container: UseCases, request: Request) -> Response:
        page = PAGES[code]
        ctx = browser.page_context(container, request, browser.language(request))
        flow = flow_of(container, page)
        draft = Draft(page.code)
        return show(container, request, ctx, flow, draft, flow.next_step(draft))

    return get


def show(container: UseCases, request: Request, ctx: views.PageContext, flow: Flow,
         draft: Draft, step: Step, *, problems: Problems | None = None,
         notice: str | None = None, status: int = 200,
         headers: dict[str, str] | None = None) -> Response:
    """A step, or "Check your answers" (with every problem found so far), with the draft
    sealed into it."""
    token = page_state.seal_draft(container, security.browser_cookie(request), draft)
    if step is CHECK_STEP:
        return views.check_page(ctx, flow, draft, token, notice=notice, status=status,
                                headers=headers, problems=problems if problems is not None
                                else flow.problems(draft))
    return views.step_page(ctx, flow, draft, step, token, problems=problems, notice=notice,
                           status=status, headers=headers)


def step_post(code: str) -> Page:
    """POST /<form>: move between the steps of a draft."""

    def post(container: UseCases, request: Request) -> Response:
        page = PAGES[code]
        flow = flow_of(container, page)

        def again(ctx: views.PageContext, values: dict[str, str], status: int,
                  notice: str | None = None, *,
                  headers: dict[str, str] | None = None) -> Response:
            draft = page_state.open_draft(container, request, code, values.get("draft"))
            if draft is None:
                draft = Draft(code)
            elif page_state.already_sent(container, code, draft.key):
                return views.expired(ctx)
            merge(flow, draft, _step(flow, draft, values.get("step")), values)
            return show(container, request, ctx, flow, draft,
                        _step(flow, draft, values.get("step")), notice=notice,
                        status=status, headers=headers)

        received = browser.receive_post(container, request, "forms", LIMIT, again,
                                        rate_limit=STEPS_LIMIT)
        if isinstance(received, Response):
            return received
        ctx, values = received.ctx, received.values
        draft = page_state.open_draft(container, request, code, values.get("draft"))
        if draft is None:
            draft = Draft(code)
            return show(container, request, ctx, flow, draft, flow.next_step(draft),
                        notice=ctx.gettext(EXPIRED_DRAFT), status=400)
        if page_state.already_sent(container, code, draft.key):
            return views.expired(ctx)
        action = values.get("action", "continue")
        step = _step(flow, draft, values.get("step"))
        if step is not CHECK_STEP:
            merge(flow, draft, step, values)
        elif page.consent.name in values:
            draft.values[page.consent.name] = values[page.consent.name]
        if action.startswith("lang:") and action[5:] in LANGUAGES:
            ctx = browser.page_context(container, request, LANGUAGES[action[5:]])
            return show(container, request, ctx, flow, draft, step)
        if action == "back":
            earlier = flow.previous_step(draft, step) if step is not CHECK_STEP else (
                flow.asked_steps(draft) or [step])[-1]
            return show(container, request, ctx, flow, draft, earlier or step)
        if action.startswith("change:"):
            target = page.step(action[7:])
            if target is not None and target in flow.asked_steps(draft):
                draft.review = True
                return show(container, request, ctx, flow, draft, target)
            return show(container, request, ctx, flow, draft, CHECK_STEP)
        if action.startswith(("add:", "remove:")) and step is not CHECK_STEP:
            _change_rows(flow, draft, step, action)
            return show(container, request, ctx, flow, draft, step)
        if step is CHECK_STEP:
            return show(container, request, ctx, flow, draft, CHECK_STEP)
        return _continue(container, request, ctx, flow, draft, step, values)

    return post


def _step(flow: Flow, draft: Draft, code: str | None) -> Step:
    """The step a post comes from: one the draft asks, or the first one not answered."""
    if code == CHECK_STEP.code:
        return CHECK_STEP
    step = flow.page.step(code or "")
    if step is None or step not in flow.asked_steps(draft):
        return flow.next_step(draft)
    return step


def revealed(flow: Flow, step: Step, values: dict[str, str]) -> list[Step]:
    """The step itself, and the steps whose questions it showed under an answer and that
    came back with the post (JavaScript showed them)."""
    steps = [step]
    for item in step.items:
        for code in getattr(item, "reveals", {}).values():
            other = flow.page.step(code)
            if other is not None and any(_belongs(flow, other, name) for name in values):
                steps.append(other)
    return steps


def _belongs(flow: Flow, step: Step, key: str) -> bool:
    return flow.step_of(key) is step


def merge(flow: Flow, draft: Draft, step: Step, values: dict[str, str]) -> None:
    """Take a step's answers from a post: what was sent replaces what the draft held for
    the step's questions (a box left empty, a box unticked, a row removed)."""
    if step is CHECK_STEP:
        return
    for target in revealed(flow, step, values):
        owned = {p.name for p in flow.asked_fields(draft, target)}
        shown = {item.name: flow.row_count(draft, item) for item in target.items
                 if isinstance(item, Rows)}
        for key in list(draft.values):
            if control_of(key) in owned:
                del draft.values[key]
        for key, value in values.items():
            if control_of(key) in owned and len(key) <= 100:
                draft.values[key] = value
        for name, count in shown.items():
            draft.rows[name] = _posted_rows(name, values, count)


def _posted_rows(name: str, values: dict[str, str], shown: int) -> int:
    """The rows a post holds (blank ones too): those the page showed, unless the post
    says otherwise."""
    indexes = [int(key.split(".")[1]) for key in values
               if key.startswith(name + ".") and key.split(".")[1].isdigit()]
    return max(i + 1 for i in indexes) if indexes else shown


def _change_rows(flow: Flow, draft: Draft, step: Step, action: str) -> None:
    kind, _, target = action.partition(":")
    for item in step.items:
        if not isinstance(item, Rows):
            continue
        count = flow.row_count(draft, item)
        fewest, most = list_bounds(flow.schema, item.name)
        if kind == "add" and target == item.name and count < most:
            draft.rows[item.name] = count + 1
        elif kind == "remove" and target.startswith(item.name + "."):
            index = target.removeprefix(item.name + ".")
            if index.isdigit() and int(index) < count and count > fewest:
                _remove_row(draft, item, int(index), count)


def _remove_row(draft: Draft, rows: Rows, index: int, count: int) -> None:
    moved: dict[str, str] = {}
    for key, value in draft.values.items():
        parts = key.split(".")
        if parts[0] != rows.name or len(parts) < 3 or not parts[1].isdigit():
            moved[key] = value
            continue
        row = int(parts[1])
        if row == index:
            continue
        parts[1] = str(row - 1 if row > index else row)
        moved[".".join(parts)] = value
    draft.values = moved
    draft.rows[rows.name] = count - 1


def _continue(container: UseCases, request: Request, ctx: views.PageContext, flow: Flow,
              draft: Draft, step: Step, values: dict[str, str]) -> Response:
    steps = revealed(flow, step, values)
    problems = flow.problems(draft, steps)
    if problems:
        return show(container, request, ctx, flow, draft, step, problems=problems,
                    status=422)
    for answered in steps:
        if answered.code not in draft.done:
            draft.done.append(answered.code)
    flow.purge(draft)
    if draft.review and all(s.code in draft.done for s in flow.asked_steps(draft)):
        return show(container, request, ctx, flow, draft, CHECK_STEP)
    following = flow.next_step(draft)
    if following is CHECK_STEP:
        draft.review = True
    return show(container, request, ctx, flow, draft, following)

