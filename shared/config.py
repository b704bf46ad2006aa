"""The one declaration of the environment variables the system reads, and the settings
built from them.

Each variable is declared once in ``VARIABLES``: its name, default, scope, documentation and
the parser that gives it its type and checks its value. ``load`` parses every variable and
builds ``Settings`` in one step; nothing else in the code reads ``os.environ`` for
configuration. The README's configuration table is ``markdown_table()`` (a test compares
them; ``python -m tools.readme_config`` rewrites it), and Terraform's environment blocks are
checked against the same list by the tests.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A configuration variable holds a value the system cannot use."""


# A parser turns a variable's raw (stripped) text into its typed value, or raises
# ConfigError naming the variable.
Parser = Callable[[str, str], Any]

DAY = 86400
BACKENDS = ("embedded", "gcp")
NOTIFIERS = ("outbox", "ses")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TASK_AUTH_MODES = ("oidc", "none")
QUEUES = ("triage", "forward", "urgent_forward", "notify")
SCOPES = ("deployed", "local", "secret")


def text(name: str, raw: str) -> str:
    return raw


def whole(low: int, high: int) -> Parser:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return parse


def choice(*choices: str) -> Parser:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
        return raw

    return parse


def optional(parser: Parser) -> Parser:
    """Empty stays empty (the settings derive a value from other variables)."""

    def parse(name: str, raw: str) -> Any:
        return parser(name, raw) if raw else ""

    return parse


def _flag(name: str, raw: str) -> bool:
    if raw.lower() not in ("true", "false"):
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return raw.lower() == "true"


def _secret(name: str, raw: str) -> str:
    if raw and len(raw) < 32:
        raise ConfigError(f"{name} must be at least 32 characters long (or empty)")
    return raw


def _identities(name: str, raw: str) -> Mapping[str, str]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        raise ConfigError(f"{name} must be a JSON object") from None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "@" in v for k, v in value.items()):
        raise ConfigError(f"{name} must map queue names to service account e-mails")
    unknown = set(value) - set(QUEUES)
    if unknown:
        raise ConfigError(f"{name} names unknown queues: {', '.join(sorted(unknown))}")
    return MappingProxyType(value)


