"""The production code path on this machine: every function on the ``gcp`` backend (the
Firestore store, Cloud Tasks queues), against the emulators ``scripts/run --emulators``
has started (``FIRESTORE_EMULATOR_HOST``, ``CLOUD_TASKS_EMULATOR_HOST``).

Before serving, it gives the backend what a deployment gets from Terraform and Secret
Manager, and what the emulators cannot: the secrets (made once, in the data folder's
``keys/``, under the names the embedded backend uses), the two local key files, the
queues, and the switches for local work that refuse to start on Google Cloud
(``INTAKE_TASK_AUTH=none``, since the emulator attaches no token;
``INTAKE_INVESTIGATIONS_LOOPBACK_HTTP=true``, for the reference receiver served beside the
functions over plain HTTP). Arguments go to ``intake serve`` (``--host``, ``--port``).
The officers' console is served too, but signs officers in only through Identity-Aware
Proxy here (``INTAKE_IAP_AUDIENCE``): its development sign-in, like development tokens,
exists only on the embedded backend.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from shared import config
from shared.config import Settings

# Forced: what makes this run the gcp backend on the emulators.
FIXED = {
    "INTAKE_BACKEND": "gcp",
    "INTAKE_TASK_AUTH": "none",
    "INTAKE_INVESTIGATIONS_LOOPBACK_HTTP": "true",
    # Development tokens exist only on the embedded backend: officers' calls here need a
    # Google ID token.
    "INTAKE_DEV_AUTH": "false",
}
# Defaults the caller may change.
DEFAULTS = {
    "GOOGLE_CLOUD_PROJECT": "ethics-intake-local",
    "INTAKE_NOTIFIER": "outbox",  # .eml files in the data folder, not Amazon SES
}
# Secret variable -> its file in <INTAKE_DATA_DIR>/keys/ (the embedded backend's names).
SECRETS = {
    "INTAKE_FORMS_SECRET": "forms.secret",
    "INTAKE_FORWARD_HMAC_SECRET": "forward-hmac.key",
    "INTAKE_REPLAY_HMAC_SECRET": "replay-hmac.key",
    "INTAKE_MAIL_THROTTLE_SECRET": "mail-throttle.key",
    "INTAKE_NAME_INDEX_SECRET": "name-index.secret",
    "INTAKE_CONSOLE_SECRET": "console.secret",
}
EMULATORS = ("FIRESTORE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST")


def prepare(environ: MutableMapping[str, str]) -> Settings:
    """Complete ``environ`` for a gcp run on the emulators, make the secrets, keys and
    queues it needs, and return its settings."""
    missing = [name for name in EMULATORS if not environ.get(name)]
    if missing:
        raise config.ConfigError(f"{', '.join(missing)} not set: start the emulators first "
                                 "(scripts/run --emulators does)")
    environ.update(FIXED)
    for name, value in DEFAULTS.items():
        environ.setdefault(name, value)
    from shared.adapters.local_secrets import secret_from_file

    keys = Path(environ.get("INTAKE_DATA_DIR") or ".intake") / "keys"
    for variable, file_name in SECRETS.items():
        if not environ.get(variable):
            environ[variable] = secret_from_file(keys / file_name, create=True)
    settings = config.load(environ)
    if not settings.kms_key:
        from shared.adapters.local_keys import LocalKeyService

        for key_file in (settings.key_file, settings.sealing.messages_key_file):
            LocalKeyService.from_file(key_file, create=True)
    if not settings.sealing.proof_kms_key:
        from shared.adapters.proof_keys import LocalProofSigner

        LocalProofSigner(settings.sealing.proof_key_file, create=True)
    create_queues(settings)
    return settings


def create_queues(settings: Settings) -> list[str]:
    """Every queue the code names, on the Cloud Tasks emulator (kept if it exists)."""
    from google.api_core.exceptions import AlreadyExists
    from google.cloud import tasks_v2

    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    client = CloudTasksQueue.client(settings.cloud_tasks_emulator_host)
    parent = f"projects/{settings.project}/locations/{settings.tasks_location}"
    created = []
    for queue_id in sorted(set(settings.queue_ids.values())):
        name = f"{parent}/queues/{queue_id}"
        with contextlib.suppress(AlreadyExists):  # made by an earlier start
            client.create_queue(parent=parent, queue=tasks_v2.Queue(name=name))
        created.append(name)
    return created


def main(argv: Sequence[str] | None = None) -> None:
    try:
        settings = prepare(os.environ)
    except config.ConfigError as error:
        sys.exit(f"error: {error}")
    # Only the Google client reads FIRESTORE_EMULATOR_HOST: no setting holds it.
    print(f"Firestore emulator {os.environ['FIRESTORE_EMULATOR_HOST']}, Cloud Tasks emulator "
          f"{settings.cloud_tasks_emulator_host}, project {settings.project}, queues "
          f"{', '.join(sorted(set(settings.queue_ids.values())))}.", flush=True)
    from shared.cli import main as intake

    intake(["serve", *(sys.argv[1:] if argv is None else argv)],
           prog_name="scripts/run --emulators")


if __name__ == "__main__":
    main()
