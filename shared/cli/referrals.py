"""``intake referrals``: what the local reference receiver of the investigations office
recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from shared import config


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per referral.")
def referrals(as_json: bool) -> None:
    """List the referrals the local reference receiver recorded."""
    from reference_receiver.store import ReceiverStore

    settings = config.load()
    path = settings.data_dir / "investigations.sqlite3"
    recorded = ReceiverStore(path).referrals() if path.exists() else []
    rows = [{"ethics_office_reference": r.reference, "investigations_case_id": r.case_id,
             "referral_id": r.referral_id, "deliveries": r.deliveries,
             "received_at": datetime.fromtimestamp(r.received_at, UTC).isoformat()}
            for r in recorded]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    if not rows:
        click.echo("No referral recorded.")
    for row in rows:
        click.echo(f"{row['ethics_office_reference']}  {row['investigations_case_id']}  "
                   f"deliveries={row['deliveries']}  {row['received_at']}")
