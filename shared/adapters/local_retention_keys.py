"""The retention keys of the embedded backend: one key file per purge month, in a folder
of the data folder's keys (never in the database, so a copy of the database holds none),
destroyed for good once the month has passed."""

from __future__ import annotations

import base64
import os
import re
import secrets
from pathlib import Path

from shared.adapters.local_files import private_folder, write_private
from shared.adapters.local_keys import LocalKeyService
from shared.domain.sealing import CASES_KEY
from shared.ports.sealing import KeyDestroyed, KeyService, RetentionKeys

MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
KEY_ID_PREFIX = "retention:"


def key_id(month: str) -> str:
    return KEY_ID_PREFIX + month


class LocalRetentionKeys(RetentionKeys):
    """``<folder>/<YYYY-MM>.kek`` (32 random bytes, base64, mode 0600) for each month in
    use; ``<YYYY-MM>.destroyed``, empty, for each month destroyed, so a destroyed month is
    never made again. One key a month for every purpose: the embedded backend's one process
    holds every key anyway."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _paths(self, month: str) -> tuple[Path, Path]:
        if not MONTH.match(month):
            raise ValueError(f"not a month: {month!r}")
        return self._folder / f"{month}.kek", self._folder / f"{month}.destroyed"

    def key_for(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        path, destroyed = self._paths(month)
        if destroyed.exists():
            raise KeyDestroyed(f"the retention key of {month} was destroyed")
        if not path.exists():
            private_folder(self._folder)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # made meanwhile by another thread or process
            else:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(base64.b64encode(secrets.token_bytes(32)) + b"\n")
                    handle.flush()
                    os.fsync(handle.fileno())
        return self.key(month)

    def key(self, month: str, purpose: str = CASES_KEY) -> KeyService:
        path, _ = self._paths(month)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeyDestroyed(f"no retention key of {month}") from None
        return LocalKeyService(base64.b64decode(raw.strip(), validate=True),
                               key_id=key_id(month))

    def destroy_before(self, month: str) -> list[str]:
        if not self._folder.exists():
            return []
        destroyed = []
        for path in sorted(self._folder.glob("*.kek")):
            if path.stem < month and MONTH.match(path.stem):
                # Overwrite before unlinking, so the file's blocks keep no copy.
                size = path.stat().st_size
                with path.open("r+b") as handle:
                    handle.write(secrets.token_bytes(size))
                    handle.flush()
                    os.fsync(handle.fileno())
                write_private(self._paths(path.stem)[1], b"")
                path.unlink()
                destroyed.append(path.stem)
        return destroyed
