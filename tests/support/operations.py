"""Counting what a submission's life costs in billed operations, for tests only.

Firestore is counted at the wire: a gRPC interceptor on the real client's channel to the
emulator sees every RPC the adapters make and counts what Firestore bills, document by
document (reads: each document a get, batch get or query returns, a query or get that
returns nothing still one; writes and deletes: each write of a committed batch or
transaction). Every other billed service is counted at our port: a generic proxy forwards
every public method of the port and counts the calls of the methods that are billed
(``TaskQueue.enqueue``: one Cloud Tasks create; ``KeyService.wrap``/``unwrap`` and
``ProofSigner.sign``: one KMS cryptographic operation each; ``Notifier.send``: one e-mail).
Requests are counted as functions-framework's Flask apps start them, by function.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import flask
import grpc
from google.cloud import firestore

from shared.bootstrap import Container
from shared.ports.mail import Notifier
from shared.ports.proofs import ProofSigner
from shared.ports.sealing import KeyService
from shared.ports.tasks import TaskQueue

# The categories the cost model prices (shared.domain.cost.Operations' fields).
FIRESTORE_READS = "firestore_reads"
FIRESTORE_WRITES = "firestore_writes"
FIRESTORE_DELETES = "firestore_deletes"
TASKS_CREATED = "tasks_created"
KMS_OPERATIONS = "kms_operations"
EMAILS = "emails"
PUBLIC_REQUESTS = "public_requests"
INTERNAL_REQUESTS = "internal_requests"
CATEGORIES = (FIRESTORE_READS, FIRESTORE_WRITES, FIRESTORE_DELETES, TASKS_CREATED,
              KMS_OPERATIONS, EMAILS, PUBLIC_REQUESTS, INTERNAL_REQUESTS)
# The functions anyone may call (infra/modules/intake/functions.tf: public = true).
PUBLIC_FUNCTIONS = ("forms", "submit_advice", "submit_misconduct", "submit_retaliation")

# Billed port methods, by port: every other public method is forwarded uncounted.
BILLED: dict[type, dict[str, str]] = {
    TaskQueue: {"enqueue": TASKS_CREATED},
    KeyService: {"wrap": KMS_OPERATIONS, "unwrap": KMS_OPERATIONS},
    ProofSigner: {"sign": KMS_OPERATIONS},
    Notifier: {"send": EMAILS},
}


class Tally:
    """Operations counted so far, by category; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, category: str, n: int = 1) -> None:
        with self._lock:
            self._counts[category] += n

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {c: self._counts[c] for c in CATEGORIES}

    def since(self, before: dict[str, int]) -> dict[str, int]:
        now = self.snapshot()
        return {c: now[c] - before[c] for c in CATEGORIES}


# --- Firestore, at the wire -----------------------------------------------------------

def _method(details: grpc.ClientCallDetails) -> str:
    method = details.method
    name = method.decode() if isinstance(method, bytes) else str(method)
    return name.rsplit("/", 1)[-1]


class _CountedStream:
    """A server stream passed through while counting its documents; the call's other
    methods (cancel, code, add_callback...) are the wrapped call's."""

    def __init__(self, call: Any, count: Callable[[Any], int], empty: int,
                 tally: Tally) -> None:
        self._call, self._count, self._empty, self._tally = call, count, empty, tally
        self._seen = 0
        self._done = False

    def __iter__(self) -> _CountedStream:
        return self

    def __next__(self) -> Any:
        try:
            response = next(self._call)
        except StopIteration:
            if not self._done and self._seen == 0:
                self._tally.add(FIRESTORE_READS, self._empty)
            self._done = True
            raise
        counted = self._count(response)
        self._seen += counted
        self._tally.add(FIRESTORE_READS, counted)
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._call, name)


def _commit_counts(request: Any, tally: Tally) -> None:
    for write in request.writes:
        tally.add(FIRESTORE_DELETES if write._pb.WhichOneof("operation") == "delete"
                  else FIRESTORE_WRITES)


