# The environment of every function: each "deployed" variable of shared/config.py, and
# nothing else (tests/infra compares this file with the code's list). Secrets never go
# here: they are secret environment variables (functions.tf, secrets).

locals {
  functions_base_url = "https://${var.region}-${var.project_id}.cloudfunctions.net"

  environment = {
    INTAKE_BACKEND                        = "gcp"
    INTAKE_FUNCTIONS_BASE_URL             = local.functions_base_url
    GOOGLE_CLOUD_PROJECT                  = var.project_id
    INTAKE_FIRESTORE_DATABASE             = module.firestore.database_id
    INTAKE_TASKS_LOCATION                 = var.region
    INTAKE_TRIAGE_QUEUE                   = module.queues.queue_ids["triage"]
    INTAKE_FORWARD_QUEUE                  = module.queues.queue_ids["forward"]
    INTAKE_URGENT_FORWARD_QUEUE           = module.queues.queue_ids["urgent_forward"]
    INTAKE_NOTIFY_QUEUE                   = module.queues.queue_ids["notify"]
    INTAKE_KMS_KEY                        = module.kms.key_id
    INTAKE_MAX_BODY_BYTES                 = tostring(var.settings.max_body_bytes)
    INTAKE_STORE_TIMEOUT_SECONDS          = tostring(var.settings.store_timeout_seconds)
    INTAKE_QUEUE_TIMEOUT_SECONDS          = tostring(var.settings.queue_timeout_seconds)
    INTAKE_SWEEP_GRACE_SECONDS            = tostring(var.settings.sweep_grace_seconds)
    INTAKE_SWEEP_BATCH                    = tostring(var.settings.sweep_batch)
    INTAKE_POLICY_FILING_WINDOW_MONTHS    = tostring(var.settings.policy_filing_window_months)
    INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS = tostring(var.settings.policy_preliminary_review_days)
    INTAKE_POLICY_PANEL_REVIEW_DAYS       = tostring(var.settings.policy_panel_review_days)
    INTAKE_LOG_LEVEL                      = var.settings.log_level
  }

  # The code attaches one OIDC identity to all the tasks a function creates: the identity of
  # the queues it enqueues to (empty when it enqueues nothing). See the precondition below.
  function_environment = {
    for name, f in local.functions : name => merge(local.environment, {
      INTAKE_TASKS_SERVICE_ACCOUNT = length(f.enqueues) == 0 ? "" : module.queues.identity_emails[f.enqueues[0]]
    })
  }
}

resource "terraform_data" "one_task_identity_per_function" {
  for_each = toset(keys(local.functions))

  lifecycle {
    precondition {
      condition     = length(distinct([for q in local.functions[each.key].enqueues : local.queues[q].identity])) <= 1
      error_message = "Function ${each.key} enqueues to queues with different task identities, but INTAKE_TASKS_SERVICE_ACCOUNT names one: give the code a per-queue identity in shared/config.py first."
    }
    precondition {
      condition     = alltrue([for q in local.functions[each.key].enqueues : contains(keys(local.queues), q)])
      error_message = "Function ${each.key} enqueues to a queue that local.queues does not define."
    }
  }
}
