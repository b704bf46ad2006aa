"""scripts/deploy: what it does before and around Terraform.

No Terraform binary with providers can run here, so the confirmation gate is checked with a
stand-in `terraform` that only records how it was called (a recorder of our script's calls,
not a model of Terraform); the real init/plan/apply run on an operator's machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDER = """#!/bin/sh
echo "$*" >> "{log}"
echo "$PWD $TF_DATA_DIR" >> "{log}.where"
case "$1" in plan) for a in "$@"; do case "$a" in -out=*) : > "${{a#-out=}}";; esac; done;; esac
"""


def tool_dir(tmp_path: Path, with_terraform: bool) -> Path:
    """A PATH holding the few commands scripts/deploy uses, and terraform only if asked."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sh", "dirname", "ls", "tr", "cat", "rm", "cut", "sha256sum", "env"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    # The interpreter itself (version managers' shims need their own PATH).
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))
    if with_terraform:
        (bin_dir / "terraform").write_text(RECORDER.format(log=tmp_path / "terraform.log"))
        (bin_dir / "terraform").chmod(0o755)
    return bin_dir


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of what scripts/deploy reads, with an environment ready to deploy."""
    copy = tmp_path / "repo"
    for part in ("scripts", "tools", "functions", "shared", "schemas", "infra"):
        shutil.copytree(ROOT / part, copy / part,
                        ignore=shutil.ignore_patterns("__pycache__", ".terraform", "tfplan"))
    for part in ("pyproject.toml", "requirements.lock"):
        shutil.copy2(ROOT / part, copy / part)
    env_dir = copy / "infra" / "envs" / "dev"
    (env_dir / "backend.hcl").write_text('bucket = "b"\nprefix = "p"\n')
    (env_dir / "terraform.tfvars").write_text('project_id = "p"\n')
    return copy


def deploy(checkout: Path, tmp_path: Path, answer: str, *, terraform: bool = True,
           env_name: str = "dev") -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(tool_dir(tmp_path, terraform)), "HOME": os.environ["HOME"]}
    return subprocess.run([str(checkout / "scripts" / "deploy"), env_name], input=answer,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_without_terraform_it_stops_and_says_what_to_install(checkout: Path,
                                                             tmp_path: Path) -> None:
    done = deploy(checkout, tmp_path, "", terraform=False)
    assert done.returncode != 0
    assert "terraform is not installed" in done.stderr
    assert not (tmp_path / "terraform.log").exists()


@pytest.mark.parametrize("name", ["staging", "..", "../envs/dev", "modules"])
def test_an_unknown_environment_is_refused(checkout: Path, tmp_path: Path, name: str) -> None:
    done = deploy(checkout, tmp_path, "", env_name=name)
    assert done.returncode != 0 and f"no environment '{name}'" in done.stderr
    assert "one of: dev prod" in done.stderr
    assert not (tmp_path / "terraform.log").exists()


def test_without_backend_config_it_refuses_before_terraform(checkout: Path,
                                                            tmp_path: Path) -> None:
    (checkout / "infra" / "envs" / "dev" / "backend.hcl").unlink()
    done = deploy(checkout, tmp_path, "dev")
    assert done.returncode != 0 and "backend.hcl is missing" in done.stderr
    assert not (tmp_path / "terraform.log").exists()


def test_it_builds_plans_and_applies_nothing_unless_confirmed(checkout: Path,
                                                              tmp_path: Path) -> None:
    done = deploy(checkout, tmp_path, "yes\n")
    assert done.returncode != 0 and "not applied" in done.stderr
    calls = (tmp_path / "terraform.log").read_text().splitlines()
    env_dir = checkout / "infra" / "envs" / "dev"
    assert [c.split()[0] for c in calls] == ["init", "plan"]
    assert f"-backend-config={env_dir / 'backend.hcl'}" in calls[0].split()
    # The one root, with the environment's variables: its own, then the operator's.
    plan_args = calls[1].split()
    assert plan_args.index(f"-var-file={env_dir / 'environment.tfvars'}") < plan_args.index(
        f"-var-file={env_dir / 'terraform.tfvars'}")
    assert f"build_dir={checkout / 'build'}" in calls[1]
    # Terraform runs in the one root, with the environment's own working folder.
    where = (tmp_path / "terraform.log.where").read_text().splitlines()
    assert set(where) == {f"{checkout / 'infra' / 'root'} {env_dir / '.terraform'}"}
    assert not (checkout / "infra" / "envs" / "dev" / "tfplan").exists()
    assert sorted(p.name for p in (checkout / "build").iterdir() if p.is_dir()) == sorted(
        p.parent.name for p in (checkout / "functions").glob("*/main.py"))


def test_typing_the_environment_name_applies_the_saved_plan(checkout: Path,
                                                            tmp_path: Path) -> None:
    done = deploy(checkout, tmp_path, "dev\n")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "terraform.log").read_text().splitlines()
    plan = checkout / "infra" / "envs" / "dev" / "tfplan"
    assert [c.split()[0] for c in calls] == ["init", "plan", "apply"]
    assert calls[2] == f"apply -input=false {plan}"
    assert not plan.exists()