class FirestoreOperationCounter(grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
                                grpc.UnaryStreamClientInterceptor):  # type: ignore[misc]
    """Counts billed document operations of the Firestore RPCs passing through."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.unknown: Counter[str] = Counter()

    def intercept_unary_unary(self, continuation: Any, details: grpc.ClientCallDetails,
                              request: Any) -> Any:
        outcome = continuation(details, request)
        method = _method(details)
        if outcome.exception() is not None:
            return outcome  # a failed commit writes nothing
        if method in ("Commit", "BatchWrite"):
            _commit_counts(request, self.tally)
        elif method == "GetDocument":
            self.tally.add(FIRESTORE_READS)
        elif method == "ListDocuments":
            self.tally.add(FIRESTORE_READS, max(1, len(outcome.result().documents)))
        elif method not in ("BeginTransaction", "Rollback"):
            self.unknown[method] += 1
        return outcome

    def intercept_unary_stream(self, continuation: Any, details: grpc.ClientCallDetails,
                               request: Any) -> Any:
        call = continuation(details, request)
        method = _method(details)
        if method == "BatchGetDocuments":
            # A document asked for by name is billed whether or not it exists.
            return _CountedStream(call, lambda r: int("found" in r or "missing" in r), 0,
                                  self.tally)
        if method == "RunQuery":
            return _CountedStream(call, lambda r: int("document" in r), 1, self.tally)
        if method == "RunAggregationQuery":
            # One read per batch of up to 1,000 index entries: our counts stay below that.
            return _CountedStream(call, lambda r: 0, 1, self.tally)
        self.unknown[method] += 1
        return call


class CountingFirestoreClient(firestore.Client):
    """The real Firestore client whose emulator channel passes through the counter."""

    counter: FirestoreOperationCounter

    def _emulator_channel(self, transport: Any) -> Any:
        channel = super()._emulator_channel(transport)  # type: ignore[no-untyped-call]
        return grpc.intercept_channel(channel, self.counter)


def counting_firestore_client(project: str, tally: Tally) -> CountingFirestoreClient:
    client = CountingFirestoreClient(project=project, database="(default)")
    client.counter = FirestoreOperationCounter(tally)
    return client


# --- Requests to the functions -------------------------------------------------------

@contextmanager
def counting_requests(tally: Tally) -> Iterator[None]:
    """Count every request the functions' apps (tests.support.harness) start meanwhile."""
    from tests.support.harness import _APPS, function_app

    for name in PUBLIC_FUNCTIONS:
        function_app(name)
    public = {id(function_app(name)) for name in PUBLIC_FUNCTIONS}

    def started(sender: Any, **_: Any) -> None:
        tally.add(PUBLIC_REQUESTS if id(sender) in public else INTERNAL_REQUESTS)

    assert _APPS  # the apps whose requests are counted
    flask.request_started.connect(started, weak=False)
    try:
        yield
    finally:
        flask.request_started.disconnect(started)


# --- Our ports, by proxy --------------------------------------------------------------

P = TypeVar("P")


def counted(port: type[P], target: P, tally: Tally) -> P:
    """``target`` behind a proxy of ``port`` that forwards every public method and
    property, counting the calls of the port's billed methods."""
    billed = next((m for p, m in BILLED.items() if issubclass(port, p)), {})
    namespace: dict[str, Any] = {}
    for name in dir(port):
        if name.startswith("_"):
            continue
        attribute = getattr(port, name)
        if isinstance(attribute, property):
            namespace[name] = _forwarded_property(name)
        elif callable(attribute):
            namespace[name] = _forwarding(name, billed.get(name))
    proxy_class = type(f"Counted{port.__name__}", (port,), namespace)
    proxy: Any = object.__new__(proxy_class)
    proxy._target, proxy._tally = target, tally
    return proxy  # type: ignore[no-any-return]


def _forwarded_property(name: str) -> property:
    return property(lambda self: getattr(self._target, name))


def _forwarding(name: str, category: str | None) -> Callable[..., Any]:
    def forward(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self._target, name)(*args, **kwargs)
        if category is not None:
            self._tally.add(category)
        return result
    forward.__name__ = name
    return forward


def count_ports(container: Container, tally: Tally) -> None:
    """Put the container's queue, key services, proof signer and notifier behind counting
    proxies (built first if they were not given)."""
    built = container._built
    with container._lock:
        for name, port in (("queue", TaskQueue), ("case_keys", KeyService),
                           ("message_keys", KeyService), ("proof_signer", ProofSigner),
                           ("notifier", Notifier)):
            target = getattr(container, name)
            built[name] = counted(port, target, tally)
        # The sealers are built from the keys on first use: build them again from the
        # proxies.
        for derived in ("cipher", "sealer"):
            built.pop(derived, None)


def lines(counts: dict[str, int]) -> Iterator[str]:
    for category in CATEGORIES:
        yield f"{category}={counts[category]}"
