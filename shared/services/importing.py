"""Import historical or offline records: resumable, and never counted twice.

The import's id is a digest of its validated records, so the same records imported again
are recognised (``already_complete``), and an interrupted import, run again, writes only the
chunks it had not written. Each chunk lands atomically with its marker and its records have
fixed ids, so even a chunk written twice adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from shared.domain.records import canonical_json, jsonable
from shared.domain.statistics import (
    IMPORTED,
    DisclosureYear,
    ImportLine,
    ImportManifest,
    StatRecord,
    import_record_id,
)
from shared.domain.taxonomy import advice_group_of
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.statistics import StatisticsStore

log = get_logger(__name__)

# Optional codes each kind keeps besides its counted dimensions.
_KEPT = ("participants", "allegation_type", "requester_type", "duty_station", "staff_category",
         "anonymous", "protective_measures")
# The field of a kind whose code is the record's outcome: a complaint's outcome, a step of
# a panel review, an independent review's result.
_OUTCOME_FIELD = {"retaliation": "outcome", "panel_review": "step",
                  "independent_review": "result"}


@dataclass(frozen=True)
class ImportOutcome:
    manifest: ImportManifest
    already_complete: bool = False
    chunks_written: int = 0  # by this run
    chunks_resumed: int = 0  # found written by an earlier, interrupted run
    by_kind: dict[str, int] = field(default_factory=dict)
    replaced_disclosure_years: tuple[int, ...] = ()


def import_id_of(lines: Sequence[ImportLine]) -> str:
    """A digest of the records alone: blank lines and formatting do not change it."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(canonical_json(jsonable(dict(line.data))) + b"\n")
    return digest.hexdigest()[:32]


def _item(line: ImportLine, ordinal: int, import_id: str, manifest: ImportManifest,
          actor: str) -> StatRecord | DisclosureYear:
    data = line.data
    if line.kind == "disclosure":
        return DisclosureYear(data["year"], data["filers"], data["compliant"], import_id,
                              line.line)
    codes = {k: data[k] for k in _KEPT if data.get(k) is not None}
    category = data["category"] if line.kind == "service" else line.kind
    subcategory = data["subcategory"] if line.kind == "advice" else None
    if subcategory is not None:
        codes["group"] = advice_group_of(subcategory)
    return StatRecord(id=import_record_id(import_id, ordinal), category=category,
                      day=data["date"], source=IMPORTED, recorded_at=manifest.started_at,
                      recorded_by=actor, subcategory=subcategory,
                      outcome=data[_OUTCOME_FIELD[line.kind]] if line.kind in _OUTCOME_FIELD
                      else None,
                      codes=codes, import_id=import_id, line=line.line)


def _finish(in_flight: tuple[Future[None], int],
            on_progress: Callable[[int], None] | None) -> None:
    future, size = in_flight
    future.result()  # a failed write stops the import here
    if on_progress is not None:
        on_progress(size)


def _replaced_years(lines: Sequence[ImportLine], before: dict[int, DisclosureYear]
                    ) -> tuple[int, ...]:
    """Years of Table 2 recorded before with other figures than this import gives."""
    return tuple(sorted(
        line.data["year"] for line in lines if line.kind == "disclosure"
        and line.data["year"] in before
        and (before[line.data["year"]].filers, before[line.data["year"]].compliant)
        != (line.data["filers"], line.data["compliant"])))


def import_records(lines: Sequence[ImportLine], *, store: StatisticsStore, clock: Clock,
                   actor: str, on_progress: Callable[[int], None] | None = None
                   ) -> ImportOutcome:
    """Write validated import lines in chunks of the store's size; ``on_progress`` is told
    how many lines each chunk covered (those already written by an earlier run included).

    A failure (StoreUnavailable) leaves the import incomplete: call again with the same
    lines to finish it.
    """
    if not lines:
        raise ValueError("nothing to import")
    import_id = import_id_of(lines)
    size = store.chunk_size
    proposed = ImportManifest(import_id, len(lines), -(-len(lines) // size), size, clock.now())
    before = {d.year: d for d in store.disclosure_years()}
    progress = store.begin_import(proposed)
    manifest = progress.manifest
    by_kind = dict(Counter(line.kind for line in lines))
    if manifest.complete:
        log.info("import already complete; nothing written",
                 extra={"event": "import_already_complete", "import": import_id})
        return ImportOutcome(manifest, already_complete=True, by_kind=by_kind)

    replaced = _replaced_years(lines, before)
    written = resumed = 0
    step = manifest.chunk_size
    # One chunk is written while the next is prepared: never two writes at once (chunks
    # land in order, as in a plain loop), but preparing costs no waiting.
    with ThreadPoolExecutor(max_workers=1) as writer:
        in_flight: tuple[Future[None], int] | None = None
        for index in range(manifest.chunks):
            if index in progress.written_chunks:
                resumed += 1
                if on_progress is not None:
                    on_progress(len(lines[index * step:(index + 1) * step]))
                continue
            chunk = [_item(line, index * step + n, import_id, manifest, actor)
                     for n, line in enumerate(lines[index * step:(index + 1) * step])]
            if in_flight is not None:
                _finish(in_flight, on_progress)
            in_flight = (writer.submit(
                store.write_import_chunk, import_id, index,
                [r for r in chunk if isinstance(r, StatRecord)],
                [d for d in chunk if isinstance(d, DisclosureYear)]), len(chunk))
            written += 1
        if in_flight is not None:
            _finish(in_flight, on_progress)
    manifest = store.finish_import(import_id, clock.now())
    log.info("import complete", extra={"event": "import_complete", "import": import_id,
                                       "records": manifest.records, "chunks_written": written,
                                       "chunks_resumed": resumed})
    return ImportOutcome(manifest, chunks_written=written, chunks_resumed=resumed,
                         by_kind=by_kind, replaced_disclosure_years=replaced)
