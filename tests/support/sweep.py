"""What the sweep function answers, as the tests expect it: every count, zero unless named,
and the sweep of stored files (where attachments are accepted, as by default)."""

from __future__ import annotations

from typing import Any

COUNTS = ("requeued", "failed", "alerts", "lapsed", "reminders", "reminders_failed", "purged")
FILES = ("orphans", "incoming", "failed")


def sweep_answer(*, files: dict[str, int] | None = None, files_swept: bool = True,
                 **counts: int) -> dict[str, Any]:
    """The answer; ``files_swept`` False where attachments are not stored (no bucket)."""
    unknown = set(counts) - set(COUNTS)
    assert not unknown, f"the sweep answers no count {sorted(unknown)}"
    swept = files or {}
    assert not set(swept) - set(FILES), f"the sweep of files answers no {sorted(swept)}"
    answer: dict[str, Any] = {name: counts.get(name, 0) for name in COUNTS}
    if files_swept:
        answer["files"] = {name: swept.get(name, 0) for name in FILES}
    return answer


QUIET = sweep_answer()
REQUEUED_ONE = sweep_answer(requeued=1)
FAILED_ONE = sweep_answer(failed=1)
