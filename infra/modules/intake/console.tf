# The officers' web console behind Identity-Aware Proxy: an external HTTPS load balancer
# (managed certificate, TLS 1.2+ only) whose one backend service, a serverless network
# endpoint group of the console function, has IAP switched on. The function accepts only
# internal and load-balancer traffic and only IAP's service agent may invoke it
# (functions.tf, main.tf), so IAP is the only way in; the function verifies IAP's signed
# assertion for this backend service (INTAKE_IAP_AUDIENCE) on every request.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  console_url       = "https://${var.console_domain}"
  iap_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-iap.iam.gserviceaccount.com"
  # The audience IAP signs its assertions for: this backend service.
  iap_audience = "/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.console.generated_id}"
  # ... and for the filers' pages, theirs; those pages' address on the load balancer.
  declarations_iap_audience = "/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.declarations.generated_id}"
  declarations_url          = "https://${var.console_domain}/forms/declarations"
}

# Names the function rather than referring to it, so the backend service (whose id the
# function is told) does not wait for the function.
resource "google_compute_region_network_endpoint_group" "console" {
  project               = var.project_id
  name                  = "intake-console"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_function {
    function = "console"
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_backend_service" "console" {
  project               = var.project_id
  name                  = "intake-console"
  description           = "The officers' web console; Identity-Aware Proxy in front."
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"

  backend {
    group = google_compute_region_network_endpoint_group.console.id
  }

  # Google-managed OAuth client: officers sign in with their organisation's Google account.
  iap {
    enabled = true
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

# The filers' declaration pages (served by the forms function) behind Identity-Aware Proxy
# on the same load balancer: `/forms/...` on the console's host goes, its `/forms` prefix
# removed, to a backend service of the forms function with IAP on, which lets through only
# the disclosure programme's members (filers and heads of units). The function verifies
# IAP's signed assertion for this backend (INTAKE_FORMS_IAP_AUDIENCE) on every declaration
# page: the same pages reached on the functions' own address carry none and are refused.
resource "google_compute_region_network_endpoint_group" "declarations" {
  project               = var.project_id
  name                  = "intake-declarations"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_function {
    function = "forms"
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_backend_service" "declarations" {
  project               = var.project_id
  name                  = "intake-declarations"
  description           = "The filers' declaration pages of the forms function; Identity-Aware Proxy in front."
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"

  backend {
    group = google_compute_region_network_endpoint_group.declarations.id
  }

  iap {
    enabled = true
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_iap_web_backend_service_iam_member" "filers" {
  for_each = toset(var.disclosure_members)

  project             = var.project_id
  web_backend_service = google_compute_backend_service.declarations.name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value
}

# Who IAP lets through to the console: the officers' members; the console still looks
# each one up in the officers directory.
resource "google_iap_web_backend_service_iam_member" "officers" {
  for_each = toset(var.officer_members)

  project             = var.project_id
  web_backend_service = google_compute_backend_service.console.name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value
}

# IAP asks Google to sign the officer in again as often as a console session may last.
resource "google_iap_settings" "console" {
  name = "projects/${data.google_project.this.number}/iap_web/compute/services/${google_compute_backend_service.console.name}"

  access_settings {
    reauth_settings {
      method      = "LOGIN"
      max_age     = "${var.settings.console_session_max_minutes * 60}s"
      policy_type = "MINIMUM"
    }
  }
}

resource "google_compute_url_map" "console" {
  project         = var.project_id
  name            = "intake-console"
  description     = "The forms' pages (for the filers' declarations) to their backend service, everything else to the console's."
  default_service = google_compute_backend_service.console.id

  host_rule {
    hosts        = [var.console_domain]
    path_matcher = "console"
  }

  path_matcher {
    name            = "console"
    default_service = google_compute_backend_service.console.id

    route_rules {
      priority = 1
      service  = google_compute_backend_service.declarations.id

      match_rules {
        prefix_match = "/forms/"
      }

      route_action {
        url_rewrite {
          path_prefix_rewrite = "/"
        }
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "console" {
  project = var.project_id
  name    = "intake-console"

  managed {
    domains = [var.console_domain]
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_ssl_policy" "console" {
  project         = var.project_id
  name            = "intake-console"
  profile         = "RESTRICTED"
  min_tls_version = "TLS_1_2"

  depends_on = [google_project_service.enabled]
}

resource "google_compute_target_https_proxy" "console" {
  project          = var.project_id
  name             = "intake-console"
  url_map          = google_compute_url_map.console.id
  ssl_certificates = [google_compute_managed_ssl_certificate.console.id]
  ssl_policy       = google_compute_ssl_policy.console.id
}

resource "google_compute_global_address" "console" {
  project = var.project_id
  name    = "intake-console"

  depends_on = [google_project_service.enabled]
}

# HTTPS only: there is no port 80 rule to redirect from, so nothing travels in clear.
resource "google_compute_global_forwarding_rule" "console" {
  project               = var.project_id
  name                  = "intake-console"
  target                = google_compute_target_https_proxy.console.id
  ip_address            = google_compute_global_address.console.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
