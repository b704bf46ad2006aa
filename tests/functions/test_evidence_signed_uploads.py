"""Larger files through V4 signed URLs, against the Cloud Storage emulator: the submit
function signs a PUT of one file of one exact size to a private bucket, the client uploads
there, and the submission that names the upload takes it in through the same checks,
cleaning, scanning and sealing as a multipart file. Nothing that was not checked reaches an
officer, and nothing of a refused file is kept."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.test import TestResponse

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.domain.records import CaseQuery
from tests.support import evidence_files as files
from tests.support.harness import Harness, function_app
from tests.support.payloads import payload

SIGNER = "intake-submit@test-project.iam.gserviceaccount.com"
OFFICERS = json.dumps({"alice@example.org": {"name": "Alice Officer",
                                             "roles": ["ethics_officer"]}})


def signing_credentials() -> Any:
    """A service account key of the test's own (no key is downloaded from anywhere)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.oauth2 import service_account

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return service_account.Credentials.from_service_account_info({  # type: ignore[no-untyped-call]
        "type": "service_account", "client_email": SIGNER, "private_key": pem,
        "private_key_id": "test", "token_uri": "https://oauth2.googleapis.com/token",
        "project_id": "test-project"})


def incoming_bucket() -> tuple[Any, str]:
    from shared.adapters.gcs_incoming import GcsIncomingUploads
    from tests.conftest import require_emulator
    from tests.contract.test_evidence_blobs_contract import gcs_bucket

    host = require_emulator("STORAGE_EMULATOR_HOST")
    bucket = gcs_bucket(host)
    return GcsIncomingUploads.connect("test", bucket, emulator_host=host,
                                      signing_credentials=signing_credentials()), bucket


def build(tmp_path: Path, **settings: str) -> Harness:
    incoming, bucket = incoming_bucket()
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                         components={"incoming_uploads": incoming},
                         INTAKE_DEV_AUTH="true", INTAKE_OFFICERS=OFFICERS,
                         INTAKE_EVIDENCE_UPLOAD_BUCKET=bucket, **settings)


@pytest.fixture
def office(tmp_path: Path) -> Harness:
    return build(tmp_path)


def post(h: Harness, path: str, body: Any, form: str = "misconduct") -> TestResponse:
    with bootstrap.using(h.container):
        response: TestResponse = function_app(f"submit_{form}").test_client().post(
            path, data=json.dumps(body), content_type="application/json")
    return response


def ask(h: Harness, name: str, size: int, media_type: str = "") -> TestResponse:
    return post(h, "/uploads", {"name": name, "size": size, "media_type": media_type})


def put(offer: dict[str, Any], data: bytes) -> int:
    """The client's upload, as any HTTP client sends it: the signed URL, its headers."""
    request = urllib.request.Request(offer["url"], data=data, method=offer["method"],
                                      headers=offer["headers"])
    with urllib.request.urlopen(request, timeout=10) as answer:
        return int(answer.status)


def uploaded(h: Harness, name: str, data: bytes, media_type: str = "") -> str:
    response = ask(h, name, len(data), media_type)
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert put(offer, data) == 200
    return str(offer["upload_id"])


def submit(h: Harness, uploads: list[dict[str, str]], form: str = "misconduct") -> TestResponse:
    return post(h, "/", {**payload(form), "evidence_uploads": uploads}, form)


def officer_get(h: Harness, path: str) -> TestResponse:
    token = h.container.dev_tokens.mint("alice@example.org")
    with bootstrap.using(h.container):
        response: TestResponse = function_app("cases").test_client().get(
            path, headers={"Authorization": f"Bearer {token}"})
    return response


def sealed_objects(h: Harness) -> list[str]:
    return h.container.evidence_blobs.names()


def nothing_stored(h: Harness) -> None:
    assert h.store.list_cases(CaseQuery(limit=5)) == []
    assert sealed_objects(h) == []


def test_the_url_is_v4_signed_for_one_put_of_one_size_and_type(office: Harness) -> None:
    response = ask(office, "photo-1.jpg", 48211, "image/jpeg")
    assert response.status_code == 201, response.get_json()
    offer = response.get_json()
    assert offer["method"] == "PUT"
    assert offer["headers"] == {"Content-Type": "image/jpeg",
                                "x-goog-content-length-range": "48211,48211"}
    url = urlsplit(offer["url"])
    assert url.path.endswith(f"/incoming/{offer['upload_id']}")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
    assert query["X-Goog-Credential"].startswith(f"{SIGNER}/")
    assert query["X-Goog-Expires"] == "900"  # INTAKE_EVIDENCE_UPLOAD_MINUTES, 15
    assert set(query["X-Goog-SignedHeaders"].split(";")) == {
        "content-type", "host", "x-goog-content-length-range"}
    assert len(query["X-Goog-Signature"]) == 512  # 2048-bit RSA, hex
    assert offer["expires_at"].endswith("+00:00")


