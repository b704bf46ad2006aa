"""The shape of infra/: four-file modules, typed and described variables, bounded provider
versions, the guards that keep reports from being destroyed, and checkov skips that say why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.terraform import (
    INFRA,
    MODULES,
    ROOT_MODULE,
    all_folders,
    env_dirs,
    expression,
    folder,
    module_dirs,
    terraform_dirs,
    tfvars,
)

FOUR_FILES = {"main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"}


@pytest.mark.parametrize("path", module_dirs(), ids=lambda p: p.name)
def test_every_module_has_the_four_files_and_a_readme(path: Path) -> None:
    assert {p.name for p in path.iterdir()} >= FOUR_FILES


@pytest.mark.parametrize("path", terraform_dirs(), ids=lambda p: p.name)
def test_every_variable_is_typed_and_described(path: Path) -> None:
    variables = folder(path).variables
    assert variables, path
    for name, body in variables.items():
        assert body.get("type"), f"{path.name}: variable {name} has no type"
        assert len(str(body.get("description", ""))) >= 10, (
            f"{path.name}: variable {name} has no description")


@pytest.mark.parametrize("path", terraform_dirs(), ids=lambda p: p.name)
def test_every_output_is_described(path: Path) -> None:
    for name, body in folder(path).outputs.items():
        assert len(str(body.get("description", ""))) >= 10, f"{path.name}: output {name}"


@pytest.mark.parametrize("path", terraform_dirs(), ids=lambda p: p.name)
def test_terraform_and_provider_versions_are_bounded(path: Path) -> None:
    (settings,) = folder(path).terraform
    assert re.fullmatch(r">= ?[0-9.]+, ?< ?[0-9.]+", settings["required_version"])
    (providers,) = settings["required_providers"]
    assert {name for name in providers if not name.startswith("__")}
    for name, spec in providers.items():
        if name.startswith("__"):
            continue
        assert re.fullmatch(r">= ?[0-9.]+, ?< ?[0-9.]+", spec["version"]), (path.name, name)


def test_the_state_is_remote() -> None:
    (settings,) = folder(ROOT_MODULE).terraform
    assert "gcs" in settings["backend"][0]


def test_there_are_environments() -> None:
    assert [p.name for p in env_dirs()] == ["dev", "prod"]


@pytest.mark.parametrize("path", env_dirs(), ids=lambda p: p.name)
def test_an_environment_is_the_one_root_with_its_own_variables(path: Path) -> None:
    """No Terraform code per environment: its folder holds only variables for the root,
    its remote state's settings, and the example of the operator's variables."""
    assert sorted(p.name for p in path.iterdir() if not p.name.startswith(".")
                  and p.name not in ("backend.hcl", "terraform.tfvars", "tfplan")) == [
        "backend.hcl.example", "environment.tfvars", "terraform.tfvars.example"]
    variables = set(folder(ROOT_MODULE).variables)
    own = tfvars(path / "environment.tfvars")
    assert own["environment"] == path.name
    assert set(own) <= variables, set(own) - variables
    example = tfvars(path / "terraform.tfvars.example")
    assert "project_id" in example
    assert set(example) <= variables, set(example) - variables
    # A variable is set in one of the two files: Terraform does not merge objects
    # across files, so the operator's file would silently replace the environment's.
    assert not set(own) & set(example)
    backend = (path / "backend.hcl.example").read_text(encoding="utf-8")
    assert "bucket" in backend and f'prefix = "ethics-intake/{path.name}"' in backend


def test_the_environments_differ_only_where_they_must() -> None:
    dev, prod = (tfvars(env / "environment.tfvars") for env in env_dirs())
    assert dev["kms_protection_level"] == "SOFTWARE" and prod["kms_protection_level"] == "HSM"
    assert "function_overrides" in prod


def test_the_database_is_native_recoverable_and_protected() -> None:
    firestore = folder(MODULES / "firestore")
    database = firestore.resources[("google_firestore_database", "this")]
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["point_in_time_recovery_enablement"] == "POINT_IN_TIME_RECOVERY_ENABLED"
    assert database["delete_protection_state"] == "DELETE_PROTECTION_ENABLED"
    assert database["deletion_policy"] == "ABANDON"
    assert database["lifecycle"][0]["prevent_destroy"] is True
    assert ("google_firestore_backup_schedule", "daily") in firestore.resources
    ttl = firestore.resources[("google_firestore_field", "ttl")]
    assert "ttl_config" in ttl


def test_pending_work_never_expires() -> None:
    intake = folder(MODULES / "intake")
    retention = intake.variables["retention_ttl_field"]
    assert "pending_tasks" not in retention["default"]
    assert "pending_tasks" in retention["validation"][0]["condition"]


@pytest.mark.parametrize("name", ["kek", "messages"])
def test_the_keys_rotate_and_cannot_be_destroyed(name: str) -> None:
    kms = folder(MODULES / "kms")
    key = kms.resources[("google_kms_crypto_key", name)]
    assert expression(key["rotation_period"]) == "var.rotation_period"
    assert key["purpose"] == "ENCRYPT_DECRYPT"
    assert key["lifecycle"][0]["prevent_destroy"] is True
    days = int(kms.variables["rotation_period"]["default"].rstrip("s")) / 86400
    assert days <= 90
    # Who may use them, and how: tests/infra/test_keys.py.


def test_secret_values_never_pass_through_terraform() -> None:
    for f in all_folders():
        assert not any(rtype == "google_secret_manager_secret_version"
                       for rtype, _ in f.resources), f.path.name


CHECKOV_SKIP = re.compile(r"checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def test_every_checkov_skip_carries_its_reason() -> None:
    skips = []
    for tf in INFRA.rglob("*.tf"):
        for line in tf.read_text(encoding="utf-8").splitlines():
            match = CHECKOV_SKIP.search(line)
            if match:
                skips.append((tf.relative_to(INFRA), match.group(1), match.group(2) or ""))
    assert skips, "no skips found: the pattern no longer matches the files"
    for where, check, reason in skips:
        assert len(reason.split()) >= 8, f"{where}: {check} skipped without a reason"
