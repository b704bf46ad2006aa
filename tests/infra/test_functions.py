"""The function map of infra/modules/intake against the functions/ folders: one deployed
function per folder and one per entry, each with its own identity, public only when the
function says it is public, invocable otherwise only by its queues' or its job's identity."""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest

from shared.devserver import function_names
from tests.support.terraform import MODULES, ROOT, ROOT_MODULE, all_folders, expression, folder

INTAKE = folder(MODULES / "intake")
FUNCTION = folder(MODULES / "function")
FUNCTIONS: dict[str, dict[str, Any]] = INTAKE.locals["functions"]
QUEUES: dict[str, dict[str, Any]] = INTAKE.locals["queues"]
SCHEDULES: dict[str, dict[str, Any]] = INTAKE.locals["schedules"]


def declares_itself_public(name: str) -> bool:
    """A function's main.py docstring says what calls it; public ones start with "Public"."""
    tree = ast.parse((ROOT / "functions" / name / "main.py").read_text(encoding="utf-8"))
    return (ast.get_docstring(tree) or "").startswith("Public")


def test_every_function_folder_has_exactly_one_entry_and_vice_versa() -> None:
    assert sorted(FUNCTIONS) == function_names()
    assert function_names(), "functions/ holds no function: the comparison would be empty"


def test_the_map_is_the_only_way_a_function_is_deployed() -> None:
    """One google_cloudfunctions2_function in all of infra/, in modules/function; one call of
    that module, for_each over the map; the one root calls the intake module once."""
    function_resources = [(f.path.name, name) for f in all_folders()
                          for (rtype, name) in f.resources
                          if rtype == "google_cloudfunctions2_function"]
    assert function_resources == [("function", "this")]
    calls = [(f.path.name, name, body) for f in all_folders()
             for name, body in f.modules.items() if body["source"].endswith("/function")]
    assert [(where, name) for where, name, _ in calls] == [("intake", "function")]
    assert expression(calls[0][2]["for_each"]) == "toset(keys(local.functions))"
    assert expression(calls[0][2]["name"]) == "each.key"
    sources = [body["source"] for body in folder(ROOT_MODULE).modules.values()]
    assert sources == ["../modules/intake"]
    assert not any(rtype.startswith("google_cloudfunctions")
                   for rtype, _ in folder(ROOT_MODULE).resources)


def test_the_entry_point_and_the_name_are_the_folder_name() -> None:
    build = FUNCTION.resources[("google_cloudfunctions2_function", "this")]["build_config"][0]
    assert expression(build["entry_point"]) == "var.name"
    assert expression(FUNCTION.resources[("google_cloudfunctions2_function", "this")]
                      ["name"]) == "var.name"
    pattern = re.compile(r"^[a-z][a-z0-9_]{0,25}[a-z0-9]$")  # modules/function validation
    assert all(pattern.fullmatch(name) for name in FUNCTIONS)


def test_every_function_runs_as_its_own_service_account() -> None:
    account = FUNCTION.resources[("google_service_account", "this")]
    assert expression(account["account_id"]) == "local.service_account_id"
    assert FUNCTION.locals["service_account_id"] == 'fn-${replace(var.name, "_", "-")}'
    service = FUNCTION.resources[("google_cloudfunctions2_function", "this")]["service_config"][0]
    assert expression(service["service_account_email"]) == "google_service_account.this.email"
    ids = {"fn-" + name.replace("_", "-") for name in FUNCTIONS}
    assert len(ids) == len(FUNCTIONS)
    assert all(6 <= len(i) <= 30 for i in ids)
    others = {f"tasks-{q['identity']}" for q in QUEUES.values()} | {
        "sched-" + name.replace("_", "-") for name in SCHEDULES} | {"fn-build"}
    assert not ids & others


@pytest.mark.parametrize("name", function_names())
def test_public_exactly_when_the_function_declares_itself_public(name: str) -> None:
    assert FUNCTIONS[name]["public"] is declares_itself_public(name)


def test_the_submit_function_of_every_form_is_public() -> None:
    from shared.domain.forms import FORMS

    for form in FORMS:
        assert FUNCTIONS[f"submit_{form}"]["public"] is True


