"""The ``intake`` command: serve the functions locally, sweep, write the OpenAPI document.

Each feature adds its commands in a module of this package and registers them at the end
of this file with ``main.add_command``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from shared import bootstrap, config


@click.group()
def main() -> None:
    """Ethics Office intake: local runner and operations."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve every function under /<function_name> with the configured backend."""
    from shared.devserver import serve as run

    try:
        run(host, port)
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error


@main.command("sweep")
def sweep_command() -> None:
    """Re-queue pending work now, raise deadline alerts, queue the disclosure programme's
    reminders due, purge what is due (what Cloud Scheduler triggers) and print what was
    done."""
    try:
        c = bootstrap.container()
        report = c.use_cases.sweep()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    drain = getattr(c.queue, "drain", None)
    if callable(drain):
        drain(60)
    click.echo(json.dumps({"requeued": report.requeued, "failed": report.failed,
                           "reminders": len(report.reminders),
                           "reminders_failed": len(report.reminders_failed),
                           "purged": report.purged, "shredded": report.shredded}))
    if report.failed or report.reminders_failed:
        sys.exit(1)


@main.command("sweep-files")
def sweep_files_command() -> None:
    """Remove stored files no case refers to (what the sweep function also does) and
    print how many."""
    try:
        uc = bootstrap.container().use_cases
        swept = uc.sweep_files()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    if swept is None:
        click.echo(json.dumps({"orphans": 0, "incoming": 0, "failed": 0,
                               "note": "attachments are not accepted here"}))
        return
    click.echo(json.dumps({"orphans": swept.orphans, "incoming": swept.incoming,
                           "failed": swept.failed}))
    if swept.failed:
        sys.exit(1)


@main.command()
@click.option("--output", "-o", default="docs/openapi.json", show_default=True,
              help="Where to write the document; - for standard output.")
def openapi(output: str) -> None:
    """Write the OpenAPI document generated from the form schemas."""
    from schemas.openapi import build_openapi

    text = json.dumps(build_openapi(), indent=2, ensure_ascii=False) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


def _register() -> None:
    from shared.cli.cases import cases
    from shared.cli.cost import cost_command
    from shared.cli.disclosure import register as register_disclosure
    from shared.cli.i18n import i18n
    from shared.cli.proofs import proof_keys, verify_proof
    from shared.cli.recusal import recusal_index
    from shared.cli.referrals import referrals
    from shared.cli.reporting import register as register_reporting
    from shared.cli.reseal import reseal
    from shared.cli.retention import retention
    from shared.cli.verification import verification

    main.add_command(cases)
    main.add_command(cost_command)
    main.add_command(verify_proof)
    main.add_command(proof_keys)
    main.add_command(recusal_index)
    main.add_command(i18n)
    main.add_command(referrals)
    main.add_command(reseal)
    main.add_command(retention)
    main.add_command(verification)
    register_reporting(main)
    register_disclosure(main)


_register()
