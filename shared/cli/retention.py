"""``intake retention``: what will be purged, and when, as counts per form and month; the
cases themselves only to an officer (``--list``, signed in with their token)."""

from __future__ import annotations

import json
from datetime import timedelta

import click

from shared import bootstrap, config
from shared.domain.officers import Forbidden
from shared.domain.records import CaseQuery
from shared.ports.identity import Unauthenticated

HORIZON_DAYS = 3650


@click.command()
@click.option("--days", type=click.IntRange(1, 36500), default=HORIZON_DAYS,
              show_default=True, help="How far ahead to look.")
@click.option("--list", "as_list", is_flag=True,
              help="Also list the cases by reference, soonest first: for ethics officers "
                   "only (their token: --token or INTAKE_OFFICER_TOKEN).")
@click.option("--token", help="An officer's bearer token (default: INTAKE_OFFICER_TOKEN).")
@click.option("--limit", type=click.IntRange(1, 10000), default=5000, show_default=True,
              help="Most cases read.")
@click.option("--json", "as_json", is_flag=True, help="The same as one JSON object.")
def retention(days: int, as_list: bool, token: str | None, limit: int,
              as_json: bool) -> None:
    """What will be purged and when: counts per form and month (held cases are never
    purged, so never counted). No reference is shown unless --list is given, and then only
    to an officer (docs/retention.md)."""
    from shared.services.retention import schedule

    try:
        c = bootstrap.container()
        until = c.clock.now() + timedelta(days=days)
        rows, due = schedule(store=c.store, clock=c.clock, until=until, limit=limit)
        listed = None
        if as_list:
            officer = c.use_cases.officer(
                f"Bearer {token or c.settings.access.officer_token}")
            # The officers' use case: its role check, and no case that names the officer.
            visible = {case.reference for case in c.use_cases.cases.list_cases(
                officer, CaseQuery(purge_before=until, limit=limit))}
            listed = [d for d in due if d.reference in visible]
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    except (Unauthenticated, Forbidden) as refusal:
        raise click.ClickException(f"--list is for ethics officers: {refusal}") from None
    if as_json:
        out: dict[str, object] = {
            "until": until.isoformat(),
            "months": [{"form": r.form, "month": r.month, "cases": r.cases} for r in rows]}
        if listed is not None:
            out["cases"] = [{"reference": d.reference, "form": d.form,
                             "purge_after": d.purge_after.isoformat(),
                             "extended": d.extended} for d in listed]
        click.echo(json.dumps(out, sort_keys=True))
        return
    click.echo(f"Due for purge before {until:%Y-%m-%d}:")
    for r in rows:
        click.echo(f"  {r.month}  {r.form:<11} {r.cases}")
    if not rows:
        click.echo("  nothing")
    if listed is not None:
        for d in listed:
            extended = "  extended" if d.extended else ""
            click.echo(f"{d.reference}  {d.form:<11} {d.purge_after:%Y-%m-%d %H:%M}{extended}")
