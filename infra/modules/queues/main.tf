# Cloud Tasks queues, one OIDC identity per delivery target, and the narrowest grants:
# enqueuers get enqueue on their queues and actAs on those queues' identities only; the
# target function grants roles/run.invoker to its queues' identities only (intake module).

locals {
  identities = toset([for q in values(var.queues) : q.identity])
}

resource "google_service_account" "identity" {
  for_each = local.identities

  project      = var.project_id
  account_id   = "tasks-${each.key}"
  display_name = "ethics-intake tasks: ${each.key}"
  description  = "Identity (OIDC token) of the tasks that Cloud Tasks delivers to ${each.key}; it has no role but invoking that function."
}

resource "google_cloud_tasks_queue" "this" {
  for_each = var.queues

  project  = var.project_id
  location = var.location
  name     = each.value.queue_id

  rate_limits {
    max_dispatches_per_second = each.value.max_dispatches_per_second
    max_concurrent_dispatches = each.value.max_concurrent_dispatches
  }

  retry_config {
    max_attempts       = each.value.max_attempts
    min_backoff        = each.value.min_backoff
    max_backoff        = each.value.max_backoff
    max_doublings      = each.value.max_doublings
    max_retry_duration = each.value.max_retry_duration
  }

  stackdriver_logging_config {
    sampling_ratio = var.log_sampling_ratio
  }
}

resource "google_cloud_tasks_queue_iam_member" "enqueuers" {
  for_each = var.enqueuers

  project  = var.project_id
  location = var.location
  name     = google_cloud_tasks_queue.this[each.value.queue].name
  role     = "roles/cloudtasks.enqueuer"
  member   = each.value.member
}

resource "google_service_account_iam_member" "enqueuers_act_as_identity" {
  for_each = var.enqueuers

  service_account_id = google_service_account.identity[var.queues[each.value.queue].identity].name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value.member
}
