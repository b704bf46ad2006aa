"""Files of the embedded backend (database, keys, outbox), readable by their owner only.

The data folder holds every report, the key that opens them and the e-mails sent: folders
are 0700 and files 0600, whatever the process's umask, created so from the start (never
created open and tightened afterwards).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can enter (created, with its missing parents,
    if needed)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            folder.mkdir(mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask
    mode = path.stat().st_mode
    if mode & stat.S_ISVTX:  # /tmp and the like: shared by design, never ours to close
        raise ValueError(f"{path} is a shared folder (sticky bit): give the data a folder "
                         "of its own")
    if stat.S_IMODE(mode) != FOLDER_MODE:
        os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner can read and write (created empty if missing),
    in a private folder."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a file is whole or absent), mode 0600."""
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def tighten(root: Path) -> None:
    """Make ``root`` and everything under it private (folders 0700, files 0600): a data
    folder made by an earlier version, or copied in, gets the modes it should have had."""
    private_folder(root)
    for folder, folders, files in os.walk(root):
        for name in folders:
            os.chmod(Path(folder) / name, FOLDER_MODE)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, FILE_MODE)
