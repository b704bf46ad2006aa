"""``intake filers ...`` and ``intake campaign ...``: the disclosure programme's roster and
campaigns for the office's operators. The command line acts as an ethics administrator
(it runs where the database is); it never opens a declaration."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from shared import bootstrap, config, logs
from shared.bootstrap import Container
from shared.domain.disclosure import ROSTER_FIELDS, DisclosureError, Filer, Obligation
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER, Forbidden, Officer
from shared.ports.storage import StoreUnavailable

CLI_ACTOR = "cli"


@contextmanager
def _failures_as_messages() -> Iterator[None]:
    from shared.services.disclosure import CampaignProblem, FilerNotFound

    try:
        yield
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    except StoreUnavailable as error:
        raise click.ClickException(f"the store is unavailable: {error}") from error
    except DisclosureError as error:
        raise click.ClickException("\n".join(
            [f"{len(error.errors)} problem{'s' if len(error.errors) > 1 else ''}; nothing "
             "was written."] + [f"  {k}: {' '.join(v)}" for k, v in
                                list(error.errors.items())[:100]])) from error
    except (CampaignProblem, Forbidden) as error:
        raise click.ClickException(str(error)) from error
    except FilerNotFound as error:
        raise click.ClickException(f"no active filer with staff id {error}") from error


def _container() -> Container:
    with _failures_as_messages():
        logs.configure(config.load().log_level, stream=sys.stderr)
        return bootstrap.container()


def _operator() -> Any:
    from shared.services.disclosure import Caller

    return Caller(CLI_ACTOR, Officer(CLI_ACTOR, "command line",
                                     frozenset({ETHICS_ADMIN, ETHICS_OFFICER})))


def read_roster(raw: bytes, name: str) -> list[dict[str, Any]]:
    """The lines of a roster file: CSV with a header row of the roster's fields, or JSON
    Lines (one object a line; blank lines skipped)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{name}: not UTF-8 text; nothing was imported.") from None
    if text.lstrip().startswith("{"):
        lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                raise click.ClickException(f"{name}: line {number} is not JSON; nothing was "
                                           "imported.") from None
            if not isinstance(value, dict):
                raise click.ClickException(f"{name}: line {number} is not a JSON object; "
                                           "nothing was imported.")
            lines.append(value)
        return lines
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in ROSTER_FIELDS]
    if unknown or not header:
        raise click.ClickException(
            f"{name}: the header row must name fields among {', '.join(ROSTER_FIELDS)}"
            + (f" (unknown: {', '.join(unknown[:5])})" if unknown else "")
            + "; nothing was imported.")
    rows = []
    for row in reader:
        if None in row:
            raise click.ClickException(f"{name}: line {reader.line_num} has more cells than "
                                       "the header; nothing was imported.")
        rows.append({k: v for k, v in row.items() if v not in (None, "")})
    return rows


def filer_json(f: Filer) -> dict[str, Any]:
    return {"staff_id": f.staff_id, "name": f.name, "email": f.email, "grade": f.grade,
            "staff_category": f.staff_category, "duty_station": f.duty_station,
            "office": f.office, "reason": f.reason, "unit": f.unit,
            "appointed_on": f.appointed_on.isoformat() if f.appointed_on else None,
            "status": f.status, "source": f.source}


def _obligation_json(o: Obligation) -> dict[str, Any]:
    return {"year": o.year, "due_on": o.due_on.isoformat(), "state": o.state,
            "late": o.late, "declaration_id": o.declaration_id}


@click.group()
def filers() -> None:
    """The disclosure programme's roster of filers."""


@filers.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and show the diff; write nothing.")
def import_filers(file: Path, dry_run: bool) -> None:
    """Import HR's roster from FILE (CSV with a header row, or JSON Lines; - for standard
    input). Every line is validated first: any bad line is listed and nothing is written.
    Filers absent from the roster leave the programme as separated; the diff is printed."""
    from shared.services.disclosure import import_roster

    raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    name = "standard input" if str(file) == "-" else str(file)
    lines = read_roster(raw, name)
    c = _container()
    with _failures_as_messages():
        outcome = import_roster(c.programme, _operator(), lines, dry_run=dry_run)
    click.echo(json.dumps({"joined": outcome.joined, "left": outcome.left,
                           "changed": outcome.changed, "unchanged": outcome.unchanged,
                           "obligations_added": outcome.obligations_added,
                           "obligations_closed": outcome.obligations_closed,
                           "dry_run": dry_run}))


@filers.command("list")
@click.option("--status", type=click.Choice(["active", "separated", "withdrawn"]))
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
def list_filers_command(status: str | None, as_json: bool) -> None:
    """The filers, by staff id."""
    from shared.services.disclosure import list_filers

    c = _container()
    with _failures_as_messages():
        found = list_filers(c.programme, _operator(), status=status)
    if as_json:
        click.echo(json.dumps({"filers": [filer_json(f) for f in found]}))
        return
    for f in found:
        click.echo(f"{f.staff_id}\t{f.status}\t{f.unit}\t{f.grade}\t{f.reason}\t{f.name}")


