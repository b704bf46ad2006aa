"""The repository stands on its own, and its docs say what the code does: no link in a
Markdown file is broken or leaves the repository, nothing refers to documents kept
elsewhere, and the lists of the README and docs/ (codes, states, time limits, services,
ports, endpoints, functions) are compared with the code, so that they cannot rot."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
from pathlib import Path

import pytest

from shared import config
from shared.bootstrap import Container
from shared.devserver import function_names
from shared.domain import taxonomy
from shared.domain.case_workflows import WORKFLOWS
from shared.domain.forms import FORMS
from shared.domain.triage import PRIORITIES, ROUTES
from tests.support.markdown import (
    ROOT,
    anchors,
    broken_links,
    codes,
    link_targets,
    markdown_files,
    section,
    tables,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
VOCABULARY = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


# --- Links -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_relative_link_is_broken(path: Path) -> None:
    assert not list(broken_links(path)), list(broken_links(path))


def test_the_docs_the_readme_promises_are_there_and_linked() -> None:
    for name in ("vocabulary", "time-limits", "architecture", "submission-path"):
        assert (ROOT / "docs" / f"{name}.md").is_file()
        assert f"docs/{name}.md" in link_targets(README)


def test_the_link_check_finds_each_kind_of_broken_link(tmp_path: Path) -> None:
    (tmp_path / "repo" / "docs").mkdir(parents=True)
    (tmp_path / "outside.md").write_text("# Outside\n")
    (tmp_path / "repo" / "docs" / "guide.md").write_text(
        "# Guide\n\n## Key layout (`intake reseal`)\n\n## Repeat\n\n## Repeat\n")
    page = tmp_path / "repo" / "README.md"
    page.write_text("\n".join([
        "# Title", "",
        "[fine](docs/guide.md) [anchor](docs/guide.md#key-layout-intake-reseal)",
        "[second](docs/guide.md#repeat-1) [here](#title) [web](https://example.org/x)",
        "[folder](docs/) ![image](docs/guide.md)",
        "[missing](docs/missing.md)",
        "[outside](../outside.md)",
        "[bad anchor](docs/guide.md#nowhere)",
        "[own anchor](#nowhere-here)",
        "[ref]: docs/also-missing.md",
        '<a href="docs/html-missing.md">x</a>',
        "`[in code](docs/ignored.md)`", "",
        "```", "[in a block](docs/ignored-too.md)", "```",
    ]))
    found = {(b.target, b.why.split(" ")[0]) for b in broken_links(page, tmp_path / "repo")}
    assert found == {
        ("docs/missing.md", "no"), ("../outside.md", "points"),
        ("docs/guide.md#nowhere", "guide.md"), ("#nowhere-here", "README.md"),
        ("docs/also-missing.md", "no"), ("docs/html-missing.md", "no"),
    }


def test_anchors_are_those_github_makes() -> None:
    assert anchors("# Officers: the case API and `intake cases`\n## Web forms\n## Web forms\n"
                   "```\n# not a heading\n```\n") == {
        "officers-the-case-api-and-intake-cases", "web-forms", "web-forms-1"}


def _project_files() -> list[Path]:
    """The project's files: tracked or new, not ignored (no virtualenv, cache or build)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    paths = (ROOT / name for name in listed.stdout.decode().split("\0") if name)
    return [p for p in paths if p.is_file()
            and p.suffix not in {".png", ".svg", ".mo", ".sqlite3", ".pyc"}]


def test_nothing_refers_to_documents_kept_outside_the_repository() -> None:
    # Spelled in pieces, so that this file does not name them.
    outside = ["/".join(("..", "shared", "docs")), "/".join(("shared", "docs", "")),
               *(f"{name}.md" for name in ("DOMAIN", "DESIGN", "STYLE"))]
    found = []
    for path in _project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(ROOT)}: {word}" for word in outside if word in text]
    assert not found


# --- The vocabulary -----------------------------------------------------------------------

def first_codes(rows: list[list[str]]) -> list[str]:
    return [codes(row[0])[0] for row in rows]


