"""``intake referrals``: what the local reference receiver of the investigations office
recorded, asked of its ``_referrals`` endpoint with the control token ``scripts/run``
printed (read from the data folder unless given)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from shared import config


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per referral.")
@click.option("--url", default=None,
              help="The reference receiver. Default: <INTAKE_FUNCTIONS_BASE_URL>/"
                   "investigations_intake.")
@click.option("--token", default=None,
              help="Its control token. Default: the one the local runner keeps in "
                   "<INTAKE_DATA_DIR>/keys/receiver-control.token.")
def referrals(as_json: bool, url: str | None, token: str | None) -> None:
    """List the referrals the local reference receiver recorded, with the supplements
    each received."""
    from shared.devserver import RECEIVER, receiver_token_file

    try:
        settings = config.load()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    url = (url or f"{settings.functions_base_url}/{RECEIVER}").rstrip("/")
    if token is None:
        path = receiver_token_file(settings.data_dir)
        try:
            token = path.read_text(encoding="ascii").strip()
        except OSError:
            raise click.ClickException(f"no control token in {path}: start the local runner "
                                       "(scripts/run) or pass --token") from None
    recorded = _fetch(f"{url}/_referrals", token)
    rows = [{"ethics_office_reference": r["reference"], "investigations_case_id": r["case_id"],
             "referral_id": r["referral_id"], "matter": r["document"].get("matter", "misconduct"),
             "deliveries": r["deliveries"], "received_at": _when(r["received_at"]),
             "supplements": [{"supplement_id": s["supplement_id"], "deliveries": s["deliveries"],
                              "received_at": _when(s["received_at"])}
                             for s in r.get("supplements") or ()],
             "attachments": [{"attachment_id": a["attachment_id"], "sha256": a["sha256"],
                              "size": a["size"]} for a in r.get("attachments") or ()],
             "withheld": [a["attachment_id"] for a in r["document"].get("attachments") or ()
                          if "withheld" in a]}
            for r in recorded]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    if not rows:
        click.echo("No referral recorded.")
    for row in rows:
        click.echo(f"{row['ethics_office_reference']}  {row['investigations_case_id']}  "
                   f"{row['matter']:<11} deliveries={row['deliveries']}  "
                   f"supplements={len(row['supplements'])}  "
                   f"attachments={len(row['attachments'])}  {row['received_at']}")


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _fetch(url: str, token: str) -> list[dict[str, Any]]:
    import requests

    try:
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"},
                                timeout=(5, 30), allow_redirects=False)
    except requests.RequestException:
        raise click.ClickException(f"the reference receiver does not answer at {url}: "
                                   "is the local runner (scripts/run) running?") from None
    if response.status_code == 401:
        raise click.ClickException("the reference receiver refused the control token")
    if response.status_code != 200:
        raise click.ClickException(f"the reference receiver answered HTTP "
                                   f"{response.status_code}")
    recorded: list[dict[str, Any]] = response.json()
    return recorded