@filers.command("show")
@click.argument("staff_id")
def show_filer(staff_id: str) -> None:
    """One filer: the roster's line, obligations and declarations (never their content)."""
    c = _container()
    with _failures_as_messages():
        store = c.disclosure_store
        filer = store.filer(staff_id)
        if filer is None:
            raise click.ClickException(f"no filer with staff id {staff_id}")
        obligations = [o for campaign in store.campaigns()
                       if (o := store.obligation(campaign.year, staff_id)) is not None]
        declarations = store.declarations_of(staff_id)
    click.echo(json.dumps({
        "filer": filer_json(filer),
        "obligations": [_obligation_json(o) for o in obligations],
        "declarations": [{"id": d.id, "kind": d.kind, "year": d.year, "version": d.version,
                          "filed_at": d.filed_at.isoformat(),
                          "reviewed": d.review.outcome if d.review else None}
                         for d in declarations]}, indent=2))


@filers.command("nominate")
@click.option("--staff-id", required=True)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--grade", required=True)
@click.option("--staff-category", required=True)
@click.option("--duty-station", required=True)
@click.option("--office", required=True)
@click.option("--unit", required=True, help="The nominating unit.")
@click.option("--reason", default="nominated", show_default=True)
@click.option("--appointed-on", type=click.DateTime(["%Y-%m-%d"]))
def nominate_command(**fields: Any) -> None:
    """Add a filer to the programme outside HR's roster."""
    from shared.services.disclosure import nominate

    if fields.get("appointed_on") is not None:
        fields["appointed_on"] = fields["appointed_on"].date().isoformat()
    else:
        fields.pop("appointed_on", None)
    c = _container()
    with _failures_as_messages():
        filer = nominate(c.programme, _operator(), fields)
    click.echo(json.dumps({"filer": filer_json(filer)}))


@filers.command("withdraw")
@click.argument("staff_id")
def withdraw_command(staff_id: str) -> None:
    """Withdraw a filer: their pending declarations are no longer owed."""
    from shared.services.disclosure import withdraw

    c = _container()
    with _failures_as_messages():
        filer = withdraw(c.programme, _operator(), staff_id)
    click.echo(json.dumps({"filer": filer_json(filer)}))


@click.group()
def campaign() -> None:
    """The disclosure programme's annual campaigns."""


@campaign.command("open")
@click.option("--year", required=True, type=click.IntRange(2000, 2100),
              help="The reporting year.")
@click.option("--due-on", type=click.DateTime(["%Y-%m-%d"]),
              help="Default: the programme's due date in the following year.")
def open_command(year: int, due_on: Any) -> None:
    """Open the cycle of a reporting year: every active filer owes a declaration."""
    from shared.services.disclosure import open_campaign

    c = _container()
    with _failures_as_messages():
        due: date | None = due_on.date() if due_on else None
        opened = open_campaign(c.programme, _operator(), year, due_on=due)
    click.echo(json.dumps({"year": opened.campaign.year,
                           "due_on": opened.campaign.due_on.isoformat(),
                           "created": opened.created,
                           "obligations_added": opened.obligations_added}))


@campaign.command("status")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
def status_command(year: int, as_json: bool) -> None:
    """Counts per state, overdue filers, reminders sent, and compliance."""
    from shared.services.disclosure import campaign_status

    c = _container()
    with _failures_as_messages():
        status = campaign_status(c.programme, _operator(), year)
    figures = status.compliance
    document = {
        "year": year, "due_on": status.campaign.due_on.isoformat(),
        "states": dict(status.states), "reminders_sent": dict(status.reminders_sent),
        "overdue": [{"staff_id": o.staff_id, "unit": o.unit, "due_on": o.due_on.isoformat()}
                    for o in status.overdue],
        "compliance": {"filers": figures.filers, "filed": figures.filed,
                       "late": figures.late,
                       "separated_without_filing": figures.separated_without_filing,
                       "compliance": figures.compliance,
                       "compliance_still_employed": figures.compliance_employed}}
    if as_json:
        click.echo(json.dumps(document))
        return
    click.echo(f"Campaign {year}, due {document['due_on']}")
    for state, n in status.states.items():
        click.echo(f"  {state}: {n}")
    click.echo(f"  overdue: {len(status.overdue)}")
    click.echo(f"  reminders sent: {status.reminders_sent.get('reminder', 0)}, escalations: "
               f"{status.reminders_sent.get('escalation', 0)}")
    click.echo(f"  compliance: {figures.compliance} % of {figures.filers} filers; "
               f"{figures.compliance_employed} % of those still employed")


def register(main: click.Group) -> None:
    main.add_command(filers)
    main.add_command(campaign)
