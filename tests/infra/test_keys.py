"""Who may use which key-encryption key, and which documents, against the code: the public
functions cannot decrypt a submission or a note, the submit functions can only wrap with
the cases key, forms uses the messages key and no other, and each function's Firestore
role holds exactly the permissions its code path needs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shared.domain.sealing import CASES_KEY, KEY_OF_KIND, MESSAGES_KEY, NOTE, SUBMISSION
from tests.infra.test_functions import FUNCTIONS, INTAKE, permissions_of
from tests.support.terraform import MODULES, all_folders, expression, folder

KMS = folder(MODULES / "kms")
ROLES = INTAKE.locals["kms_roles"]
PROOF_ROLES = INTAKE.locals["proof_roles"]
DECRYPTING = {"roles/cloudkms.cryptoKeyDecrypter", "roles/cloudkms.cryptoKeyEncrypterDecrypter"}

# What each function's code path does with each key (shared/services, shared/endpoints).
EXPECTED_KMS: dict[str, dict[str, str]] = {
    "submit_advice": {CASES_KEY: "encrypt"},
    "submit_misconduct": {CASES_KEY: "encrypt"},
    "submit_retaliation": {CASES_KEY: "encrypt"},
    "forms": {MESSAGES_KEY: "encrypt_decrypt"},
    "triage": {CASES_KEY: "decrypt"},  # opens submissions to index the people they name
    # opens submissions to refer them, submitter messages to send them on as supplements
    "forward_to_investigations": {CASES_KEY: "decrypt", MESSAGES_KEY: "decrypt"},
    "notify": {CASES_KEY: "decrypt"},
    # wraps closed cases' data keys for their purge month, and back when held or reopened
    "sweep": {CASES_KEY: "encrypt_decrypt", MESSAGES_KEY: "encrypt_decrypt"},
    "cases": {CASES_KEY: "encrypt_decrypt", MESSAGES_KEY: "encrypt_decrypt"},
    # the case API's work in a browser: the same use cases
    "console": {CASES_KEY: "encrypt_decrypt", MESSAGES_KEY: "encrypt_decrypt"},
    "log_service": {},
    # seals declarations and guidance; opens them for their filer and for officers
    "disclosure": {CASES_KEY: "encrypt_decrypt"},
}

# What each function does with the purge months' keys (crypto-shredding): opens a closed
# case's values where it opens that purpose's values, wraps where its use cases move a
# case's purge month (shared/bootstrap.py's rekeying), and only sweep destroys.
EXPECTED_RETENTION: dict[str, dict[str, str]] = {
    "submit_advice": {}, "submit_misconduct": {}, "submit_retaliation": {},
    "forms": {MESSAGES_KEY: "open"},
    "triage": {CASES_KEY: "open"},
    "forward_to_investigations": {CASES_KEY: "open", MESSAGES_KEY: "open"},
    "notify": {CASES_KEY: "open"},
    "sweep": {CASES_KEY: "shred", MESSAGES_KEY: "shred"},
    "cases": {CASES_KEY: "wrap", MESSAGES_KEY: "wrap"},
    "console": {CASES_KEY: "wrap", MESSAGES_KEY: "wrap"},
    "log_service": {}, "disclosure": {},
}

GET, CREATE, UPDATE, DELETE, LIST, DATABASE = (
    "datastore.entities.get", "datastore.entities.create", "datastore.entities.update",
    "datastore.entities.delete", "datastore.entities.list", "datastore.databases.get")
# The narrowed Firestore role of each function (its custom role, on this database only).
EXPECTED_FIRESTORE: dict[str, set[str]] = {
    # one batch of creates; an idempotent retry reads the first submission
    "submit_advice": {CREATE, GET},
    "submit_misconduct": {CREATE, GET},
    "submit_retaliation": {CREATE, GET},
    # reads named documents, appends messages and alerts in transactions, clears lockouts
    "forms": {DATABASE, GET, CREATE, UPDATE, DELETE},
    "triage": {DATABASE, GET, CREATE, UPDATE, DELETE},
    "forward_to_investigations": {DATABASE, GET, CREATE, UPDATE, DELETE},
    "notify": {DATABASE, GET, CREATE, UPDATE, DELETE},
    # the only ones that list: pending work and due cases, the officers' case list
    "sweep": {DATABASE, GET, CREATE, UPDATE, DELETE, LIST},
    "cases": {DATABASE, GET, CREATE, UPDATE, DELETE, LIST},
    "console": {DATABASE, GET, CREATE, UPDATE, DELETE, LIST},
    "log_service": {DATABASE, GET, CREATE},
    # the roster and a year's obligations are listed; the history is only ever appended to
    "disclosure": {DATABASE, GET, CREATE, UPDATE, LIST},
}


def grants_of(name: str) -> dict[str, str]:
    """The IAM role each key gives the function, as the kms module binds it."""
    return {key: ROLES[use] for key, use in FUNCTIONS[name]["kms"].items()}


def test_the_table_covers_every_function() -> None:
    assert set(EXPECTED_KMS) == set(FUNCTIONS) == set(EXPECTED_FIRESTORE)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_gets_exactly_its_key_grants(name: str) -> None:
    assert FUNCTIONS[name]["kms"] == EXPECTED_KMS[name]


def test_the_roles_are_the_narrow_predefined_ones() -> None:
    assert ROLES == {"encrypt": "roles/cloudkms.cryptoKeyEncrypter",
                     "decrypt": "roles/cloudkms.cryptoKeyDecrypter",
                     "encrypt_decrypt": "roles/cloudkms.cryptoKeyEncrypterDecrypter"}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_gets_exactly_its_purge_month_key_grants(name: str) -> None:
    assert FUNCTIONS[name]["retention"] == EXPECTED_RETENTION[name]
    # never more on a month key than on the purpose's own key
    for key, use in FUNCTIONS[name]["retention"].items():
        assert FUNCTIONS[name]["kms"][key] in (
            ("decrypt", "encrypt_decrypt") if use == "open" else ("encrypt_decrypt",))


def test_only_sweep_destroys_and_the_roles_hold_only_what_each_use_needs() -> None:
    assert {n for n, f in FUNCTIONS.items() if "shred" in f["retention"].values()} == {"sweep"}
    permissions = KMS.locals["retention_permissions"]
    wrap = set(KMS.locals["retention_wrap"])
    assert wrap == {"cloudkms.cryptoKeys.get", "cloudkms.cryptoKeys.create",
                    "cloudkms.cryptoKeyVersions.useToEncrypt",
                    "cloudkms.cryptoKeyVersions.useToDecrypt"}
    assert expression(permissions["wrap"]) == "local.retention_wrap"
    shred = expression(permissions["shred"])
    assert "local.retention_wrap" in shred
    assert set(re.findall(r"cloudkms\.[\w.]+", shred)) == {
        "cloudkms.cryptoKeys.list", "cloudkms.cryptoKeyVersions.list",
        "cloudkms.cryptoKeyVersions.destroy"}
    grant = KMS.resources[("google_kms_key_ring_iam_member", "retention_grants")]
    assert expression(grant["for_each"]) == "var.retention_grants"
    assert "roles/cloudkms.cryptoKeyDecrypter" in expression(grant["role"])
    grants = expression(INTAKE.modules["kms"]["retention_grants"])
    assert "for key, use in f.retention" in grants


def test_every_function_is_told_the_purge_months_rings() -> None:
    environment: dict[str, Any] = INTAKE.locals["environment"]
    assert expression(environment["INTAKE_RETENTION_KMS_KEY_RING"]) == (
        "module.kms.retention_key_ring_id")
    assert expression(environment["INTAKE_MESSAGES_RETENTION_KMS_KEY_RING"]) == (
        "module.kms.messages_retention_key_ring_id")


@pytest.mark.parametrize("name", [n for n in sorted(FUNCTIONS) if FUNCTIONS[n]["public"]])
def test_no_public_function_can_decrypt_submissions_or_notes(name: str) -> None:
    # Submissions and notes are sealed under the cases key (shared/domain/sealing.py).
    assert KEY_OF_KIND[SUBMISSION] == KEY_OF_KIND[NOTE] == CASES_KEY
    assert grants_of(name).get(CASES_KEY) not in DECRYPTING
    assert CASES_KEY not in FUNCTIONS[name]["retention"]
    if name.startswith("submit_"):
        assert grants_of(name) == {CASES_KEY: "roles/cloudkms.cryptoKeyEncrypter"}
        assert FUNCTIONS[name]["retention"] == {}
    else:
        assert set(grants_of(name)) <= {MESSAGES_KEY}


def test_the_kms_module_binds_each_grant_to_its_key_and_nothing_else() -> None:
    keys = {name for rtype, name in KMS.resources if rtype == "google_kms_crypto_key"}
    assert keys == {"kek", "messages", "proofs"}
    for name in keys:
        key = KMS.resources[("google_kms_crypto_key", name)]
        assert key["lifecycle"][0]["prevent_destroy"] is True
        assert key["purpose"] == ("ASYMMETRIC_SIGN" if name == "proofs" else "ENCRYPT_DECRYPT")
    proofs = KMS.resources[("google_kms_crypto_key", "proofs")]
    assert proofs["version_template"][0]["algorithm"] == "EC_SIGN_P256_SHA256"
    assert expression(KMS.locals["keys"]["cases"]) == "google_kms_crypto_key.kek.id"
    assert expression(KMS.locals["keys"]["messages"]) == "google_kms_crypto_key.messages.id"
    assert expression(KMS.locals["keys"]["proofs"]) == "google_kms_crypto_key.proofs.id"
    bindings = [(rtype, name) for rtype, name in KMS.resources if "iam_member" in rtype]
    assert bindings == [("google_kms_crypto_key_iam_member", "grants"),
                        ("google_kms_key_ring_iam_member", "retention_grants")]
    grant = KMS.resources[("google_kms_crypto_key_iam_member", "grants")]
    assert expression(grant["for_each"]) == "var.grants"
    assert expression(grant["crypto_key_id"]) == "local.keys[each.value.key]"
    assert expression(grant["role"]) == "each.value.role"
    allowed = " ".join(str(v["condition"]) for v in KMS.variables["grants"]["validation"])
    assert set(re.findall(r"roles/cloudkms\.\w+", allowed)) == set(ROLES.values()) | {
        role for roles in PROOF_ROLES.values() for role in roles}
    # No other KMS binding anywhere in infra/ but the evidence bucket's own key, which only
    # the Cloud Storage service agent may use.
    others = [(f.path.name, rtype, name) for f in all_folders()
              for rtype, name in f.resources if rtype.startswith("google_kms") and "iam" in rtype]
    assert sorted(others) == [("intake", "google_kms_crypto_key_iam_member", "evidence_bucket"),
                              ("kms", "google_kms_crypto_key_iam_member", "grants"),
                              ("kms", "google_kms_key_ring_iam_member", "retention_grants")]
    [intake] = [f for f in all_folders() if f.path.name == "intake"]
    bucket_key = intake.resources[("google_kms_crypto_key_iam_member", "evidence_bucket")]
    assert expression(bucket_key["crypto_key_id"]) == "google_kms_crypto_key.evidence.id"
    assert "google_storage_project_service_account.gcs" in expression(bucket_key["member"])


def test_every_function_is_told_both_keys_and_the_proofs_key() -> None:
    environment: dict[str, Any] = INTAKE.locals["environment"]
    assert expression(environment["INTAKE_KMS_KEY"]) == "module.kms.key_id"
    assert expression(environment["INTAKE_MESSAGES_KMS_KEY"]) == "module.kms.messages_key_id"
    assert expression(environment["INTAKE_PROOF_KMS_KEY"]) == "module.kms.proof_key_id"


def test_only_the_functions_that_receive_reports_sign_proofs_and_forms_publishes_keys() -> None:
    uses = {name: f["proofs"] for name, f in FUNCTIONS.items() if "proofs" in f}
    # The submit functions, and the officers' functions that record a report taken on the
    # reporter's behalf (the case API and the console).
    assert uses == {"submit_advice": "sign", "submit_misconduct": "sign",
                    "submit_retaliation": "sign", "cases": "sign", "console": "sign",
                    "forms": "publish"}
    # Listing versions and reading public keys gives no key material; only signing uses it.
    assert PROOF_ROLES == {
        "sign": ["roles/cloudkms.viewer", "roles/cloudkms.publicKeyViewer",
                 "roles/cloudkms.signer"],
        "publish": ["roles/cloudkms.viewer", "roles/cloudkms.publicKeyViewer"]}


def test_only_the_functions_that_receive_reports_hold_the_replay_secret() -> None:
    holders = {name for name, spec in FUNCTIONS.items()
               if "INTAKE_REPLAY_HMAC_SECRET" in spec["secrets"]}
    assert holders == {name for name in FUNCTIONS if name.startswith("submit_")} | {
        "cases", "console"}
    assert all(spec["secrets"].get("INTAKE_REPLAY_HMAC_SECRET") in (None, "replay-hmac-key")
               for spec in FUNCTIONS.values())


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_has_its_narrowed_firestore_role(name: str) -> None:
    assert set(permissions_of(FUNCTIONS[name]["firestore"])) == EXPECTED_FIRESTORE[name]


def test_the_evidence_bucket_is_private_with_its_own_key_and_only_file_handlers_reach_it(
        ) -> None:
    [intake] = [f for f in all_folders() if f.path.name == "intake"]
    bucket = intake.resources[("google_storage_bucket", "evidence")]
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert expression(bucket["encryption"][0]["default_kms_key_name"]) == \
        "google_kms_crypto_key.evidence.id"
    # A purge deletes a case's files for good: no version, no soft-deleted copy, and no
    # retention policy that would refuse the deletion.
    assert "versioning" not in bucket and "retention_policy" not in bucket
    assert bucket["soft_delete_policy"][0]["retention_duration_seconds"] == 0
    access = intake.locals["evidence_access"]
    assert access == {"submit_advice": "roles/storage.objectCreator",
                      "submit_misconduct": "roles/storage.objectCreator",
                      "submit_retaliation": "roles/storage.objectCreator",
                      "forms": "roles/storage.objectCreator",
                      "cases": "roles/storage.objectViewer",
                      "console": "roles/storage.objectViewer",
                      "forward_to_investigations": "roles/storage.objectViewer",
                      "sweep": "roles/storage.objectAdmin"}
    members = [name for rtype, name in intake.resources
               if rtype.startswith("google_storage_bucket_iam")]
    assert sorted(members) == ["build_reads_sources", "evidence", "incoming"]


def test_the_bucket_of_signed_uploads_is_private_short_lived_and_the_submit_functions_own(
        ) -> None:
    [intake] = [f for f in all_folders() if f.path.name == "intake"]
    bucket = intake.resources[("google_storage_bucket", "incoming")]
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert expression(bucket["encryption"][0]["default_kms_key_name"]) == \
        "google_kms_crypto_key.evidence.id"
    [rule] = bucket["lifecycle_rule"]
    assert rule["condition"][0]["age"] == 1 and rule["action"][0]["type"] == "Delete"
    assert "versioning" not in bucket
    assert bucket["soft_delete_policy"][0]["retention_duration_seconds"] == 0
    assert expression(intake.locals["incoming_access"]) == \
        'toset(["submit_advice", "submit_misconduct", "submit_retaliation"])'
    grant = intake.resources[("google_storage_bucket_iam_member", "incoming")]
    assert grant["role"] == "roles/storage.objectAdmin"
    assert expression(grant["for_each"]) == 'setunion(local.incoming_access, ["sweep"])'
    signer = intake.resources[("google_service_account_iam_member", "signs_upload_urls")]
    assert signer["role"] == "roles/iam.serviceAccountTokenCreator"
    assert "module.function[each.key].service_account_email" in expression(
        signer["service_account_id"])
    assert expression(signer["member"]) == "module.function[each.key].service_account_member"
