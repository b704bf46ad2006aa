"""The officers' console on Google Cloud: Identity-Aware Proxy the only way in (a load
balancer's backend service with IAP on, the function's ingress internal and load
balancer only, IAP's service agent its only invoker), officers as IAP's accessors, the
assertion's audience told to the function, HTTPS with a modern TLS policy only."""

from __future__ import annotations

from tests.support.terraform import MODULES, all_folders, expression, folder

INTAKE = folder(MODULES / "intake")
CONSOLE = INTAKE.locals["functions"]["console"]


def resource(rtype: str, name: str = "console") -> dict:
    return INTAKE.resources[(rtype, name)]


def test_the_console_is_not_public_and_only_iap_invokes_it() -> None:
    assert CONSOLE["public"] is False and CONSOLE["officers"] is False
    assert CONSOLE["sizing"]["ingress"] == "ALLOW_INTERNAL_AND_GCLB"
    invokers = expression(INTAKE.modules["function"]["invokers"])
    assert '{iap = local.iap_service_agent} : name => member if each.key == "console"' in (
        invokers.replace("{ ", "{").replace(" }", "}"))
    assert INTAKE.locals["iap_service_agent"] == (
        "serviceAccount:service-${data.google_project.this.number}"
        "@gcp-sa-iap.iam.gserviceaccount.com")


def test_the_backend_service_has_iap_on_and_serves_the_console_function() -> None:
    backend = resource("google_compute_backend_service")
    assert backend["iap"][0]["enabled"] is True
    assert backend["load_balancing_scheme"] == "EXTERNAL_MANAGED"
    assert expression(backend["backend"][0]["group"]) == (
        "google_compute_region_network_endpoint_group.console.id")
    neg = resource("google_compute_region_network_endpoint_group")
    assert neg["network_endpoint_type"] == "SERVERLESS"
    assert neg["cloud_function"][0]["function"] == "console"
    # Every other way to a backend would bypass IAP: these are the only backend services,
    # and each has IAP on.
    services = [(f.path.name, name) for f in all_folders() for rtype, name in f.resources
                if rtype == "google_compute_backend_service"]
    assert sorted(services) == [("intake", "console"), ("intake", "declarations")]
    assert all(resource("google_compute_backend_service", name)["iap"][0]["enabled"] is True
               for _, name in services)


def test_officers_pass_iap_and_the_function_checks_iaps_assertion() -> None:
    accessors = resource("google_iap_web_backend_service_iam_member", "officers")
    assert expression(accessors["for_each"]) == "toset(var.officer_members)"
    assert accessors["role"] == "roles/iap.httpsResourceAccessor"
    environment = INTAKE.locals["environment"]
    assert expression(environment["INTAKE_IAP_AUDIENCE"]) == "local.iap_audience"
    assert INTAKE.locals["iap_audience"] == (
        "/projects/${data.google_project.this.number}/global/backendServices/"
        "${google_compute_backend_service.console.generated_id}")
    assert expression(environment["INTAKE_CONSOLE_URL"]) == "local.console_url"
    reauth = resource("google_iap_settings")["access_settings"][0]["reauth_settings"][0]
    assert "var.settings.console_session_max_minutes * 60" in reauth["max_age"]


def test_https_only_with_a_modern_tls_policy() -> None:
    rule = resource("google_compute_global_forwarding_rule")
    assert rule["port_range"] == "443"
    assert expression(rule["target"]) == "google_compute_target_https_proxy.console.id"
    policy = resource("google_compute_ssl_policy")
    assert policy["min_tls_version"] == "TLS_1_2" and policy["profile"] == "RESTRICTED"
    assert not [name for f in all_folders() for rtype, name in f.resources
                if rtype == "google_compute_target_http_proxy"]


def test_the_filers_pages_are_behind_iap_on_the_same_load_balancer() -> None:
    """``/forms/...`` on the console's host reaches the forms function (prefix removed)
    through a backend with IAP on, for the disclosure programme's members only; the
    function is told that backend's audience and the pages' address."""
    backend = resource("google_compute_backend_service", "declarations")
    assert expression(backend["backend"][0]["group"]) == (
        "google_compute_region_network_endpoint_group.declarations.id")
    neg = resource("google_compute_region_network_endpoint_group", "declarations")
    assert neg["cloud_function"][0]["function"] == "forms"
    filers = resource("google_iap_web_backend_service_iam_member", "filers")
    assert expression(filers["for_each"]) == "toset(var.disclosure_members)"
    assert filers["role"] == "roles/iap.httpsResourceAccessor"
    [matcher] = resource("google_compute_url_map")["path_matcher"]
    assert expression(matcher["default_service"]) == (
        "google_compute_backend_service.console.id")
    [rule] = matcher["route_rules"]
    assert expression(rule["service"]) == "google_compute_backend_service.declarations.id"
    assert rule["match_rules"][0]["prefix_match"] == "/forms/"
    assert rule["route_action"][0]["url_rewrite"][0]["path_prefix_rewrite"] == "/"
    environment = INTAKE.locals["environment"]
    assert expression(environment["INTAKE_FORMS_IAP_AUDIENCE"]) == (
        "local.declarations_iap_audience")
    assert INTAKE.locals["declarations_iap_audience"] == (
        "/projects/${data.google_project.this.number}/global/backendServices/"
        "${google_compute_backend_service.declarations.generated_id}")
    assert expression(environment["INTAKE_DECLARATIONS_URL"]) == "local.declarations_url"
