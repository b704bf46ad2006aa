"""What the system costs to run: operations per life cycle (pinned by a test), the
resources per request (from the benchmark), list prices, and the monthly bill they make."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from shared.domain.prices import PRICES, PRICES_AS_OF


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
    "advice": Operations(firestore_reads=26, firestore_writes=14, firestore_deletes=1,
                         tasks_created=1, kms_operations=7, emails=0,
                         public_requests=1, internal_requests=4),
    # submit, triage, forward, notify (three e-mails), acknowledge
    "misconduct": Operations(firestore_reads=42, firestore_writes=32, firestore_deletes=5,
                             tasks_created=5, kms_operations=7, emails=3,
                             public_requests=1, internal_requests=6),
    # submit, triage, preliminary review, prima facie
    "retaliation": Operations(firestore_reads=13, firestore_writes=10, firestore_deletes=1,
                              tasks_created=1, kms_operations=5, emails=0,
                              public_requests=1, internal_requests=3),
    # the follow-up page: sign in with reference and receipt, see the case
    # the scheduled sweep with nothing due
    "quiet_sweep": Operations(firestore_reads=8, internal_requests=1),
    "follow_up_visit": Operations(firestore_reads=13, firestore_writes=3,
                                  firestore_deletes=0, tasks_created=0, kms_operations=0,
                                  emails=0, public_requests=3, internal_requests=0),
}


# --- What a month holds ---------------------------------------------------------------

HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
MONTHS_PER_YEAR = 12

# The seed office: 2,166 services in 2024, of which 66 misconduct allegations and 14
# retaliation complaints. Every other service is counted as an advice request through the
# forms, which overstates the web traffic (many are calls, meetings and filings).
SEED_SERVICES_PER_YEAR = 2_166
SEED_MIX = {"misconduct": 66 / 2_166, "retaliation": 14 / 2_166}
FOLLOW_UP_VISITS_PER_SUBMISSION = 2
SWEEPS_PER_MONTH = HOURS_PER_MONTH * 60 // 5  # var.sweep_schedule: every five minutes
VOLUMES = (1, 10, 100, 1_000)


@dataclass(frozen=True)
class Resources:
    """What a request takes, from the benchmark and the deployment."""

    # Warm answers take a few ms (docs/BENCHMARKS.md); Cloud Run bills an instance's busy
    # time rounded up to 100 ms.
    billed_seconds_per_request: float = 0.1
    # A fresh instance, from start to first answer: an assumed round figure until
    # scripts/bench's end-to-end cold start is in docs/BENCHMARKS.md (short development
    # runs on a loaded machine gave 0.6 to 3 s).
    cold_start_seconds: float = 1.0
    # infra/modules/intake/functions.tf, function_defaults.
    vcpu: float = 1.0
    memory_gib: float = 0.5
    # Cloud Run may keep an idle instance this long; a request after a longer gap starts
    # a fresh one.
    idle_minutes: float = 15.0
    public_functions: int = 4     # forms and the three submit functions
    internal_functions: int = 5   # triage, forward, notify, cases, console
    secrets_per_instance: float = 2.0  # secret environment variables read at start
    firestore_kib_per_case: float = 30.0
    evidence_mib_per_submission: float = 0.2
    function_images_gib: float = 2.0   # 13 functions' images in Artifact Registry
    function_sources_gib: float = 0.03
    secrets: int = 8
    secret_locations: int = 2          # var.secret_locations
    symmetric_keys: int = 3            # cases, messages, evidence bucket
    # The key after rotation and the one before, until ``intake reseal`` has moved every
    # record and the older version is destroyed (docs/sealing.md).
    versions_per_symmetric_key: int = 2


RESOURCES = Resources()


@dataclass(frozen=True)
class Line:
    service: str
    usd: float


@dataclass(frozen=True)
class Bill:
    """One month at one volume."""

    services_per_year: float
    hsm: bool
    minimum_instances: int
    lines: tuple[Line, ...]
    cold_starts: float          # of the public functions, a month
    operations: Operations

    @property
    def total(self) -> float:
        return sum(line.usd for line in self.lines)


def monthly_operations(services_per_year: float) -> Operations:
    """The billed operations of a month at this volume (the sweep included)."""
    per_month = services_per_year / MONTHS_PER_YEAR
    misconduct = per_month * SEED_MIX["misconduct"]
    retaliation = per_month * SEED_MIX["retaliation"]
    advice = per_month - misconduct - retaliation
    visits = per_month * FOLLOW_UP_VISITS_PER_SUBMISSION
    parts = {"advice": advice, "misconduct": misconduct, "retaliation": retaliation,
             "follow_up_visit": visits, "quiet_sweep": SWEEPS_PER_MONTH}
    totals = {f.name: 0.0 for f in fields(Operations)}
    for cycle, times in parts.items():
        for name, count in LIFECYCLES[cycle].as_counts().items():
            totals[name] += count * times
    return Operations(**{name: round(value) for name, value in totals.items()})


def cold_fraction(requests_per_month: float, functions: int, idle_minutes: float) -> float:
    """The share of requests that find no idle instance: requests spread evenly over the
    functions, arriving at random (Poisson), an instance kept ``idle_minutes``."""
    if requests_per_month <= 0:
        return 0.0
    per_window = requests_per_month / functions * idle_minutes * 60 / SECONDS_PER_MONTH
    return math.exp(-per_window)


def bill(services_per_year: float, *, hsm: bool = True, minimum_instances: int = 0,
         r: Resources = RESOURCES) -> Bill:
    """The month's bill. ``minimum_instances``: public functions kept warm (one each)."""
    p = PRICES
    ops = monthly_operations(services_per_year)
    public_cold = ops.public_requests * cold_fraction(
        ops.public_requests, r.public_functions, r.idle_minutes)
    warm_public = min(minimum_instances, r.public_functions)
    public_cold *= 1 - warm_public / r.public_functions
    sweep_requests = SWEEPS_PER_MONTH
    internal = ops.internal_requests - sweep_requests
    internal_cold = internal * cold_fraction(internal, r.internal_functions, r.idle_minutes)
    sweep_cold = sweep_requests * cold_fraction(sweep_requests, 1, r.idle_minutes)
    cold = public_cold + internal_cold + sweep_cold
    requests = ops.public_requests + ops.internal_requests
    busy = requests * r.billed_seconds_per_request + cold * r.cold_start_seconds
    run = (p["vCPU-second (serving)"].charge(busy * r.vcpu)
           + p["GiB-second (serving)"].charge(busy * r.memory_gib)
           + p["requests"].charge(requests))
    idle = warm_public * SECONDS_PER_MONTH
    minimum = (p["vCPU-second (idle minimum instance)"].charge(idle * r.vcpu)
               + p["GiB-second (idle minimum instance)"].charge(idle * r.memory_gib))
    cases_kept = services_per_year  # a year of cases (retention keeps most for longer)
    firestore = (p["document reads"].charge(ops.firestore_reads)
                 + p["document writes"].charge(ops.firestore_writes)
                 + p["document deletes"].charge(ops.firestore_deletes)
                 + p["stored data"].charge(cases_kept * r.firestore_kib_per_case / 2**20))
    tasks = p["operations"].charge(ops.tasks_created * 2)  # the create and one delivery
    scheduler = p["jobs"].charge(1)
    submissions = services_per_year / MONTHS_PER_YEAR
    sign_ops = submissions  # one signed proof per submission
    symmetric_ops = max(0.0, ops.kms_operations - sign_ops)
    versions = r.symmetric_keys * r.versions_per_symmetric_key
    if hsm:
        keys = (p["HSM symmetric key version"].charge(versions)
                + p["HSM EC P-256 signing key version"].charge(1))
    else:
        keys = p["software key version"].charge(versions + 1)
    kms = (keys + p["symmetric operations"].charge(symmetric_ops)
           + p["EC signing operations"].charge(sign_ops))
    secrets = (p["active secret versions"].charge(r.secrets * r.secret_locations)
               + p["access operations"].charge(cold * r.secrets_per_instance))
    evidence_gib = submissions * MONTHS_PER_YEAR * r.evidence_mib_per_submission / 1024
    storage = (p["standard regional storage"].charge(evidence_gib + r.function_sources_gib)
               + p["class A operations"].charge(submissions)
               + p["class B operations"].charge(submissions))
    images = p["function images"].charge(r.function_images_gib)
    mail = p["outbound e-mails"].charge(ops.emails)
    lines = (Line("Cloud Run functions: requests and busy time", run),
             Line("Cloud Run functions: minimum instances", minimum),
             Line("Firestore", firestore), Line("Cloud Tasks", tasks),
             Line("Cloud Scheduler", scheduler),
             Line("Cloud KMS (HSM)" if hsm else "Cloud KMS (software)", kms),
             Line("Secret Manager", secrets),
             Line("Cloud Storage (evidence, sources)", storage),
             Line("Artifact Registry (function images)", images),
             Line("Amazon SES", mail))
    return Bill(services_per_year, hsm, minimum_instances, lines, public_cold, ops)


