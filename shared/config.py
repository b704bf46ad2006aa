"""The one list of environment variables the system reads, and the settings built from them.

Every variable is declared once in ``VARIABLES``; nothing else in the code reads ``os.environ``
for configuration. The README's configuration table and Terraform's environment blocks are
checked against this list by the tests.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
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
    Variable("INTAKE_TASKS_SERVICE_ACCOUNTS", "{}",
             "JSON: logical queue (`triage`, `forward`, `urgent_forward`, `notify`) -> the "
             "service account whose OIDC token Cloud Tasks attaches to that queue's tasks "
             "(the only identity its target function accepts). A queue left out gets no "
             "token (emulators, local)."),
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
    # --- referrals to the investigations office and notifications (issue 3) -----------
    Variable("INTAKE_FORWARD_QUEUE", "forward", "Cloud Tasks queue id for referrals."),
    Variable("INTAKE_URGENT_FORWARD_QUEUE", "urgent-forward",
             "Cloud Tasks queue id for referrals of sexual exploitation and abuse and sexual "
             "harassment, served before the others."),
    Variable("INTAKE_NOTIFY_QUEUE", "notify", "Cloud Tasks queue id for notification e-mails."),
    Variable("INTAKE_INVESTIGATIONS_URL", "",
             "HTTPS endpoint of the investigations office's intake. Empty: the local reference "
             "receiver at `<INTAKE_FUNCTIONS_BASE_URL>/investigations_intake`."),
    Variable("INTAKE_FORWARD_HMAC_SECRET", "",
             "Shared secret that signs referrals (at least 32 characters). Empty on the "
             "embedded backend: a random one kept in `<INTAKE_DATA_DIR>/keys/forward-hmac.key`.",
             "secret"),
    Variable("INTAKE_FORWARD_TIMEOUT_SECONDS", "10",
             "How long one referral attempt waits for the investigations office."),
    Variable("INTAKE_FORWARD_MAX_ATTEMPTS", "12",
             "Referral attempts before a case goes to `forwarding_failed` (the forward queues "
             "must allow at least as many)."),
    Variable("INTAKE_NOTIFIER", "",
             "`outbox` (.eml files in `<INTAKE_DATA_DIR>/outbox`) or `ses`. Empty: outbox on "
             "the embedded backend, ses on gcp."),
    Variable("INTAKE_MAIL_FROM", "ethics-intake@localhost",
             "Sender of notifications (a verified SES identity)."),
    Variable("INTAKE_INVESTIGATIONS_MAILBOX", "investigations-intake@localhost",
             "The investigations office's mailbox for referral notices."),
    Variable("INTAKE_ETHICS_OFFICE_MAILBOX", "ethics-operations@localhost",
             "The Ethics Office's operations mailbox: referrals made and failed, alerts."),
    Variable("INTAKE_SES_REGION", "eu-west-1", "AWS region of the SES account."),
    Variable("AWS_ACCESS_KEY_ID", "", "SES credentials (read by boto3).", "secret"),
    Variable("AWS_SECRET_ACCESS_KEY", "", "SES credentials (read by boto3).", "secret"),
    Variable("INTAKE_OFFICE_URL", "",
             "Where officers open a case; e-mails link to `<INTAKE_OFFICE_URL>/<reference>`. "
             "Empty: `<INTAKE_FUNCTIONS_BASE_URL>/cases`."),
    Variable("INTAKE_FOLLOW_UP_URL", "",
             "The submitters' follow-up page, linked from acknowledgements. Empty: "
             "`<INTAKE_FUNCTIONS_BASE_URL>/forms/follow-up`."),
    # --- officers and their access (issue 4) --------------------------------------------
    Variable("INTAKE_OFFICERS", "{}",
             "The officers directory, JSON: `{\"alice@example.org\": {\"name\": \"Alice "
             "Example\", \"roles\": [\"ethics_officer\"]}}`. Roles: `ethics_officer` "
             "(reads and handles cases), `ethics_admin` (assigns cases to others)."),
    Variable("INTAKE_AUTH_AUDIENCE", "",
             "Audience officers' Google ID tokens must carry: the URL of the function they "
             "call (Terraform sets each function's own). Empty: the URL of the `cases` "
             "function."),
    Variable("INTAKE_DEV_AUTH", "false",
             "`true` accepts `Bearer dev:<email>` tokens for local work; refused (nothing "
             "starts) where the process runs on Google Cloud.", "local"),
    Variable("FIRESTORE_EMULATOR_HOST", "",
             "host:port of the Firestore emulator (read by the Google client).", "local"),
    Variable("CLOUD_TASKS_EMULATOR_HOST", "",
             "host:port of the Cloud Tasks emulator (insecure gRPC).", "local"),
    # --- Public web forms ---
    Variable("INTAKE_FORMS_SECRET", "",
             "Secret (at least 32 characters) that signs the web forms' anti-forgery tokens "
             "and follow-up access. Empty: `<INTAKE_DATA_DIR>/keys/forms.secret`, created on "
             "first use by the embedded backend; required with `gcp` (a Secret Manager "
             "secret).", "secret"),
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
    Variable("INTAKE_EXIT_URL", "https://www.bbc.com/weather",
             "The neutral outside page \"Exit this page\" leads to: https, or http on the "
             "loopback interface (tests)."),
)

BACKENDS = ("embedded", "gcp")
NOTIFIERS = ("outbox", "ses")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class PolicySettings:
    filing_window_months: int
    preliminary_review_days: int
    panel_review_days: int


@dataclass(frozen=True)
class FormsSettings:
    """Public web forms."""

    secret: str = field(default="", repr=False)
    rate_limit: int = 20
    rate_window_seconds: int = 3600
    proxy_hops: int = 0
    follow_up_lock_seconds: int = 3600
    exit_url: str = "https://www.bbc.com/weather"


@dataclass(frozen=True)
class Settings:
    backend: str
    data_dir: Path
    functions_base_url: str
    project: str
    firestore_database: str
    tasks_location: str
    triage_queue: str
    tasks_service_accounts: Mapping[str, str]
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
    forward_queue: str
    urgent_forward_queue: str
    notify_queue: str
    investigations_url: str
    forward_hmac_secret: str
    forward_timeout: float
    forward_max_attempts: int
    notifier: str
    mail_from: str
    investigations_mailbox: str
    ethics_office_mailbox: str
    ses_region: str
    office_url: str
    follow_up_url: str
    officers_json: str
    auth_audience: str
    dev_auth: bool
    # Cloud KMS (issue 6)
    kms_key: str
    kms_emulator_host: str
    # --- Public web forms ---
    forms: FormsSettings

    def function_url(self, function_name: str) -> str:
        return f"{self.functions_base_url.rstrip('/')}/{function_name}"

    @property
    def queue_ids(self) -> dict[str, str]:
        """Logical queue name (see shared/services/tasks.py) -> Cloud Tasks queue id."""
        return {"triage": self.triage_queue, "forward": self.forward_queue,
                "urgent_forward": self.urgent_forward_queue, "notify": self.notify_queue}


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


def _identities(raw: str) -> Mapping[str, str]:
    name = "INTAKE_TASKS_SERVICE_ACCOUNTS"
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        raise ConfigError(f"{name} must be a JSON object") from None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "@" in v for k, v in value.items()):
        raise ConfigError(f"{name} must map queue names to service account e-mails")
    unknown = set(value) - {"triage", "forward", "urgent_forward", "notify"}
    if unknown:
        raise ConfigError(f"{name} names unknown queues: {', '.join(sorted(unknown))}")
    return MappingProxyType(value)


def _bool(name: str) -> Callable[[str], bool]:
    def parse(raw: str) -> bool:
        if raw.lower() not in ("true", "false"):
            raise ConfigError(f"{name} must be true or false, got {raw!r}")
        return raw.lower() == "true"

    return parse


def _outside_url(name: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        loopback = r"http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?"
        if not re.fullmatch(rf"(https://[^\s/?#]+|{loopback})(/[^\s]*)?", raw):
            raise ConfigError(f"{name} must be an https:// address, got {raw!r}")
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
    backend = get("INTAKE_BACKEND", _choice("INTAKE_BACKEND", BACKENDS))
    base_url = get("INTAKE_FUNCTIONS_BASE_URL").rstrip("/")
    settings = Settings(
        backend=backend,
        data_dir=data_dir,
        functions_base_url=base_url,
        project=get("GOOGLE_CLOUD_PROJECT"),
        firestore_database=get("INTAKE_FIRESTORE_DATABASE"),
        tasks_location=get("INTAKE_TASKS_LOCATION"),
        triage_queue=get("INTAKE_TRIAGE_QUEUE"),
        tasks_service_accounts=get("INTAKE_TASKS_SERVICE_ACCOUNTS", _identities),
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
        forward_queue=get("INTAKE_FORWARD_QUEUE"),
        urgent_forward_queue=get("INTAKE_URGENT_FORWARD_QUEUE"),
        notify_queue=get("INTAKE_NOTIFY_QUEUE"),
        investigations_url=get("INTAKE_INVESTIGATIONS_URL")
        or f"{base_url}/investigations_intake",
        forward_hmac_secret=get("INTAKE_FORWARD_HMAC_SECRET", _secret(
            "INTAKE_FORWARD_HMAC_SECRET")),
        forward_timeout=get("INTAKE_FORWARD_TIMEOUT_SECONDS",
                            _int("INTAKE_FORWARD_TIMEOUT_SECONDS", 1, 120)),
        forward_max_attempts=get("INTAKE_FORWARD_MAX_ATTEMPTS",
                                 _int("INTAKE_FORWARD_MAX_ATTEMPTS", 1, 1000)),
        notifier=get("INTAKE_NOTIFIER", lambda raw: _choice("INTAKE_NOTIFIER", NOTIFIERS)(raw)
                     if raw else ("outbox" if backend == "embedded" else "ses")),
        mail_from=get("INTAKE_MAIL_FROM"),
        investigations_mailbox=get("INTAKE_INVESTIGATIONS_MAILBOX"),
        ethics_office_mailbox=get("INTAKE_ETHICS_OFFICE_MAILBOX"),
        ses_region=get("INTAKE_SES_REGION"),
        office_url=get("INTAKE_OFFICE_URL") or f"{base_url}/cases",
        follow_up_url=get("INTAKE_FOLLOW_UP_URL") or f"{base_url}/forms/follow-up",
        officers_json=get("INTAKE_OFFICERS"),
        auth_audience=get("INTAKE_AUTH_AUDIENCE") or f"{base_url}/cases",
        dev_auth=get("INTAKE_DEV_AUTH", _bool("INTAKE_DEV_AUTH")),
        # --- Public web forms ---
        forms=FormsSettings(
            secret=get("INTAKE_FORMS_SECRET", _secret("INTAKE_FORMS_SECRET")),
            rate_limit=get("INTAKE_FORM_RATE_LIMIT",
                           _int("INTAKE_FORM_RATE_LIMIT", 0, 100000)),
            rate_window_seconds=get("INTAKE_FORM_RATE_WINDOW_SECONDS",
                                    _int("INTAKE_FORM_RATE_WINDOW_SECONDS", 1, 7 * 86400)),
            proxy_hops=get("INTAKE_PROXY_HOPS", _int("INTAKE_PROXY_HOPS", 0, 10)),
            follow_up_lock_seconds=get("INTAKE_FOLLOW_UP_LOCK_SECONDS",
                                       _int("INTAKE_FOLLOW_UP_LOCK_SECONDS", 60, 30 * 86400)),
            exit_url=get("INTAKE_EXIT_URL", _outside_url("INTAKE_EXIT_URL")),
        ),
        kms_key="",
        kms_emulator_host="",
    )
    settings = replace(
        settings,
        kms_key=get("INTAKE_KMS_KEY", _kms_key_name),
        kms_emulator_host=get("INTAKE_KMS_EMULATOR_HOST", _loopback("INTAKE_KMS_EMULATOR_HOST")),
    )
    if settings.backend == "gcp" and not settings.project:
        raise ConfigError("GOOGLE_CLOUD_PROJECT must be set when INTAKE_BACKEND=gcp")
    return settings


# --- Deployment (issue 6): Cloud KMS -------------------------------------------------------
# Terraform (infra/) creates one Cloud Tasks queue per *_QUEUE variable and sets every
# "deployed" variable on every function; tests/infra checks both against this list.

VARIABLES += (
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
