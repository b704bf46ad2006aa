"""``intake cost``: the monthly bill of docs/cost.md, at the seed's volumes or at yours."""

from __future__ import annotations

import click

from shared.domain import cost


@click.command("cost")
@click.option("--volume", type=click.FloatRange(min=0, min_open=True), multiple=True,
              help="Services a year (repeat for several columns). Default: the seed's "
                   f"{cost.SEED_SERVICES_PER_YEAR:,} and 10x, 100x, 1,000x.")
def cost_command(volume: tuple[float, ...]) -> None:
    """Print the cost model: operations, the monthly bill line by line, with and without
    minimum instances, beside an always-on VM, and the prices it uses."""
    click.echo(cost.report(list(volume) or None), nl=False)
