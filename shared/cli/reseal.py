"""``intake reseal``: re-seal records kept in envelope format 1 in the current format."""

from __future__ import annotations

import json
import sys

import click

from shared import bootstrap, config


@click.command()
@click.option("--check", is_flag=True,
              help="Count and check what would be re-sealed; write nothing.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 1000),
              help="Records read per page.")
def reseal(check: bool, batch: int) -> None:
    """Re-seal every submission, note and message still in envelope format 1.

    Needs the cases key (to open format 1 and re-seal), the messages key and the replay
    secret of the configured backend (docs/deploy.md, "Upgrading sealed records"). Prints
    one JSON summary; exits 1 if any value was refused (listed by reference and place).
    """
    from shared.services.reseal import reseal as run

    try:
        c = bootstrap.container()
        report = run(records=c.sealed_records, store=c.store, cipher=c.cipher,
                     digests=c.replay_digests, batch=batch, write=not check)
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(report.as_json(), sort_keys=True))
    if report.refused:
        sys.exit(1)
