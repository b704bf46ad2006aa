"""What the system costs to run: operations per life cycle (pinned by a test), the
resources per request (from the benchmark), list prices, and the monthly bill they make."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Operations:
    """Billed operations of other services."""

    firestore_reads: int = 0
    firestore_writes: int = 0
    firestore_deletes: int = 0
    tasks_created: int = 0
    kms_operations: int = 0
    emails: int = 0
    public_requests: int = 0
    internal_requests: int = 0

    def __add__(self, other: Operations) -> Operations:
        return Operations(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                             for f in fields(self)})

    def as_counts(self) -> dict[str, int]:
        return asdict(self)


# Measured and pinned by tests/functions/test_operations_per_submission.py: Firestore
# document operations at the wire on the emulator, the rest at our ports.
LIFECYCLES: dict[str, Operations] = {
    # submit, triage, assign, answer, close
    "advice": Operations(firestore_reads=23, firestore_writes=14, firestore_deletes=1,
                         tasks_created=1, kms_operations=7, emails=0,
                         public_requests=1, internal_requests=4),
    # submit, triage, forward, notify (three e-mails), acknowledge
    "misconduct": Operations(firestore_reads=41, firestore_writes=32, firestore_deletes=5,
                             tasks_created=5, kms_operations=7, emails=3,
                             public_requests=1, internal_requests=6),
    # submit, triage, preliminary review, prima facie
    "retaliation": Operations(firestore_reads=11, firestore_writes=10, firestore_deletes=1,
                              tasks_created=1, kms_operations=5, emails=0,
                              public_requests=1, internal_requests=3),
    # the follow-up page: sign in with reference and receipt, see the case
    # the scheduled sweep with nothing due
    "quiet_sweep": Operations(firestore_reads=7, internal_requests=1),
    "follow_up_visit": Operations(firestore_reads=13, firestore_writes=3,
                                  firestore_deletes=0, tasks_created=0, kms_operations=0,
                                  emails=0, public_requests=3, internal_requests=0),
}
