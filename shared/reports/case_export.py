"""The case export written as CSV, a chunk at a time (for a file, standard output or an
HTTP response), never the whole export in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

ROWS_PER_CHUNK = 200


def csv_chunks(rows: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """The rows as CSV text (RFC 4180, ``\\r\\n`` line ends), a few hundred rows a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()
