"""The one list of environment variables the system reads, and the settings built from them.

Every variable is declared once in ``VARIABLES``; nothing else in the code reads ``os.environ``
for configuration. The README's configuration table and Terraform's environment blocks are
checked against this list by the tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A configuration variable holds a value the system cannot use."""


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    description: str
    # "deployed": Terraform sets it on Google Cloud; "local": only for the embedded backend
    # or development tools (emulators, the local runner); "secret": Terraform sets it from
    # Secret Manager, and only on the functions that need it.
    scope: str = "deployed"


VARIABLES: tuple[Variable, ...] = (
    Variable("INTAKE_BACKEND", "embedded",
             "`embedded` (SQLite, in-process task dispatch, local key) or `gcp` "
             "(Firestore, Cloud Tasks)."),
    Variable("INTAKE_DATA_DIR", ".intake",
             "Folder of the embedded backend: SQLite database and local key.", "local"),
    Variable("INTAKE_FUNCTIONS_BASE_URL", "http://127.0.0.1:8080",
             "Base URL under which every function is reachable as `/<function_name>`; "
             "task targets are built from it."),
    Variable("GOOGLE_CLOUD_PROJECT", "",
             "Google Cloud project id (Firestore and Cloud Tasks)."),
    Variable("INTAKE_FIRESTORE_DATABASE", "(default)", "Firestore database id."),
    Variable("INTAKE_TASKS_LOCATION", "europe-west1", "Region of the Cloud Tasks queues."),
    Variable("INTAKE_TRIAGE_QUEUE", "triage", "Cloud Tasks queue id for triage tasks."),
    Variable("INTAKE_TASKS_SERVICE_ACCOUNT", "",
             "Service account whose OIDC token Cloud Tasks attaches to task requests."),
    Variable("INTAKE_KEY_FILE", "",
             "Local key-encryption key file (32 random bytes, base64). Empty: "
             "`<INTAKE_DATA_DIR>/keys/local.kek`, created on first use by the embedded "
             "backend. Unused when `INTAKE_KMS_KEY` is set.", "local"),
    Variable("INTAKE_MAX_BODY_BYTES", "262144", "Largest accepted request body, in bytes."),
    Variable("INTAKE_STORE_TIMEOUT_SECONDS", "10",
             "Deadline for one document-store call, retries included."),
    Variable("INTAKE_QUEUE_TIMEOUT_SECONDS", "10",
             "Deadline for one enqueue call, retries included."),
    Variable("INTAKE_SWEEP_GRACE_SECONDS", "600",
             "Age after which `sweep` re-queues work that is still pending."),
    Variable("INTAKE_SWEEP_BATCH", "200", "Most pending items one `sweep` run re-queues."),
    Variable("INTAKE_POLICY_FILING_WINDOW_MONTHS", "6",
             "Retaliation complaints filed later than this after the last act are flagged late."),
    Variable("INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS", "30",
             "Days the Ethics Office has for the preliminary review of a retaliation complaint."),
    Variable("INTAKE_POLICY_PANEL_REVIEW_DAYS", "30",
             "Days a complainant has to ask the Ethics Panel chair for a review."),
    Variable("INTAKE_LOG_LEVEL", "INFO", "Lowest severity written to the log."),
    Variable("INTAKE_LOCAL_DISPATCH_ATTEMPTS", "8",
             "Deliveries the in-process dispatcher tries per task before leaving it to "
             "`sweep`.", "local"),
    Variable("INTAKE_LOCAL_SWEEP_SECONDS", "60",
             "How often the local runner runs `sweep` (0: never).", "local"),
    Variable("FIRESTORE_EMULATOR_HOST", "",
             "host:port of the Firestore emulator (read by the Google client).", "local"),
    Variable("CLOUD_TASKS_EMULATOR_HOST", "",
             "host:port of the Cloud Tasks emulator (insecure gRPC).", "local"),
)

BACKENDS = ("embedded", "gcp")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class PolicySettings:
    filing_window_months: int
    preliminary_review_days: int
    panel_review_days: int


@dataclass(frozen=True)
class Settings:
    backend: str
    data_dir: Path
    functions_base_url: str
    project: str
    firestore_database: str
    tasks_location: str
    triage_queue: str
    tasks_service_account: str
    key_file: Path
    max_body_bytes: int
    store_timeout: float
    queue_timeout: float
    sweep_grace_seconds: int
    sweep_batch: int
    policy: PolicySettings
    log_level: str
    local_dispatch_attempts: int
    local_sweep_seconds: int
    firestore_emulator_host: str
    cloud_tasks_emulator_host: str
    # Deployment (issue 6): the queues of the later features, and Cloud KMS.
    forward_queue: str = "forward"
    urgent_forward_queue: str = "urgent-forward"
    notify_queue: str = "notify"
    kms_key: str = ""
    kms_emulator_host: str = ""

    def function_url(self, function_name: str) -> str:
        return f"{self.functions_base_url.rstrip('/')}/{function_name}"


