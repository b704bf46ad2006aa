"""The composition root: the one place that picks adapters, from configuration.

Lazy: importing a function module builds nothing; the first request builds the container,
and each adapter (with its SDK import) is built on first use, so a function only pays for
the dependencies its request path touches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar, cast

from shared import config, logs
from shared.config import Settings
from shared.domain.policy import Policy
from shared.ports import (
    Clock,
    FollowUpStore,
    IntakeStore,
    InvestigationsGateway,
    KeyService,
    Notifier,
    PayloadCipher,
    RateLimiter,
    TaskQueue,
)
from shared.services.tasks import URGENT_QUEUES

if TYPE_CHECKING:  # built on first use: a function pays only for what its path touches
    from shared.auth import DevTokenVerifier, TokenVerifier
    from shared.domain.officers import Officer
    from shared.domain.recusal import Marker
    from shared.services.cases import Desk
    from shared.services.notify import MailSettings
    from shared.statistics_ports import StatisticsStore

T = TypeVar("T")
_log = logs.get_logger(__name__)


class Container:
    """The ports of one process, built from settings on first use.

    Tests and tools pass ready-made components (fakes of our ports) as keyword arguments.
    """

    def __init__(self, settings: Settings, **components: object) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._built: dict[str, object] = dict(components)

    def _component(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return cast(T, self._built[name])

    @property
    def policy(self) -> Policy:
        p = self.settings.policy
        return Policy(filing_window_months=p.filing_window_months,
                      preliminary_review_days=p.preliminary_review_days,
                      panel_review_days=p.panel_review_days)

    @property
    def sweep_grace(self) -> timedelta:
        return timedelta(seconds=self.settings.sweep_grace_seconds)

    @property
    def clock(self) -> Clock:
        return self._component("clock", _system_clock)

    @property
    def store(self) -> IntakeStore:
        return self._component("store", lambda: _store(self.settings))

    @property
    def queue(self) -> TaskQueue:
        return self._component("queue", lambda: _queue(self.settings))

    @property
    def keys(self) -> KeyService:
        return self._component("keys", lambda: _keys(self.settings))

    @property
    def cipher(self) -> PayloadCipher:
        return self._component("cipher", lambda: _cipher(self.keys))

    @property
    def forward_secret(self) -> bytes:
        return self._component("forward_secret", lambda: _forward_secret(self.settings))

    @property
    def gateway(self) -> InvestigationsGateway:
        return self._component("gateway", lambda: _gateway(self.settings, self.forward_secret))

    @property
    def notifier(self) -> Notifier:
        return self._component("notifier", lambda: _notifier(self.settings))

    @property
    def officers(self) -> Mapping[str, Officer]:
        from shared.domain.officers import parse_directory

        return self._component("officers", lambda: parse_directory(self.settings.officers_json))

    @property
    def verifier(self) -> TokenVerifier:
        return self._component("verifier", lambda: _verifier(self.settings))

    @property
    def dev_tokens(self) -> DevTokenVerifier:
        """Development tokens (local work only): mints them for the local runner's banner
        and verifies them; refuses to exist where ``dev_token_refusals`` finds a reason."""
        return self._component("dev_tokens", lambda: _dev_tokens(self.settings))

    @property
    def name_marker(self) -> Marker:
        """Keys the blind index of the people a case names (recusal)."""
        return self._component("name_marker", lambda: _name_marker(self.settings))

    @property
    def desk(self) -> Desk:
        from shared.services.cases import Desk

        return Desk(store=self.store, cipher=self.cipher, clock=self.clock, queue=self.queue,
                    policy=self.policy, marker=self.name_marker)

    @property
    def mail(self) -> MailSettings:
        from shared.services.notify import MailSettings

        s = self.settings
        return MailSettings(investigations_mailbox=s.investigations_mailbox,
                            ethics_office_mailbox=s.ethics_office_mailbox,
                            office_url=s.office_url, follow_up_url=s.follow_up_url)

    # --- Public web forms and anonymous follow-up (issue 5) ---

    @property
    def follow_up(self) -> FollowUpStore:
        return self._component("follow_up", lambda: _follow_up(self.store))

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._component("rate_limiter", lambda: _rate_limiter(self.settings))

    @property
    def forms_secret(self) -> str:
        """Signs the forms' anti-forgery tokens and follow-up access."""
        return self._component("forms_secret", lambda: _forms_secret(self.settings))

    @property
    def follow_up_lock(self) -> timedelta:
        return timedelta(seconds=self.settings.forms.follow_up_lock_seconds)

    # --- Statistics: service log, imports, annual report (issue 7) ---

    @property
    def statistics(self) -> StatisticsStore:
        """Shares the intake store's database; built on first use."""
        return self._component("statistics", lambda: _statistics(self.settings, self.store))


