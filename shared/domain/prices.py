"""List prices of the services the system runs on: the one place they are written down.

No price here was fetched: each is the public list price as last known to the authors, with
the page it comes from and the date it was read. Recheck them on those pages before relying
on a figure (docs/cost.md says how); a changed price is changed here only, and
docs/cost.md is regenerated from it (``python -m tools.cost_doc``).
"""

from __future__ import annotations

from dataclasses import dataclass

# When the prices below were last read; every figure is to be rechecked against its source.
PRICES_AS_OF = "2025-06"


@dataclass(frozen=True)
class Price:
    service: str
    item: str
    usd: float          # per ``per`` units
    per: float          # the units the price is for (1, 1_000, 100_000, 1_000_000...)
    unit: str           # what a unit is
    free: float         # units free each month (0: none)
    source: str         # the public page the price is from

    @property
    def usd_per_unit(self) -> float:
        return self.usd / self.per

    def charge(self, units: float) -> float:
        """What ``units`` cost in a month, after the monthly free allowance."""
        return max(0.0, units - self.free) * self.usd_per_unit


RUN = "https://cloud.google.com/run/pricing"
FIRESTORE = "https://cloud.google.com/firestore/pricing"
TASKS = "https://cloud.google.com/tasks/pricing"
SCHEDULER = "https://cloud.google.com/scheduler/pricing"
KMS = "https://cloud.google.com/kms/pricing"
SECRETS = "https://cloud.google.com/secret-manager/pricing"
STORAGE = "https://cloud.google.com/storage/pricing"
ARTIFACTS = "https://cloud.google.com/artifact-registry/pricing"
SES = "https://aws.amazon.com/ses/pricing/"
COMPUTE = "https://cloud.google.com/compute/vm-instance-pricing"
DISKS = "https://cloud.google.com/compute/disks-image-pricing"
ADDRESSES = "https://cloud.google.com/vpc/network-pricing"

# Cloud Run functions are billed as Cloud Run services (request-based billing, tier 1
# regions such as europe-west1 and us-central1). Free allowances are per billing account.
PRICES: dict[str, Price] = {p.item: p for p in (
    Price("Cloud Run functions", "vCPU-second (serving)", 0.000024, 1, "vCPU-s", 180_000,
          RUN),
    Price("Cloud Run functions", "GiB-second (serving)", 0.0000025, 1, "GiB-s", 360_000,
          RUN),
    Price("Cloud Run functions", "requests", 0.40, 1_000_000, "request", 2_000_000, RUN),
    Price("Cloud Run functions", "vCPU-second (idle minimum instance)", 0.0000025, 1,
          "vCPU-s", 0, RUN),
    Price("Cloud Run functions", "GiB-second (idle minimum instance)", 0.0000025, 1, "GiB-s",
          0, RUN),
    # Regional database; the free quota is daily (50,000 reads, 20,000 writes, 20,000
    # deletes a day), shown here as a 30.4-day month; one free database per project.
    Price("Firestore", "document reads", 0.03, 100_000, "read", 1_520_000, FIRESTORE),
    Price("Firestore", "document writes", 0.09, 100_000, "write", 608_000, FIRESTORE),
    Price("Firestore", "document deletes", 0.01, 100_000, "delete", 608_000, FIRESTORE),
    Price("Firestore", "stored data", 0.15, 1, "GiB-month", 1, FIRESTORE),
    # A billable operation: each API call and each push delivery attempt.
    Price("Cloud Tasks", "operations", 0.40, 1_000_000, "operation", 1_000_000, TASKS),
    Price("Cloud Scheduler", "jobs", 0.10, 1, "job-month", 3, SCHEDULER),
    Price("Cloud KMS", "HSM symmetric key version", 1.00, 1, "version-month", 0, KMS),
    Price("Cloud KMS", "HSM EC P-256 signing key version", 2.50, 1, "version-month", 0,
          KMS),
    Price("Cloud KMS", "software key version", 0.06, 1, "version-month", 0, KMS),
    Price("Cloud KMS", "symmetric operations", 0.03, 10_000, "operation", 0, KMS),
    Price("Cloud KMS", "EC signing operations", 0.15, 10_000, "operation", 0, KMS),
    Price("Secret Manager", "active secret versions", 0.06, 1, "version-location-month", 6,
          SECRETS),
    Price("Secret Manager", "access operations", 0.03, 10_000, "access", 10_000, SECRETS),
    Price("Cloud Storage", "standard regional storage", 0.020, 1, "GiB-month", 0, STORAGE),
    Price("Cloud Storage", "class A operations", 0.05, 10_000, "operation", 0, STORAGE),
    Price("Cloud Storage", "class B operations", 0.004, 10_000, "operation", 0, STORAGE),
    Price("Artifact Registry", "function images", 0.10, 1, "GiB-month", 0.5, ARTIFACTS),
    Price("Amazon SES", "outbound e-mails", 0.10, 1_000, "e-mail", 0, SES),
    Price("Compute Engine", "e2-small VM, on demand", 0.016751, 1, "hour", 0, COMPUTE),
    Price("Compute Engine", "balanced persistent disk", 0.10, 1, "GB-month", 0, DISKS),
    Price("Compute Engine", "external IPv4 address", 0.005, 1, "hour", 0, ADDRESSES),
)}
