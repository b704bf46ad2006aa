"""The Firestore database that every Firestore adapter shares: one client, one retry
policy and deadline, one mapping of Google API errors to StoreUnavailable, and the
in-instance locks that make the threads of one instance take turns on a case."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry, if_transient_error
from google.auth import exceptions as auth_exceptions
from google.cloud import firestore

from shared.ports.storage import StoreUnavailable

T = TypeVar("T")
# Transactions on one case contend when a task is delivered twice at once or officers act
# together; the client retries an aborted transaction this many times before giving up.
TRANSACTION_ATTEMPTS = 15
# Threads of one instance updating the same case take turns here first, so contention
# (and aborted transactions) only arises between instances.
_CASE_LOCKS = tuple(threading.Lock() for _ in range(64))


def case_lock(reference: str) -> threading.Lock:
    """The in-instance lock of a case, held around a transaction that writes it."""
    return _CASE_LOCKS[zlib.crc32(reference.encode()) % len(_CASE_LOCKS)]


class FirestoreDatabase:
    """One Firestore database: its client, with the calls' retry policy and deadline."""

    def __init__(self, client: firestore.Client, *, timeout: float = 10.0) -> None:
        self.client = client
        self._timeout = timeout
        self._retry = Retry(predicate=if_transient_error, initial=0.1, maximum=1.0,
                            multiplier=2.0, timeout=timeout)

    @classmethod
    def connect(cls, project: str, database: str, *, timeout: float) -> FirestoreDatabase:
        """The project's database (the emulator if FIRESTORE_EMULATOR_HOST is set)."""
        return cls(firestore.Client(project=project, database=database), timeout=timeout)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Map Google API errors to StoreUnavailable."""
        try:
            yield
        except api_exceptions.AlreadyExists:
            raise
        except (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError) as error:
            raise StoreUnavailable(f"firestore: {type(error).__name__}: {error}") from error
        except ValueError as error:
            # The client gives up on a contended transaction with a bare ValueError whose
            # cause is the last Aborted/Conflict error.
            if isinstance(error.__cause__, api_exceptions.GoogleAPIError):
                raise StoreUnavailable(f"firestore: {error}") from error
            raise

    def call(self, call: Callable[..., T]) -> T:
        """Run a client call with the retry policy and deadline."""
        with self.guard():
            return call(retry=self._retry, timeout=self._timeout)

    def stream(self, query: Any) -> list[Any]:
        """Every snapshot a query finds, with the retry policy and deadline."""
        return self.call(lambda **options: list(query.stream(**options)))

    def get(self, path: str) -> dict[str, Any] | None:
        """The document at ``path``, if it exists."""
        snapshot = self.call(self.client.document(path).get)
        return snapshot.to_dict() if snapshot.exists else None