def _system_clock() -> Clock:
    from shared.adapters.clock import SystemClock
    return SystemClock()


def _store(s: Settings) -> IntakeStore:
    if s.backend == "embedded":
        from shared.adapters.sqlite_store import SqliteStore
        return SqliteStore(s.data_dir / "intake.sqlite3", timeout=s.store_timeout)
    from shared.adapters.firestore_store import FirestoreStore
    return FirestoreStore.connect(s.project, s.firestore_database, timeout=s.store_timeout)


def _queue(s: Settings) -> TaskQueue:
    if s.backend == "embedded":
        from shared.adapters.local_dispatcher import Backoff, HttpDelivery, LocalDispatcher
        return LocalDispatcher(HttpDelivery(s.functions_base_url),
                               backoff=Backoff(attempts=s.local_dispatch_attempts),
                               first_queues=URGENT_QUEUES.values())
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue
    return CloudTasksQueue(
        CloudTasksQueue.client(s.cloud_tasks_emulator_host),
        project=s.project, location=s.tasks_location,
        queue_ids=s.queue_ids, url_for=s.function_url,
        service_accounts=s.tasks_service_accounts, timeout=s.queue_timeout)


def _keys(s: Settings) -> KeyService:
    if s.kms_key:
        from shared.adapters.kms_keys import KmsKeyService
        return KmsKeyService.connect(s.kms_key, emulator_host=s.kms_emulator_host,
                                     timeout=s.store_timeout)
    from shared.adapters.local_keys import LocalKeyService
    return LocalKeyService.from_file(s.key_file, create=s.backend == "embedded")


def _cipher(keys: KeyService) -> PayloadCipher:
    from shared.adapters.envelope import EnvelopeCipher
    return EnvelopeCipher(keys)


def _verifier(s: Settings) -> TokenVerifier:
    from shared import auth

    if s.dev_auth:
        return _dev_tokens(s)
    return auth.GoogleIdTokenVerifier(s.auth_audience)


def metadata_server(s: Settings) -> str | None:
    """Where Google's metadata server answers, if it does (replaceable in tests)."""
    from shared.auth import metadata_server_answers

    return metadata_server_answers(s.access.metadata_hosts)


def refuse_unsafe_dev_tokens(s: Settings, environ: Mapping[str, str]) -> None:
    """ConfigError, with a log line saying why, when development tokens are switched on
    where they must not be accepted: nothing starts."""
    from shared.auth import dev_token_refusals

    reasons = dev_token_refusals(backend=s.backend, kms_key=s.kms_key, environ=environ,
                                 metadata_server=lambda: metadata_server(s))
    if reasons:
        message = ("INTAKE_DEV_AUTH=true, but development tokens are accepted only for local "
                   f"work, and here {'; '.join(reasons)}: nothing starts. Switch "
                   "INTAKE_DEV_AUTH off; officers sign in with Google.")
        _log.critical(message, extra={"event": "dev_tokens_refused"})
        raise config.ConfigError(message)


def _dev_tokens(s: Settings) -> DevTokenVerifier:
    from shared import auth
    from shared.adapters.local_secrets import secret_from_file

    refuse_unsafe_dev_tokens(s, os.environ)
    secret = secret_from_file(s.data_dir / "keys" / "dev-tokens.secret", create=True)
    return auth.DevTokenVerifier(secret, os.environ)


