"""The whole path on the real emulators: a submission over HTTP to the local runner's app,
stored in the Firestore emulator, queued on the Cloud Tasks emulator, dispatched by it over
HTTP to the triage function, and triaged in Firestore."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap, config
from shared.bootstrap import Container
from shared.devserver import build_app
from tests.conftest import KmsServer, require_emulator
from tests.support.emulators import new_queue, serving
from tests.support.payloads import MISCONDUCT_ANONYMOUS, payload
from tests.support.receiver import new_receiver
from tests.support.sealing import opened_submission
from tests.support.sweep import sweep_answer


@pytest.fixture
def gcp_container(tmp_path: Path, kms_server: KmsServer) -> Iterator[tuple[Container, str]]:
    firestore_host = require_emulator("FIRESTORE_EMULATOR_HOST")
    tasks_host = require_emulator("CLOUD_TASKS_EMULATOR_HOST")
    project = f"test-{uuid.uuid4().hex[:12]}"
    from shared.adapters.cloud_tasks_queue import CloudTasksQueue

    client = CloudTasksQueue.client(tasks_host)
    queues = {variable: new_queue(client, project=project) for variable in (
        "INTAKE_TRIAGE_QUEUE", "INTAKE_FORWARD_QUEUE", "INTAKE_URGENT_FORWARD_QUEUE",
        "INTAKE_NOTIFY_QUEUE")}
    secret = "integration-test-secret-0123456789abcdef"
    receiver = new_receiver(tmp_path, secret.encode())
    with serving(build_app(receiver=receiver)) as base_url:
        settings = config.load({
            "INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": project,
            "INTAKE_FORWARD_HMAC_SECRET": secret, "INTAKE_NOTIFIER": "outbox",
            "INTAKE_MAIL_THROTTLE_SECRET": "integration-mail-counters-0123456789abcdef",
            "INTAKE_NAME_INDEX_SECRET": "integration-name-index-secret-0123456789",
            "FIRESTORE_EMULATOR_HOST": firestore_host, "CLOUD_TASKS_EMULATOR_HOST": tasks_host,
            "INTAKE_FUNCTIONS_BASE_URL": base_url,
            "INTAKE_KEY_FILE": str(tmp_path / "kek"), "INTAKE_DATA_DIR": str(tmp_path),
            "INTAKE_MESSAGES_KEY_FILE": str(tmp_path / "messages.kek"),
            "INTAKE_REPLAY_HMAC_SECRET": "integration-replay-secret-0123456789abcdef",
            # Proofs are signed by a KMS asymmetric key, as deployed (our gRPC stand-in).
            "INTAKE_PROOF_KMS_KEY": kms_server.signing_key(),
            "INTAKE_KMS_EMULATOR_HOST": kms_server.host,
            # The emulator attaches no OIDC token: the one explicit way to run the task
            # targets open, refused where the process runs on Google Cloud.
            "INTAKE_TASK_AUTH": "none",
            **queues,
        })
        from shared.adapters.investigations_http import HttpInvestigationsGateway
        from shared.adapters.local_keys import LocalKeyService

        LocalKeyService.from_file(settings.key_file, create=True)
        LocalKeyService.from_file(settings.sealing.messages_key_file, create=True)
        # The reference receiver is served over plain HTTP on the loopback interface; the
        # gcp backend itself accepts only an https:// intake URL.
        gateway = HttpInvestigationsGateway(f"{base_url}/investigations_intake",
                                            secret.encode())
        with bootstrap.using(Container(settings, gateway=gateway)) as container:
            yield container, base_url


def post_json(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_a_submission_is_triaged_through_firestore_and_cloud_tasks(
        gcp_container: tuple[Container, str]) -> None:
    container, base_url = gcp_container
    status, answer = post_json(f"{base_url}/submit_retaliation", payload("retaliation"))
    assert status == 201
    reference = answer["reference"]
    # Signed by the KMS key, stored in Firestore with the submission, checked by its key.
    assert container.use_cases.check_proof(answer["proof"]).valid

    deadline = time.monotonic() + 30
    case = container.store.get_case(reference)
    while (case is None or case.triage is None) and time.monotonic() < deadline:
        time.sleep(0.2)
        case = container.store.get_case(reference)
    assert case is not None and case.triage is not None, "triage never arrived"
    assert case.triage.route == "preliminary_review"
    assert [e.kind for e in container.store.case_events(reference)] == ["received", "triaged"]
    # Triage stored the blind index of the people the complaint names, under the key.
    assert case.named_index is not None
    assert case.named_index.scheme == container.name_marker.scheme
    assert len(case.named_index.entries) == len(payload("retaliation")["retaliatory_acts"]) + 1
    submission = container.store.get_submission(case.submission_id)
    assert submission is not None
    stored = opened_submission(container.cipher, submission)
    assert stored["complainant"]["name"] == payload("retaliation")["complainant"]["name"]


def test_sweep_requeues_through_cloud_tasks(gcp_container: tuple[Container, str]) -> None:
    container, base_url = gcp_container
    from shared.services.receive import receive_submission
    from tests.support.fakes import RecordingQueue

    lost = RecordingQueue()  # the first enqueue goes nowhere: a lost task
    from schemas.advice import AdviceRequestSchema
    from shared.domain.forms import ADVICE

    ack = receive_submission(ADVICE, AdviceRequestSchema().load(payload("advice")),
                             idempotency_key=None, store=container.store, queue=lost,
                             sealer=container.sealer, digests=container.replay_digests,
                             clock=container.clock,
                             receipt_window=container.replay_receipt_window,
                             signer=container.proof_signer)
    status, report = post_json(f"{base_url}/sweep", {})
    # No evidence bucket here: nothing to say of stored files.
    assert (status, report) == (200, sweep_answer(files_swept=False))  # within the grace

    with bootstrap.using(Container(_with_grace_zero(container.settings), store=container.store,
                                   cipher=container.cipher)):
        status, report = post_json(f"{base_url}/sweep", {})
    assert (status, report) == (200, sweep_answer(requeued=1, files_swept=False))
    deadline = time.monotonic() + 30
    case = container.store.get_case(ack.reference)
    while (case is None or case.triage is None) and time.monotonic() < deadline:
        time.sleep(0.2)
        case = container.store.get_case(ack.reference)
    assert case is not None and case.triage is not None


def _with_grace_zero(settings: config.Settings) -> config.Settings:
    from dataclasses import replace

    return replace(settings, sweep_grace_seconds=0)


def wait_for(condition: Any, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("body", [payload("misconduct"), MISCONDUCT_ANONYMOUS],
                         ids=["normal", "urgent"])
def test_a_misconduct_report_is_referred_through_the_forward_queues(
        gcp_container: tuple[Container, str], body: dict[str, Any]) -> None:
    container, base_url = gcp_container
    status, answer = post_json(f"{base_url}/submit_misconduct", body)
    assert status == 201
    reference = answer["reference"]
    case = wait_for(lambda: (c := container.store.get_case(reference)) is not None
                    and c.state == "forwarded" and c)
    outbox = container.settings.data_dir / "outbox"
    wait_for(lambda: len(list(outbox.glob("*.eml"))) == (3 if body is not MISCONDUCT_ANONYMOUS
                                                         else 2))
    from reference_receiver.store import ReceiverStore

    [referral] = ReceiverStore(container.settings.data_dir / "investigations.sqlite3").referrals()
    assert referral.reference == reference and referral.deliveries == 1
    assert case.forwarding.investigations_case_id == referral.case_id
    assert referral.document["urgent"] is (body is MISCONDUCT_ANONYMOUS)
