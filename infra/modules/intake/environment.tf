# The environment of every function: each "deployed" variable of shared/config.py, and
# nothing else (tests/infra compares this file with the code's list). Secrets never go
# here: they are secret environment variables (functions.tf, secrets).

locals {
  functions_base_url = "https://${var.region}-${var.project_id}.cloudfunctions.net"

  environment = {
    INTAKE_BACKEND                            = "gcp"
    INTAKE_FUNCTIONS_BASE_URL                 = local.functions_base_url
    GOOGLE_CLOUD_PROJECT                      = var.project_id
    INTAKE_FIRESTORE_DATABASE                 = module.firestore.database_id
    INTAKE_TASKS_LOCATION                     = var.region
    INTAKE_TRIAGE_QUEUE                       = module.queues.queue_ids["triage"]
    INTAKE_FORWARD_QUEUE                      = module.queues.queue_ids["forward"]
    INTAKE_URGENT_FORWARD_QUEUE               = module.queues.queue_ids["urgent_forward"]
    INTAKE_NOTIFY_QUEUE                       = module.queues.queue_ids["notify"]
    INTAKE_KMS_KEY                            = module.kms.key_id
    INTAKE_MESSAGES_KMS_KEY                   = module.kms.messages_key_id
    INTAKE_RETENTION_KMS_KEY_RING             = module.kms.retention_key_ring_id
    INTAKE_MESSAGES_RETENTION_KMS_KEY_RING    = module.kms.messages_retention_key_ring_id
    INTAKE_RETENTION_KMS_PROTECTION_LEVEL     = var.kms_protection_level
    INTAKE_PROOF_KMS_KEY                      = module.kms.proof_key_id
    INTAKE_REPLAY_RECEIPT_SECONDS             = tostring(var.settings.replay_receipt_seconds)
    INTAKE_MAX_BODY_BYTES                     = tostring(var.settings.max_body_bytes)
    INTAKE_STORE_TIMEOUT_SECONDS              = tostring(var.settings.store_timeout_seconds)
    INTAKE_QUEUE_TIMEOUT_SECONDS              = tostring(var.settings.queue_timeout_seconds)
    INTAKE_SWEEP_GRACE_SECONDS                = tostring(var.settings.sweep_grace_seconds)
    INTAKE_SWEEP_BATCH                        = tostring(var.settings.sweep_batch)
    INTAKE_POLICY_FILING_WINDOW_MONTHS        = tostring(var.settings.policy_filing_window_months)
    INTAKE_POLICY_PRELIMINARY_REVIEW_DAYS     = tostring(var.settings.policy_preliminary_review_days)
    INTAKE_POLICY_PANEL_REVIEW_DAYS           = tostring(var.settings.policy_panel_review_days)
    INTAKE_POLICY_ADVICE_WORKING_DAYS         = tostring(var.settings.policy_advice_working_days)
    INTAKE_POLICY_FEEDBACK_MONTHS_ADVICE      = tostring(var.settings.policy_feedback_months_advice)
    INTAKE_POLICY_FEEDBACK_MONTHS_MISCONDUCT  = tostring(var.settings.policy_feedback_months_misconduct)
    INTAKE_POLICY_FEEDBACK_MONTHS_RETALIATION = tostring(var.settings.policy_feedback_months_retaliation)
    INTAKE_RETENTION_ADVICE_DAYS              = tostring(var.settings.retention_advice_days)
    INTAKE_RETENTION_MISCONDUCT_DAYS          = tostring(var.settings.retention_misconduct_days)
    INTAKE_RETENTION_RETALIATION_DAYS         = tostring(var.settings.retention_retaliation_days)
    INTAKE_RETENTION_EXTENSION_DAYS           = tostring(var.settings.retention_extension_days)
    INTAKE_RETENTION_FOLLOW_UP_LOCKOUT_DAYS   = tostring(var.settings.retention_follow_up_lockout_days)
    INTAKE_RETENTION_IDEMPOTENCY_HOURS        = tostring(var.settings.retention_idempotency_hours)
    INTAKE_LOG_LEVEL                          = var.settings.log_level
    # referrals and notifications
    INTAKE_INVESTIGATIONS_URL      = var.investigations_url
    INTAKE_FORWARD_TIMEOUT_SECONDS = tostring(var.settings.forward_timeout_seconds)
    INTAKE_FORWARD_MAX_ATTEMPTS    = tostring(var.settings.forward_max_attempts)
    INTAKE_NOTIFIER                = "ses"
    INTAKE_MAIL_FROM               = var.mail.sender
    INTAKE_INVESTIGATIONS_MAILBOX  = var.mail.investigations_mailbox
    INTAKE_ETHICS_OFFICE_MAILBOX   = var.mail.ethics_office_mailbox
    INTAKE_SES_REGION              = var.mail.ses_region
    INTAKE_MAIL_RECIPIENT_LIMIT    = tostring(var.settings.mail_recipient_limit)
    INTAKE_MAIL_TOTAL_LIMIT        = tostring(var.settings.mail_total_limit)
    INTAKE_MAIL_WINDOW_SECONDS     = tostring(var.settings.mail_window_seconds)
    INTAKE_OFFICE_URL              = coalesce(var.office_url, "${local.console_url}/cases")
    INTAKE_FOLLOW_UP_URL           = "${local.functions_base_url}/forms/follow-up"
    # officers, and their web console behind Identity-Aware Proxy (console.tf)
    INTAKE_OFFICERS = jsonencode(var.officers)
    # the financial disclosure programme: thresholds, due dates, reminders, heads of units
    INTAKE_DISCLOSURE                  = var.disclosure
    INTAKE_CONSOLE_URL                 = local.console_url
    INTAKE_IAP_AUDIENCE                = local.iap_audience
    INTAKE_CONSOLE_SESSION_MINUTES     = tostring(var.settings.console_session_minutes)
    INTAKE_CONSOLE_SESSION_MAX_MINUTES = tostring(var.settings.console_session_max_minutes)
    # public web forms: Cloud Functions' front end appends the client address
    INTAKE_FORM_RATE_LIMIT          = tostring(var.settings.form_rate_limit)
    INTAKE_FORM_RATE_WINDOW_SECONDS = tostring(var.settings.form_rate_window_seconds)
    INTAKE_PROXY_HOPS               = "1"
    INTAKE_FOLLOW_UP_LOCK_SECONDS   = tostring(var.settings.follow_up_lock_seconds)
    INTAKE_EXIT_URL                 = var.settings.exit_url
    # evidence attachments (evidence.tf): limits, scanner, the bucket of sealed files
    INTAKE_EVIDENCE_MAX_FILE_BYTES  = tostring(var.settings.evidence_max_file_bytes)
    INTAKE_EVIDENCE_MAX_TOTAL_BYTES = tostring(var.settings.evidence_max_total_bytes)
    INTAKE_EVIDENCE_MAX_FILES       = tostring(var.settings.evidence_max_files)
    INTAKE_CLAMD                    = var.clamd
    INTAKE_EVIDENCE_BUCKET          = google_storage_bucket.evidence.name
    INTAKE_EVIDENCE_UPLOAD_BUCKET   = google_storage_bucket.incoming.name
    INTAKE_EVIDENCE_UPLOAD_MINUTES  = tostring(var.settings.evidence_upload_minutes)
    # the filers' declaration pages behind Identity-Aware Proxy (docs/disclosure.md)
    INTAKE_FORMS_IAP_AUDIENCE = local.declarations_iap_audience
    INTAKE_DECLARATIONS_URL   = local.declarations_url
    # task targets check their caller's OIDC token in code too (INTAKE_TASK_CALLERS)
    INTAKE_TASK_AUTH = "oidc"
  }

  # Each queue's tasks carry the OIDC token of that queue's identity, the only caller its
  # target accepts: a function is told the identities of the queues it enqueues to, and a
  # target the identities that call it (its queues', or its scheduler job's), which it
  # checks in code as IAM does.
  # An officer's ID token is minted for the function called (cases, log_service): its URL
  # is what Cloud Functions' IAM check and the function's own check both expect.
  task_callers = {
    for name, f in local.functions : name => sort(distinct(concat(
      [for q, spec in local.queues : module.queues.identity_emails[q] if spec.target == name],
      [for job in keys(local.schedules) : module.scheduler.identity_emails[job] if job == name],
    )))
  }

  function_environment = {
    for name, f in local.functions : name => merge(local.environment, {
      INTAKE_TASKS_SERVICE_ACCOUNTS = jsonencode({ for q in f.enqueues : q => module.queues.identity_emails[q] })
      INTAKE_AUTH_AUDIENCE          = "${local.functions_base_url}/${name}"
      INTAKE_TASK_CALLERS           = join(",", local.task_callers[name])
    })
  }
}

resource "terraform_data" "queues_exist" {
  for_each = toset(keys(local.functions))

  lifecycle {
    precondition {
      condition     = alltrue([for q in local.functions[each.key].enqueues : contains(keys(local.queues), q)])
      error_message = "Function ${each.key} enqueues to a queue that local.queues does not define."
    }
  }
}
