"""The composition root: the one place that picks adapters, from configuration, and wires
them into the use cases the endpoints call.

``Container`` builds the ports; ``UseCases`` holds the use cases with their ports bound, so
an endpoint calls a use case and never sees a port. Lazy: importing a function module
builds nothing; the first request builds the process's use cases, and each use case (with
the adapters and SDK imports it needs) is wired on first use, so a function only pays for
what its request path touches.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from shared import config, logs
from shared.config import Settings
from shared.domain.policy import Policy
from shared.domain.sealing import CASES_KEY, MESSAGES_KEY
from shared.ports.clock import Clock
from shared.ports.follow_up import FollowUpStore
from shared.ports.investigations import InvestigationsGateway
from shared.ports.mail import MailLedger, Notifier
from shared.ports.proofs import ProofSigner, SignatureChecker
from shared.ports.rate_limits import RateLimiter
from shared.ports.sealing import (
    KeyService,
    KeyWrapper,
    PayloadCipher,
    PayloadSealer,
    ReplayDigests,
    RetentionKeys,
    SealedRecords,
)
from shared.ports.storage import IntakeStore
from shared.ports.tasks import TaskQueue
from shared.services.tasks import URGENT_QUEUES

if TYPE_CHECKING:  # built on first use: a function pays only for what its path touches
    from shared.adapters.dev_tokens import DevTokenVerifier
    from shared.adapters.firestore_database import FirestoreDatabase
    from shared.adapters.sqlite_database import SqliteDatabase
    from shared.auth import (
        DevelopmentFilerSignIn,
        DevelopmentSignIn,
        IapFilerSignIn,
        IapSignIn,
    )
    from shared.domain.disclosure import ProgrammeSettings
    from shared.domain.evidence import EvidenceLimits, Prepared, SignedUpload, Upload
    from shared.domain.forms import FormSpec
    from shared.domain.handling_times import ManagementIndicators
    from shared.domain.mail_limits import SendLimits
    from shared.domain.officers import Officer
    from shared.domain.proofs import PublishedKey
    from shared.domain.recusal import Marker
    from shared.google_certs import CertificateCache
    from shared.ports.disclosure import DisclosureStore
    from shared.ports.evidence import EvidenceBlobs, IncomingUploads, MetadataCleaner, Scanner
    from shared.ports.identity import TokenIdentity, TokenVerifier
    from shared.ports.statistics import StatisticsStore
    from shared.services.disclosure import Programme
    from shared.services.evidence import FilesSweep, OpenedFile
    from shared.services.follow_up import AddedMessage
    from shared.services.forward import ForwardOutcome
    from shared.services.notify import MailSettings
    from shared.services.proofs import ProofCheck
    from shared.services.receive import Acknowledgement
    from shared.services.service_log import LoggedService
    from shared.services.sweep import SweepReport
    from shared.services.triage import TriageOutcome

T = TypeVar("T")
K = TypeVar("K", bound=KeyWrapper)
R = TypeVar("R")
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
                      panel_review_days=p.panel_review_days,
                      advice_answer_working_days=p.advice_working_days,
                      retention_days=MappingProxyType(dict(p.retention_days)),
                      extension_days=p.extension_days,
                      feedback_months_advice=p.feedback_months_advice,
                      feedback_months_misconduct=p.feedback_months_misconduct,
                      feedback_months_retaliation=p.feedback_months_retaliation,
                      follow_up_lockout_days=p.follow_up_lockout_days)

    @property
    def sweep_grace(self) -> timedelta:
        return timedelta(seconds=self.settings.sweep_grace_seconds)

    @property
    def clock(self) -> Clock:
        return self._component("clock", _system_clock)

    @property
    def storage(self) -> Storage:
        """The backend's one database and the storage adapters built on it."""
        return self._component("storage", lambda: _storage(self.settings))

    @property
    def store(self) -> IntakeStore:
        return self._component("store", lambda: self.storage.store())

    @property
    def queue(self) -> TaskQueue:
        return self._component("queue", lambda: _queue(self.settings))

    # Sealing: one key-encryption key per purpose, each built on first use, so a function
    # only ever reaches the keys its path needs (the follow-up page: the messages key).

    @property
    def case_keys(self) -> KeyService:
        """Submissions, internal notes, transition notes."""
        return self._component("case_keys", lambda: _case_keys(self.settings))

    @property
    def message_keys(self) -> KeyService:
        """Replies to the submitter and the submitter's messages."""
        return self._component("message_keys", lambda: _message_keys(self.settings))

    @property
    def retention_keys(self) -> RetentionKeys | None:
        """The purge months' keys of crypto-shredding: Cloud KMS keys of the retention key
        ring when one is set (Google Cloud), else local key files on the embedded backend;
        none on Google Cloud without a ring (docs/retention.md)."""
        return self._component("retention_keys", lambda: _retention_keys(self.settings))

    @property
    def cipher(self) -> PayloadCipher:
        return self._component("cipher", lambda: _cipher(
            {CASES_KEY: lambda: self.case_keys, MESSAGES_KEY: lambda: self.message_keys},
            self.retention_keys))

    @property
    def sealer(self) -> PayloadSealer:
        """What the submit functions seal with: the cases key, for wrapping only."""
        return self._component("sealer", lambda: _sealer({CASES_KEY: lambda: self.case_keys}))

    @property
    def proof_signer(self) -> ProofSigner:
        """Signs the proofs of submission and lists the published keys."""
        return self._component("proof_signer",
                               lambda: _proof_signer(self.settings, self.clock))

    @property
    def signature_checker(self) -> SignatureChecker:
        from shared.adapters.proof_keys import EcdsaSignatureChecker

        return self._component("signature_checker", EcdsaSignatureChecker)

    @property
    def replay_digests(self) -> ReplayDigests:
        return self._component("replay_digests", lambda: _replay_digests(self.settings))

    @property
    def replay_receipt_window(self) -> timedelta:
        return timedelta(seconds=self.settings.sealing.replay_receipt_seconds)

    @property
    def replay_record_window(self) -> timedelta:
        """How long a submission's idempotency record is kept."""
        return timedelta(hours=self.settings.sealing.replay_record_hours)

    @property
    def sealed_records(self) -> SealedRecords:
        return self._component("sealed_records", lambda: self.storage.sealed_records())

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
    def google_certificates(self) -> CertificateCache:
        """Google's token-signing certificates, fetched and cached once per process."""
        from shared.google_certs import CertificateCache

        return self._component("google_certificates", CertificateCache)

    def task_verifier(self, function: str) -> TokenVerifier:
        """Verifies the OIDC tokens Cloud Tasks and Cloud Scheduler attach to calls of
        ``function``: Google-signed, for the audience of the function's own URL."""
        from shared.adapters.google_id_tokens import GoogleIdTokenVerifier

        certificates = self.google_certificates
        return self._component(f"task_verifier:{function}", lambda: GoogleIdTokenVerifier(
            self.settings.function_url(function), certificates.url,
            certificates=certificates))

    # --- The officers' web console ---

    @property
    def console_sign_in(self) -> IapSignIn | DevelopmentSignIn:
        """How the console knows its officer: Identity-Aware Proxy's assertion, or (local
        work only, where development tokens may be) a choice of the directory's officers."""
        return self._component("console_sign_in", lambda: _console_sign_in(
            self.settings, self.officers))

    @property
    def filer_sign_in(self) -> IapFilerSignIn | DevelopmentFilerSignIn | None:
        """How the declaration pages know their filer: Identity-Aware Proxy's assertion, or
        (local work only, where development tokens may be) the address typed on the
        development sign-in. None: neither is configured, and the pages say so."""
        return self._component("filer_sign_in", lambda: _filer_sign_in(self.settings))

    @property
    def console_secret(self) -> str:
        """Signs the console's session cookie and anti-forgery tokens."""
        return self._component("console_secret", lambda: _deployment_secret(
            self.settings, self.settings.console.secret, "INTAKE_CONSOLE_SECRET",
            "console.secret"))

    @property
    def mail_ledger(self) -> MailLedger:
        """Claims on pending notifications and send counters, in the backend's database."""
        return self._component("mail_ledger", lambda: self.storage.mail_ledger())

    @property
    def send_limits(self) -> SendLimits:
        return self._component("send_limits", lambda: _send_limits(self.settings))

    @property
    def mail(self) -> MailSettings:
        from shared.services.notify import MailSettings

        s = self.settings
        return MailSettings(investigations_mailbox=s.investigations_mailbox,
                            ethics_office_mailbox=s.ethics_office_mailbox,
                            office_url=s.office_url, follow_up_url=s.follow_up_url)

    # --- Public web forms and follow-up ---

    @property
    def follow_up(self) -> FollowUpStore:
        return self._component("follow_up", lambda: self.storage.follow_up())

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

    # --- Statistics: service log, imports, annual report ---

    @property
    def evidence_limits(self) -> EvidenceLimits:
        """The attachment limits; no file at all where no store of files is configured
        (``gcp`` without ``INTAKE_EVIDENCE_BUCKET``): a multipart post is then refused as
        any other content type, and the pages offer no file input."""
        from shared.domain.evidence import EvidenceLimits
        e = self.settings.evidence
        stored = self.settings.backend == "embedded" or bool(e.bucket)
        return EvidenceLimits(e.max_file_bytes, e.max_total_bytes, e.max_files if stored else 0)

    @property
    def scanner(self) -> Scanner | None:
        """The malware scanner, or None when none is configured (files are then marked
        ``not_scanned``, never silently)."""
        return self._component("scanner", lambda: _scanner(self.settings))

    @property
    def cleaner(self) -> MetadataCleaner:
        return self._component("cleaner", _cleaner)

    @property
    def evidence_blobs(self) -> EvidenceBlobs:
        return self._component("evidence_blobs", lambda: _evidence_blobs(self.settings))

    @property
    def incoming_uploads(self) -> IncomingUploads | None:
        """The private bucket that takes files through V4 signed URLs; None where signed
        uploads are not offered (no ``INTAKE_EVIDENCE_UPLOAD_BUCKET``)."""
        return self._component("incoming_uploads", lambda: _incoming_uploads(self.settings))

    @property
    def statistics(self) -> StatisticsStore:
        """Shares the backend's database with the intake store; built on first use."""
        return self._component("statistics", lambda: self.storage.statistics())

    # --- The financial disclosure programme ---

    @property
    def disclosure_store(self) -> DisclosureStore:
        """Shares the backend's database with the intake store; built on first use."""
        return self._component("disclosure_store", lambda: self.storage.disclosure_records())

    @property
    def declared_interests(self) -> Callable[[str], Sequence[str]]:
        """What each officer declared as a filer (the counterparts), for recusal."""
        return self._component("declared_interests", lambda: partial(
            _declared_counterparts, self))

    @property
    def programme_settings(self) -> ProgrammeSettings:
        """The programme's configuration (``INTAKE_DISCLOSURE``), checked."""
        return self._component("programme_settings", lambda: _programme_settings(self.settings))

    @property
    def programme(self) -> Programme:
        """The programme's use cases' ports and settings (``INTAKE_DISCLOSURE``)."""
        return self._component("programme", lambda: _programme(self))

    @property
    def use_cases(self) -> UseCases:
        """The use cases wired with these ports, built once."""
        return self._component("use_cases", lambda: UseCases(self))