def test_no_all_users_invoker_outside_the_public_switch() -> None:
    """allUsers/allAuthenticatedUsers appear in one resource only, bound when var.public."""
    holders = []
    for f in all_folders():
        for (rtype, name), body in f.resources.items():
            if re.search(r"allUsers|allAuthenticatedUsers", repr(body)):
                holders.append((f.path.name, rtype, name))
    assert holders == [("function", "google_cloud_run_service_iam_member", "public")]
    public = FUNCTION.resources[("google_cloud_run_service_iam_member", "public")]
    assert expression(public["count"]) == "var.public ? 1 : 0"
    call = INTAKE.modules["function"]
    assert expression(call["public"]) == "local.functions[each.key].public"
    # Every other invoker is an identity: the module refuses public members there.
    invokers = FUNCTION.variables["invokers"]["validation"][0]["condition"]
    assert "allUsers" in invokers and "allAuthenticatedUsers" in invokers


def test_task_and_scheduler_targets_accept_only_their_identities() -> None:
    invokers = expression(INTAKE.modules["function"]["invokers"])
    assert "q.target == each.key" in invokers
    assert "job == each.key" in invokers
    members = FUNCTION.resources[("google_cloud_run_service_iam_member", "invokers")]
    assert expression(members["for_each"]) == "var.invokers"
    assert expression(members["role"]) == "roles/run.invoker"
    for name, job in SCHEDULES.items():
        assert name in FUNCTIONS, f"scheduler job {name} calls no function"
        assert set(job) >= {"description", "schedule"}
    for queue in QUEUES.values():
        target = queue["target"]
        if target in FUNCTIONS:
            assert FUNCTIONS[target]["public"] is False, f"task target {target} is public"
    for name in SCHEDULES:
        assert FUNCTIONS[name]["public"] is False


def test_task_targets_check_in_code_the_identities_iam_lets_in() -> None:
    """The callers a target accepts in code (INTAKE_TASK_CALLERS) are built from the same
    queues and jobs as its IAM invokers: the queues whose target it is, its own job."""
    from shared.services.tasks import ROUTES

    callers = expression(INTAKE.locals["task_callers"])
    assert "module.queues.identity_emails[q] if spec.target == name" in callers
    assert "module.scheduler.identity_emails[job] if job == name" in callers
    per_function = expression(INTAKE.locals["function_environment"])
    assert 'INTAKE_TASK_CALLERS = join(",", local.task_callers[name])' in per_function
    assert INTAKE.locals["environment"]["INTAKE_TASK_AUTH"] == "oidc"
    scheduler = folder(MODULES / "scheduler")
    assert "identity_emails" in scheduler.outputs
    # Every target the code routes tasks to, and every scheduled function, is one a queue
    # or a job names, so it gets callers.
    targets = {target for _, target in ROUTES.values()}
    assert targets <= {q["target"] for q in QUEUES.values()}
    assert set(SCHEDULES) == {"sweep"}


def test_only_notify_reads_the_mail_counters_secret() -> None:
    readers = [name for name, spec in FUNCTIONS.items()
               if "mail-throttle-key" in spec["secrets"].values()]
    assert readers == ["notify"]
    assert FUNCTIONS["notify"]["secrets"]["INTAKE_MAIL_THROTTLE_SECRET"] == "mail-throttle-key"


def test_every_function_enqueues_only_to_defined_queues_with_their_identities() -> None:
    for name, spec in FUNCTIONS.items():
        assert set(spec["enqueues"]) <= set(QUEUES), name
    per_function = expression(INTAKE.locals["function_environment"])
    assert ("INTAKE_TASKS_SERVICE_ACCOUNTS = jsonencode({for q in f.enqueues : q => "
            "module.queues.identity_emails[q]})") in per_function.replace("{ ", "{").replace(
                " }", "}")