def _emails(name: str, raw: str) -> frozenset[str]:
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not all(re.fullmatch(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+", v) for v in values):
        raise ConfigError(f"{name} must be comma-separated service-account e-mails")
    return frozenset(v.lower() for v in values)


def investigations_url_refusal(url: str, *, loopback_http: bool) -> str | None:
    """Why the gcp backend must not send referrals to ``url`` (None when it may): only over
    https, or, with ``loopback_http`` (a local run against the emulators), over plain HTTP
    to this machine's loopback interface."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if loopback_http and parts.scheme == "http" and _is_loopback(parts.hostname or ""):
        return None
    allowed = ("an https:// URL (or http:// on the loopback interface, as "
               "INTAKE_INVESTIGATIONS_LOOPBACK_HTTP allows)" if loopback_http
               else "an https:// URL")
    return (f"INTAKE_INVESTIGATIONS_URL must be {allowed} on the gcp backend, got {url!r}: "
            "referrals never travel unencrypted")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it could resolve anywhere


def _outside_url(name: str, raw: str) -> str:
    loopback = r"http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?"
    if not re.fullmatch(rf"(https://[^\s/?#]+|{loopback})(/[^\s]*)?", raw):
        raise ConfigError(f"{name} must be an https:// address, got {raw!r}")
    return raw


_KMS_KEY_NAME = re.compile(r"projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+")
_KMS_KEY_RING = re.compile(r"projects/[^/]+/locations/[^/]+/keyRings/[^/]+")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _kms_key_name(name: str, raw: str) -> str:
    if raw and not _KMS_KEY_NAME.fullmatch(raw):
        raise ConfigError(f"{name} must be a key resource name "
                          "projects/P/locations/L/keyRings/R/cryptoKeys/K; got " + repr(raw))
    return raw


def _kms_key_ring(name: str, raw: str) -> str:
    if raw and not _KMS_KEY_RING.fullmatch(raw):
        raise ConfigError(f"{name} must be a key ring resource name "
                          "projects/P/locations/L/keyRings/R; got " + repr(raw))
    return raw


def _loopback(name: str, raw: str) -> str:
    # Data keys cross an insecure channel to this host: never let it leave the machine.
    host, _, port = raw.rpartition(":")
    if raw and (host not in _LOOPBACK_HOSTS or not port.isdigit()):
        raise ConfigError(f"{name} must be a loopback host:port, got {raw!r}")
    return raw


_IAP_AUDIENCE = re.compile(r"/projects/[0-9]+/(global/backendServices|apps)/[A-Za-z0-9._-]+")


def _iap_audience(name: str, raw: str) -> str:
    if raw and not _IAP_AUDIENCE.fullmatch(raw):
        raise ConfigError(f"{name} must be /projects/PROJECT_NUMBER/global/"
                          f"backendServices/SERVICE_ID; got {raw!r}")
    return raw


def _clamd_address(name: str, raw: str) -> str:
    scheme, _, rest = raw.partition(":")
    if raw and (scheme not in ("unix", "tcp") or not rest):
        raise ConfigError(f"{name} must be unix:/path/to/clamd.socket or tcp:host:port")
    return raw


def _web_url(name: str, raw: str) -> str:
    if raw and not url_origin(raw):
        raise ConfigError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    description: str
    # "deployed": Terraform sets it on Google Cloud; "local": only for the embedded backend
    # or development tools (emulators, the local runner); "secret": Terraform sets it from
    # Secret Manager, and only on the functions that need it.
    scope: str = "deployed"
    parse: Parser = text

    def read(self, env: Mapping[str, str]) -> Any:
        return self.parse(self.name, env.get(self.name, self.default).strip())


# Terraform (infra/) creates one Cloud Tasks queue per *_QUEUE variable and sets every
# "deployed" variable on every function; tests/infra checks both against this list.
# Variables "read by" a library (the Google client, boto3) are declared for the record and
# the README; no setting holds them.
VARIABLES: tuple[Variable, ...] = (
    Variable("INTAKE_BACKEND", "embedded",
             "`embedded` (SQLite, in-process task dispatch, local key) or `gcp` "
             "(Firestore, Cloud Tasks).",
             parse=choice(*BACKENDS)),
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
             "token (emulators, local).",
             parse=_identities),
    Variable("INTAKE_TASK_AUTH", "",
             "How the task targets (`triage`, `forward_to_investigations`, `notify`, `sweep`) "
             "check their caller: `oidc` verifies the Google-signed OIDC token of Cloud "
             "Tasks or Cloud Scheduler (issuer, audience = the function's URL, e-mail one of "
             "`INTAKE_TASK_CALLERS`), on top of IAM; `none` accepts any caller (the local "
             "runner, the emulators, which send no token), and nothing starts with it where "
             "Google Cloud is seen (a Google runtime variable, or a metadata server that "
             "answers). Empty: `oidc` on gcp, `none` on the embedded backend.",
             parse=optional(choice(*TASK_AUTH_MODES))),
    Variable("INTAKE_TASK_CALLERS", "",
             "Comma-separated service-account e-mails whose OIDC tokens this task target "
             "accepts: its queues' task identities, or its scheduler job's (Terraform sets "
             "each target's own). Required with `INTAKE_TASK_AUTH=oidc`.",
             parse=_emails),
    Variable("INTAKE_KEY_FILE", "",
             "Local key-encryption key file (32 random bytes, base64). Empty: "
             "`<INTAKE_DATA_DIR>/keys/local.kek`, created on first use by the embedded "
             "backend. Unused when `INTAKE_KMS_KEY` is set.", "local"),
    Variable("INTAKE_MAX_BODY_BYTES", "262144", "Largest accepted request body, in bytes.",
             parse=whole(1024, 16 * 1024 * 1024)),
    Variable("INTAKE_STORE_TIMEOUT_SECONDS", "10",
             "Deadline for one document-store call, retries included.",
             parse=whole(1, 300)),
    Variable("INTAKE_QUEUE_TIMEOUT_SECONDS", "10",
             "Deadline for one enqueue call, retries included.",
             parse=whole(1, 300)),
    Variable("INTAKE_SWEEP_GRACE_SECONDS", "600",
             "Age after which `sweep` re-queues work that is still pending.",
             parse=whole(0, 7 * DAY)),
    Variable("INTAKE_SWEEP_BATCH", "200", "Most pending items one `sweep` run re-queues.",
             parse=whole(1, 10000)),
    Variable("INTAKE_POLICY_FILING_WINDOW_MONTHS", "6",
             "Retaliation complaints filed later than this after the last act are flagged late.",
             parse=whole(1, 120)),
    Variable("INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS", "30",
             "Days the Ethics Office has for the preliminary review of a retaliation complaint.",
             parse=whole(1, 365)),
    Variable("INTAKE_POLICY_PANEL_REVIEW_DAYS", "30",
             "Days a complainant has to ask the Ethics Panel chair for a review, from the "
             "moment they are notified of the no-prima-facie determination (the e-mail sent, "
             "or the follow-up page read, whichever is first).",
             parse=whole(1, 365)),
    Variable("INTAKE_RETENTION_ADVICE_DAYS", "2555",
             "Days an advice request is kept after it is closed (about 7 years), then "
             "purged: docs/retention.md says why. 0 purges at the next `sweep`.",
             parse=whole(0, 36500)),
    Variable("INTAKE_RETENTION_MISCONDUCT_DAYS", "365",
             "Days a misconduct report is kept after the investigations office's "
             "acknowledgement is recorded (that office keeps the record), then purged.",
             parse=whole(0, 36500)),
    Variable("INTAKE_RETENTION_RETALIATION_DAYS", "3650",
             "Days a retaliation complaint is kept after it is closed (10 years), then "
             "purged.",
             parse=whole(0, 36500)),
    Variable("INTAKE_RETENTION_EXTENSION_DAYS", "365",
             "Days an officer's one extension adds to a case's purge date.",
             parse=whole(1, 3650)),
    *(Variable(f"INTAKE_POLICY_FEEDBACK_MONTHS_{form.upper()}", "3",
               f"Months from the acknowledgement (the moment of reception) by which the "
               f"reporter of a {form} case must have had feedback (EU Directive 2019/1937, "
               "Art. 9): the feedback_due deadline officers see, filter on and are alerted "
               "about.", parse=whole(1, 24))
      for form in ("advice", "misconduct", "retaliation")),
    Variable("INTAKE_RETENTION_FOLLOW_UP_LOCKOUT_DAYS", "1",
             "Days a reference's counter of wrong receipt codes on the follow-up page is "
             "kept after its last check or lock (never less than it locks, "
             "`INTAKE_FOLLOW_UP_LOCK_SECONDS`), then deleted: a Firestore TTL policy on "
             "`gcp`, `sweep` on the embedded backend. 0: as soon as it no longer locks.",
             parse=whole(0, 365)),
    Variable("INTAKE_POLICY_ADVICE_WORKING_DAYS", "10",
             "Working days (Monday to Friday, UTC; public holidays are not known and count "
             "as working days) the Ethics Office has to answer an advice request, from its "
             "reception or reopening: the deadline officers see and are alerted about.",
             parse=whole(1, 120)),
    Variable("INTAKE_LOG_LEVEL", "INFO", "Lowest severity written to the log.",
             parse=choice(*LOG_LEVELS)),
    Variable("INTAKE_LOCAL_DISPATCH_ATTEMPTS", "8",
             "Deliveries the in-process dispatcher tries per task before leaving it to "
             "`sweep`.", "local",
             parse=whole(1, 100)),
    Variable("INTAKE_LOCAL_SWEEP_SECONDS", "60",
             "How often the local runner runs `sweep` (0: never).", "local",
             parse=whole(0, DAY)),
    # --- referrals to the investigations office and notifications ---------------------
    Variable("INTAKE_FORWARD_QUEUE", "forward", "Cloud Tasks queue id for referrals."),
    Variable("INTAKE_URGENT_FORWARD_QUEUE", "urgent-forward",
             "Cloud Tasks queue id for referrals of sexual exploitation and abuse and sexual "
             "harassment, served before the others."),
    Variable("INTAKE_NOTIFY_QUEUE", "notify", "Cloud Tasks queue id for notification e-mails."),
    Variable("INTAKE_INVESTIGATIONS_URL", "",
             "HTTPS endpoint of the investigations office's intake (`https://` is required "
             "on gcp). Empty: the local reference receiver at "
             "`<INTAKE_FUNCTIONS_BASE_URL>/investigations_intake`."),
    Variable("INTAKE_INVESTIGATIONS_LOOPBACK_HTTP", "false",
             "`true` lets the gcp backend refer to an `http://` investigations intake on a "
             "loopback address only (`127.0.0.1`, `[::1]`; not a name): the reference "
             "receiver of `scripts/run --emulators`. Every other URL still needs "
             "`https://`, and nothing starts with it where Google Cloud is seen (a Google "
             "runtime variable, or a metadata server that answers).", "local",
             parse=_flag),
    Variable("INTAKE_FORWARD_HMAC_SECRET", "",
             "Shared secret that signs referrals (at least 32 characters). Empty on the "
             "embedded backend: a random one kept in `<INTAKE_DATA_DIR>/keys/forward-hmac.key`.",
             "secret",
             parse=_secret),
    Variable("INTAKE_FORWARD_TIMEOUT_SECONDS", "10",
             "How long one referral attempt waits for the investigations office's answer "
             "(connecting waits at most 5 seconds of it). Redirects are never followed.",
             parse=whole(1, 120)),
    Variable("INTAKE_FORWARD_MAX_ATTEMPTS", "12",
             "Referral attempts before a case goes to `forwarding_failed` (the forward queues "
             "must allow at least as many).",
             parse=whole(1, 1000)),
    Variable("INTAKE_NOTIFIER", "",
             "`outbox` (.eml files in `<INTAKE_DATA_DIR>/outbox`) or `ses`. Empty: outbox on "
             "the embedded backend, ses on gcp.",
             parse=optional(choice(*NOTIFIERS))),
    Variable("INTAKE_MAIL_FROM", "ethics-intake@localhost",
             "Sender of notifications (a verified SES identity)."),
    Variable("INTAKE_INVESTIGATIONS_MAILBOX", "investigations-intake@localhost",
             "The investigations office's mailbox for referral notices."),
    Variable("INTAKE_ETHICS_OFFICE_MAILBOX", "ethics-operations@localhost",
             "The Ethics Office's operations mailbox: referrals made and failed, alerts."),
    Variable("INTAKE_SES_REGION", "eu-west-1", "AWS region of the SES account."),
    Variable("INTAKE_MAIL_RECIPIENT_LIMIT", "20",
             "E-mails one address may be sent per `INTAKE_MAIL_WINDOW_SECONDS`, across all "
             "instances (0: no limit). Mail over a limit is held back, never dropped: its "
             "task is retried until the window allows it.",
             parse=whole(0, 100000)),
    Variable("INTAKE_MAIL_TOTAL_LIMIT", "500",
             "E-mails sent in all per `INTAKE_MAIL_WINDOW_SECONDS` (0: no limit).",
             parse=whole(0, 10000000)),
    Variable("INTAKE_MAIL_WINDOW_SECONDS", "3600",
             "Length of the windows of `INTAKE_MAIL_RECIPIENT_LIMIT` and "
             "`INTAKE_MAIL_TOTAL_LIMIT`, in seconds.",
             parse=whole(60, 7 * DAY)),
    Variable("INTAKE_MAIL_THROTTLE_SECRET", "",
             "Secret (at least 32 characters) keying the HMAC that names a recipient's "
             "counter, so no address is stored. Empty: "
             "`<INTAKE_DATA_DIR>/keys/mail-throttle.key`, created on first use by the "
             "embedded backend; required with `gcp` on `notify`.", "secret",
             parse=_secret),
    Variable("AWS_ACCESS_KEY_ID", "", "SES credentials (read by boto3).", "secret"),
    Variable("AWS_SECRET_ACCESS_KEY", "", "SES credentials (read by boto3).", "secret"),
    Variable("INTAKE_OFFICE_URL", "",
             "Where officers open a case; e-mails link to `<INTAKE_OFFICE_URL>/<reference>`. "
             "Empty: the console's case pages, `<INTAKE_CONSOLE_URL>/cases`."),
    Variable("INTAKE_FOLLOW_UP_URL", "",
             "The submitters' follow-up page, linked from acknowledgements. Empty: "
             "`<INTAKE_FUNCTIONS_BASE_URL>/forms/follow-up`."),
    # --- evidence attachments ------------------------------------------------------------
    Variable("INTAKE_EVIDENCE_MAX_FILE_BYTES", str(10 * 1024 * 1024),
             "Largest attached file, in bytes (10 MiB); a larger one is a 413 naming it.",
             parse=whole(1024, 1024 * 1024 * 1024)),
    Variable("INTAKE_EVIDENCE_MAX_TOTAL_BYTES", str(25 * 1024 * 1024),
             "Largest total of the files attached to one post, in bytes (25 MiB).",
             parse=whole(1024, 4 * 1024 * 1024 * 1024)),
    Variable("INTAKE_EVIDENCE_MAX_FILES", "10",
             "Most files one post may attach (0: attachments are not accepted).",
             parse=whole(0, 100)),
    Variable("INTAKE_CLAMD", "",
             "The ClamAV daemon that scans every attached file: `unix:/run/clamav/clamd.ctl` "
             "or `tcp:host:3310`. Empty: no scanner, and every file is marked `not_scanned` "
             "(in the case, and in what the reporter is told). Set, and unreachable: the "
             "post is a 503 and nothing is stored.",
             parse=_clamd_address),
    Variable("INTAKE_EVIDENCE_BUCKET", "",
             "Cloud Storage bucket of the sealed attachments (`gcp`; Terraform sets it). "
             "Empty on the embedded backend: `<INTAKE_DATA_DIR>/evidence`."),
    Variable("INTAKE_EVIDENCE_UPLOAD_BUCKET", "",
             "Private Cloud Storage bucket that takes files uploaded through V4 signed URLs "
             "(`POST /uploads` on the submit functions; Terraform sets it). They wait there "
             "unchecked until a submission takes them in. Empty: signed uploads are not "
             "offered (`POST /uploads` is a 404); files come in multipart posts only."),
    Variable("INTAKE_EVIDENCE_UPLOAD_MINUTES", "15",
             "Minutes a signed upload URL may be used (at most a week, as V4 signatures).",
             parse=whole(1, 7 * 24 * 60)),
    Variable("STORAGE_EMULATOR_HOST", "",
             "http://host:port of a Cloud Storage emulator (read by the Google client; "
             "tests).", "local"),
    # --- officers and their access ------------------------------------------------------
    Variable("INTAKE_OFFICERS", "{}",
             "The officers directory, JSON: `{\"alice@example.org\": {\"name\": \"Alice "
             "Example\", \"roles\": [\"ethics_officer\"]}}`. Roles: `ethics_officer` "
             "(reads and handles cases), `ethics_admin` (assigns cases to others), "
             "`ethics_auditor` (reads case lists and histories, who did and read what, "
             "never a submission, note or reply, and acts on nothing)."),
    Variable("INTAKE_DISCLOSURE", "{}",
             "The financial disclosure programme, JSON (docs/disclosure.md): `thresholds` "
             "(USD), `due_month`/`due_day` (default 3/31 of the year after the reporting "
             "year), `new_filer_days` (30), `reminder_days` (days from the due date, "
             "default [-14, -3, 7]), `escalation_days` (after it, default [14]) and "
             "`unit_heads` (`{\"head@example.org\": [\"unit\"]}`)."),
    Variable("INTAKE_AUTH_AUDIENCE", "",
             "Audience officers' Google ID tokens must carry: the URL of the function they "
             "call (Terraform sets each function's own). Empty: the URL of the `cases` "
             "function."),
    Variable("INTAKE_DEV_AUTH", "false",
             "`true` accepts development tokens (signed with `<INTAKE_DATA_DIR>/keys/"
             "dev-tokens.secret`; `scripts/run` prints one per officer) for local work. "
             "Nothing starts with it unless the backend is `embedded`, no `INTAKE_KMS_KEY` "
             "is set, no Google runtime is seen (Cloud Functions, Cloud Run, App Engine, GKE, "
             "Cloud Shell) and no metadata server answers.", "local",
             parse=_flag),
    Variable("FIRESTORE_EMULATOR_HOST", "",
             "host:port of the Firestore emulator (read by the Google client).", "local"),
    Variable("CLOUD_TASKS_EMULATOR_HOST", "",
             "host:port of the Cloud Tasks emulator (insecure gRPC).", "local"),
    # --- public web forms ---------------------------------------------------------------
    Variable("INTAKE_FORMS_SECRET", "",
             "Secret (at least 32 characters) that signs the web forms' anti-forgery tokens "
             "and seals what the pages keep in the browser: unsent answers, the one-time "
             "confirmation, an opened follow-up case. Empty: "
             "`<INTAKE_DATA_DIR>/keys/forms.secret`, created on first use by the embedded "
             "backend; required with `gcp` (a Secret Manager secret).", "secret",
             parse=_secret),
    Variable("INTAKE_FORM_RATE_LIMIT", "20",
             "Posts one client may make per window, per function instance, counted apart "
             "for submissions (every POST to a submit function, JSON, form-encoded or a "
             "browser's, counted before its body is read), follow-up look-ups and follow-up "
             "messages (0: no limit). Addresses are hashed in memory, never stored or "
             "logged.",
             parse=whole(0, 100000)),
    Variable("INTAKE_FORM_RATE_WINDOW_SECONDS", "3600",
             "Length of the window of `INTAKE_FORM_RATE_LIMIT`, in seconds.",
             parse=whole(1, 7 * DAY)),
    Variable("INTAKE_PROXY_HOPS", "0",
             "Proxies in front of the functions that append the client's address to "
             "`X-Forwarded-For` (1 on Cloud Functions); 0 uses the connection's address.",
             parse=whole(0, 10)),
    Variable("INTAKE_FOLLOW_UP_LOCK_SECONDS", "3600",
             "How long one client (an IPv4 address or an IPv6 /64) waits on a follow-up "
             "reference after five wrong receipt codes there; also the period over which "
             "a reference's wrong codes from all clients are counted before its checks are "
             "paced (never locked for its owner).",
             parse=whole(60, 30 * DAY)),
    Variable("INTAKE_EXIT_URL", "https://www.bbc.com/weather",
             "The neutral outside page \"Exit this page\" leads to: https, or http on the "
             "loopback interface (tests).",
             parse=_outside_url),
    # --- sealing: the Cloud KMS keys or local key files, the replay secret ---------------
    Variable("INTAKE_KMS_KEY", "",
             "Cloud KMS key (the cases key) that wraps the data keys of submissions, "
             "internal notes and transition notes "
             "(`projects/P/locations/L/keyRings/R/cryptoKeys/K`); the key never leaves KMS. "
             "Empty: the local key file `INTAKE_KEY_FILE`. Calls share "
             "`INTAKE_STORE_TIMEOUT_SECONDS`. Set together with `INTAKE_MESSAGES_KMS_KEY`.",
             parse=_kms_key_name),
    Variable("INTAKE_MESSAGES_KMS_KEY", "",
             "Cloud KMS key (the messages key) that wraps the data keys of replies to the "
             "submitter and the submitter's messages: the only key the public follow-up "
             "page may use. Another key than `INTAKE_KMS_KEY`. Empty: the local key file "
             "`INTAKE_MESSAGES_KEY_FILE`.",
             parse=_kms_key_name),
    Variable("INTAKE_RETENTION_KMS_KEY_RING", "",
             "Cloud KMS key ring of the purge months' keys (crypto-shredding: "
             "`projects/P/locations/L/keyRings/R`): a closed case's data keys are wrapped "
             "under the key `retention-YYYY-MM` of the month it is due in, made on first "
             "use, and `sweep` destroys that key's version once the month has passed "
             "(docs/retention.md). The month keys of the cases key's values (submissions, "
             "notes, transition notes). Empty on `gcp`: no crypto-shredding. The embedded "
             "backend keeps key files in `<INTAKE_DATA_DIR>/keys/retention` instead. Set "
             "together with `INTAKE_MESSAGES_RETENTION_KMS_KEY_RING`.",
             parse=_kms_key_ring),
    Variable("INTAKE_MESSAGES_RETENTION_KMS_KEY_RING", "",
             "Cloud KMS key ring of the purge months' keys of the messages key's values "
             "(replies and the submitter's messages): another ring than "
             "`INTAKE_RETENTION_KMS_KEY_RING`, so the follow-up page, allowed only the "
             "messages' keys, never opens a closed case's submission.",
             parse=_kms_key_ring),
    Variable("INTAKE_RETENTION_KMS_PROTECTION_LEVEL", "SOFTWARE",
             "Protection level of the purge months' keys the code makes in "
             "`INTAKE_RETENTION_KMS_KEY_RING`: `SOFTWARE` or `HSM`.",
             parse=choice("SOFTWARE", "HSM")),
    Variable("INTAKE_MESSAGES_KEY_FILE", "",
             "Local key-encryption key file of replies and submitter messages (32 random "
             "bytes, base64). Empty: `<INTAKE_DATA_DIR>/keys/messages.kek`, created on first "
             "use by the embedded backend. Unused when `INTAKE_MESSAGES_KMS_KEY` is set.",
             "local"),
    Variable("INTAKE_REPLAY_HMAC_SECRET", "",
             "Secret (at least 32 characters) of the submit functions only: keyed digests "
             "that recognise an idempotent retry, and derive its receipt code again, without "
             "decrypting anything. Empty on the embedded backend: a random one kept in "
             "`<INTAKE_DATA_DIR>/keys/replay-hmac.key`; required with `gcp` (a Secret "
             "Manager secret).", "secret",
             parse=_secret),
    Variable("INTAKE_REPLAY_RECEIPT_SECONDS", "600",
             "How long after a submission an idempotent retry still shows its receipt code "
             "again; later retries get the reference without it (0: never again).",
             parse=whole(0, DAY)),
    Variable("INTAKE_PROOF_KMS_KEY", "",
             "Cloud KMS asymmetric key (purpose `ASYMMETRIC_SIGN`, algorithm "
             "`EC_SIGN_P256_SHA256`) that signs the proofs of submission "
             "(`projects/P/locations/L/keyRings/R/cryptoKeys/K`); its newest enabled "
             "version signs, every enabled version is published at `/forms/keys` "
             "(docs/proof-format.md). Empty: the local key file `INTAKE_PROOF_KEY_FILE`.",
             parse=_kms_key_name),
    Variable("INTAKE_PROOF_KEY_FILE", "",
             "Local key ring (JSON, ECDSA P-256 keys with the time each started to sign) of "
             "the proofs of submission. Empty: `<INTAKE_DATA_DIR>/keys/proof-keys.json`, "
             "created on first use by the embedded backend. Unused when "
             "`INTAKE_PROOF_KMS_KEY` is set.", "local"),
    Variable("INTAKE_RETENTION_IDEMPOTENCY_HOURS", "24",
             "Hours a submission's idempotency record (the keyed digest of its request) is "
             "kept: a retry with the same `Idempotency-Key` within them gets the first "
             "answer again; later, `sweep` clears the record and a retry is a 409 asking "
             "for a new key. At least the receipt's window "
             "(`INTAKE_REPLAY_RECEIPT_SECONDS`).",
             parse=whole(1, 720)),
    Variable("INTAKE_KMS_EMULATOR_HOST", "",
             "host:port on the loopback interface of a KMS-compatible gRPC server, reached "
             "over insecure gRPC (tests).", "local",
             parse=_loopback),
    # --- officers' access: the recusal index, development tokens, `intake cases` --------
    Variable("INTAKE_NAME_INDEX_SECRET", "",
             "Secret (at least 32 characters) keying the blind index of the people a case "
             "names (recusal without opening submissions). Empty: "
             "`<INTAKE_DATA_DIR>/keys/name-index.secret`, created on first use by the "
             "embedded backend; required with `gcp` (a Secret Manager secret).", "secret",
             parse=_secret),
    Variable("INTAKE_CASES_URL", "",
             "The officers' case API that `intake cases` calls (and the audience of the ID "
             "token it sends). Empty: `<INTAKE_FUNCTIONS_BASE_URL>/cases`.", "local"),
    Variable("INTAKE_OFFICER_TOKEN", "",
             "The bearer token `intake cases` signs in with: a development token printed by "
             "`scripts/run`, or a Google ID token. Empty: an ID token for `INTAKE_CASES_URL` "
             "from Application Default Credentials.", "local"),
    Variable("GCE_METADATA_HOST", "metadata.google.internal",
             "Host of Google's metadata server (read by google-auth too): development "
             "tokens and `INTAKE_TASK_AUTH=none` are refused where it answers.", "local"),
    Variable("GCE_METADATA_IP", "169.254.169.254",
             "Address of Google's metadata server (read by google-auth too): development "
             "tokens and `INTAKE_TASK_AUTH=none` are refused where it answers.", "local"),
    # --- the officers' web console --------------------------------------------------------
    Variable("INTAKE_CONSOLE_URL", "",
             "Where the officers' web console is served (on Google Cloud, the address of its "
             "load balancer behind Identity-Aware Proxy, e.g. "
             "`https://console.ethics.example.org`). "
             "Empty: `<INTAKE_FUNCTIONS_BASE_URL>/console`.",
             parse=_web_url),
    Variable("INTAKE_IAP_AUDIENCE", "",
             "Audience of the Identity-Aware Proxy assertions (`x-goog-iap-jwt-assertion`) the "
             "console accepts: `/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID` "
             "(Terraform sets it). Required by the console unless `INTAKE_DEV_AUTH` is on.",
             parse=_iap_audience),
    Variable("INTAKE_FORMS_IAP_AUDIENCE", "",
             "Audience of the Identity-Aware Proxy assertions the `forms` function accepts "
             "on the filers' declaration pages (`/forms/declarations`, routed through a load "
             "balancer backend with IAP and Google sign-in): "
             "`/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID`. Empty (and "
             "`INTAKE_DEV_AUTH` off): those pages answer that sign-in is not available.",
             parse=_iap_audience),
    Variable("INTAKE_DECLARATIONS_URL", "",
             "Where filers sign in to their declaration pages: the link of their reminders, "
             "and the only origin whose posts those pages accept besides the forms' own (on "
             "Google Cloud, the console's load balancer routes `/forms/` there through "
             "Identity-Aware Proxy, e.g. `https://console.ethics.example.org/forms/"
             "declarations`). Empty: `<INTAKE_FUNCTIONS_BASE_URL>/forms/declarations`.",
             parse=_web_url),
    Variable("INTAKE_CONSOLE_SECRET", "",
             "Secret (at least 32 characters) that signs the console's session cookie and "
             "its anti-forgery tokens (not the forms' secret: the public functions cannot "
             "make an officer's session). Empty: `<INTAKE_DATA_DIR>/keys/console.secret`, "
             "created on first use by the embedded backend; required with `gcp` (a Secret "
             "Manager secret).", "secret",
             parse=_secret),
    Variable("INTAKE_CONSOLE_SESSION_MINUTES", "30",
             "A console session ends after this many minutes without a page opened or an "
             "action taken.",
             parse=whole(1, 720)),
    Variable("INTAKE_CONSOLE_SESSION_MAX_MINUTES", "480",
             "A console session ends this many minutes after sign-in, however active (on "
             "Google Cloud, Identity-Aware Proxy then asks Google to sign the officer in "
             "again).",
             parse=whole(1, 1440)),
)


def markdown_table() -> str:
    """The README's configuration table, one row per variable, in declaration order."""
    rows = ["| Variable | Default | Scope | What it does |", "|---|---|---|---|"]
    for v in VARIABLES:
        default = f"`{v.default}`" if v.default else "(empty)"
        rows.append(f"| `{v.name}` | {default} | {v.scope} | {v.description} |")
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class PolicySettings:
    filing_window_months: int
    preliminary_review_days: int
    panel_review_days: int
    advice_working_days: int = 10
    # Days kept after the clock starts, by form; and what one extension adds.
    # The same defaults as shared.domain.policy.RETENTION_DAYS (tests/unit/test_config.py).
    retention_days: Mapping[str, int] = field(default_factory=lambda: {
        "advice": 2555, "misconduct": 365, "retaliation": 3650})
    extension_days: int = 365
    feedback_months_advice: int = 3
    feedback_months_misconduct: int = 3
    feedback_months_retaliation: int = 3
    follow_up_lockout_days: int = 1


@dataclass(frozen=True)
class FormsSettings:
    """Public web forms."""

    secret: str = field(default="", repr=False)
    rate_limit: int = 20
    rate_window_seconds: int = 3600
    proxy_hops: int = 0
    follow_up_lock_seconds: int = 3600
    exit_url: str = "https://www.bbc.com/weather"
    iap_audience: str = ""  # the filers' declaration pages behind Identity-Aware Proxy
    declarations_url: str = ""  # where filers reach those pages


@dataclass(frozen=True)
class SealingSettings:
    """The second key-encryption key and the submit functions' replay secret."""

    messages_kms_key: str = ""
    messages_key_file: Path = Path(".intake/keys/messages.kek")
    replay_hmac_secret: str = field(default="", repr=False)
    replay_receipt_seconds: int = 600
    proof_kms_key: str = ""
    proof_key_file: Path = Path(".intake/keys/proof-keys.json")
    replay_record_hours: int = 24
    retention_kms_key_ring: str = ""
    messages_retention_kms_key_ring: str = ""
    retention_kms_protection_level: str = "SOFTWARE"


@dataclass(frozen=True)
class MailLimits:
    """How much mail may go out: per recipient and in all, per window."""

    per_recipient: int = 20
    total: int = 500
    window_seconds: int = 3600
    secret: str = field(default="", repr=False)



@dataclass(frozen=True)
class TaskAuth:
    """Who may call the task targets: ``oidc`` with the service accounts of ``callers``,
    or ``none`` (local runs and emulators only)."""

    mode: str = "none"
    callers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AccessSettings:
    """Officers' access: the recusal index's key, development tokens' guard, and what
    `intake cases` calls with which token."""

    name_index_secret: str = field(default="", repr=False)
    cases_url: str = ""
    officer_token: str = field(default="", repr=False)
    metadata_hosts: tuple[str, ...] = ("metadata.google.internal", "169.254.169.254")


@dataclass(frozen=True)
class ConsoleSettings:
    """The officers' web console: where it is served, how officers sign in, how long a
    session lasts."""

    url: str = "http://127.0.0.1:8080/console"
    iap_audience: str = ""
    secret: str = field(default="", repr=False)
    session_idle_minutes: int = 30
    session_max_minutes: int = 480


@dataclass(frozen=True)
class EvidenceSettings:
    """Evidence attachments: the limits, the scanner, the bucket."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_total_bytes: int = 25 * 1024 * 1024
    max_files: int = 10
    clamd: str = ""
    bucket: str = ""
    storage_emulator_host: str = ""
    upload_bucket: str = ""
    upload_minutes: int = 15


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
    cloud_tasks_emulator_host: str
    forward_queue: str
    urgent_forward_queue: str
    notify_queue: str
    investigations_url: str
    # gcp only: referrals may go over plain HTTP to the loopback (a local run's receiver)
    investigations_loopback_http: bool
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
    disclosure_json: str
    auth_audience: str
    dev_auth: bool
    # Cloud KMS: the cases key (submissions, notes) and the messages key (the follow-up
    # page's replies and messages), each a KMS key or a local key file
    kms_key: str
    kms_emulator_host: str
    sealing: SealingSettings
    forms: FormsSettings
    mail_limits: MailLimits
    task_auth: TaskAuth
    access: AccessSettings
    console: ConsoleSettings
    evidence: EvidenceSettings = EvidenceSettings()

    def function_url(self, function_name: str) -> str:
        return f"{self.functions_base_url.rstrip('/')}/{function_name}"

    @property
    def site_origin(self) -> str:
        """The origin the public pages are served from (that of the functions' base URL):
        the only one whose posts the public functions accept."""
        return url_origin(self.functions_base_url)

    @property
    def queue_ids(self) -> dict[str, str]:
        """Logical queue name (see shared/services/tasks.py) -> Cloud Tasks queue id."""
        return dict(zip(QUEUES, (self.triage_queue, self.forward_queue,
                                 self.urgent_forward_queue, self.notify_queue), strict=True))


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment; raise ConfigError naming a bad variable."""
    env = os.environ if environ is None else environ
    v = {var.name: var.read(env) for var in VARIABLES}
    backend = v["INTAKE_BACKEND"]
    data_dir = Path(v["INTAKE_DATA_DIR"])
    base_url = v["INTAKE_FUNCTIONS_BASE_URL"].rstrip("/")
    console_url = (v["INTAKE_CONSOLE_URL"] or f"{base_url}/console").rstrip("/")
    settings = Settings(
        backend=backend,
        data_dir=data_dir,
        functions_base_url=base_url,
        project=v["GOOGLE_CLOUD_PROJECT"],
        firestore_database=v["INTAKE_FIRESTORE_DATABASE"],
        tasks_location=v["INTAKE_TASKS_LOCATION"],
        triage_queue=v["INTAKE_TRIAGE_QUEUE"],
        tasks_service_accounts=v["INTAKE_TASKS_SERVICE_ACCOUNTS"],
        key_file=Path(v["INTAKE_KEY_FILE"] or data_dir / "keys" / "local.kek"),
        max_body_bytes=v["INTAKE_MAX_BODY_BYTES"],
        store_timeout=v["INTAKE_STORE_TIMEOUT_SECONDS"],
        queue_timeout=v["INTAKE_QUEUE_TIMEOUT_SECONDS"],
        sweep_grace_seconds=v["INTAKE_SWEEP_GRACE_SECONDS"],
        sweep_batch=v["INTAKE_SWEEP_BATCH"],
        policy=PolicySettings(
            filing_window_months=v["INTAKE_POLICY_FILING_WINDOW_MONTHS"],
            preliminary_review_days=v["INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS"],
            panel_review_days=v["INTAKE_POLICY_PANEL_REVIEW_DAYS"],
            advice_working_days=v["INTAKE_POLICY_ADVICE_WORKING_DAYS"],
            retention_days={"advice": v["INTAKE_RETENTION_ADVICE_DAYS"],
                            "misconduct": v["INTAKE_RETENTION_MISCONDUCT_DAYS"],
                            "retaliation": v["INTAKE_RETENTION_RETALIATION_DAYS"]},
            extension_days=v["INTAKE_RETENTION_EXTENSION_DAYS"],
            feedback_months_advice=v["INTAKE_POLICY_FEEDBACK_MONTHS_ADVICE"],
            feedback_months_misconduct=v["INTAKE_POLICY_FEEDBACK_MONTHS_MISCONDUCT"],
            feedback_months_retaliation=v["INTAKE_POLICY_FEEDBACK_MONTHS_RETALIATION"],
            follow_up_lockout_days=v["INTAKE_RETENTION_FOLLOW_UP_LOCKOUT_DAYS"],
        ),
        log_level=v["INTAKE_LOG_LEVEL"],
        local_dispatch_attempts=v["INTAKE_LOCAL_DISPATCH_ATTEMPTS"],
        local_sweep_seconds=v["INTAKE_LOCAL_SWEEP_SECONDS"],
        cloud_tasks_emulator_host=v["CLOUD_TASKS_EMULATOR_HOST"],
        forward_queue=v["INTAKE_FORWARD_QUEUE"],
        urgent_forward_queue=v["INTAKE_URGENT_FORWARD_QUEUE"],
        notify_queue=v["INTAKE_NOTIFY_QUEUE"],
        investigations_url=v["INTAKE_INVESTIGATIONS_URL"] or f"{base_url}/investigations_intake",
        investigations_loopback_http=v["INTAKE_INVESTIGATIONS_LOOPBACK_HTTP"],
        forward_hmac_secret=v["INTAKE_FORWARD_HMAC_SECRET"],
        forward_timeout=v["INTAKE_FORWARD_TIMEOUT_SECONDS"],
        forward_max_attempts=v["INTAKE_FORWARD_MAX_ATTEMPTS"],
        notifier=v["INTAKE_NOTIFIER"] or ("outbox" if backend == "embedded" else "ses"),
        mail_from=v["INTAKE_MAIL_FROM"],
        investigations_mailbox=v["INTAKE_INVESTIGATIONS_MAILBOX"],
        ethics_office_mailbox=v["INTAKE_ETHICS_OFFICE_MAILBOX"],
        ses_region=v["INTAKE_SES_REGION"],
        office_url=v["INTAKE_OFFICE_URL"] or f"{console_url}/cases",
        follow_up_url=v["INTAKE_FOLLOW_UP_URL"] or f"{base_url}/forms/follow-up",
        officers_json=v["INTAKE_OFFICERS"],
        disclosure_json=v["INTAKE_DISCLOSURE"],
        auth_audience=v["INTAKE_AUTH_AUDIENCE"] or f"{base_url}/cases",
        dev_auth=v["INTAKE_DEV_AUTH"],
        kms_key=v["INTAKE_KMS_KEY"],
        kms_emulator_host=v["INTAKE_KMS_EMULATOR_HOST"],
        sealing=SealingSettings(
            messages_kms_key=v["INTAKE_MESSAGES_KMS_KEY"],
            messages_key_file=Path(v["INTAKE_MESSAGES_KEY_FILE"]
                                   or data_dir / "keys" / "messages.kek"),
            replay_hmac_secret=v["INTAKE_REPLAY_HMAC_SECRET"],
            replay_receipt_seconds=v["INTAKE_REPLAY_RECEIPT_SECONDS"],
            proof_kms_key=v["INTAKE_PROOF_KMS_KEY"],
            proof_key_file=Path(v["INTAKE_PROOF_KEY_FILE"]
                                or data_dir / "keys" / "proof-keys.json"),
            replay_record_hours=v["INTAKE_RETENTION_IDEMPOTENCY_HOURS"],
            retention_kms_key_ring=v["INTAKE_RETENTION_KMS_KEY_RING"],
            messages_retention_kms_key_ring=v["INTAKE_MESSAGES_RETENTION_KMS_KEY_RING"],
            retention_kms_protection_level=v["INTAKE_RETENTION_KMS_PROTECTION_LEVEL"],
        ),
        forms=FormsSettings(
            secret=v["INTAKE_FORMS_SECRET"],
            rate_limit=v["INTAKE_FORM_RATE_LIMIT"],
            rate_window_seconds=v["INTAKE_FORM_RATE_WINDOW_SECONDS"],
            proxy_hops=v["INTAKE_PROXY_HOPS"],
            follow_up_lock_seconds=v["INTAKE_FOLLOW_UP_LOCK_SECONDS"],
            exit_url=v["INTAKE_EXIT_URL"],
            iap_audience=v["INTAKE_FORMS_IAP_AUDIENCE"],
            declarations_url=(v["INTAKE_DECLARATIONS_URL"]
                              or f"{base_url}/forms/declarations").rstrip("/"),
        ),
        mail_limits=MailLimits(
            per_recipient=v["INTAKE_MAIL_RECIPIENT_LIMIT"],
            total=v["INTAKE_MAIL_TOTAL_LIMIT"],
            window_seconds=v["INTAKE_MAIL_WINDOW_SECONDS"],
            secret=v["INTAKE_MAIL_THROTTLE_SECRET"],
        ),
        task_auth=TaskAuth(
            mode=v["INTAKE_TASK_AUTH"] or ("oidc" if backend == "gcp" else "none"),
            callers=v["INTAKE_TASK_CALLERS"],
        ),
        access=AccessSettings(
            name_index_secret=v["INTAKE_NAME_INDEX_SECRET"],
            cases_url=(v["INTAKE_CASES_URL"] or f"{base_url}/cases").rstrip("/"),
            officer_token=v["INTAKE_OFFICER_TOKEN"],
            metadata_hosts=(v["GCE_METADATA_HOST"], v["GCE_METADATA_IP"]),
        ),
        console=ConsoleSettings(
            url=console_url,
            iap_audience=v["INTAKE_IAP_AUDIENCE"],
            secret=v["INTAKE_CONSOLE_SECRET"],
            session_idle_minutes=v["INTAKE_CONSOLE_SESSION_MINUTES"],
            session_max_minutes=v["INTAKE_CONSOLE_SESSION_MAX_MINUTES"],
        ),
        evidence=EvidenceSettings(
            max_file_bytes=v["INTAKE_EVIDENCE_MAX_FILE_BYTES"],
            max_total_bytes=v["INTAKE_EVIDENCE_MAX_TOTAL_BYTES"],
            max_files=v["INTAKE_EVIDENCE_MAX_FILES"],
            clamd=v["INTAKE_CLAMD"],
            bucket=v["INTAKE_EVIDENCE_BUCKET"],
            storage_emulator_host=v["STORAGE_EMULATOR_HOST"],
            upload_bucket=v["INTAKE_EVIDENCE_UPLOAD_BUCKET"],
            upload_minutes=v["INTAKE_EVIDENCE_UPLOAD_MINUTES"],
        ),
    )
    _check_keys(settings)
    if backend == "gcp" and not v["GOOGLE_CLOUD_PROJECT"]:
        raise ConfigError("GOOGLE_CLOUD_PROJECT must be set when INTAKE_BACKEND=gcp")
    if backend == "gcp" and v["INTAKE_INVESTIGATIONS_URL"]:
        # The default (the local reference receiver) is refused where the gateway is built.
        refusal = investigations_url_refusal(
            v["INTAKE_INVESTIGATIONS_URL"], loopback_http=v["INTAKE_INVESTIGATIONS_LOOPBACK_HTTP"])
        if refusal:
            raise ConfigError(refusal)
    return settings


def _check_keys(settings: Settings) -> None:
    """Both key-encryption keys in KMS, or both in local files; never one key for both."""
    cases, messages = settings.kms_key, settings.sealing.messages_kms_key
    if bool(cases) != bool(messages):
        raise ConfigError("INTAKE_KMS_KEY and INTAKE_MESSAGES_KMS_KEY are set together: "
                          "the cases key and the messages key both live in Cloud KMS")
    if cases and cases == messages:
        raise ConfigError("INTAKE_MESSAGES_KMS_KEY must be another key than INTAKE_KMS_KEY")
    if settings.sealing.replay_receipt_seconds > settings.sealing.replay_record_hours * 3600:
        raise ConfigError("INTAKE_REPLAY_RECEIPT_SECONDS must not be longer than "
                          "INTAKE_RETENTION_IDEMPOTENCY_HOURS: the receipt is shown again "
                          "only while the idempotency record is kept")
    rings = (settings.sealing.retention_kms_key_ring,
             settings.sealing.messages_retention_kms_key_ring)
    if bool(rings[0]) != bool(rings[1]):
        raise ConfigError("INTAKE_RETENTION_KMS_KEY_RING and "
                          "INTAKE_MESSAGES_RETENTION_KMS_KEY_RING are set together")
    if rings[0] and rings[0] == rings[1]:
        raise ConfigError("INTAKE_MESSAGES_RETENTION_KMS_KEY_RING must be another key ring "
                          "than INTAKE_RETENTION_KMS_KEY_RING")
    if not cases and settings.key_file == settings.sealing.messages_key_file:
        raise ConfigError("INTAKE_MESSAGES_KEY_FILE must be another file than "
                          "INTAKE_KEY_FILE")


def url_origin(url: str) -> str:
    """The origin of an http(s) URL, as browsers serialise it in ``Origin``: lower-case
    scheme and host, the port only if it is not the scheme's default. "" if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme not in ("http", "https") or not host or parts.username or parts.password:
        return ""
    if ":" in host:
        host = f"[{host}]"
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")
