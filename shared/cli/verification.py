"""``intake verification ...``: the stratified random sample of a reporting year's filers
whose declarations the office verifies. The command line acts as an ethics administrator
(it runs where the database is), as ``intake campaign`` does."""

from __future__ import annotations

import json
from typing import Any

import click

from shared.cli.disclosure import _container, _failures_as_messages, _operator


@click.group()
def verification() -> None:
    """The verification of declarations: draw, show or void a year's sample."""


def _document(draw: Any, *, frame: bool) -> dict[str, Any]:
    from shared.endpoints.disclosure import draw_json

    document = draw_json(draw)
    if not frame:
        document.pop("frame")
    return document


@verification.command("draw")
@click.option("--year", required=True, type=click.IntRange(2000, 2100),
              help="The reporting year (its campaign must be open).")
@click.option("--share", required=True,
              help="The share of the frame to draw, a decimal such as 0.06.")
@click.option("--dry-run", is_flag=True,
              help="Only show the allocation per stratum; draw and write nothing.")
def draw_command(year: int, share: str, dry_run: bool) -> None:
    """Draw the year's sample with a fresh random seed, recorded with the draw."""
    from shared.endpoints.disclosure import allocation_json
    from shared.services import verification as verifying

    c = _container()
    with _failures_as_messages():
        if dry_run:
            plan = verifying.plan(c.programme, _operator(), year, share)
            click.echo(json.dumps({"dry_run": True, **allocation_json(plan)}))
            return
        made = verifying.draw(c.programme, _operator(), year, share)
    click.echo(json.dumps(_document(made, frame=False)))


@verification.command("show")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--frame", "with_frame", is_flag=True,
              help="Include the frame (each stratum's staff ids), to reproduce the draw.")
def show_command(year: int, with_frame: bool) -> None:
    """The year's standing draw and those voided, each checked against its own seed and
    frame (``reproduced``)."""
    from shared.services import verification as verifying

    c = _container()
    with _failures_as_messages():
        found = verifying.verification(c.programme, _operator(), year)
    standing = found.standing

    def shown(draw: Any) -> dict[str, Any]:
        return {**_document(draw, frame=with_frame), "reproduced": verifying.check(draw)}

    click.echo(json.dumps({
        "year": year, "draw": None if standing is None else shown(standing),
        "voided": [shown(d) for d in found.draws if d.voided]}))


@verification.command("void")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
@click.option("--reason", required=True, help="Why the draw is voided (kept in the history).")
def void_command(year: int, reason: str) -> None:
    """Void the year's standing draw, so that another can be made."""
    from shared.services import verification as verifying

    c = _container()
    with _failures_as_messages():
        voided = verifying.void(c.programme, _operator(), year, reason)
    click.echo(json.dumps(_document(voided, frame=False)))