def only_table(heading: str) -> list[list[str]]:
    [table] = tables(section(VOCABULARY, heading))
    return table


@pytest.mark.parametrize(("heading", "labels"), [
    ("Service categories", taxonomy.SERVICE_CATEGORIES),
    ("Suspension reasons", taxonomy.SUSPENSION_REASONS),
    ("Retaliation outcomes", taxonomy.RETALIATION_OUTCOME_LABELS),
    ("Panel review steps", taxonomy.PANEL_REVIEW_STEPS),
    ("Protected activities", taxonomy.PROTECTED_ACTIVITIES),
    ("Retaliatory acts", taxonomy.RETALIATORY_ACT_KINDS),
    ("Duty stations", taxonomy.DUTY_STATIONS),
    ("Staff categories", taxonomy.STAFF_CATEGORIES),
    ("Requester types", taxonomy.REQUESTER_TYPES),
    ("Contact methods", taxonomy.CONTACT_METHODS),
    ("Languages", taxonomy.LANGUAGES),
])
def test_each_code_list_of_the_vocabulary_is_the_taxonomys(heading: str,
                                                          labels: dict[str, str]) -> None:
    rows = only_table(heading)
    assert {codes(row[0])[0]: row[1] for row in rows} == dict(labels)
    assert len(rows) == len(labels)
    assert tuple(taxonomy.RETALIATION_OUTCOME_LABELS) == taxonomy.RETALIATION_OUTCOMES


def test_the_measures_are_the_taxonomys() -> None:
    expected = [taxonomy.MEASURE_PURPOSES, taxonomy.PROTECTIVE_MEASURES,
                taxonomy.CORRECTIVE_MEASURES, taxonomy.PROTECTIVE_MEASURE_OUTCOMES,
                taxonomy.MEASURE_DECISIONS]
    found = tables(section(VOCABULARY, "Measures"))
    assert [{codes(r[0])[0]: r[1] for r in table} for table in found] == [dict(e) for e in expected]


def test_the_advice_categories_are_the_taxonomys() -> None:
    rows = only_table("Advice categories")
    assert {codes(row[0])[0]: tuple(codes(row[1])) for row in rows} == dict(
        taxonomy.ADVICE_GROUPS)


def test_the_allegation_types_and_which_are_urgent() -> None:
    rows = only_table("Allegation types")
    assert {codes(r[0])[0]: r[1] for r in rows} == dict(taxonomy.ALLEGATION_TYPES)
    assert {codes(r[0])[0] for r in rows if r[2] == "yes"} == taxonomy.URGENT_ALLEGATIONS


def test_the_forms_are_the_domains() -> None:
    rows = only_table("Forms")
    assert {codes(r[0])[0]: (codes(r[1])[0], codes(r[2])[0], r[3] == "allowed")
            for r in rows} == {
        code: (form.prefix, form.function, form.allows_anonymous) for code, form in FORMS.items()}


def test_the_priorities_and_routes_are_triages() -> None:
    assert tuple(first_codes(only_table("Priorities"))) == PRIORITIES
    assert tuple(first_codes(only_table("Routes"))) == ROUTES


@pytest.mark.parametrize("form", list(WORKFLOWS))
def test_each_workflow_is_documented_state_by_state_and_transition_by_transition(
        form: str) -> None:
    workflow = WORKFLOWS[form]
    states, transitions = tables(section(VOCABULARY, f"{form.capitalize()} workflow"))
    assert first_codes(states) == list(workflow.states)
    documented = {codes(r[0])[0]: (set(codes(r[1])), codes(r[2])[0]) for r in transitions}
    assert documented == {t.name: (set(t.sources), t.target) for t in workflow.transitions}
    assert len(transitions) == len(workflow.transitions)


# --- Time limits --------------------------------------------------------------------------

