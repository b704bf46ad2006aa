"""``intake verify-proof`` and ``intake proof-keys``: check a proof of submission without a
login or the store, and print the published keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from shared import bootstrap, config
from shared.domain.proofs import PublishedKey, keys_from_json, keys_json

# Exit statuses of verify-proof: 0 valid, 1 not valid; click's 2 for a wrong command line.
NOT_VALID = 1


def _keys(path: Path | None) -> list[PublishedKey]:
    if path is None:
        try:
            return bootstrap.container().use_cases.published_keys()
        except config.ConfigError as error:
            raise click.ClickException(str(error)) from error
    try:
        return keys_from_json(json.loads(path.read_text(encoding="utf-8")))
    except ValueError as error:
        raise click.ClickException(f"{path}: not a key set: {error}") from error


@click.command("verify-proof")
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--content", "content_file", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A copy of what was submitted (JSON): check that it is what was signed.")
@click.option("--file", "attached", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A copy of a file attached to the submission: check that the proof "
                   "lists it (repeat for each file).")
@click.option("--keys", "keys_file", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The published key set (the JSON of /forms/keys.json); default: the "
                   "keys of the configured signer.")
def verify_proof(proof_file: Path, content_file: Path | None, attached: tuple[Path, ...],
                 keys_file: Path | None) -> None:
    """Check a proof of submission (and copies of what was sent: the document, the
    attached files); exit 0 when valid."""
    text = proof_file.read_bytes()[:64 * 1024].decode("utf-8", "replace")
    content = content_file.read_bytes() if content_file is not None else None
    files = [path.read_bytes() for path in attached]
    try:
        check = bootstrap.container().use_cases.check_proof(text, content, files=files,
                                                            keys=_keys(keys_file))
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    result: dict[str, object] = {"valid": check.valid, "outcome": check.outcome}
    if check.detail:
        result["detail"] = check.detail
    if check.proof is not None:
        s = check.proof.statement
        result.update(reference=s.reference, form=s.form,
                      received_at=s.received_at.isoformat(), key=s.key_id,
                      files=len(s.files_sha256))
    if content is not None:
        result["content_matches"] = check.valid and check.content_checked
    if files:
        result["files_listed"] = check.valid and check.files_checked == len(files)
    click.echo(json.dumps(result, indent=1))
    if not check.valid:
        sys.exit(NOT_VALID)


@click.command("proof-keys")
def proof_keys() -> None:
    """Print the public keys that sign proofs, with their periods (JSON, as /forms/keys.json
    serves them), to publish them elsewhere too."""
    click.echo(json.dumps(keys_json(_keys(None)), indent=1))