def vm_month() -> float:
    """An always-on small VM as GlobaLeaks is run: e2-small, a 20 GB disk, one address."""
    p = PRICES
    return (p["e2-small VM, on demand"].charge(HOURS_PER_MONTH)
            + p["balanced persistent disk"].charge(20)
            + p["external IPv4 address"].charge(HOURS_PER_MONTH))


# --- The tables of docs/cost.md and ``intake cost`` -----------------------------------

CYCLE_NAMES = {"advice": "Advice: submit, triage, assign, answer, close",
               "misconduct": "Misconduct: submit, triage, forward, notify, acknowledge",
               "retaliation": "Retaliation: submit, triage, preliminary review, prima facie",
               "follow_up_visit": "A follow-up visit (page, sign-in, case)",
               "quiet_sweep": "The scheduled sweep, nothing due"}
COUNT_NAMES = {"firestore_reads": "Firestore reads", "firestore_writes": "Firestore writes",
               "firestore_deletes": "Firestore deletes", "tasks_created": "Tasks created",
               "kms_operations": "KMS operations", "emails": "E-mails",
               "public_requests": "Public requests", "internal_requests": "Internal requests"}


def _usd(value: float) -> str:
    return f"{value:,.2f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> str:
    return "\n".join([_row(header), _row(align), *(_row(r) for r in rows)]) + "\n"