POLICY_FIELDS = {
    "INTAKE_POLICY_FILING_WINDOW_MONTHS": ("filing_window_months", "months"),
    "INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS": ("preliminary_review_days", "days"),
    "INTAKE_POLICY_PANEL_REVIEW_DAYS": ("panel_review_days", "days"),
    "INTAKE_POLICY_ADVICE_WORKING_DAYS": ("advice_answer_working_days", "working days"),
    **{f"INTAKE_POLICY_FEEDBACK_MONTHS_{form.upper()}": (f"feedback_months_{form}", "months")
       for form in ("advice", "misconduct", "retaliation")},
}


def test_the_time_limits_page_gives_each_limit_its_variable_and_real_default() -> None:
    text = (ROOT / "docs" / "time-limits.md").read_text(encoding="utf-8")
    [rows] = tables(section(text, "Policy time limits"))
    documented = {codes(r[2])[0]: r[1] for r in rows}
    assert set(documented) == set(POLICY_FIELDS)
    policy = Container(config.load({})).policy
    for variable, (field, unit) in POLICY_FIELDS.items():
        default = getattr(policy, field)
        assert documented[variable] == f"{default} {unit}"
        # The variable is the one that sets it.
        changed = Container(config.load({variable: str(default + 1)})).policy
        assert getattr(changed, field) == default + 1


# --- The README's lists -------------------------------------------------------------------

def layout_row(folder_code: str) -> list[str]:
    rows = [row for table in tables(section(README, "Layout")) for row in table
            if folder_code in codes(row[0])]
    assert len(rows) == 1, f"the layout table has no single row for {folder_code}"
    return rows[0]


def modules_of(package: str) -> set[str]:
    path = ROOT.joinpath(*package.split("."))
    return {m.name for m in pkgutil.iter_modules([str(path)])}


def ports() -> set[str]:
    """The interfaces we own: the abstract classes and protocols of the ports modules."""
    names: set[str] = set()
    modules = ["shared.ports",
               *(f"shared.ports.{m}" for m in modules_of("shared.ports"))]
    for name in modules:
        module = importlib.import_module(name)
        names |= {n for n, c in vars(module).items()
                  if inspect.isclass(c) and c.__module__ == module.__name__
                  and (inspect.isabstract(c) or getattr(c, "_is_protocol", False))}
    return names


def test_the_layout_lists_every_service_module() -> None:
    services = modules_of("shared.services")
    assert len(services) >= 12
    assert set(codes(layout_row("shared/services/")[1])) == services
    assert services <= set(re.findall(r"`(\w+)`", ARCHITECTURE))


def test_the_layout_lists_every_endpoint_module() -> None:
    assert set(codes(layout_row("shared/endpoints/")[1])) == modules_of("shared.endpoints")


def test_the_layout_and_the_architecture_list_every_port() -> None:
    found = ports()
    assert {"IntakeStore", "TaskQueue", "StatisticsStore", "TokenVerifier"} <= found
    assert set(codes(layout_row("shared/ports/")[1])) == found
    [table] = tables(section(ARCHITECTURE, "Ports and adapters"))
    assert {name for row in table for name in codes(row[0])} == found


def test_the_architecture_names_each_backends_database_object() -> None:
    databases = {name for name in modules_of("shared.adapters") if name.endswith("_database")}
    assert databases == {"sqlite_database", "firestore_database"}
    named = codes(section(ARCHITECTURE, "Ports and adapters"))
    assert {f"shared/adapters/{name}.py" for name in databases} <= set(named)


def test_every_repository_path_the_docs_name_exists() -> None:
    # Markdown names the code by path in code spans; a moved module must not leave a stale name.
    for path in markdown_files():
        for name in codes(path.read_text(encoding="utf-8")):
            if re.fullmatch(r"(shared|schemas|functions|tools|infra)/[\w./-]+", name):
                assert (ROOT / name.rstrip("/")).exists(), f"{path.relative_to(ROOT)}: {name}"


def test_the_readme_lists_every_function() -> None:
    [table] = tables(section(README, "Functions"))
    assert sorted(first_codes(table)) == function_names()


def test_every_path_the_layout_names_exists() -> None:
    for table in tables(section(README, "Layout")):
        for row in table:
            for path in codes(row[0]):
                assert (ROOT / path.replace("<name>", "forms")).exists(), path
