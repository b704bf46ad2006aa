from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared import config
from shared.domain.policy import RETENTION_DAYS

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_run_the_embedded_backend() -> None:
    settings = config.load({})
    assert settings.backend == "embedded"
    assert settings.policy == config.PolicySettings(6, 30, 30)
    assert settings.policy.retention_days == RETENTION_DAYS
    assert settings.key_file == Path(".intake/keys/local.kek")
    assert settings.function_url("triage") == "http://127.0.0.1:8080/triage"


@pytest.mark.parametrize(("variable", "value"), [
    ("INTAKE_BACKEND", "aws"),
    ("INTAKE_MAX_BODY_BYTES", "lots"),
    ("INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS", "0"),
    ("INTAKE_LOG_LEVEL", "CHATTY"),
])
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(config.ConfigError, match=variable):
        config.load({variable: value})


def test_google_cloud_needs_a_project() -> None:
    with pytest.raises(config.ConfigError, match="GOOGLE_CLOUD_PROJECT"):
        config.load({"INTAKE_BACKEND": "gcp"})


def test_every_variable_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert documented == {v.name for v in config.VARIABLES}


def test_the_readme_table_is_the_one_declaration() -> None:
    # Names, defaults, scopes and text, in order: `python -m tools.readme_config` rewrites it.
    from tools.readme_config import readme_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table(readme) == config.markdown_table()


def test_each_variable_is_declared_once_with_a_known_scope() -> None:
    names = [v.name for v in config.VARIABLES]
    assert len(names) == len(set(names))
    assert {v.scope for v in config.VARIABLES} <= set(config.SCOPES)
    assert all(v.description.strip() for v in config.VARIABLES)


def test_every_default_is_a_valid_value() -> None:
    for variable in config.VARIABLES:
        variable.read({})  # raises ConfigError naming the variable if its default is bad


def test_nothing_else_reads_the_environment() -> None:
    readers = []
    for path in [*ROOT.glob("shared/**/*.py"), *ROOT.glob("schemas/**/*.py"),
                 *ROOT.glob("functions/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        # devserver.py sets the local base URL; bootstrap.py hands os.environ to the guard
        # that refuses development tokens on Google Cloud (platform markers, not settings).
        if re.search(r"os\.environ|os\.getenv", text) and path.name not in (
                "config.py", "devserver.py", "bootstrap.py"):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


GCP = {"INTAKE_BACKEND": "gcp", "GOOGLE_CLOUD_PROJECT": "ethics"}


@pytest.mark.parametrize("url", ["http://investigations.example.org/intake",
                                 "HTTP://investigations.example.org/", "ftp://x.example/",
                                 "investigations.example.org/intake", "https://"])
def test_referrals_need_https_on_google_cloud(url: str) -> None:
    with pytest.raises(config.ConfigError, match="INTAKE_INVESTIGATIONS_URL"):
        config.load({**GCP, "INTAKE_INVESTIGATIONS_URL": url})
    assert config.load({**GCP, "INTAKE_INVESTIGATIONS_URL": "https://oiai.example.org/in"})
    # The local runner keeps its plain-HTTP reference receiver.
    assert config.load({"INTAKE_INVESTIGATIONS_URL": "http://127.0.0.1:8080/in"})


def test_the_gateway_of_a_google_cloud_deployment_refuses_the_local_default() -> None:
    from shared.bootstrap import Container

    settings = config.load({**GCP, "INTAKE_FORWARD_HMAC_SECRET": "s" * 40})
    assert settings.investigations_url.startswith("http://")
    with pytest.raises(config.ConfigError, match="https"):
        _ = Container(settings).gateway


def test_the_site_origin_is_that_of_the_base_url() -> None:
    assert config.load({}).site_origin == "http://127.0.0.1:8080"
    assert config.load({"INTAKE_FUNCTIONS_BASE_URL": "HTTPS://Ethics.Example.org:443/fn/"}
                       ).site_origin == "https://ethics.example.org"
    assert config.url_origin("https://a.example:8443/x") == "https://a.example:8443"
    assert config.url_origin("https://user@a.example/") == ""
    assert config.url_origin("null") == ""


LOOPBACK = {**GCP, "INTAKE_INVESTIGATIONS_LOOPBACK_HTTP": "true"}


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/investigations_intake",
                                 "http://127.0.0.2/in", "http://[::1]:9000/in"])
def test_a_local_gcp_run_may_refer_to_its_loopback_receiver_only_when_told(url: str) -> None:
    assert config.load({**LOOPBACK, "INTAKE_INVESTIGATIONS_URL": url}).investigations_url == url
    with pytest.raises(config.ConfigError, match="https://"):
        config.load({**GCP, "INTAKE_INVESTIGATIONS_URL": url})


