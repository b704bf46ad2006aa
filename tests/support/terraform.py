"""Read infra/ with python-hcl2: blocks of every .tf file of a folder, merged by kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MODULES = INFRA / "modules"
# The one root, configured per environment by the folders of ENVS (tfvars and backend only).
ROOT_MODULE = INFRA / "root"
ENVS = INFRA / "envs"
_OPTIONS = SerializationOptions(strip_string_quotes=True)


@dataclass
class Folder:
    """One Terraform module or root: its blocks by kind, and its files' text."""

    path: Path
    locals: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (resource type, name) -> body
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)
    text: dict[str, str] = field(default_factory=dict)


@cache
def folder(path: Path) -> Folder:
    result = Folder(path)
    for tf in sorted(path.glob("*.tf")):
        text = tf.read_text(encoding="utf-8")
        result.text[tf.name] = text
        parsed = hcl2.loads(text, serialization_options=_OPTIONS)
        for block in parsed.get("locals", []):
            result.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
        for kind, target in (("variable", result.variables), ("output", result.outputs),
                             ("module", result.modules)):
            for block in parsed.get(kind, []):
                target.update(block)
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    result.resources[(rtype, name)] = body
        result.terraform.extend(parsed.get("terraform", []))
    return result


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def env_dirs() -> list[Path]:
    """The environments: each a folder of tfvars and backend settings for the one root."""
    return sorted(p for p in ENVS.iterdir() if p.is_dir())


def terraform_dirs() -> list[Path]:
    """Every folder of .tf files: the modules and the one root."""
    return [*module_dirs(), ROOT_MODULE]


def all_folders() -> list[Folder]:
    return [folder(p) for p in terraform_dirs()]


def tfvars(path: Path) -> dict[str, Any]:
    """The assignments of a .tfvars file (or its .example)."""
    parsed: dict[str, Any] = hcl2.loads(path.read_text(encoding="utf-8"),
                                        serialization_options=_OPTIONS)
    return {k: v for k, v in parsed.items() if not k.startswith("__")}


def expression(value: Any) -> str:
    """The text of an HCL expression (hcl2 writes them as ${...})."""
    text = str(value)
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


def object_keys(expr: str) -> set[str]:
    """Attribute names of object literals written inside an expression."""
    return set(re.findall(r"[{,]\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)", expr))
