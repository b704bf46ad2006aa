"""The one list of environment variables the system reads, and the settings built from them.

Every variable is declared once in ``VARIABLES``; nothing else in the code reads ``os.environ``
for configuration. The README's configuration table and Terraform's environment blocks are
checked against this list by the tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    # or development tools (emulators, the local runner).
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
             "backend."),
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
    # --- Public web forms (issue 5) ---
    Variable("INTAKE_FORMS_SECRET", "",
             "Secret (at least 32 characters) that signs the web forms' anti-forgery tokens "
             "and follow-up access. Empty: `<INTAKE_DATA_DIR>/keys/forms.secret`, created on "
             "first use by the embedded backend; required with `gcp` (a Secret Manager "
             "secret)."),
    Variable("INTAKE_FORM_RATE_LIMIT", "20",
             "Form posts one client may make per window, counted apart for submissions, "
             "follow-up look-ups and follow-up messages, per function instance (0: no "
             "limit). Addresses are hashed in memory, never stored or logged."),
    Variable("INTAKE_FORM_RATE_WINDOW_SECONDS", "3600",
             "Length of the window of `INTAKE_FORM_RATE_LIMIT`, in seconds."),
    Variable("INTAKE_PROXY_HOPS", "0",
             "Proxies in front of the functions that append the client's address to "
             "`X-Forwarded-For` (1 on Cloud Functions); 0 uses the connection's address."),
    Variable("INTAKE_FOLLOW_UP_LOCK_SECONDS", "3600",
             "How long a reference stays locked on the follow-up page after five wrong "
             "receipt codes."),
)

BACKENDS = ("embedded", "gcp")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class PolicySettings:
    filing_window_months: int
    preliminary_review_days: int
    panel_review_days: int


@dataclass(frozen=True)
class FormsSettings:
    """Public web forms (issue 5)."""

    secret: str = field(default="", repr=False)
    rate_limit: int = 20
    rate_window_seconds: int = 3600
    proxy_hops: int = 0
    follow_up_lock_seconds: int = 3600


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
    # --- Public web forms (issue 5) ---
    forms: FormsSettings = field(default_factory=lambda: FormsSettings())

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


def _secret(name: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw and len(raw) < 32:
            raise ConfigError(f"{name} must be at least 32 characters long (or empty)")
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
        # --- Public web forms (issue 5) ---
        forms=FormsSettings(
            secret=get("INTAKE_FORMS_SECRET", _secret("INTAKE_FORMS_SECRET")),
            rate_limit=get("INTAKE_FORM_RATE_LIMIT",
                           _int("INTAKE_FORM_RATE_LIMIT", 0, 100000)),
            rate_window_seconds=get("INTAKE_FORM_RATE_WINDOW_SECONDS",
                                    _int("INTAKE_FORM_RATE_WINDOW_SECONDS", 1, 7 * 86400)),
            proxy_hops=get("INTAKE_PROXY_HOPS", _int("INTAKE_PROXY_HOPS", 0, 10)),
            follow_up_lock_seconds=get("INTAKE_FOLLOW_UP_LOCK_SECONDS",
                                       _int("INTAKE_FOLLOW_UP_LOCK_SECONDS", 60, 30 * 86400)),
        ),
    )
    if settings.backend == "gcp" and not settings.project:
        raise ConfigError("GOOGLE_CLOUD_PROJECT must be set when INTAKE_BACKEND=gcp")
    return settings
