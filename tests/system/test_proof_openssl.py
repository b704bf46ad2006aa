"""The proof format as docs/proof-format.md describes it, checked with openssl: a proof the
submit function gives, and the published key, verify with the doc's own commands run as
written; a changed proof does not; the digest of the copy sent is the proof's."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared import bootstrap
from shared.domain.records import canonical_json
from tests.conftest import IN_CI
from tests.support.harness import Harness, function_app
from tests.support.payloads import FUNCTIONS, payload

DOC = Path(__file__).resolve().parents[2] / "docs" / "proof-format.md"
_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def _openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        if IN_CI:
            pytest.fail("CI=true: openssl is required (scripts/test installs it)")
        pytest.skip("openssl is not installed")
    return found


def _doc_blocks() -> tuple[str, str]:
    check, digest, _ = _all_blocks()
    return check, digest


def _all_blocks() -> tuple[str, str, str]:
    """The doc's blocks: check the signature, the content's digest, a file's digest."""
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- openssl-check")
    check, digest, file_digest = _BLOCK.findall(text[marker:])[:3]
    return check, digest, file_digest


def _run(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-e", "-c", script], cwd=folder, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def issued(harness: Harness, tmp_path: Path) -> tuple[Path, bytes]:
    """A proof of a misconduct report submitted as canonical JSON, its published key
    saved as the doc says, and the bytes that were sent."""
    _openssl()
    body = canonical_json(payload("misconduct"))
    response = harness.post(FUNCTIONS["misconduct"], raw=body)
    assert response.status_code == 201, response.get_json()
    proof = response.get_json()["proof"]
    key_id = re.search(r"^key: (\w+)$", proof, re.M).group(1)  # type: ignore[union-attr]
    with bootstrap.using(harness.container):
        keys = function_app("forms").test_client().get("/keys.json")
    assert keys.status_code == 200
    [key] = [k for k in keys.get_json()["keys"] if k["key"] == key_id]
    folder = tmp_path / "check"
    folder.mkdir()
    (folder / "proof.txt").write_text(proof, encoding="ascii")
    (folder / "key.pem").write_text(key["public_key_pem"], encoding="ascii")
    return folder, body


def test_the_docs_commands_verify_a_real_proof_with_openssl(
        issued: tuple[Path, bytes]) -> None:
    folder, _ = issued
    check, _ = _doc_blocks()
    result = _run(check, folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == lines[1] and re.fullmatch(r"[0-9a-f]{16}", lines[0])
    assert lines[-1] == "Verified OK"


@pytest.mark.parametrize(("pattern", "replacement"), [
    (r"^reference: ETH-MIS-(\w)", r"reference: ETH-ADV-\1"),
    (r"^form: misconduct$", "form: advice"),
    (r"^received_at: 20(\d\d)", r"received_at: 19\1"),
    (r"^content_sha256: .", "content_sha256: 0"),
])
def test_openssl_refuses_a_changed_proof(issued: tuple[Path, bytes], pattern: str,
                                         replacement: str) -> None:
    folder, _ = issued
    proof = (folder / "proof.txt").read_text()
    changed = re.sub(pattern, replacement, proof, count=1, flags=re.M)
    assert changed != proof
    (folder / "proof.txt").write_text(changed)
    check, _ = _doc_blocks()
    result = _run(check, folder)
    assert result.returncode != 0
    assert "Verified OK" not in result.stdout
    assert "Verification failure" in result.stdout + result.stderr


def test_openssl_refuses_a_proof_signed_with_another_key(issued: tuple[Path, bytes]) -> None:
    folder, _ = issued
    subprocess.run([_openssl(), "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                    "-out", "other.key"], cwd=folder, check=True, capture_output=True)
    subprocess.run([_openssl(), "ec", "-in", "other.key", "-pubout", "-out", "key.pem"],
                   cwd=folder, check=True, capture_output=True)
    check, _ = _doc_blocks()
    result = _run(check, folder)
    assert result.returncode != 0
    lines = result.stdout.splitlines()
    assert lines[0] != lines[1], "another key has another id"


def test_the_digest_of_what_was_sent_is_the_proofs(issued: tuple[Path, bytes]) -> None:
    folder, body = issued
    (folder / "content.json").write_bytes(body)
    _, digest = _doc_blocks()
    result = _run(digest, folder)
    assert result.returncode == 0, result.stderr
    computed, stated = result.stdout.split()
    assert computed == stated
    (folder / "content.json").write_bytes(body.replace(b'"', b'"', 1) + b" ")
    other = _run(digest, folder).stdout.split()
    assert other[0] != other[1]


def test_a_proof_with_a_file_verifies_and_lists_the_files_digest_as_the_doc_says(
        harness: Harness, tmp_path: Path) -> None:
    """Format 2: the doc's commands verify it unchanged, and its list holds the digest of
    the file as it was sent, which the doc's command computes from the kept copy."""
    from tests.functions.test_evidence import multipart
    from tests.support import evidence_files as files

    _openssl()
    photo = files.jpeg_with_gps()
    body, content_type = multipart(payload("misconduct"), [("photo-1.jpg", photo,
                                                             "image/jpeg")])
    response = harness.post(FUNCTIONS["misconduct"], raw=body, content_type=content_type)
    assert response.status_code == 201, response.get_json()
    proof = response.get_json()["proof"]
    assert "\nformat: 2\n" in proof and "photo-1" not in proof
    key_id = re.search(r"^key: (\w+)$", proof, re.M).group(1)  # type: ignore[union-attr]
    with bootstrap.using(harness.container):
        keys = function_app("forms").test_client().get("/keys.json").get_json()["keys"]
    [key] = [k for k in keys if k["key"] == key_id]
    folder = tmp_path / "check"
    folder.mkdir()
    (folder / "proof.txt").write_text(proof, encoding="ascii")
    (folder / "key.pem").write_text(key["public_key_pem"], encoding="ascii")
    (folder / "photo-1.jpg").write_bytes(photo)
    check, _, file_digest = _all_blocks()
    verified = _run(check, folder)
    assert verified.returncode == 0 and verified.stdout.splitlines()[-1] == "Verified OK"
    computed, *listed = _run(file_digest, folder).stdout.split()
    assert listed and computed in listed
    # ... and intake verify-proof says the same from the kept copy.
    import json

    from click.testing import CliRunner

    from shared.cli import main

    (folder / "keys.json").write_text(json.dumps({"keys": keys}))
    with bootstrap.using(harness.container):
        said = CliRunner().invoke(main, ["verify-proof", str(folder / "proof.txt"), "--keys",
                                         str(folder / "keys.json"), "--file",
                                         str(folder / "photo-1.jpg")])
    assert said.exit_code == 0, said.output
    assert json.loads(said.output)["files_listed"] is True
    (folder / "photo-1.jpg").write_bytes(photo + b"\0")  # another file is not listed
    assert _run(file_digest, folder).stdout.split()[0] not in listed
    # The list is signed: one digest changed, openssl refuses the proof.
    (folder / "proof.txt").write_text(re.sub(r"^files_sha256: .", "files_sha256: 0", proof,
                                             flags=re.M), encoding="ascii")
    assert "Verified OK" not in _run(check, folder).stdout
