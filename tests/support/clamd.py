"""A real ClamAV daemon for the tests: Debian's ``clamd`` (package clamav-daemon, installed
by ``scripts/test``), started on a Unix socket of a temporary folder with a signature
database the tests write (the EICAR test signature, and nothing downloaded)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.evidence_files import EICAR

CLAMD_BINARIES = ("/usr/sbin/clamd", "/usr/bin/clamd")
SIGNATURE = "Intake-Test-EICAR"


def clamd_binary() -> str | None:
    for candidate in CLAMD_BINARIES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("clamd")


def write_database(folder: Path) -> None:
    """One extended signature (``.ndb``): the EICAR test string anywhere in a file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "intake-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")


@contextmanager
def running_clamd(binary: str, folder: Path) -> Iterator[str]:
    """clamd serving on ``folder``/clamd.sock; yields the ``unix:`` address."""
    database, temporary = folder / "db", folder / "tmp"
    write_database(database)
    temporary.mkdir(exist_ok=True)
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text("\n".join([
        "Foreground yes", f"LocalSocket {socket_path}", f"DatabaseDirectory {database}",
        f"TemporaryDirectory {temporary}", f"LogFile {folder / 'clamd.log'}",
        "StreamMaxLength 64M", "MaxFileSize 64M", "MaxScanSize 256M", ""]))
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() \
                    else ""
                raise RuntimeError(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.1)
        yield f"unix:{socket_path}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