def operations_table() -> str:
    names = list(COUNT_NAMES)
    return _table(["Life cycle", *COUNT_NAMES.values()], ["---", *["---:"] * len(names)],
                  [[CYCLE_NAMES[c], *(str(LIFECYCLES[c].as_counts()[n]) for n in names)]
                   for c in CYCLE_NAMES])


def prices_table() -> str:
    rows = []
    for price in PRICES.values():
        per = "" if price.per == 1 else f" per {price.per:,.0f}"
        free = f"{price.free:,.10g}" if price.free else "none"
        usd = f"{price.usd:.7f}".rstrip("0").rstrip(".")
        rows.append([price.service, price.item, f"{usd}{per} {price.unit}",
                     free, price.source])
    return _table(["Service", "Item", "US$", "Free each month", "Source"],
                  ["---", "---", "---", "---:", "---"], rows)


def volume_label(services_per_year: float) -> str:
    times = services_per_year / SEED_SERVICES_PER_YEAR
    return f"{services_per_year:,.0f}/year ({times:,.4g}x)"


def bill_table(volumes: list[float], *, hsm: bool = True) -> str:
    """Line by line, scale-to-zero, a column a volume; then the totals."""
    bills = [bill(v, hsm=hsm) for v in volumes]
    warm = [bill(v, hsm=hsm, minimum_instances=RESOURCES.public_functions) for v in volumes]
    rows = [[line.service, *(_usd(b.lines[i].usd) for b in bills)]
            for i, line in enumerate(bills[0].lines)]
    rows.append(["**Total, scale to zero**", *(f"**{_usd(b.total)}**" for b in bills)])
    rows.append(["Total, one minimum instance of forms and each submit function",
                 *(_usd(b.total) for b in warm)])
    rows.append(["Public cold starts a month, scale to zero",
                 *(f"{b.cold_starts:,.0f}" for b in bills)])
    rows.append(["Public cold starts a month, minimum instances",
                 *(f"{b.cold_starts:,.0f}" for b in warm)])
    rows.append(["Always-on small VM (e2-small, 20 GB disk, IPv4)",
                 *(_usd(vm_month()) for _ in volumes)])
    return _table(["US$ a month", *(volume_label(v) for v in volumes)],
                  ["---", *["---:"] * len(volumes)], rows)


def operations_per_month_table(volumes: list[float]) -> str:
    months = [monthly_operations(v).as_counts() for v in volumes]
    return _table(["A month", *(volume_label(v) for v in volumes)],
                  ["---", *["---:"] * len(volumes)],
                  [[label, *(f"{m[name]:,}" for m in months)]
                   for name, label in COUNT_NAMES.items()])


def report(volumes: list[float] | None = None) -> str:
    """The model's tables, as docs/cost.md holds them and ``intake cost`` prints them."""
    chosen = volumes or [SEED_SERVICES_PER_YEAR * times for times in VOLUMES]
    seed = bill(SEED_SERVICES_PER_YEAR)
    return "\n".join([
        f"Prices as of {PRICES_AS_OF} (to be rechecked at their sources).\n",
        "### Operations per life cycle (pinned by a test)\n", operations_table(),
        "### Operations a month\n", operations_per_month_table(chosen),
        "### The bill, Cloud KMS in HSM (as `infra/envs/prod` deploys)\n",
        bill_table(chosen, hsm=True),
        "### The bill, Cloud KMS in software\n", bill_table(chosen, hsm=False),
        "### Verdict\n",
        f"- Seed volume, scale to zero, HSM keys: US$ {_usd(seed.total)} a month; "
        f"goal <= 5.00: {'met' if seed.total <= 5 else 'MISSED'}.",
        f"- Seed volume, scale to zero, software keys: US$ "
        f"{_usd(bill(SEED_SERVICES_PER_YEAR, hsm=False).total)} a month; goal <= 5.00: "
        f"{'met' if bill(SEED_SERVICES_PER_YEAR, hsm=False).total <= 5 else 'MISSED'}.",
        "",
        "### Prices\n", prices_table()])