def _rekeying(c: Container) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """A use case that may move a case's purge month, followed at once by the wrapping of
    the case's sealed values for the new month (crypto-shredding), so no copy of the store
    waits for the next sweep; a failure here is left to that sweep."""

    def wrap(use_case: Callable[..., R]) -> Callable[..., R]:
        keys = c.retention_keys
        if keys is None:
            return use_case

        def then_rekey(reference: str, *args: Any, **kwargs: Any) -> R:
            from shared.ports.sealing import SealBroken
            from shared.ports.storage import StoreUnavailable
            from shared.services.retention import rekey_case

            result = use_case(reference, *args, **kwargs)
            try:
                rekey_case(reference, store=c.store, records=c.sealed_records,
                           cipher=c.cipher, clock=c.clock)
            except (StoreUnavailable, SealBroken):
                _log.warning("retention keys not applied now; sweep will", extra={
                    "event": "rekey_deferred", "reference": reference})
            return result

        return then_rekey

    return wrap


class OfficerDesk:
    """The officers' use cases (``shared.services.cases``, ``shared.services.workload``),
    wired: the one way to the cases, for the case API and the web console alike, so roles,
    recusal, the workflows' rules and the history of every read and write are the same
    whichever way an officer works."""

    def __init__(self, c: Container) -> None:
        from shared.services import cases, evidence, workload

        store, cipher, clock, queue = c.store, c.cipher, c.clock, c.queue
        policy, marker, interests = c.policy, c.name_marker, c.declared_interests
        self._officers = c.officers
        self.list_cases = partial(cases.list_cases, store=store, cipher=cipher, clock=clock,
                                  queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        self.open_case = partial(cases.open_case, store=store, cipher=cipher, clock=clock,
                                 queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        self.audit_case = partial(cases.audit_case, store=store, cipher=cipher, clock=clock,
                                  queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        rekey = _rekeying(c)
        self.apply_transition = rekey(partial(cases.apply_transition, store=store,
                                              cipher=cipher, clock=clock, queue=queue,
                                              policy=policy, marker=marker,
                                              interests=interests))
        self.assign = partial(cases.assign, store=store, cipher=cipher, clock=clock,
                              queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        self.recuse = partial(cases.recuse, store=store, cipher=cipher, clock=clock,
                              queue=queue, policy=policy, marker=marker,
                              interests=interests)
        self.add_note = partial(cases.add_note, store=store, cipher=cipher, clock=clock,
                                queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        self.reply = partial(cases.reply, store=store, cipher=cipher, clock=clock,
                             queue=queue, policy=policy, marker=marker,
                                  interests=interests)
        self.record_measure = partial(cases.record_measure, store=store, cipher=cipher,
                                      clock=clock, queue=queue, policy=policy, marker=marker,
                                      interests=interests)
        self.place_hold = rekey(partial(cases.place_hold, store=store, cipher=cipher,
                                        clock=clock, queue=queue, policy=policy,
                                        marker=marker, interests=interests))
        self.lift_hold = rekey(partial(cases.lift_hold, store=store, cipher=cipher,
                                       clock=clock, queue=queue, policy=policy,
                                       marker=marker, interests=interests))
        self.extend_retention = rekey(partial(cases.extend_retention, store=store,
                                              cipher=cipher, clock=clock, queue=queue,
                                              policy=policy, marker=marker,
                                              interests=interests))
        self.workload = partial(workload.workload, store=store, cipher=cipher, clock=clock,
                                queue=queue, marker=marker, interests=interests)
        self.attachments = partial(evidence.case_attachments, store)
        self._container = c

    def download_attachment(self, reference: str, attachment_id: str, officer: Officer,
                            *, original_reason: str | None = None) -> OpenedFile:
        """A file of the case for an officer (the original: an administrator, with a
        reason); the download is recorded in the case's history."""
        from shared.services import cases

        c = self._container
        return cases.download_attachment(
            reference, attachment_id, officer, original_reason=original_reason,
            blobs=c.evidence_blobs, store=c.store, cipher=c.cipher, clock=c.clock,
            queue=c.queue, policy=c.policy, marker=c.name_marker,
            interests=c.declared_interests)

    def export_cases(self, year: int, officer: Officer) -> Iterator[tuple[str, ...]]:
        """The year's cases as rows of codes and dates, without those naming the officer
        (``shared.services.handling_times.officer_export``)."""
        from shared.services.handling_times import officer_export

        c = self._container
        return officer_export(year, officer, statistics=c.statistics, clock=c.clock,
                              marker=c.name_marker, interests=c.declared_interests)

    def indicators(self, year: int, officer: Officer) -> ManagementIndicators:
        """The year's management indicators (handling times, clocks, reopened cases)."""
        from shared.services.handling_times import officer_indicators

        return officer_indicators(year, officer, statistics=self._container.statistics,
                                  clock=self._container.clock)

    def record_report(self, form: str, data: Mapping[str, Any], *, channel: str,
                      received_on: date, officer: Officer,
                      idempotency_key: str | None) -> Acknowledgement:
        """Record a report an officer took on the reporter's behalf (its sealer and
        signer are built only when a report is recorded)."""
        from shared.services.proxy_intake import record_report

        c = self._container
        return record_report(form, data, channel=channel, received_on=received_on,
                             officer=officer, idempotency_key=idempotency_key,
                             store=c.store, queue=c.queue, sealer=c.sealer,
                             digests=c.replay_digests, clock=c.clock,
                             receipt_window=c.replay_receipt_window, signer=c.proof_signer,
                             record_window=c.replay_record_window)

    def assignable(self) -> list[Officer]:
        """The directory's officers who may be given cases (each case still refuses an
        officer it names), by name."""
        from shared.domain.officers import ETHICS_OFFICER

        return sorted((o for o in self._officers.values() if o.has_role(ETHICS_OFFICER)),
                      key=lambda o: (o.name.casefold(), o.email))


class FollowUpDesk:
    """The submitter's follow-up (``shared.services.follow_up``), wired."""

    def __init__(self, c: Container) -> None:
        from shared.services import follow_up

        store, follow_ups, cipher, queue, clock = (c.store, c.follow_up, c.cipher, c.queue,
                                                   c.clock)
        # The endpoint names the client (its network); the per-client counters of its
        # receipt checks are the rate limiter's.
        self.open_case = partial(follow_up.open_case, clients=c.rate_limiter, store=store,
                                 follow_up=follow_ups, cipher=cipher, queue=queue,
                                 clock=clock, lock_for=c.follow_up_lock, policy=c.policy)
        self.read_case = partial(follow_up.read_case, store=store, follow_up=follow_ups,
                                 cipher=cipher, queue=queue, clock=clock, policy=c.policy)
        self._add_message = _rekeying(c)(partial(
            follow_up.add_message, store=store, follow_up=follow_ups, cipher=cipher,
            queue=queue, clock=clock, policy=c.policy))
        self.review_record = _rekeying(c)(partial(
            follow_up.review_record, store=store, follow_up=follow_ups, cipher=cipher,
            queue=queue, clock=clock, policy=c.policy))
        self._c = c

    def add_message(self, reference: str, text: str, message_id: str, *,
                    evidence: tuple[Prepared, ...] = ()) -> AddedMessage:
        """Add the submitter's text, and files already checked and cleaned, to a case."""
        blobs = self._c.evidence_blobs if evidence else None  # reached only with files
        return self._add_message(reference, text, message_id, evidence=evidence, blobs=blobs)


class UseCases:
    """The use cases of one process, each wired with its ports on first use.

    Endpoints call these and never see a port; what they read of the configuration is
    ``settings`` and the ``policy`` time limits built from it. Tests build them over a
    ``Container`` of fakes of our ports.
    """

    def __init__(self, container: Container) -> None:
        self._c = container
        self.settings = container.settings
        self.policy = container.policy

    def now(self) -> datetime:
        return self._c.clock.now()

    @cached_property
    def forms_secret(self) -> str:
        """Signs the forms' anti-forgery tokens and the state pages keep in the browser."""
        return self._c.forms_secret

    @cached_property
    def receive_submission(self) -> Callable[..., Acknowledgement]:
        from shared.services.receive import receive_submission

        c = self._c
        bound = partial(receive_submission, store=c.store, queue=c.queue, sealer=c.sealer,
                        digests=c.replay_digests, clock=c.clock,
                        receipt_window=c.replay_receipt_window, signer=c.proof_signer,
                        record_window=c.replay_record_window)

        def receive(form: FormSpec, data: Mapping[str, object], *,
                    idempotency_key: str | None, submitted: bytes | None = None,
                    evidence: tuple[Prepared, ...] = ()) -> Acknowledgement:
            # The store of files is built only for a post that attaches some.
            blobs = c.evidence_blobs if evidence else None
            return bound(form, data, idempotency_key=idempotency_key, submitted=submitted,
                         evidence=evidence, blobs=blobs)

        return receive

    @cached_property
    def prepare_evidence(self) -> Callable[..., list[Prepared]]:
        """Check, scan and clean uploaded files (``shared.services.evidence.prepare``)."""
        from shared.services.evidence import prepare

        c = self._c
        return lambda uploads: prepare(uploads, limits=c.evidence_limits, cleaner=c.cleaner,
                                       scanner=c.scanner)

    @property
    def evidence_limits(self) -> EvidenceLimits:
        return self._c.evidence_limits

    @property
    def uploads_offered(self) -> bool:
        """Whether files may come through V4 signed URLs (``POST /uploads``)."""
        return bool(self._c.evidence_limits.max_files) and \
            self._c.incoming_uploads is not None

    def offer_upload(self, name: str, size: int, media_type: str) -> SignedUpload:
        """A signed URL for one file (``shared.services.evidence.offer_upload``)."""
        from shared.services.evidence import offer_upload

        c = self._c
        assert c.incoming_uploads is not None
        return offer_upload(name, size, media_type, limits=c.evidence_limits,
                            incoming=c.incoming_uploads,
                            valid_for=timedelta(minutes=c.settings.evidence.upload_minutes))

    def take_in_uploads(self, references: Sequence[tuple[str, str]], *,
                        first_index: int = 0) -> list[Upload]:
        """The files uploaded through signed URLs, read back to be checked like any other
        (``shared.services.evidence.take_in``)."""
        from shared.services.evidence import take_in

        c = self._c
        assert c.incoming_uploads is not None
        return take_in(references, limits=c.evidence_limits, incoming=c.incoming_uploads,
                       first_index=first_index)

    def published_keys(self) -> list[PublishedKey]:
        """The public keys of the proofs of submission, with their validity, oldest first."""
        return list(self._c.proof_signer.published_keys())

    def check_proof(self, text: str, content: bytes | None = None, *,
                    files: Sequence[bytes] = (),
                    keys: Sequence[PublishedKey] | None = None) -> ProofCheck:
        """Check a proof (and the submitter's copies of what they sent: the document and
        attached files) against ``keys`` (default: the published keys of the configured
        signer): nothing stored is read."""
        from shared.services.proofs import check_proof

        return check_proof(text, self.published_keys() if keys is None else keys,
                           self._c.signature_checker, content=content, files=files)

    def submitted(self, form: FormSpec, idempotency_key: str) -> bool:
        """Whether a submission of ``form`` was made with this idempotency key."""
        from shared.services.receive import submission_id_for

        submission_id = submission_id_for(form, idempotency_key)
        return self._c.store.get_submission(submission_id) is not None

    def count_post(self, bucket: str, client: str, *, allowance: int = 1) -> float | None:
        """Count a client's post of one kind: the seconds to wait if it made too many
        (``allowance`` times the limit), else None."""
        return self._c.rate_limiter.hit(bucket, client, self._c.clock.now(),
                                        allowance=allowance)

    @cached_property
    def triage(self) -> partial[TriageOutcome]:
        from shared.services.triage import triage_submission

        c = self._c
        return partial(triage_submission, store=c.store, queue=c.queue, clock=c.clock,
                       policy=c.policy, cipher=c.cipher, marker=c.name_marker)

    @cached_property
    def forward(self) -> partial[ForwardOutcome]:
        from shared.services.forward import forward_case

        c = self._c
        return partial(forward_case, store=c.store, follow_up=lambda: c.follow_up,
                       gateway=c.gateway, cipher=c.cipher, queue=c.queue, clock=c.clock,
                       max_attempts=c.settings.forward_max_attempts,
                       blobs=lambda: c.evidence_blobs)

    @cached_property
    def notify(self) -> partial[str]:
        from shared.services.notify import send_notification

        c = self._c
        return partial(send_notification, store=c.store, cipher=c.cipher, queue=c.queue,
                       notifier=c.notifier, clock=c.clock, mail=c.mail, ledger=c.mail_ledger,
                       limits=c.send_limits, officers=c.officers, marker=c.name_marker,
                       interests=c.declared_interests, policy=c.policy)

    @cached_property
    def sweep(self) -> partial[SweepReport]:
        from shared.services.disclosure import queue_reminders
        from shared.services.sweep import Shredding, sweep

        c = self._c
        keys = c.retention_keys
        shredding = None if keys is None else Shredding(c.sealed_records, c.cipher, keys)
        return partial(sweep, store=c.store, queue=c.queue, clock=c.clock,
                       grace=c.sweep_grace, batch=c.settings.sweep_batch,
                       reminders=lambda: queue_reminders(
                           store=c.disclosure_store, clock=c.clock,
                           settings=c.programme_settings, queue=c.queue),
                       shredding=shredding, follow_up=c.follow_up,
                       blobs=c.evidence_blobs if c.evidence_limits.max_files else None)

    @cached_property
    def disclosure_reminder(self) -> partial[str]:
        """Sends one reminder of the disclosure programme (the notify function)."""
        from shared.services.disclosure import ReminderMail, send_reminder

        c = self._c
        s = c.settings
        return partial(send_reminder, mail=ReminderMail(
            store=c.disclosure_store, clock=c.clock, notifier=c.notifier,
            settings=c.programme_settings, filer_url=s.forms.declarations_url,
            ethics_office_mailbox=s.ethics_office_mailbox))

    def sweep_files(self) -> FilesSweep | None:
        """Remove stored files no case refers to (``shared.services.evidence.sweep_files``);
        None where attachments are not accepted."""
        from shared.services.evidence import sweep_files

        c = self._c
        if not c.evidence_limits.max_files:
            return None
        return sweep_files(store=c.store, blobs=c.evidence_blobs, incoming=c.incoming_uploads,
                           now=c.clock.now(), grace=c.sweep_grace,
                           incoming_grace=max(c.sweep_grace, c.replay_receipt_window))

    def task_caller(self, function: str, token: str) -> TokenIdentity:
        """Who a bearer token sent to the task target ``function`` proves to be."""
        return self._c.task_verifier(function).verify(token)

    def officer(self, authorization: str | None) -> Officer:
        """The officer an ``Authorization`` header signs in."""
        from shared.auth import authenticate

        return authenticate(authorization, self._c.verifier, self._c.officers)

    def officer_named(self, email: str) -> Officer | None:
        """The officer of the directory with this (normalised) address."""
        return self._c.officers.get(email)

    @cached_property
    def cases(self) -> OfficerDesk:
        return OfficerDesk(self._c)

    @cached_property
    def follow_up(self) -> FollowUpDesk:
        return FollowUpDesk(self._c)

    # --- The officers' web console ---

    @cached_property
    def console_sign_in(self) -> IapSignIn | DevelopmentSignIn:
        """Who a console request comes from: Identity-Aware Proxy's assertion, or (local
        work only) the development sign-in's choice of the directory's officers."""
        return self._c.console_sign_in

    @cached_property
    def filer_sign_in(self) -> IapFilerSignIn | DevelopmentFilerSignIn | None:
        """Who a declaration page's request comes from (the ``forms`` function)."""
        return self._c.filer_sign_in

    @cached_property
    def console_secret(self) -> str:
        """Signs the console's session cookie and anti-forgery tokens."""
        return self._c.console_secret

    @cached_property
    def disclosure(self) -> Programme:
        """The financial disclosure programme (``shared.services.disclosure``)."""
        return self._c.programme

    def identity(self, authorization: str | None) -> str:
        """The (normalised) address a bearer token proves: a filer, a head of unit or an
        officer, whom the programme's use cases tell apart."""
        from shared.auth import bearer_token

        return self._c.verifier.verify(bearer_token(authorization)).email

    @cached_property
    def log_service(self) -> partial[LoggedService]:
        from shared.services.service_log import log_service

        return partial(log_service, store=self._c.statistics, clock=self._c.clock)


def _programme_settings(s: Settings) -> ProgrammeSettings:
    from shared.domain.disclosure import DisclosureError, parse_settings

    try:
        return parse_settings(s.disclosure_json)
    except DisclosureError as error:
        raise config.ConfigError(f"INTAKE_DISCLOSURE: {error}") from None


def _declared_counterparts(c: Container, email: str) -> Sequence[str]:
    from shared.services.disclosure import declared_counterparts

    return declared_counterparts(c.disclosure_store, c.cipher, email)


def _programme(c: Container) -> Programme:
    from shared.services.disclosure import Programme

    return Programme(store=c.disclosure_store, cipher=c.cipher, clock=c.clock,
                     queue=c.queue, settings=c.programme_settings, officers=c.officers,
                     filer_url=c.settings.forms.declarations_url)


def _system_clock() -> Clock:
    from shared.adapters.clock import SystemClock
    return SystemClock()


class Storage(Protocol):
    """A backend's storage: one database object, and the adapter of each storage port on it
    (each built on first use, so a function imports only the adapters its path needs)."""

    def store(self) -> IntakeStore: ...

    def follow_up(self) -> FollowUpStore: ...

    def statistics(self) -> StatisticsStore: ...

    def mail_ledger(self) -> MailLedger: ...

    def sealed_records(self) -> SealedRecords: ...

    def disclosure_records(self) -> DisclosureStore: ...


class SqliteStorage:
    """The embedded backend: one SQLite file."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def store(self) -> IntakeStore:
        from shared.adapters.sqlite_store import SqliteStore
        return SqliteStore(self.database)

    def follow_up(self) -> FollowUpStore:
        from shared.adapters.sqlite_followup import SqliteFollowUpStore
        return SqliteFollowUpStore(self.database)

    def statistics(self) -> StatisticsStore:
        from shared.adapters.sqlite_statistics import SqliteStatistics
        return SqliteStatistics(self.database)

    def mail_ledger(self) -> MailLedger:
        from shared.adapters.sqlite_mail import SqliteMailLedger
        return SqliteMailLedger(self.database)

    def sealed_records(self) -> SealedRecords:
        from shared.adapters.sqlite_sealed import SqliteSealedRecords
        return SqliteSealedRecords(self.database)

    def disclosure_records(self) -> DisclosureStore:
        from shared.adapters.sqlite_disclosure import SqliteDisclosureStore
        return SqliteDisclosureStore(self.database)


class FirestoreStorage:
    """The gcp backend: one Firestore database."""

    def __init__(self, database: FirestoreDatabase) -> None:
        self.database = database

    def store(self) -> IntakeStore:
        from shared.adapters.firestore_store import FirestoreStore
        return FirestoreStore(self.database)

    def follow_up(self) -> FollowUpStore:
        from shared.adapters.firestore_followup import FirestoreFollowUpStore
        return FirestoreFollowUpStore(self.database)

    def statistics(self) -> StatisticsStore:
        from shared.adapters.firestore_statistics import FirestoreStatistics
        return FirestoreStatistics(self.database)

    def mail_ledger(self) -> MailLedger:
        from shared.adapters.firestore_mail import FirestoreMailLedger
        return FirestoreMailLedger(self.database)

    def sealed_records(self) -> SealedRecords:
        from shared.adapters.firestore_sealed import FirestoreSealedRecords
        return FirestoreSealedRecords(self.database)

    def disclosure_records(self) -> DisclosureStore:
        from shared.adapters.firestore_disclosure import FirestoreDisclosureStore
        return FirestoreDisclosureStore(self.database)


def _storage(s: Settings) -> Storage:
    """The one backend switch of storage: the backend's database, then its adapters."""
    if s.backend == "embedded":
        from shared.adapters.sqlite_database import SqliteDatabase
        return SqliteStorage(SqliteDatabase(s.data_dir / "intake.sqlite3",
                                            timeout=s.store_timeout))
    from shared.adapters.firestore_database import FirestoreDatabase
    return FirestoreStorage(FirestoreDatabase.connect(s.project, s.firestore_database,
                                                      timeout=s.store_timeout))


def _scanner(s: Settings) -> Scanner | None:
    if not s.evidence.clamd:
        _log.warning("no malware scanner is configured (INTAKE_CLAMD): attached files are "
                     "accepted unscanned and marked not_scanned",
                     extra={"event": "scanner_not_configured"})
        return None
    from shared.adapters.clamd_scanner import ClamdScanner
    return ClamdScanner(s.evidence.clamd)


def _cleaner() -> MetadataCleaner:
    from shared.adapters.metadata_cleaner import LibraryCleaner
    return LibraryCleaner()


def _evidence_blobs(s: Settings) -> EvidenceBlobs:
    if s.backend == "embedded" and not s.evidence.bucket:
        from shared.adapters.local_evidence import LocalEvidenceBlobs
        return LocalEvidenceBlobs(s.data_dir / "evidence")
    if not s.evidence.bucket:
        raise config.ConfigError("INTAKE_EVIDENCE_BUCKET must be set to accept attachments "
                                 "on gcp")
    from shared.adapters.gcs_evidence import GcsEvidenceBlobs
    return GcsEvidenceBlobs.connect(s.project, s.evidence.bucket,
                                    emulator_host=s.evidence.storage_emulator_host,
                                    timeout=s.store_timeout)


def _incoming_uploads(s: Settings) -> IncomingUploads | None:
    if not s.evidence.upload_bucket:
        return None
    from shared.adapters.gcs_incoming import GcsIncomingUploads
    return GcsIncomingUploads.connect(s.project, s.evidence.upload_bucket,
                                      emulator_host=s.evidence.storage_emulator_host,
                                      timeout=s.store_timeout)


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


def _key_service(s: Settings, kms_key: str, key_file: Path) -> KeyService:
    if kms_key:
        from shared.adapters.kms_keys import KmsKeyService
        return KmsKeyService.connect(kms_key, emulator_host=s.kms_emulator_host,
                                     timeout=s.store_timeout)
    from shared.adapters.local_keys import LocalKeyService
    return LocalKeyService.from_file(key_file, create=s.backend == "embedded")


def _proof_signer(s: Settings, clock: Clock) -> ProofSigner:
    if s.sealing.proof_kms_key:
        from shared.adapters.kms_proof_signer import KmsProofSigner
        return KmsProofSigner.connect(s.sealing.proof_kms_key,
                                      emulator_host=s.kms_emulator_host,
                                      timeout=s.store_timeout)
    from shared.adapters.proof_keys import LocalProofSigner
    # A new key ring signs from now on the container's clock (the time proofs state).
    return LocalProofSigner(s.sealing.proof_key_file, create=s.backend == "embedded",
                            now=clock.now())


def _case_keys(s: Settings) -> KeyService:
    return _key_service(s, s.kms_key, s.key_file)


def _message_keys(s: Settings) -> KeyService:
    return _key_service(s, s.sealing.messages_kms_key, s.sealing.messages_key_file)


class _KeysOnFirstUse(Mapping[str, K]):
    """Key-encryption keys by purpose, each built when a value of that purpose is first
    sealed or opened; a purpose left out has no key here at all."""

    def __init__(self, builders: Mapping[str, Callable[[], K]]) -> None:
        self._builders = dict(builders)

    def __getitem__(self, purpose: str) -> K:
        return self._builders[purpose]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def _cipher(keys: Mapping[str, Callable[[], KeyService]],
            retention: RetentionKeys | None) -> PayloadCipher:
    from shared.adapters.envelope import EnvelopeCipher
    return EnvelopeCipher(_KeysOnFirstUse(keys), retention)


def _retention_keys(s: Settings) -> RetentionKeys | None:
    if s.sealing.retention_kms_key_ring:
        from shared.adapters.kms_keys import kms_client
        from shared.adapters.kms_retention_keys import KmsRetentionKeys
        rings = {CASES_KEY: s.sealing.retention_kms_key_ring,
                 MESSAGES_KEY: s.sealing.messages_retention_kms_key_ring}
        return KmsRetentionKeys(kms_client(s.kms_emulator_host), rings,
                                protection_level=s.sealing.retention_kms_protection_level,
                                timeout=s.store_timeout)
    if s.backend != "embedded":
        return None
    from shared.adapters.local_retention_keys import LocalRetentionKeys
    return LocalRetentionKeys(s.data_dir / "keys" / "retention")


def _sealer(keys: Mapping[str, Callable[[], KeyWrapper]]) -> PayloadSealer:
    from shared.adapters.envelope import EnvelopeSealer
    return EnvelopeSealer(_KeysOnFirstUse(keys))


def _replay_digests(s: Settings) -> ReplayDigests:
    from shared.adapters.replay_hmac import HmacReplayDigests
    return HmacReplayDigests(_deployment_secret(
        s, s.sealing.replay_hmac_secret, "INTAKE_REPLAY_HMAC_SECRET", "replay-hmac.key").encode())


def _verifier(s: Settings) -> TokenVerifier:
    from shared.adapters.google_id_tokens import GoogleIdTokenVerifier

    if s.dev_auth:
        return _dev_tokens(s)
    return GoogleIdTokenVerifier(s.auth_audience)


def metadata_server(s: Settings) -> str | None:
    """Where Google's metadata server answers, if it does (replaceable in tests)."""
    from shared.auth import metadata_server_answers

    return metadata_server_answers(s.access.metadata_hosts)


def _metadata_once(s: Settings) -> Callable[[], str | None]:
    """``metadata_server(s)``, asked at most once however many checks want it."""
    answers: list[str | None] = []

    def ask() -> str | None:
        if not answers:
            answers.append(metadata_server(s))
        return answers[0]

    return ask


def google_cloud_signs(s: Settings, environ: Mapping[str, str],
                       metadata: Callable[[], str | None] | None = None) -> list[str]:
    """Why this process is taken to run on Google Cloud ([] if nothing shows it): the one
    place that decides it, for every switch that is for local work only. A runtime
    variable, else a metadata server that answers (``metadata``: how to ask for it)."""
    from shared.auth import google_cloud_signs as signs

    return signs(environ, metadata or (lambda: metadata_server(s)))


def refuse_unsafe_dev_tokens(s: Settings, environ: Mapping[str, str],
                             metadata: Callable[[], str | None] | None = None) -> None:
    """ConfigError, with a log line saying why, when development tokens are switched on
    where they must not be accepted: nothing starts."""
    from shared.auth import dev_token_refusals

    reasons = dev_token_refusals(backend=s.backend, kms_key=s.kms_key, environ=environ,
                                 metadata_server=metadata or (lambda: metadata_server(s)))
    if reasons:
        message = ("INTAKE_DEV_AUTH=true, but development tokens are accepted only for local "
                   f"work, and here {'; '.join(reasons)}: nothing starts. Switch "
                   "INTAKE_DEV_AUTH off; officers sign in with Google.")
        _log.critical(message, extra={"event": "dev_tokens_refused"})
        raise config.ConfigError(message)


def refuse_open_task_targets(s: Settings, environ: Mapping[str, str],
                             metadata: Callable[[], str | None] | None = None) -> None:
    """ConfigError when ``INTAKE_TASK_AUTH=none`` (the local runner and the emulators
    only) is set where the process runs on Google Cloud: nothing starts."""
    if s.task_auth.mode != "none":
        return
    signs = google_cloud_signs(s, environ, metadata)
    if signs:
        message = ("INTAKE_TASK_AUTH=none lets anyone run the task targets, but here "
                   f"{'; '.join(signs)}: nothing starts. Use oidc with INTAKE_TASK_CALLERS.")
        _log.critical(message, extra={"event": "open_task_targets_refused"})
        raise config.ConfigError(message)


def refuse_loopback_referrals(s: Settings, environ: Mapping[str, str],
                              metadata: Callable[[], str | None] | None = None) -> None:
    """ConfigError when ``INTAKE_INVESTIGATIONS_LOOPBACK_HTTP`` (a local run against the
    emulators only) is set where the process runs on Google Cloud: nothing starts."""
    if not s.investigations_loopback_http:
        return
    signs = google_cloud_signs(s, environ, metadata)
    if signs:
        message = ("INTAKE_INVESTIGATIONS_LOOPBACK_HTTP=true lets referrals travel over plain "
                   f"HTTP, but here {'; '.join(signs)}: nothing starts. Referrals from Google "
                   "Cloud go to an https:// INTAKE_INVESTIGATIONS_URL.")
        _log.critical(message, extra={"event": "loopback_referrals_refused"})
        raise config.ConfigError(message)


def _dev_tokens(s: Settings) -> DevTokenVerifier:
    from shared.adapters.dev_tokens import DevTokenVerifier
    from shared.adapters.local_secrets import secret_from_file

    refuse_unsafe_dev_tokens(s, os.environ)
    secret = secret_from_file(s.data_dir / "keys" / "dev-tokens.secret", create=True)
    return DevTokenVerifier(secret, os.environ)


def _console_sign_in(s: Settings,
                     officers: Mapping[str, Officer]) -> IapSignIn | DevelopmentSignIn:
    from shared import auth
    from shared.adapters.iap_assertions import IapAssertionVerifier

    if s.dev_auth:
        refuse_unsafe_dev_tokens(s, os.environ)
        return auth.DevelopmentSignIn(officers, os.environ)
    if not s.console.iap_audience:
        raise config.ConfigError("INTAKE_IAP_AUDIENCE must be set on the console: officers "
                                 "sign in through Identity-Aware Proxy")
    return auth.IapSignIn(IapAssertionVerifier(s.console.iap_audience), officers)


def _filer_sign_in(s: Settings) -> IapFilerSignIn | DevelopmentFilerSignIn | None:
    from shared import auth
    from shared.adapters.iap_assertions import IapAssertionVerifier

    if s.dev_auth:
        refuse_unsafe_dev_tokens(s, os.environ)
        return auth.DevelopmentFilerSignIn(os.environ)
    if not s.forms.iap_audience:
        return None
    return auth.IapFilerSignIn(IapAssertionVerifier(s.forms.iap_audience))


def _name_marker(s: Settings) -> Marker:
    from shared.domain.recusal import Marker

    return Marker(_deployment_secret(s, s.access.name_index_secret,
                                     "INTAKE_NAME_INDEX_SECRET", "name-index.secret").encode())


def _deployment_secret(s: Settings, value: str, variable: str, file_name: str) -> str:
    """A secret of the deployment: the value of its variable. Left empty on the embedded
    backend, a random one kept in ``<data_dir>/keys/<file_name>`` (made on first use);
    anywhere else it is never invented on the fly."""
    if value:
        return value
    if s.backend != "embedded":
        raise config.ConfigError(f"{variable} must be set on this function")
    from shared.adapters.local_secrets import secret_from_file
    return secret_from_file(s.data_dir / "keys" / file_name, create=True)


def _forward_secret(s: Settings) -> bytes:
    return _deployment_secret(s, s.forward_hmac_secret, "INTAKE_FORWARD_HMAC_SECRET",
                              "forward-hmac.key").encode()


def _gateway(s: Settings, secret: bytes) -> InvestigationsGateway:
    from shared.adapters.investigations_http import HttpInvestigationsGateway
    if s.backend != "embedded":
        # The explicit variable is checked when the settings load; this catches the
        # default (the local reference receiver), which does not exist on Google Cloud.
        refusal = config.investigations_url_refusal(
            s.investigations_url, loopback_http=s.investigations_loopback_http)
        if refusal:
            raise config.ConfigError(refusal)
    return HttpInvestigationsGateway(s.investigations_url, secret, timeout=s.forward_timeout)


def _notifier(s: Settings) -> Notifier:
    if s.notifier == "outbox":
        from shared.adapters.outbox_notifier import OutboxNotifier
        return OutboxNotifier(s.data_dir / "outbox", s.mail_from)
    from shared.adapters.ses_notifier import SesNotifier
    return SesNotifier(s.mail_from, region=s.ses_region)


def _send_limits(s: Settings) -> SendLimits:
    from shared.domain.mail_limits import SendLimits

    limits = s.mail_limits
    secret = _deployment_secret(s, limits.secret, "INTAKE_MAIL_THROTTLE_SECRET",
                                "mail-throttle.key")
    return SendLimits(per_recipient=limits.per_recipient, total=limits.total,
                      window_seconds=limits.window_seconds, secret=secret.encode())


# --- Public web forms and follow-up ---

def _rate_limiter(s: Settings) -> RateLimiter:
    from shared.adapters.instance_rate_limiter import InstanceRateLimiter
    return InstanceRateLimiter(s.forms.rate_limit, s.forms.rate_window_seconds)


def _forms_secret(s: Settings) -> str:
    return _deployment_secret(s, s.forms.secret, "INTAKE_FORMS_SECRET", "forms.secret")


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
                # Local-only switches refuse to start where Google Cloud is in sight; the
                # metadata server is asked once for all of them.
                metadata = _metadata_once(settings)
                if settings.dev_auth:
                    refuse_unsafe_dev_tokens(settings, os.environ, metadata)
                refuse_open_task_targets(settings, os.environ, metadata)
                refuse_loopback_referrals(settings, os.environ, metadata)
                _current = Container(settings)
    return _current


def use_cases() -> UseCases:
    """The process's use cases, built once on first use (functions/ injects this into
    their endpoints)."""
    return container().use_cases


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
