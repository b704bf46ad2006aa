"""Evidence attachments end to end, in-process, with real files the tests make and a real
clamd: what reaches officers (the cleaned copy, through the cases API, recorded in the
history), what the reporter is told (in their language), and that nothing of a refused
file is stored."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from shared import bootstrap
from shared.adapters.sqlite_store import SqliteStore
from shared.domain import evidence as ev
from shared.domain.records import CaseQuery
from tests.support import evidence_files as files
from tests.support.harness import Harness, function_app
from tests.support.payloads import flatten, payload

OFFICERS = json.dumps({
    "alice@example.org": {"name": "Alice Officer", "roles": ["ethics_officer"]},
    "carol@example.org": {"name": "Carol Admin", "roles": ["ethics_officer", "ethics_admin"]},
})
ALICE, CAROL = "alice@example.org", "carol@example.org"


def build(tmp_path: Path, **settings: str) -> Harness:
    env: dict[str, Any] = {"INTAKE_DEV_AUTH": "true", "INTAKE_OFFICERS": OFFICERS, **settings}
    return Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"), **env)


@pytest.fixture
def office(tmp_path: Path) -> Harness:
    """No scanner configured: files are marked not scanned."""
    return build(tmp_path)


@pytest.fixture
def scanned(tmp_path: Path, clamd_address: str) -> Harness:
    return build(tmp_path, INTAKE_CLAMD=clamd_address)


def multipart(fields: dict[str, Any], attachments: list[tuple[str, bytes, str]],
              *, as_json: bool = True) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()

    def part(headers: str, body: bytes) -> None:
        out.write(f"--{boundary}\r\n{headers}\r\n\r\n".encode() + body + b"\r\n")

    if as_json:
        part('Content-Disposition: form-data; name="json"\r\nContent-Type: application/json',
             json.dumps(fields).encode())
    else:
        for name, value in fields.items():
            part(f'Content-Disposition: form-data; name="{name}"', str(value).encode())
    for name, data, content_type in attachments:
        part(f'Content-Disposition: form-data; name="evidence"; filename="{name}"\r\n'
             f"Content-Type: {content_type}", data)
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def submit(h: Harness, attachments: list[tuple[str, bytes, str]], *, form: str = "misconduct",
           headers: dict[str, str] | None = None) -> TestResponse:
    body, content_type = multipart(payload(form), attachments)
    return h.post(f"submit_{form}", raw=body, content_type=content_type,
                  headers=headers or {})


def officer_get(h: Harness, path: str, who: str = ALICE) -> TestResponse:
    token = h.container.dev_tokens.mint(who)
    with bootstrap.using(h.container):
        response: TestResponse = function_app("cases").test_client().get(
            path, headers={"Authorization": f"Bearer {token}"})
    return response


def officer_post(h: Harness, path: str, body: Any, who: str = CAROL) -> TestResponse:
    token = h.container.dev_tokens.mint(who)
    with bootstrap.using(h.container):
        response: TestResponse = function_app("cases").test_client().post(
            path, data=json.dumps(body), content_type="application/json",
            headers={"Authorization": f"Bearer {token}"})
    return response


def stored_objects(h: Harness) -> list[Path]:
    folder = h.container.settings.data_dir / "evidence"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def nothing_stored(h: Harness) -> None:
    assert h.store.list_cases(CaseQuery(limit=10)) == []
    assert stored_objects(h) == []


def accepted(h: Harness, attachments: list[tuple[str, bytes, str]],
             **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    response = submit(h, attachments, **kwargs)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    return answer["reference"], answer["attachments"]


def download(h: Harness, reference: str, index: int = 0) -> bytes:
    attachment_id = listed(h, reference)[index]["attachment_id"]
    response = officer_get(h, f"/{reference}/attachments/{attachment_id}")
    assert response.status_code == 200, response.get_json()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return bytes(response.data)


def listed(h: Harness, reference: str) -> list[dict[str, Any]]:
    response = officer_get(h, f"/{reference}/attachments")
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["attachments"])


def history_kinds(h: Harness, reference: str) -> list[tuple[str, dict[str, Any]]]:
    return [(e.kind, dict(e.details)) for e in h.store.case_events(reference)]


class TestWhatReachesOfficers:
    def test_a_photo_loses_its_location_and_camera_and_the_reporter_is_told(
            self, office: Harness) -> None:
        from PIL import Image

        original = files.jpeg_with_gps()
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS is there
        reference, told = accepted(office, [("photo-1.jpg", original, "image/jpeg")])
        assert told == [{
            "name": "photo-1.jpg", "status": "accepted", "scanned": False,
            "removed": ["location", "camera", "image_details"],
            "message": "We removed location, camera details and other photo details from "
                       "photo-1.jpg. photo-1.jpg was not checked for viruses: this service "
                       "has no virus scanner."}]
        cleaned = download(office, reference)
        image = Image.open(io.BytesIO(cleaned))
        assert image.format == "JPEG" and image.size == (64, 48)
        assert not image.getexif() and "comment" not in image.info
        assert files.CAMERA_SERIAL.encode() not in cleaned and b"TestCam" not in cleaned
        downloads = [d for kind, d in history_kinds(office, reference)
                     if kind == "attachment_downloaded"]
        assert downloads == [{"attachment_id": listed(office, reference)[0]["attachment_id"],
                              "copy": "cleaned"}]

    def test_a_pdf_loses_its_author_xmp_and_javascript(self, office: Harness) -> None:
        import pikepdf

        reference, told = accepted(office, [("report.pdf", files.pdf_with_author_and_xmp(),
                                             "application/pdf")])
        assert told[0]["removed"] == ["author", "document_properties", "scripts"]
        cleaned = download(office, reference)
        assert files.AUTHOR.encode() not in cleaned
        with pikepdf.open(io.BytesIO(cleaned)) as pdf:
            assert "/Info" not in pdf.trailer or not pdf.trailer.Info.keys()
            assert "/Metadata" not in pdf.Root and "/OpenAction" not in pdf.Root
            assert len(pdf.pages) == 1

    def test_a_docx_loses_its_author_comments_and_tracked_changes(
            self, office: Harness) -> None:
        reference, told = accepted(office, [(
            "notes.docx", files.docx_with_comments_and_changes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
        assert told[0]["removed"] == ["author", "document_properties", "comments",
                                      "tracked_changes"]
        cleaned = zipfile.ZipFile(io.BytesIO(download(office, reference)))
        names = cleaned.namelist()
        assert not [n for n in names if n.startswith("docProps/") or "comments" in n]
        everything = b"".join(cleaned.read(n) for n in names)
        for secret in (files.AUTHOR, files.EDITOR, files.COMMENT_TEXT, files.DELETED_TEXT,
                       "Ministry of Examples"):
            assert secret.encode() not in everything
        document = cleaned.read("word/document.xml").decode()
        assert files.INSERTED_TEXT in document and "commentReference" not in document
        assert "comments.xml" not in cleaned.read("word/_rels/document.xml.rels").decode()
        assert "docProps" not in cleaned.read("[Content_Types].xml").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in cleaned.infolist())

    def test_an_mp3_loses_its_tags(self, office: Harness) -> None:
        from mutagen.mp3 import MP3

        reference, told = accepted(office, [("meeting.mp3", files.mp3_with_tags(),
                                             "audio/mpeg")])
        assert told[0]["removed"] == ["tags"]
        cleaned = download(office, reference)
        assert files.AUTHOR.encode() not in cleaned and b"room 4" not in cleaned
        assert MP3(io.BytesIO(cleaned)).tags is None

    def test_the_store_holds_only_ciphertext(self, office: Harness) -> None:
        original = files.jpeg_with_gps()
        accepted(office, [("photo-1.jpg", original, "image/jpeg")])
        objects = stored_objects(office)
        assert len(objects) == 2  # the original and the cleaned copy
        for path in objects:
            content = path.read_bytes()
            assert original[100:200] not in content and b"photo-1" not in content
            assert path.stat().st_mode & 0o777 == 0o600

    def test_the_original_opens_only_for_an_administrator_with_a_reason(
            self, office: Harness) -> None:
        original = files.pdf_with_author_and_xmp()
        reference, _ = accepted(office, [("report.pdf", original, "application/pdf")])
        attachment_id = listed(office, reference)[0]["attachment_id"]
        path = f"/{reference}/attachments/{attachment_id}/original"
        assert officer_post(office, path, {"reason": "Checking"}, who=ALICE).status_code == 403
        refused = officer_post(office, path, {})
        assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
        response = officer_post(office, path, {"reason": "The investigator asked for it"})
        assert response.status_code == 200 and response.data == original
        [(_, details)] = [(k, d) for k, d in history_kinds(office, reference)
                          if k == "attachment_downloaded"]
        assert (details["attachment_id"], details["copy"]) == (attachment_id, "original")
        # The reason is free text: sealed at rest like a note, opened for officers.
        assert set(details["reason_text"]) == {"message_id", "sealed"}
        assert "investigator" not in json.dumps(history_kinds(office, reference))
        read = officer_get(office, f"/{reference}")
        [entry] = [e for e in read.get_json()["history"]
                   if e["kind"] == "attachment_downloaded"]
        assert entry["text"] == "The investigator asked for it"
        assert "reason_text" not in entry["details"]

    def test_the_reporter_is_told_in_their_language(self, office: Harness) -> None:
        _, told = accepted(office, [("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")],
                           headers={"Accept-Language": "fr-CH, fr;q=0.9"})
        assert told[0]["message"].startswith(
            "Nous avons retiré la localisation, les détails de l'appareil photo et d'autres "
            "détails de la photo de photo-1.jpg.")
        assert "n'a pas été analysé" in told[0]["message"]

    def test_a_file_the_case_does_not_hold_is_404(self, office: Harness) -> None:
        reference, _ = accepted(office, [("a.txt", b"plain words\n", "text/plain")])
        assert officer_get(office, f"/{reference}/attachments/nope-01").status_code == 404


class TestRefusedFilesStoreNothing:
    @pytest.mark.parametrize(("name", "data", "declared", "reason_words"), [
        ("statement.pdf", files.png_image(), "application/pdf", "named .pdf"),
        ("photo.png", files.png_image(), "application/pdf", "sent as application/pdf"),
        ("notes.docx", files.zip_bomb(), "", "compression bomb"),
        ("program.exe", b"MZ\x90\x00\x03" + bytes(200), "", "not accepted"),
        ("photo.jpg", files.jpeg_with_gps() + files.docx_with_comments_and_changes(),
         "image/jpeg", "archive hidden"),
    ])
    def test_refused_with_the_file_named(self, office: Harness, name: str, data: bytes,
                                         declared: str, reason_words: str) -> None:
        response = submit(office, [("fine.txt", b"hello\n", "text/plain"),
                                   (name, data, declared)])
        assert response.status_code == 422
        answer = response.get_json()
        assert answer["errors"] == {"evidence.1": [answer["message"]]}
        assert answer["message"].startswith(f"{name}: ") and reason_words in answer["message"]
        nothing_stored(office)

    def test_an_encrypted_archive(self, office: Harness) -> None:
        data = bytearray(files.docx_with_comments_and_changes())
        # Set the "encrypted" flag of the first member, in its local and central headers.
        data[6] |= 1
        central = data.index(b"PK\x01\x02")
        data[central + 8] |= 1
        response = submit(office, [("locked.docx", bytes(data), "")])
        assert response.status_code == 422 and "encrypted" in response.get_json()["message"]
        nothing_stored(office)

    def test_an_oversized_file_is_413_naming_it(self, office: Harness) -> None:
        limit = office.container.settings.evidence.max_file_bytes
        assert limit == 10 * 1024 * 1024
        response = submit(office, [("big.txt", files.oversized(limit), "text/plain")])
        assert response.status_code == 413
        assert response.get_json()["message"] == "big.txt: A file may be at most 10 MiB."
        nothing_stored(office)

    def test_the_limits_are_configurable(self, tmp_path: Path) -> None:
        h = build(tmp_path, INTAKE_EVIDENCE_MAX_FILES="2",
                  INTAKE_EVIDENCE_MAX_TOTAL_BYTES="4096", INTAKE_EVIDENCE_MAX_FILE_BYTES="3000")
        three = [(f"n{i}.txt", b"x\n", "text/plain") for i in range(3)]
        response = submit(h, three)
        assert response.status_code == 422
        assert response.get_json()["message"].startswith("n2.txt: At most 2 files")
        response = submit(h, [("a.txt", b"a" * 2500, ""), ("b.txt", b"b" * 2500, "")])
        assert response.status_code == 413
        assert response.get_json()["message"].startswith("b.txt: All files together")
        nothing_stored(h)

    def test_a_field_refused_stores_no_file(self, office: Harness) -> None:
        body, content_type = multipart({**payload("misconduct"), "unknown": "x"},
                                       [("a.txt", b"words\n", "text/plain")])
        response = office.post("submit_misconduct", raw=body, content_type=content_type)
        assert response.status_code == 422 and "unknown" in response.get_json()["errors"]
        nothing_stored(office)


class TestScanning:
    def test_an_infected_file_is_quarantined_and_never_delivered(
            self, scanned: Harness) -> None:
        reference, told = accepted(scanned, [("eicar.txt", files.EICAR, "text/plain"),
                                             ("photo-1.jpg", files.jpeg_with_gps(),
                                              "image/jpeg")])
        assert told[0]["status"] == "quarantined" and told[0]["scanned"] is True
        assert told[0]["message"].startswith("eicar.txt could not be accepted")
        assert told[1]["status"] == "accepted" and "virus" not in told[1]["message"]
        records = listed(scanned, reference)
        assert records[0]["status"] == "quarantined" and records[0]["sha256"] == ""
        assert records[0]["signature"].startswith("Intake-Test-EICAR")
        assert records[1]["scan"] == "clean"
        response = officer_get(scanned, f"/{reference}/attachments/"
                                        f"{records[0]['attachment_id']}")
        assert response.status_code == 409
        # Sealed: three objects (the infected original, the photo's original and copy),
        # none holding the test string in clear.
        objects = stored_objects(scanned)
        assert len(objects) == 3
        assert all(files.EICAR not in p.read_bytes() for p in objects)

    def test_a_configured_scanner_that_is_down_stores_nothing(self, tmp_path: Path) -> None:
        h = build(tmp_path, INTAKE_CLAMD=f"unix:{tmp_path}/no-such.sock")
        response = submit(h, [("a.txt", b"words\n", "text/plain")])
        assert response.status_code == 503
        nothing_stored(h)

    def test_without_a_scanner_files_are_marked_not_scanned(self, office: Harness) -> None:
        reference, told = accepted(office, [("a.txt", b"words\n", "text/plain")])
        assert told[0]["scanned"] is False
        assert listed(office, reference)[0]["scan"] == "not_scanned"


class TestRetries:
    def test_a_retry_with_the_same_files_is_the_same_submission(
            self, office: Harness) -> None:
        attachments = [("photo-1.jpg", files.jpeg_with_gps(), "image/jpeg")]
        key = {"Idempotency-Key": "evidence-retry-key-0001"}
        first = submit(office, attachments, headers=key)
        again = submit(office, attachments, headers=key)
        assert first.status_code == 201 and again.status_code == 201
        assert again.get_json()["reference"] == first.get_json()["reference"]
        assert again.get_json()["attachments"] == first.get_json()["attachments"]
        assert len(stored_objects(office)) == 2
        other = submit(office, [("photo-2.png", files.png_image(), "image/png")],
                       headers=key)
        assert other.status_code == 409

    def test_form_fields_may_come_as_parts_too(self, office: Harness) -> None:
        body, content_type = multipart(dict(flatten(payload("retaliation"))),
                                       [("a.txt", b"words\n", "text/plain")], as_json=False)
        response = office.post("submit_retaliation", raw=body, content_type=content_type)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["attachments"][0]["status"] == "accepted"
        assert len(stored_objects(office)) == 2


class TestOnCloudStorage:
    def test_the_bucket_holds_only_ciphertext_and_officers_get_the_cleaned_copy(
            self, tmp_path: Path) -> None:
        from PIL import Image

        from tests.conftest import require_emulator
        from tests.contract.test_evidence_blobs_contract import gcs_bucket

        host = require_emulator("STORAGE_EMULATOR_HOST")
        h = build(tmp_path, INTAKE_EVIDENCE_BUCKET=gcs_bucket(host), STORAGE_EMULATOR_HOST=host)
        original = files.jpeg_with_gps()
        reference, told = accepted(h, [("photo-1.jpg", original, "image/jpeg")])
        assert told[0]["removed"] == ["location", "camera", "image_details"]
        blobs = h.container.evidence_blobs
        names = blobs.names()
        assert len(names) == 2 and all(name.startswith(f"{reference}/") for name in names)
        for name in names:
            sealed = blobs.get(name)
            assert original[100:200] not in sealed and b"photo-1" not in sealed
        assert stored_objects(h) == []  # nothing in the data folder
        assert not Image.open(io.BytesIO(download(h, reference))).getexif()


class TestReferral:
    def test_the_investigations_office_receives_the_cleaned_copies_once(
            self, tmp_path: Path, clamd_address: str) -> None:
        import hashlib

        from PIL import Image

        from shared.adapters.investigations_http import HttpInvestigationsGateway
        from tests.support.processes import free_port
        from tests.support.receiver import SECRET, ServedReceiver, new_receiver

        served = ServedReceiver(new_receiver(tmp_path / "receiver"), free_port())
        served.start()
        try:
            env: dict[str, Any] = {"INTAKE_CLAMD": clamd_address}
            h = Harness.build(tmp_path, SqliteStore.open(tmp_path / "intake.sqlite3"),
                              components={"gateway": HttpInvestigationsGateway(
                                  served.url, SECRET, timeout=10)}, **env)
            original = files.jpeg_with_gps()
            reference, _ = accepted(h, [("photo-1.jpg", original, "image/jpeg"),
                                        ("eicar.txt", files.EICAR, "text/plain")])
            h.drain()
            [referral] = served.receiver.store.referrals()
            assert referral.reference == reference and referral.deliveries == 1
            photo, infected = referral.document["attachments"]
            assert "content_base64" not in photo and infected["withheld"] == "infected"
            assert photo["file_name"] == "photo-1.jpg" and photo["removed"] == [
                "location", "camera", "image_details"]
            [received] = referral.attachments
            content = served.receiver.store.attachment(referral.referral_id,
                                                       received["attachment_id"])
            assert content is not None
            assert hashlib.sha256(content).hexdigest() == received["sha256"] == photo["sha256"]
            assert not Image.open(io.BytesIO(content)).getexif()
            assert content != original and files.CAMERA_SERIAL.encode() not in content
            kept = h.container.use_cases.cases.attachments(reference)
            assert received["sha256"] == next(a.sha256 for a in kept if a.status == "accepted")
            # `intake referrals --json` lists the digests the receiver checked and kept.
            from click.testing import CliRunner

            from shared.cli import main as cli
            from tests.support.receiver import CONTROL_TOKEN

            result = CliRunner().invoke(cli, ["referrals", "--json", "--url", served.url,
                                              "--token", CONTROL_TOKEN])
            assert result.exit_code == 0, result.output
            [row] = [json.loads(line) for line in result.output.splitlines()]
            assert row["attachments"] == [{"attachment_id": received["attachment_id"],
                                           "sha256": photo["sha256"], "size": photo["size"]}]
            assert row["withheld"] == [infected["attachment_id"]]
        finally:
            served.stop()


@pytest.mark.parametrize("backend", ["sqlite", "firestore"])
def test_on_both_stores_the_case_keeps_its_files_and_the_referral_carries_them(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from tests.support.casework import COLLEAGUE, OFFICER, open_office

    office = open_office(backend, tmp_path, request)
    photo = files.jpeg_with_gps()
    body, content_type = multipart(payload("misconduct"), [
        ("photo-1.jpg", photo, "image/jpeg"),
        ("notes.docx", files.docx_with_comments_and_changes(), "")])
    response = office.h.post("submit_misconduct", raw=body, content_type=content_type)
    assert response.status_code == 201, response.get_json()
    reference = response.get_json()["reference"]
    office.h.drain()
    listed = office.call("GET", f"/{reference}/attachments").get_json()["attachments"]
    assert [a["kind"] for a in listed] == ["jpeg", "docx"]
    assert listed[1]["removed"] == ["author", "document_properties", "comments",
                                    "tracked_changes"]
    download = office.call("GET", f"/{reference}/attachments/{listed[1]['attachment_id']}")
    assert download.status_code == 200
    assert files.AUTHOR.encode() not in b"".join(
        zipfile.ZipFile(io.BytesIO(download.data)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(download.data)).namelist())
    original = office.call("POST", f"/{reference}/attachments/{listed[0]['attachment_id']}"
                                   "/original", {"reason": "Requested by the panel"},
                           who=COLLEAGUE)
    assert original.status_code == 200 and original.data == photo
    kinds = [(e.kind, e.actor) for e in office.store.case_events(reference)
             if e.kind == "attachment_downloaded"]
    assert kinds == [("attachment_downloaded", f"officer:{OFFICER}"),
                     ("attachment_downloaded", f"officer:{COLLEAGUE}")]
    [referral] = office.receiver.receiver.store.referrals()
    assert [a["sha256"] for a in referral.attachments] == [a["sha256"] for a in listed]


def test_a_file_moved_to_another_case_does_not_open_there(office: Harness) -> None:
    first, _ = accepted(office, [("a.txt", b"first case's words\n", "text/plain")])
    second, _ = accepted(office, [("b.txt", b"second case's words\n", "text/plain")])
    folder = office.container.settings.data_dir / "evidence"
    [mine] = listed(office, first)
    [theirs] = listed(office, second)
    # Copy the second case's sealed copy over the first case's.
    (folder / first / mine["attachment_id"] / "cleaned").write_bytes(
        (folder / second / theirs["attachment_id"] / "cleaned").read_bytes())
    response = officer_get(office, f"/{first}/attachments/{mine['attachment_id']}")
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"_integrity": ["evidence_seal_broken"]}
    assert b"second case" not in response.data


def test_without_a_store_of_files_a_multipart_post_is_refused_as_any_other_type(
        tmp_path: Path) -> None:
    from shared.bootstrap import Container
    from tests.support.harness import settings_for

    gcp = {"INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": "p",
           "INTAKE_INVESTIGATIONS_URL": "https://oiai.example.org/intake"}
    assert Container(settings_for(tmp_path, **gcp)).evidence_limits.max_files == 0
    with_bucket = settings_for(tmp_path, INTAKE_EVIDENCE_BUCKET="b", **gcp)
    assert Container(with_bucket).evidence_limits.max_files == 10
    h = build(tmp_path, INTAKE_EVIDENCE_MAX_FILES="0")
    response = submit(h, [("a.txt", b"words\n", "text/plain")])
    assert response.status_code == 415
    nothing_stored(h)


class TestHostileFiles:
    """Whatever bytes come as a file, under whatever name and type: a clear 4xx and nothing
    stored, or a 201; never a 500."""

    def test_arbitrary_bytes_never_fail_the_server(self, tmp_path: Path) -> None:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        h = build(tmp_path)
        seeds = [files.png_image(), files.docx_with_comments_and_changes(),
                 files.pdf_with_author_and_xmp(), files.mp3_with_tags(), b"text\n"]

        @settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(seed=st.sampled_from(seeds), cut=st.integers(0, 4000),
               noise=st.binary(max_size=64), at=st.integers(0, 4000),
               name=st.sampled_from(["a.png", "a.docx", "a.pdf", "a.mp3", "a.txt", "a",
                                     "..", "x" * 300]),
               declared=st.sampled_from(["", "application/pdf", "image/png", "text/plain"]))
        def post(seed: bytes, cut: int, noise: bytes, at: int, name: str,
                 declared: str) -> None:
            data = seed[:max(1, len(seed) - cut)]
            data = data[:at] + noise + data[at + len(noise):]
            before = len(stored_objects(h))
            response = submit(h, [(name, data, declared)])
            assert response.status_code in (201, 400, 413, 415, 422), response.get_json()
            if response.status_code != 201:
                assert len(stored_objects(h)) == before
                assert response.get_json()["errors"]

        post()

    def test_damaged_files_are_refused_as_malformed_never_a_crash(self, tmp_path: Path) -> None:
        import random

        from shared.domain.evidence import FileRefused, Upload

        h = build(tmp_path)
        prepare = h.container.use_cases.prepare_evidence
        seeds = {"a.pdf": files.pdf_with_author_and_xmp(),
                 "a.docx": files.docx_with_comments_and_changes(),
                 "a.png": files.png_image(), "a.mp3": files.mp3_with_tags(),
                 "a.jpg": files.jpeg_with_gps()}
        chance = random.Random(20261201)  # the same damaged files on every run
        outcomes: dict[str, int] = {}
        for _ in range(800):
            name, seed = chance.choice(sorted(seeds.items()))
            data = bytearray(seed)
            for _ in range(chance.randint(1, 8)):
                data[chance.randrange(len(data))] = chance.randrange(256)
            if chance.random() < 0.3:
                data = data[:chance.randrange(1, len(data))]
            try:
                prepare([Upload(name, "", bytes(data))])
                outcome = "accepted"
            except FileRefused as refused:
                outcome = refused.reason
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert set(outcomes) <= {"accepted", *ev.REFUSALS}
        assert outcomes["accepted"] and outcomes["malformed"]