@pytest.mark.parametrize("url", ["http://localhost:8080/in", "http://10.0.0.1/in",
                                 "http://investigations.example.org/in",
                                 "http://127.0.0.1.example.org/in", "ftp://127.0.0.1/in"])
def test_the_loopback_switch_opens_nothing_but_the_loopback(url: str) -> None:
    with pytest.raises(config.ConfigError, match="INTAKE_INVESTIGATIONS_URL"):
        config.load({**LOOPBACK, "INTAKE_INVESTIGATIONS_URL": url})
    assert config.load({**LOOPBACK, "INTAKE_INVESTIGATIONS_URL": "https://oiai.example/in"})


def test_the_loopback_switch_lets_the_gateway_reach_the_local_receiver() -> None:
    from shared.adapters.investigations_http import HttpInvestigationsGateway
    from shared.bootstrap import Container

    local = {**LOOPBACK, "INTAKE_FORWARD_HMAC_SECRET": "s" * 40,
             "INTAKE_FUNCTIONS_BASE_URL": "http://127.0.0.1:8085"}
    settings = config.load(local)
    assert settings.investigations_url == "http://127.0.0.1:8085/investigations_intake"
    assert isinstance(Container(settings).gateway, HttpInvestigationsGateway)
    # The default of another base URL stays refused, switch or not.
    elsewhere = config.load({**local, "INTAKE_FUNCTIONS_BASE_URL": "http://intake.example"})
    with pytest.raises(config.ConfigError, match="https"):
        _ = Container(elsewhere).gateway
    with pytest.raises(config.ConfigError, match="https"):
        _ = Container(config.load({**local, "INTAKE_INVESTIGATIONS_LOOPBACK_HTTP": "false"})
                      ).gateway


@pytest.mark.parametrize("marker", ["K_SERVICE", "FUNCTION_NAME", "GAE_SERVICE",
                                    "KUBERNETES_SERVICE_HOST", "CLOUD_SHELL"])
def test_the_loopback_switch_refuses_to_start_on_google_cloud(
        monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    from shared import bootstrap

    monkeypatch.setattr(bootstrap, "_current", None)
    for name, value in {**LOOPBACK, "INTAKE_TASK_AUTH": "oidc"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(marker, "x")
    with pytest.raises(config.ConfigError,
                       match=f"INTAKE_INVESTIGATIONS_LOOPBACK_HTTP=true.*{marker}"):
        bootstrap.container()
    monkeypatch.delenv(marker)
    assert bootstrap.container().settings.investigations_loopback_http is True


def test_the_loopback_switch_refuses_to_start_where_a_metadata_server_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shared import bootstrap
    from tests.support.metadata import MetadataServer

    server = MetadataServer()
    try:
        monkeypatch.setattr(bootstrap, "_current", None)
        for name, value in {**LOOPBACK, "INTAKE_TASK_AUTH": "oidc"}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("GCE_METADATA_IP", server.host)
        with pytest.raises(config.ConfigError, match="metadata server answers"):
            bootstrap.container()
    finally:
        server.close()


RING = "projects/p/locations/europe-west1/keyRings/retention"


@pytest.mark.parametrize(("rings", "error"), [
    ({"INTAKE_RETENTION_KMS_KEY_RING": RING}, "set together"),
    ({"INTAKE_MESSAGES_RETENTION_KMS_KEY_RING": RING}, "set together"),
    ({"INTAKE_RETENTION_KMS_KEY_RING": RING,
      "INTAKE_MESSAGES_RETENTION_KMS_KEY_RING": RING}, "another key ring"),
    ({"INTAKE_RETENTION_KMS_KEY_RING": RING + "/cryptoKeys/k",
      "INTAKE_MESSAGES_RETENTION_KMS_KEY_RING": RING + "-messages"}, "key ring resource"),
])
def test_the_purge_months_key_rings_are_two_rings_set_together(rings: dict[str, str],
                                                                error: str) -> None:
    with pytest.raises(config.ConfigError, match=error):
        config.load(rings)


def test_the_purge_months_key_rings_are_read() -> None:
    sealing = config.load({"INTAKE_RETENTION_KMS_KEY_RING": RING,
                           "INTAKE_MESSAGES_RETENTION_KMS_KEY_RING": RING + "-messages"}).sealing
    assert sealing.retention_kms_key_ring == RING
    assert sealing.messages_retention_kms_key_ring == RING + "-messages"
