"""``intake cases``: cases for officers working locally, over the same store and services
as the officer API."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import click

from shared import bootstrap
from shared.domain.records import Case, CaseQuery


def case_summary(case: Case) -> dict[str, Any]:
    """What a case listing shows: no identity, no narrative."""
    triage = case.triage
    forwarding = case.forwarding
    return {
        "reference": case.reference, "form": case.form, "state": case.state,
        "received_at": case.received_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "deadlines": {k: v.isoformat() for k, v in sorted(case.deadlines.items())},
        "assignee": case.assignee,
        "priority": triage.priority if triage else None,
        "category": triage.category if triage else None,
        "flags": list(triage.flags) if triage else [],
        "investigations_case_id": forwarding.investigations_case_id if forwarding else None,
        "forwarding_failure": forwarding.failure if forwarding else None,
    }


_FILTERS = [
    click.option("--state", help="Only cases in this state."),
    click.option("--form", type=click.Choice(["advice", "misconduct", "retaliation"]),
                 help="Only cases of this form."),
    click.option("--assignee", help="Only cases assigned to this officer (e-mail)."),
    click.option("--due-within", type=click.IntRange(0, 3650), metavar="DAYS",
                 help="Only cases with a deadline within DAYS days."),
    click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True),
    click.option("--json", "as_json", is_flag=True, help="One JSON object per case."),
]


def _with_filters(command: Any) -> Any:
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
        summary = case_summary(case)
        if as_json:
            click.echo(json.dumps(summary))
        else:
            due = min(summary["deadlines"].values(), default="")
            click.echo(f"{case.reference}  {case.form:<11} {case.state:<28} "
                       f"{summary['received_at'][:16]}  {due[:10]}")
    if not found and not as_json:
        click.echo("No case matches.")


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
    """List cases, most recently received first."""
    _list(**filters)
