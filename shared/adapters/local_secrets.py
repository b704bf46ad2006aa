"""Secrets kept in local files by the embedded backend (the stand-in for Secret Manager)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from shared.adapters.local_files import private_folder


def secret_from_file(path: Path, *, create: bool) -> str:
    """The secret in ``path``; with ``create``, write a new random one (mode 0600) if the
    file is missing. Creation is atomic: concurrent first uses all read the same secret."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"secret file {path} does not exist")
        private_folder(path.parent)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)  # fails if another process got there first: keep theirs
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"secret file {path} holds fewer than 32 characters")
    return secret
