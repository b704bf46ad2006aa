"""`intake log`, `intake import` and `intake report`: the service log, bulk import of
historical records, and the annual report's tables and charts."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from marshmallow import ValidationError

from shared import bootstrap, config, logs
from shared.bootstrap import Container
from shared.ports.storage import StoreUnavailable

T = TypeVar("T")
CLI_ACTOR = "cli"
FORMATS = ("json", "csv", "md", "html")


@contextmanager
def _failures_as_messages() -> Iterator[None]:
    try:
        yield
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    except StoreUnavailable as error:
        raise click.ClickException(f"the store is unavailable: {error}") from error


class _CurrentStderr:
    """Whatever ``sys.stderr`` is when a line is written (a test runner swaps it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _container() -> Container:
    """The process's container, with log lines on stderr: stdout is the command's output."""
    with _failures_as_messages():
        logs.configure(config.load().log_level, stream=_CurrentStderr())
        return bootstrap.container()


# The entry's optional fields as options: --participants, --subcategory...
_LOG_OPTIONS = ("date", "participants", "subcategory", "requester_type", "duty_station",
                "staff_category", "allegation_type", "copied_only")


@click.command("log")
@click.argument("category")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="When the service was given "
              "(default: today, UTC).")
@click.option("--participants", type=int, help="How many took part (trainings only, and "
              "required for them).")
@click.option("--subcategory", help="Advice only, and required for it: the sub-category "
              "(`intake import --help-codes` lists them).")
@click.option("--requester-type", help="Advice only: individual or group.")
@click.option("--duty-station", help="Advice and misconduct only: headquarters, "
              "regional_office, country_office or other.")
@click.option("--staff-category", help="Advice only.")
@click.option("--allegation-type", help="Misconduct only.")
@click.option("--copied-only", is_flag=True, default=None, help="Misconduct only, and "
              "required: the office was only copied on an allegation made to the "
              "investigations office (it is never forwarded).")
@click.option("--idempotency-key", help="Retrying with the same key records nothing new.")
def log_command(category: str, idempotency_key: str | None, **options: Any) -> None:
    """Record one service given: CATEGORY is one of advice (given on a mission, a visit or
    an event, outside the form), champion_request, training, disclosure_support,
    external_communication, media_inquiry, policy_input, ethics_coherence or misconduct
    (an allegation the office was only copied on: never forwarded; one made to the office
    goes through the misconduct form)."""
    from schemas.common import LOAD_CONTEXT
    from schemas.statistics import ServiceLogSchema
    from shared.ports.statistics import LoggedServiceConflict
    from shared.services.service_log import log_service, logged_service_json

    c = _container()
    body: dict[str, Any] = {"category": category}
    body |= {name: value for name, value in options.items() if value is not None}
    try:
        with LOAD_CONTEXT({"today": c.clock.now().date()}):
            entry = ServiceLogSchema().load(body)
    except ValidationError as error:
        raise click.ClickException(_field_errors(error.messages)) from None
    with _failures_as_messages():
        try:
            logged = log_service(entry, store=c.statistics, clock=c.clock, actor=CLI_ACTOR,
                                 idempotency_key=idempotency_key)
        except LoggedServiceConflict:
            raise click.ClickException("this idempotency key was already used for a "
                                       "different entry") from None
    answer = logged_service_json(logged.record)
    answer.pop("year")
    click.echo(json.dumps({**answer, "replayed": logged.replayed}))


