"""``intake cases``: cases for officers working locally, over the same services as the
officer API: the same role and recusal checks, the same history."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click

from shared import bootstrap
from shared.domain.casework import NotAllowedNow
from shared.domain.officers import Forbidden, Officer, officer_for
from shared.domain.records import CaseQuery
from shared.domain.workflow import IllegalTransition
from shared.endpoints.cases import summary
from shared.services import cases as desk_work

F = TypeVar("F", bound=Callable[..., Any])

_FILTERS = [
    click.option("--state", help="Only cases in this state."),
    click.option("--form", type=click.Choice(["advice", "misconduct", "retaliation"]),
                 help="Only cases of this form."),
    click.option("--assignee", help="Only cases assigned to this officer (e-mail)."),
    click.option("--due-within", type=click.IntRange(0, 3650), metavar="DAYS",
                 help="Only cases with a running deadline within DAYS days."),
    click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True),
    click.option("--json", "as_json", is_flag=True, help="One JSON object per case."),
]
_AS = click.option("--as", "as_officer", required=True, metavar="EMAIL",
                   help="The officer acting (must be in INTAKE_OFFICERS).")


def _with_filters(command: F) -> F:
    for option in reversed(_FILTERS):
        command = option(command)
    return command


def _list(state: str | None, form: str | None, assignee: str | None, due_within: int | None,
          limit: int, as_json: bool) -> None:
    container = bootstrap.container()
    due_before = (container.clock.now() + timedelta(days=due_within)
                  if due_within is not None else None)
    found = container.store.list_cases(CaseQuery(form=form, state=state, assignee=assignee,
                                                 due_before=due_before, limit=limit))
    for case in found:
        row = summary(case)
        if as_json:
            click.echo(json.dumps(row))
        else:
            due = min(row["deadlines"].values(), default="")
            click.echo(f"{case.reference}  {case.form:<11} {case.state:<28} "
                       f"{row['received_at'][:16]}  {due[:10]}")
    if not found and not as_json:
        click.echo("No case matches.")


def _officer(email: str) -> Officer:
    try:
        return officer_for(bootstrap.container().officers, email)
    except Forbidden as refusal:
        raise click.ClickException(refusal.message) from None


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except desk_work.CaseNotFound:
        raise click.ClickException("No case with this reference.") from None
    except (Forbidden, NotAllowedNow, IllegalTransition) as refusal:
        raise click.ClickException(str(refusal)) from None


@click.group(invoke_without_command=True)
@_with_filters
@click.pass_context
def cases(context: click.Context, /, **filters: Any) -> None:
    """Cases: `intake cases [filters]` lists them (as `intake cases list` does)."""
    if context.invoked_subcommand is None:
        _list(**filters)


@cases.command("list")
@_with_filters
def list_command(**filters: Any) -> None:
    """List cases, most recently received first (or most urgent, with --due-within)."""
    _list(**filters)


@cases.command()
@click.argument("reference")
@_AS
def show(reference: str, as_officer: str) -> None:
    """Open a case (recorded in its history) and print it as JSON."""
    desk = bootstrap.container().desk
    view = _run(lambda: desk_work.open_case(reference, _officer(as_officer), desk))
    json.dump({"case": summary(view.case), "submission": view.submission,
               "history": [{"seq": e.event.seq, "at": e.event.at.isoformat(),
                            "kind": e.event.kind, "actor": e.event.actor,
                            "to_state": e.event.to_state, "text": e.text}
                           for e in view.history]}, sys.stdout, indent=2, ensure_ascii=False)
    click.echo()


@cases.command()
@click.argument("reference")
@click.argument("name")
@_AS
@click.option("--note", help="Reasons for the record (sealed; officers only).")
@click.option("--requester-consent", is_flag=True,
              help="For refer_as_misconduct on an advice request: the requester agreed.")
def transition(reference: str, name: str, as_officer: str, note: str | None,
               requester_consent: bool) -> None:
    """Apply a workflow transition, e.g. start_preliminary_review."""
    desk = bootstrap.container().desk
    case = _run(lambda: desk_work.apply_transition(
        reference, name, _officer(as_officer), desk, note=note,
        requester_consent=requester_consent))
    click.echo(json.dumps(summary(case)))


@cases.command()
@click.argument("reference")
@click.argument("assignee")
@_AS
def assign(reference: str, assignee: str, as_officer: str) -> None:
    """Assign a case to an officer."""
    desk = bootstrap.container().desk
    case = _run(lambda: desk_work.assign(reference, _officer(assignee), _officer(as_officer),
                                         desk))
    click.echo(json.dumps(summary(case)))


@cases.command()
@click.argument("reference")
@click.argument("text")
@_AS
def note(reference: str, text: str, as_officer: str) -> None:
    """Add an internal note (never shown to the submitter)."""
    desk = bootstrap.container().desk
    case = _run(lambda: desk_work.add_note(reference, text, _officer(as_officer), desk))
    click.echo(json.dumps(summary(case)))
