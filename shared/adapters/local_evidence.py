"""The ``EvidenceBlobs`` port on the embedded backend: sealed files under
``<INTAKE_DATA_DIR>/evidence``, 0600 in 0700 folders, each written atomically."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from shared.adapters.local_files import private_folder, write_private
from shared.ports.evidence import EvidenceBlobs, EvidenceMissing, EvidenceUnavailable

_NAME = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*")


class LocalEvidenceBlobs(EvidenceBlobs):
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name) or ".." in name.split("/"):
            raise ValueError(f"not an evidence object name: {name!r}")
        return self._folder / name

    def put(self, name: str, sealed: bytes) -> None:
        try:
            write_private(self._path(name), sealed)
        except OSError as error:
            raise EvidenceUnavailable(str(error)) from None

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            raise EvidenceMissing(name) from None
        except OSError as error:
            raise EvidenceUnavailable(str(error)) from None

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as error:
            raise EvidenceUnavailable(str(error)) from None

    def names(self, prefix: str = "") -> list[str]:
        if not self._folder.exists():
            return []
        private_folder(self._folder)
        found = (p.relative_to(self._folder).as_posix() for p in self._folder.rglob("*")
                 if p.is_file() and not p.name.startswith("."))
        return sorted(name for name in found if name.startswith(prefix))

    def names_older_than(self, before: datetime) -> list[str]:
        try:
            return [name for name in self.names()
                    if datetime.fromtimestamp(self._path(name).stat().st_mtime, UTC) < before]
        except OSError as error:
            raise EvidenceUnavailable(str(error)) from None
