"""``intake recusal-index``: write the blind index of named people on cases that lack it."""

from __future__ import annotations

import sys

import click

from shared import bootstrap, config
from shared.ports.storage import StoreUnavailable


@click.command("recusal-index")
@click.option("--all", "every", is_flag=True,
              help="Rebuild every case's index (after changing INTAKE_NAME_INDEX_SECRET).")
def recusal_index(every: bool) -> None:
    """Write the recusal index (keyed marks of the people a case names) on every triaged
    case without a current one: cases triaged before the index existed, or indexed under
    another key or Unicode data. Lists check such cases by opening them until then. Runs
    with the deployment's store, cases key and INTAKE_NAME_INDEX_SECRET; safe to run
    again. Exits 1 if a submission failed its integrity check (listed with its code; an
    outdated envelope needs `intake reseal` first)."""
    from shared.services.recusal import index_missing_names

    try:
        c = bootstrap.container()
        report = index_missing_names(c.store, c.cipher, c.queue, c.clock, c.name_marker,
                                     every=every)
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    except StoreUnavailable as error:
        raise click.ClickException(f"the store is unavailable: {error}") from error
    click.echo(f"indexed {len(report.indexed)} case(s); {report.current} already current"
               + (f"; {len(report.missing_submission)} without their submission: "
                  + ", ".join(report.missing_submission) if report.missing_submission
                  else "")
               + (f"; {len(report.unreadable)} failed their integrity check: "
                  + ", ".join(f"{reference} ({code})" for reference, code in report.unreadable)
                  if report.unreadable else ""))
    if report.unreadable:
        sys.exit(1)
