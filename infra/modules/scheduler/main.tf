# Cloud Scheduler jobs, each calling one function with an OIDC token of its own identity;
# the function grants roles/run.invoker to that identity only (intake module).

resource "google_service_account" "identity" {
  for_each = var.jobs

  project      = var.project_id
  account_id   = "sched-${replace(each.key, "_", "-")}"
  display_name = "ethics-intake scheduler: ${each.key}"
  description  = "Identity (OIDC token) of the Cloud Scheduler job ${each.key}; it has no role but invoking that function."
}

resource "google_cloud_scheduler_job" "this" {
  for_each = var.jobs

  project          = var.project_id
  region           = var.region
  name             = replace(each.key, "_", "-")
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = each.value.time_zone
  attempt_deadline = each.value.attempt_deadline

  retry_config {
    retry_count = each.value.retry_count
  }

  http_target {
    http_method = "POST"
    uri         = each.value.uri
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.identity[each.key].email
      audience              = each.value.uri
    }
  }
}