def _int(name: str, low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return parse


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
        return raw

    return parse


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment; raise ConfigError naming a bad variable."""
    env = os.environ if environ is None else environ
    known = {v.name: v for v in VARIABLES}

    def get(name: str, parse: Callable[[str], Any] = str) -> Any:
        raw = env.get(name, known[name].default).strip()
        return parse(raw)

    data_dir = Path(get("INTAKE_DATA_DIR"))
    key_file = get("INTAKE_KEY_FILE")
    settings = Settings(
        backend=get("INTAKE_BACKEND", _choice("INTAKE_BACKEND", BACKENDS)),
        data_dir=data_dir,
        functions_base_url=get("INTAKE_FUNCTIONS_BASE_URL"),
        project=get("GOOGLE_CLOUD_PROJECT"),
        firestore_database=get("INTAKE_FIRESTORE_DATABASE"),
        tasks_location=get("INTAKE_TASKS_LOCATION"),
        triage_queue=get("INTAKE_TRIAGE_QUEUE"),
        tasks_service_account=get("INTAKE_TASKS_SERVICE_ACCOUNT"),
        key_file=Path(key_file) if key_file else data_dir / "keys" / "local.kek",
        max_body_bytes=get("INTAKE_MAX_BODY_BYTES",
                           _int("INTAKE_MAX_BODY_BYTES", 1024, 16 * 1024 * 1024)),
        store_timeout=get("INTAKE_STORE_TIMEOUT_SECONDS",
                          _int("INTAKE_STORE_TIMEOUT_SECONDS", 1, 300)),
        queue_timeout=get("INTAKE_QUEUE_TIMEOUT_SECONDS",
                          _int("INTAKE_QUEUE_TIMEOUT_SECONDS", 1, 300)),
        sweep_grace_seconds=get("INTAKE_SWEEP_GRACE_SECONDS",
                                _int("INTAKE_SWEEP_GRACE_SECONDS", 0, 7 * 86400)),
        sweep_batch=get("INTAKE_SWEEP_BATCH", _int("INTAKE_SWEEP_BATCH", 1, 10000)),
        policy=PolicySettings(
            filing_window_months=get("INTAKE_POLICY_FILING_WINDOW_MONTHS",
                                     _int("INTAKE_POLICY_FILING_WINDOW_MONTHS", 1, 120)),
            preliminary_review_days=get("INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS",
                                        _int("INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS", 1, 365)),
            panel_review_days=get("INTAKE_POLICY_PANEL_REVIEW_DAYS",
                                  _int("INTAKE_POLICY_PANEL_REVIEW_DAYS", 1, 365)),
        ),
        log_level=get("INTAKE_LOG_LEVEL", _choice("INTAKE_LOG_LEVEL", LOG_LEVELS)),
        local_dispatch_attempts=get("INTAKE_LOCAL_DISPATCH_ATTEMPTS",
                                    _int("INTAKE_LOCAL_DISPATCH_ATTEMPTS", 1, 100)),
        local_sweep_seconds=get("INTAKE_LOCAL_SWEEP_SECONDS",
                                _int("INTAKE_LOCAL_SWEEP_SECONDS", 0, 86400)),
        firestore_emulator_host=get("FIRESTORE_EMULATOR_HOST"),
        cloud_tasks_emulator_host=get("CLOUD_TASKS_EMULATOR_HOST"),
    )
    settings = replace(
        settings,
        forward_queue=get("INTAKE_FORWARD_QUEUE"),
        urgent_forward_queue=get("INTAKE_URGENT_FORWARD_QUEUE"),
        notify_queue=get("INTAKE_NOTIFY_QUEUE"),
        kms_key=get("INTAKE_KMS_KEY", _kms_key_name),
        kms_emulator_host=get("INTAKE_KMS_EMULATOR_HOST", _loopback("INTAKE_KMS_EMULATOR_HOST")),
    )
    if settings.backend == "gcp" and not settings.project:
        raise ConfigError("GOOGLE_CLOUD_PROJECT must be set when INTAKE_BACKEND=gcp")
    return settings


# --- Deployment (issue 6): the queues of the later features, and Cloud KMS ----------------
# Terraform (infra/) creates one Cloud Tasks queue per *_QUEUE variable and sets every
# "deployed" variable on every function; tests/infra checks both against this list.

VARIABLES += (
    Variable("INTAKE_FORWARD_QUEUE", "forward",
             "Cloud Tasks queue id for forwarding misconduct reports to the investigations "
             "office."),
    Variable("INTAKE_URGENT_FORWARD_QUEUE", "urgent-forward",
             "Cloud Tasks queue id for urgent forwards (sexual exploitation and abuse, sexual "
             "harassment), dispatched ahead of the others."),
    Variable("INTAKE_NOTIFY_QUEUE", "notify", "Cloud Tasks queue id for e-mail notifications."),
    Variable("INTAKE_KMS_KEY", "",
             "Cloud KMS key that wraps the data keys "
             "(`projects/P/locations/L/keyRings/R/cryptoKeys/K`); the key never leaves KMS. "
             "Empty: the local key file. Calls share `INTAKE_STORE_TIMEOUT_SECONDS`."),
    Variable("INTAKE_KMS_EMULATOR_HOST", "",
             "host:port on the loopback interface of a KMS-compatible gRPC server, reached "
             "over insecure gRPC (tests).", "local"),
)

_KMS_KEY_NAME = re.compile(r"projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _kms_key_name(raw: str) -> str:
    if raw and not _KMS_KEY_NAME.fullmatch(raw):
        raise ConfigError("INTAKE_KMS_KEY must be a key resource name "
                          "projects/P/locations/L/keyRings/R/cryptoKeys/K; got " + repr(raw))
    return raw


def _loopback(name: str) -> Callable[[str], str]:
    # Data keys cross an insecure channel to this host: never let it leave the machine.
    def parse(raw: str) -> str:
        host, _, port = raw.rpartition(":")
        if raw and (host not in _LOOPBACK_HOSTS or not port.isdigit()):
            raise ConfigError(f"{name} must be a loopback host:port, got {raw!r}")
        return raw

    return parse