def _field_errors(messages: Any) -> str:
    if not isinstance(messages, dict):
        return " ".join(map(str, messages))
    return "; ".join(f"{'--' + k.replace('_', '-') if k in _LOG_OPTIONS else k}: "
                     f"{' '.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in messages.items())


@click.command("import")
@click.argument("file", required=False,
                type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--help-codes", is_flag=True, help="Print the codes an import file may use "
              "and exit.")
@click.option("--dry-run", is_flag=True, help="Validate every line; write nothing.")
@click.option("--max-errors", default=100, show_default=True, type=click.IntRange(1),
              help="Most bad lines listed.")
def import_command(file: Path | None, help_codes: bool, dry_run: bool, max_errors: int) -> None:
    """Import records from FILE (JSON Lines; - for standard input): logged services,
    advice requests, retaliation complaints, misconduct allegations and disclosure years.

    Every line is validated first: if any is bad, they are listed by line number and
    nothing is written. An interrupted import finishes when run again; importing the same
    records again counts nothing twice. The format: docs/import-format.md.
    """
    from schemas.import_file import codes_help, validate_lines
    from shared.services.importing import import_records

    if help_codes:
        click.echo(codes_help(), nl=False)
        return
    if file is None:
        raise click.UsageError("give the FILE to import (or --help-codes)")
    raw = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    c = _container()
    checked = validate_lines(raw.splitlines(), today=c.clock.now().date())
    name = "standard input" if str(file) == "-" else str(file)
    if checked.errors:
        listed = [f"  {e.describe()}" for e in checked.errors[:max_errors]]
        more = len(checked.errors) - len(listed)
        raise click.ClickException("\n".join([
            f"{name}: {len(checked.errors)} bad line{'s' if len(checked.errors) > 1 else ''}"
            f" of {len(checked.errors) + len(checked.lines)}; nothing was imported.",
            *listed, *([f"  ... and {more} more"] if more else [])]))
    if not checked.lines:
        raise click.ClickException(f"{name}: no records to import.")
    if dry_run:
        click.echo(f"{name}: {len(checked.lines)} records, all valid; nothing written "
                   "(--dry-run).")
        return
    with _failures_as_messages(), click.progressbar(
            length=len(checked.lines), label="Importing", file=sys.stderr) as bar:
        try:
            outcome = import_records(checked.lines, store=c.statistics, clock=c.clock,
                                     actor=CLI_ACTOR, on_progress=bar.update)
        except StoreUnavailable as error:
            raise click.ClickException(
                f"the import stopped: the store is unavailable ({error}). Nothing is "
                "counted twice: run the same command again to finish it.") from error
    manifest = outcome.manifest
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.by_kind.items()))
    if outcome.already_complete:
        click.echo(f"{name}: already imported (import {manifest.id}, completed "
                   f"{manifest.completed_at:%Y-%m-%d %H:%M} UTC); nothing written.")
        return
    click.echo(f"{name}: imported {manifest.records} records ({kinds}) as import "
               f"{manifest.id}.")
    if outcome.chunks_resumed:
        click.echo(f"Resumed: {outcome.chunks_resumed} of {manifest.chunks} chunks had been "
                   "written by an earlier, interrupted run; nothing was counted twice.")
    if outcome.replaced_disclosure_years:
        click.echo("Table 2 figures replaced for: "
                   + ", ".join(map(str, outcome.replaced_disclosure_years)) + ".")


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise click.FileError(str(file), hint=error.strerror) from None


@click.command("report")
@click.option("--year", required=True, type=click.IntRange(1950, 9999),
              help="The year reported on.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json",
              show_default=True)
@click.option("--charts", type=click.Path(file_okay=False, path_type=Path),
              help="Also write Figure I and Figure II as PNG and SVG into this folder.")
@click.option("--output", "-o", default="-", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the report.")
def report_command(year: int, fmt: str, charts: Path | None, output: str) -> None:
    """The annual report for --year: Table 1 (with the two years before), Figure I (the
    four years before), Figure II, the retaliation figures as of the end of the year,
    misconduct referrals, the other breakdowns, Table 2, and the management indicators of
    the year's cases (handling times, clocks met, reopened cases) as they stand now."""
    from shared.services.annual_report import annual_report

    c = _container()
    with _failures_as_messages():
        report = annual_report(year, store=c.statistics, disclosure=c.disclosure_store,
                               now=c.clock.now())
    images: dict[str, str] = {}
    if charts is not None:
        from shared.reports.charts import write_charts

        written = write_charts(report, charts)
        base = Path(output).parent if output != "-" else Path.cwd()
        svg = {p.stem: os.path.relpath(p, base) for p in written if p.suffix == ".svg"}
        images = {"Figure I": svg["figure-1"], "Figure II": svg["figure-2"]}
        for path in written:
            click.echo(f"wrote {path}", err=True)
    text = _render(fmt)(report, images)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _render(fmt: str) -> Callable[..., str]:
    from shared.reports import data, tables

    renderers: dict[str, Callable[..., str]] = {
        "json": lambda r, _: json.dumps(data.report_json(r), indent=2) + "\n",
        "csv": lambda r, _: data.report_csv(r),
        "md": tables.markdown,
        "html": tables.html_page,
    }
    return renderers[fmt]


def register(group: click.Group) -> None:
    for command in (log_command, import_command, report_command):
        group.add_command(command)
