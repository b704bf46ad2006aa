"""What the sweep function answers, as the tests expect it: every count, zero unless named."""

from __future__ import annotations

COUNTS = ("requeued", "failed", "alerts", "lapsed", "reminders", "reminders_failed", "purged")


def sweep_answer(**counts: int) -> dict[str, int]:
    unknown = set(counts) - set(COUNTS)
    assert not unknown, f"the sweep answers no count {sorted(unknown)}"
    return {name: counts.get(name, 0) for name in COUNTS}


QUIET = sweep_answer()
REQUEUED_ONE = sweep_answer(requeued=1)
FAILED_ONE = sweep_answer(failed=1)