def test_an_uploaded_photo_is_checked_cleaned_and_sealed_before_anyone_reads_it(
        office: Harness) -> None:
    photo = files.jpeg_with_gps()
    upload = uploaded(office, "photo-1.jpg", photo, "image/jpeg")
    response = submit(office, [{"upload_id": upload, "name": "photo-1.jpg"}])
    assert response.status_code == 201, response.get_json()
    [told] = response.get_json()["attachments"]
    assert told["removed"] == ["location", "camera", "image_details"]
    assert told["message"].startswith("We removed location, camera details and other "
                                      "photo details from photo-1.jpg.")
    reference = response.get_json()["reference"]
    listed = officer_get(office, f"/{reference}/attachments").get_json()["attachments"]
    [attachment] = listed
    cleaned = officer_get(office, f"/{reference}/attachments/{attachment['attachment_id']}")
    assert cleaned.status_code == 200
    assert files.CAMERA_SERIAL.encode() not in cleaned.data and cleaned.data != photo
    # Officers read only the sealed copies: the bucket of the case holds ciphertext.
    for name in sealed_objects(office):
        assert files.CAMERA_SERIAL.encode() not in office.container.evidence_blobs.get(name)


def test_files_in_the_body_and_uploaded_ones_count_together(tmp_path: Path) -> None:
    h = build(tmp_path, INTAKE_EVIDENCE_MAX_FILES="2")
    uploads = [{"upload_id": uploaded(h, f"n{i}.txt", b"a note\n"), "name": f"n{i}.txt"}
               for i in range(3)]
    response = submit(h, uploads)
    assert response.status_code == 422
    assert "evidence_uploads" in response.get_json()["errors"]
    nothing_stored(h)


def test_a_file_over_the_limit_is_refused_before_any_url_is_signed(office: Harness) -> None:
    limit = office.container.settings.evidence.max_file_bytes
    response = ask(office, "video.mp4", limit + 1, "video/mp4")
    assert response.status_code == 413
    assert response.get_json()["errors"] == {
        "evidence.0": ["video.mp4: A file may be at most 10 MiB."]}


def test_more_bytes_than_were_signed_for_are_refused_when_taken_in(tmp_path: Path) -> None:
    # The emulator does not check the signed length; the bucket does, and so do we.
    h = build(tmp_path, INTAKE_EVIDENCE_MAX_FILE_BYTES="4096")
    response = ask(h, "notes.txt", 100, "text/plain")
    offer = response.get_json()
    assert put(offer, b"x" * 5000) == 200
    refused = submit(h, [{"upload_id": offer["upload_id"], "name": "notes.txt"}])
    assert refused.status_code == 413
    assert refused.get_json()["errors"] == {
        "evidence.0": ["notes.txt: A file may be at most 0.00390625 MiB."]}
    nothing_stored(h)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("statement.pdf", files.png_image(), "type_mismatch"),
    ("eicar.txt", b"MZ\x90\x00" + b"\x00" * 60, "type_not_allowed"),
])
def test_a_refused_upload_stores_nothing(office: Harness, name: str, data: bytes,
                                         reason: str) -> None:
    upload = uploaded(office, name, data)
    response = submit(office, [{"upload_id": upload, "name": name}])
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["errors"]["evidence.0"]
    assert message.startswith(f"{name}: ")
    nothing_stored(office)


def test_an_upload_never_made_is_named(office: Harness) -> None:
    never = "0" * 32
    response = submit(office, [{"upload_id": never, "name": "ghost.pdf"}])
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["evidence.0"]
    assert message.startswith("ghost.pdf: Nothing was uploaded under this upload id")
    nothing_stored(office)


@pytest.mark.parametrize(("uploads", "field"), [
    ("not a list", "evidence_uploads"),
    ([["a", "b"]], "evidence_uploads.0"),
    ([{"upload_id": "../../etc/passwd", "name": "x.txt"}], "evidence_uploads.0"),
    ([{"upload_id": "a" * 32, "name": "x.txt", "extra": 1}], "evidence_uploads.0"),
    ([{"upload_id": "a" * 32, "name": "x.txt"}, {"upload_id": "a" * 32, "name": "y.txt"}],
     "evidence_uploads"),
])
def test_a_malformed_list_of_uploads_is_a_422_naming_it(office: Harness, uploads: Any,
                                                        field: str) -> None:
    response = submit(office, uploads)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    nothing_stored(office)


@pytest.mark.parametrize("body", [{}, {"name": "a.txt"}, {"name": "a.txt", "size": 0},
                                  {"name": "a.txt", "size": "ten"},
                                  {"name": "a\u202e.txt", "size": 10},
                                  {"name": "a.txt", "size": 10, "bucket": "other"}])
def test_a_bad_upload_request_is_a_4xx(office: Harness, body: dict[str, Any]) -> None:
    response = post(office, "/uploads", body)
    assert 400 <= response.status_code < 500, response.get_json()
    assert response.get_json()["errors"]


def test_where_signed_uploads_are_not_offered_they_are_refused(tmp_path: Path) -> None:
    h = Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"))
    assert ask(h, "a.txt", 10).status_code == 404
    response = submit(h, [{"upload_id": "a" * 32, "name": "a.txt"}])
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "evidence_uploads": ["Signed uploads are not offered here."]}
    nothing_stored(h)