def _name_marker(s: Settings) -> Marker:
    from shared.domain.recusal import Marker

    if s.access.name_index_secret:
        return Marker(s.access.name_index_secret.encode())
    if s.backend != "embedded":
        raise config.ConfigError("INTAKE_NAME_INDEX_SECRET must be set when INTAKE_BACKEND=gcp")
    from shared.adapters.local_secrets import secret_from_file
    return Marker(secret_from_file(s.data_dir / "keys" / "name-index.secret",
                                   create=True).encode())


def _forward_secret(s: Settings) -> bytes:
    if s.forward_hmac_secret:
        return s.forward_hmac_secret.encode()
    if s.backend != "embedded":  # a secret of the deployment: never invented on the fly
        raise config.ConfigError("INTAKE_FORWARD_HMAC_SECRET must be set on this function")
    from shared.adapters.local_secrets import secret_from_file
    return secret_from_file(s.data_dir / "keys" / "forward-hmac.key", create=True).encode()


def _gateway(s: Settings, secret: bytes) -> InvestigationsGateway:
    from shared.adapters.investigations_http import HttpInvestigationsGateway
    return HttpInvestigationsGateway(s.investigations_url, secret, timeout=s.forward_timeout)


def _notifier(s: Settings) -> Notifier:
    if s.notifier == "outbox":
        from shared.adapters.outbox_notifier import OutboxNotifier
        return OutboxNotifier(s.data_dir / "outbox", s.mail_from)
    from shared.adapters.ses_notifier import SesNotifier
    return SesNotifier(s.mail_from, region=s.ses_region)

# --- Public web forms and anonymous follow-up (issue 5) ---

def _follow_up(store: IntakeStore) -> FollowUpStore:
    """The follow-up adapter that shares the intake store's database."""
    from shared.adapters.sqlite_store import SqliteStore
    if isinstance(store, SqliteStore):
        from shared.adapters.sqlite_followup import SqliteFollowUpStore
        return SqliteFollowUpStore(store)
    from shared.adapters.firestore_store import FirestoreStore
    if isinstance(store, FirestoreStore):
        from shared.adapters.firestore_followup import FirestoreFollowUpStore
        return FirestoreFollowUpStore(store)
    raise config.ConfigError(f"no follow-up store for {type(store).__name__}: pass one")


def _rate_limiter(s: Settings) -> RateLimiter:
    from shared.adapters.instance_rate_limiter import InstanceRateLimiter
    return InstanceRateLimiter(s.forms.rate_limit, s.forms.rate_window_seconds)


def _forms_secret(s: Settings) -> str:
    if s.forms.secret:
        return s.forms.secret
    if s.backend != "embedded":
        raise config.ConfigError("INTAKE_FORMS_SECRET must be set when INTAKE_BACKEND=gcp")
    from shared.adapters.local_secrets import secret_from_file
    return secret_from_file(s.data_dir / "keys" / "forms.secret", create=True)


# --- Statistics: a sibling adapter on the intake store's database (issue 7) ---

def _statistics(s: Settings, store: IntakeStore) -> StatisticsStore:
    if s.backend == "embedded":
        from shared.adapters.sqlite_statistics import SqliteStatistics
        from shared.adapters.sqlite_store import SqliteStore
        if isinstance(store, SqliteStore):
            return SqliteStatistics(store)
    else:
        from shared.adapters.firestore_statistics import FirestoreStatistics
        from shared.adapters.firestore_store import FirestoreStore
        if isinstance(store, FirestoreStore):
            return FirestoreStatistics(store)
    raise TypeError(f"no statistics store for {type(store).__name__}: pass one to Container")


_current: Container | None = None
_current_lock = threading.Lock()


def container() -> Container:
    """The process's container, built on first use from the environment."""
    global _current
    if _current is None:
        with _current_lock:
            if _current is None:
                settings = config.load()
                logs.configure(settings.log_level)
                if settings.dev_auth:  # development tokens must never run on Google Cloud
                    refuse_unsafe_dev_tokens(settings, os.environ)
                _current = Container(settings)
    return _current


@contextmanager
def using(replacement: Container) -> Iterator[Container]:
    """Run with another container (tests, the local runner, benchmarks)."""
    global _current
    with _current_lock:
        previous, _current = _current, replacement
    try:
        yield replacement
    finally:
        with _current_lock:
            _current = previous
