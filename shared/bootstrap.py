"""The composition root: the one place that picks adapters, from configuration.

Lazy: importing a function module builds nothing; the first request builds the container,
and each adapter (with its SDK import) is built on first use, so a function only pays for
the dependencies its request path touches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar, cast

from shared import config, logs
from shared.config import Settings
from shared.domain.policy import Policy
from shared.ports import Clock, IntakeStore, KeyService, PayloadCipher, TaskQueue
from shared.statistics_ports import StatisticsStore  # issue 7

T = TypeVar("T")


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

    # --- Issue 7: the statistics store (service log, imports, annual report) ---
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
                               backoff=Backoff(attempts=s.local_dispatch_attempts))
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue
    return CloudTasksQueue(
        CloudTasksQueue.client(s.cloud_tasks_emulator_host),
        project=s.project, location=s.tasks_location,
        queue_ids={"triage": s.triage_queue}, url_for=s.function_url,
        service_account=s.tasks_service_account, timeout=s.queue_timeout)


def _keys(s: Settings) -> KeyService:
    from shared.adapters.local_keys import LocalKeyService
    return LocalKeyService.from_file(s.key_file, create=s.backend == "embedded")


def _cipher(keys: KeyService) -> PayloadCipher:
    from shared.adapters.envelope import EnvelopeCipher
    return EnvelopeCipher(keys)


# --- Issue 7: the statistics store, a sibling adapter on the intake store's database ---
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