def test_the_code_enqueues_only_where_the_map_allows() -> None:
    """Every kind of work a function queues goes to a queue its entry lists."""
    from shared.services.tasks import ROUTES, URGENT_QUEUES

    queues_of_kind = {kind: {queue, URGENT_QUEUES.get(kind, queue)}
                      for kind, (queue, _) in ROUTES.items()}
    expected = {"triage": {"forward"}, "forward_to_investigations": {"notify"},
                "sweep": set(ROUTES), "cases": {"forward", "notify"},
                # a review's guidance notice to the filer
                "disclosure": {"notify"}}
    for function, kinds in expected.items():
        allowed = set(FUNCTIONS[function]["enqueues"])
        needed = set().union(*(queues_of_kind[k] for k in kinds))
        assert needed <= allowed, f"{function} queues {needed - allowed} it may not"


def test_the_forward_queues_allow_the_codes_retry_budget() -> None:
    from shared import config

    budget = int(next(v.default for v in config.VARIABLES
                      if v.name == "INTAKE_FORWARD_MAX_ATTEMPTS"))
    for name in ("forward", "urgent_forward"):
        assert int(QUEUES[name]["max_attempts"]) >= budget, name


def permissions_of(value: Any) -> list[str]:
    """A function's Firestore permissions: a list, a local, or concat() of those."""
    if isinstance(value, list):
        return [str(p) for p in value]
    text = expression(value) if not value.startswith("local.") else value
    local = re.fullmatch(r"local\.(\w+)", text)
    if local:
        return permissions_of(INTAKE.locals[local.group(1)])
    joined = re.fullmatch(r"concat\(local\.(\w+),\s*\[(.*)\]\)", text)
    assert joined, f"unexpected permissions expression {text!r}"
    return permissions_of(INTAKE.locals[joined.group(1)]) + re.findall(r'"([^"]+)"',
                                                                       joined.group(2))


def test_each_function_gets_only_its_own_firestore_permissions_on_this_database() -> None:
    role = INTAKE.resources[("google_project_iam_custom_role", "firestore")]
    assert expression(role["permissions"]) == "local.functions[each.key].firestore"
    binding = INTAKE.resources[("google_project_iam_member", "firestore")]
    assert "module.firestore.database_resource" in binding["condition"][0]["expression"]
    for spec in FUNCTIONS.values():
        permissions = permissions_of(spec["firestore"])
        assert permissions and all(p.startswith("datastore.entities.")
                                   or p == "datastore.databases.get" for p in permissions)
        if spec["public"]:
            # A public function never lists a collection (no enumerating cases); the submit
            # functions only create and read, the follow-up page also appends and counts.
            assert "datastore.entities.list" not in permissions
    for name in FUNCTIONS:
        if name.startswith("submit_"):
            assert set(permissions_of(FUNCTIONS[name]["firestore"])) <= {
                "datastore.entities.create", "datastore.entities.get"}, name
    # No predefined Firestore role anywhere: they would grant every permission.
    assert "roles/datastore" not in "".join(t for f in all_folders() for t in f.text.values())


def test_kms_and_secrets_are_granted_per_function() -> None:
    grants = expression(INTAKE.modules["kms"]["grants"])
    assert "for key, use in f.kms" in grants and "local.kms_roles[use]" in grants
    secrets = expression(INTAKE.modules["secrets"]["accessors"])
    assert "f.secrets" in secrets
    for name, spec in FUNCTIONS.items():
        assert set(spec["kms"]) <= {"cases", "messages"}, name
        assert set(spec["kms"].values()) <= set(INTAKE.locals["kms_roles"]), name
        assert set(spec["secrets"].values()) <= set(INTAKE.locals["secrets"]), name


def test_the_name_index_key_is_read_only_where_recusal_is_decided() -> None:
    """Triage writes each case's blind index of named people (it opens the submission for
    that), the case API and the console compare officers with it, notify keeps mail from
    a named assignee. No public function holds the key."""
    holders = {name for name, spec in FUNCTIONS.items()
               if "INTAKE_NAME_INDEX_SECRET" in spec["secrets"]}
    assert holders == {"triage", "cases", "console", "notify"}
    assert {FUNCTIONS[name]["secrets"]["INTAKE_NAME_INDEX_SECRET"] for name in holders} == {
        "name-index-key"}
    assert not any(FUNCTIONS[name]["public"] for name in holders)
    # Triage opens submissions (the cases key, unwrap only) and nothing else.
    assert FUNCTIONS["triage"]["kms"] == {"cases": "decrypt"}
