"""What the functions are told, against the code's one list of variables (shared/config.py):
every deployed variable set, nothing else; secrets only from Secret Manager; every queue the
code names exists; Terraform's defaults are the code's defaults."""

from __future__ import annotations

import re
from pathlib import Path

from shared import config
from shared.services.tasks import ROUTES
from tests.support.terraform import MODULES, ROOT_MODULE, expression, folder, object_keys

INTAKE = folder(MODULES / "intake")
FUNCTION = folder(MODULES / "function")
BY_SCOPE = {scope: {v.name for v in config.VARIABLES if v.scope == scope}
            for scope in ("deployed", "local", "secret")}
DEFAULTS = {v.name: v.default for v in config.VARIABLES}


def environment_of_every_function() -> set[str]:
    """The plain variables each function gets: local.environment plus what the per-function
    merge adds (the same keys for every function)."""
    common = set(INTAKE.locals["environment"])
    per_function = expression(INTAKE.locals["function_environment"])
    assert per_function.startswith("{for name, f in local.functions : name => merge("
                                   "local.environment, {")
    return common | object_keys(per_function)


def test_every_scope_is_known() -> None:
    assert {v.scope for v in config.VARIABLES} <= {"deployed", "local", "secret"}


def test_every_deployed_variable_is_set_and_nothing_else() -> None:
    assert environment_of_every_function() == BY_SCOPE["deployed"]


def test_local_and_secret_variables_are_never_plain_environment() -> None:
    plain = environment_of_every_function()
    assert not plain & (BY_SCOPE["local"] | BY_SCOPE["secret"])
    assert not plain & {"FIRESTORE_EMULATOR_HOST", "CLOUD_TASKS_EMULATOR_HOST",
                        "INTAKE_KMS_EMULATOR_HOST", "INTAKE_KEY_FILE"}


def test_the_function_module_sets_only_what_it_is_given() -> None:
    call = INTAKE.modules["function"]
    assert expression(call["environment_variables"]) == "local.function_environment[each.key]"
    service = FUNCTION.resources[("google_cloudfunctions2_function", "this")]["service_config"][0]
    assert expression(service["environment_variables"]) == "var.environment_variables"
    secrets = service["dynamic"][0]["secret_environment_variables"]
    assert expression(secrets["for_each"]) == "var.secret_environment_variables"
    build = FUNCTION.resources[("google_cloudfunctions2_function", "this")]["build_config"][0]
    assert "environment_variables" not in build


def test_secret_variables_come_only_from_secret_manager() -> None:
    for name, spec in INTAKE.locals["functions"].items():
        for variable in spec["secrets"]:
            assert variable in BY_SCOPE["secret"], (
                f"{name} reads {variable} as a secret; declare it in shared/config.py "
                "with scope 'secret'")
    secrets = expression(INTAKE.modules["function"]["secret_environment_variables"])
    assert "local.functions[each.key].secrets" in secrets


def test_every_queue_the_code_names_exists_and_is_set() -> None:
    queues = INTAKE.locals["queues"]
    environment = INTAKE.locals["environment"]
    named = [v for v in config.VARIABLES if re.fullmatch(r"INTAKE_[A-Z_]+_QUEUE", v.name)]
    assert named
    for variable in named:
        logical = variable.name.removeprefix("INTAKE_").removesuffix("_QUEUE").lower()
        assert logical in queues, f"{variable.name}: no queue {logical!r} in local.queues"
        assert expression(environment[variable.name]) == (
            f'module.queues.queue_ids["{logical}"]')
        # The queue id Terraform gives it is the code's default, so nothing differs between
        # a local run and a deployment but the project.
        assert logical.replace("_", "-") == variable.default
    for logical_queue, _target in ROUTES.values():
        assert logical_queue in queues
    assert 'replace(name, "_", "-")' in expression(INTAKE.modules["queues"]["queues"])


def test_queue_retry_and_rate_settings_are_complete() -> None:
    required = {"target", "identity", "max_dispatches_per_second", "max_concurrent_dispatches",
                "max_attempts", "min_backoff", "max_backoff", "max_doublings",
                "max_retry_duration"}
    for name, queue in INTAKE.locals["queues"].items():
        assert set(queue) == required, name
        assert queue["max_attempts"] == -1 or queue["max_attempts"] >= 1
        assert int(queue["min_backoff"].rstrip("s")) <= int(queue["max_backoff"].rstrip("s"))
    urgent, normal = INTAKE.locals["queues"]["urgent_forward"], INTAKE.locals["queues"]["forward"]
    assert urgent["target"] == normal["target"] and urgent["identity"] == normal["identity"]
    assert urgent["max_dispatches_per_second"] > normal["max_dispatches_per_second"]


def _settings_type(where: Path) -> dict[str, tuple[str, str]]:
    type_text = folder(where).variables["settings"]["type"]
    return {name: (kind, default.strip('"')) for name, kind, default in re.findall(
        r"(\w+) = optional\((\w+), ([^)]+)\)", type_text)}


def test_settings_are_the_codes_variables_with_the_codes_defaults() -> None:
    environment = INTAKE.locals["environment"]
    for where in [MODULES / "intake", ROOT_MODULE]:
        settings = _settings_type(where)
        assert settings, where
        for key, (_kind, default) in settings.items():
            variable = f"INTAKE_{key.upper()}"
            assert variable in BY_SCOPE["deployed"], (where, variable)
            assert default == DEFAULTS[variable], (where, variable)
            assert f"var.settings.{key}" in environment[variable]


def test_fixed_values_match_what_the_code_expects() -> None:
    environment = INTAKE.locals["environment"]
    assert environment["INTAKE_BACKEND"] == "gcp"
    assert environment["INTAKE_BACKEND"] in config.BACKENDS
    assert expression(environment["INTAKE_KMS_KEY"]) == "module.kms.key_id"
    assert expression(environment["INTAKE_FUNCTIONS_BASE_URL"]) == "local.functions_base_url"
    # Task and scheduler targets are built as INTAKE_FUNCTIONS_BASE_URL/<name> by the code
    # and by the scheduler module: both from the same local.
    assert INTAKE.locals["functions_base_url"] == (
        "https://${var.region}-${var.project_id}.cloudfunctions.net")
    jobs = expression(INTAKE.modules["scheduler"]["jobs"])
    assert "${local.functions_base_url}/${name}" in jobs
