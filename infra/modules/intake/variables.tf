variable "project_id" {
  type        = string
  description = "The environment's own project: one project per environment (the Firestore database, queues and service accounts are per project)."
}

variable "region" {
  type        = string
  description = "Region of the functions, queues, scheduler jobs, source bucket and KMS key ring (INTAKE_TASKS_LOCATION)."
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore database: a region or a multi-region such as eur3. Cannot be changed after the first apply."
}

variable "secret_locations" {
  type        = list(string)
  description = "Regions Secret Manager may replicate secrets to."
}

variable "build_dir" {
  type        = string
  description = "Folder of the bundles made by scripts/build (one build/<name> per function)."
}

variable "kms_protection_level" {
  type        = string
  description = "Protection level of the key-encryption key: HSM or SOFTWARE."
  default     = "HSM"

  validation {
    condition     = contains(["HSM", "SOFTWARE"], var.kms_protection_level)
    error_message = "kms_protection_level must be HSM or SOFTWARE."
  }
}

variable "kms_rotation_period" {
  type        = string
  description = "Rotation period of the key-encryption key, in seconds with an s suffix."
  default     = "7776000s"
}

variable "settings" {
  type = object({
    max_body_bytes                     = optional(number, 262144)
    store_timeout_seconds              = optional(number, 10)
    queue_timeout_seconds              = optional(number, 10)
    sweep_grace_seconds                = optional(number, 600)
    sweep_batch                        = optional(number, 200)
    log_level                          = optional(string, "INFO")
    policy_filing_window_months        = optional(number, 6)
    policy_preliminary_review_days     = optional(number, 30)
    policy_panel_review_days           = optional(number, 30)
    policy_advice_working_days         = optional(number, 10)
    policy_feedback_months_advice      = optional(number, 3)
    policy_feedback_months_misconduct  = optional(number, 3)
    policy_feedback_months_retaliation = optional(number, 3)
    retention_advice_days              = optional(number, 2555)
    retention_misconduct_days          = optional(number, 365)
    retention_retaliation_days         = optional(number, 3650)
    retention_extension_days           = optional(number, 365)
    retention_follow_up_lockout_days   = optional(number, 1)
    retention_idempotency_hours        = optional(number, 24)
    forward_timeout_seconds            = optional(number, 10)
    forward_max_attempts               = optional(number, 12)
    form_rate_limit                    = optional(number, 20)
    form_rate_window_seconds           = optional(number, 3600)
    follow_up_lock_seconds             = optional(number, 3600)
    replay_receipt_seconds             = optional(number, 600)
    mail_recipient_limit               = optional(number, 20)
    mail_total_limit                   = optional(number, 500)
    mail_window_seconds                = optional(number, 3600)
    exit_url                           = optional(string, "https://www.bbc.com/weather")
    console_session_minutes            = optional(number, 30)
    console_session_max_minutes        = optional(number, 480)
    evidence_max_file_bytes            = optional(number, 10485760)
    evidence_max_total_bytes           = optional(number, 26214400)
    evidence_max_files                 = optional(number, 10)
    evidence_upload_minutes            = optional(number, 15)
  })
  description = "Application settings, each the variable INTAKE_<KEY> of shared/config.py (same defaults, same bounds: the code refuses to start on a bad value)."
  default     = {}

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.settings.log_level)
    error_message = "settings.log_level must be DEBUG, INFO, WARNING or ERROR."
  }

  validation {
    condition = alltrue([
      var.settings.max_body_bytes >= 1024 && var.settings.max_body_bytes <= 16777216,
      var.settings.store_timeout_seconds >= 1 && var.settings.store_timeout_seconds <= 300,
      var.settings.queue_timeout_seconds >= 1 && var.settings.queue_timeout_seconds <= 300,
      var.settings.sweep_grace_seconds >= 0 && var.settings.sweep_grace_seconds <= 604800,
      var.settings.sweep_batch >= 1 && var.settings.sweep_batch <= 10000,
      var.settings.policy_filing_window_months >= 1 && var.settings.policy_filing_window_months <= 120,
      var.settings.policy_preliminary_review_days >= 1 && var.settings.policy_preliminary_review_days <= 365,
      var.settings.policy_panel_review_days >= 1 && var.settings.policy_panel_review_days <= 365,
      var.settings.policy_advice_working_days >= 1 && var.settings.policy_advice_working_days <= 120,
      var.settings.retention_advice_days >= 0 && var.settings.retention_advice_days <= 36500,
      var.settings.retention_misconduct_days >= 0 && var.settings.retention_misconduct_days <= 36500,
      var.settings.retention_retaliation_days >= 0 && var.settings.retention_retaliation_days <= 36500,
      var.settings.retention_extension_days >= 1 && var.settings.retention_extension_days <= 3650,
      var.settings.policy_feedback_months_advice >= 1 && var.settings.policy_feedback_months_advice <= 24,
      var.settings.policy_feedback_months_misconduct >= 1 && var.settings.policy_feedback_months_misconduct <= 24,
      var.settings.policy_feedback_months_retaliation >= 1 && var.settings.policy_feedback_months_retaliation <= 24,
      var.settings.retention_follow_up_lockout_days >= 0 && var.settings.retention_follow_up_lockout_days <= 365,
      var.settings.retention_idempotency_hours >= 1 && var.settings.retention_idempotency_hours <= 720,
      var.settings.replay_receipt_seconds <= var.settings.retention_idempotency_hours * 3600,
      var.settings.forward_timeout_seconds >= 1 && var.settings.forward_timeout_seconds <= 120,
      var.settings.forward_max_attempts >= 1 && var.settings.forward_max_attempts <= 30,
      var.settings.form_rate_limit >= 0 && var.settings.form_rate_limit <= 100000,
      var.settings.form_rate_window_seconds >= 1 && var.settings.form_rate_window_seconds <= 604800,
      var.settings.follow_up_lock_seconds >= 60 && var.settings.follow_up_lock_seconds <= 2592000,
      var.settings.replay_receipt_seconds >= 0 && var.settings.replay_receipt_seconds <= 86400,
      var.settings.mail_recipient_limit >= 0 && var.settings.mail_recipient_limit <= 100000,
      var.settings.mail_total_limit >= 0 && var.settings.mail_total_limit <= 10000000,
      var.settings.mail_window_seconds >= 60 && var.settings.mail_window_seconds <= 604800,
      can(regex("^https://[^\\s/?#]+(/\\S*)?$", var.settings.exit_url)),
      var.settings.console_session_minutes >= 1 && var.settings.console_session_minutes <= 720,
      var.settings.console_session_max_minutes >= 1 && var.settings.console_session_max_minutes <= 1440,
      var.settings.evidence_max_file_bytes >= 1024 && var.settings.evidence_max_file_bytes <= 1073741824,
      var.settings.evidence_max_total_bytes >= 1024 && var.settings.evidence_max_total_bytes <= 4294967296,
      var.settings.evidence_max_files >= 0 && var.settings.evidence_max_files <= 100,
      var.settings.evidence_upload_minutes >= 1 && var.settings.evidence_upload_minutes <= 10080,
    ])
    error_message = "A setting is out of the bounds shared/config.py accepts."
  }
}

variable "function_overrides" {
  type = map(object({
    memory          = optional(string)
    cpu             = optional(string)
    concurrency     = optional(number)
    min_instances   = optional(number)
    max_instances   = optional(number)
    timeout_seconds = optional(number)
  }))
  description = "Per-environment sizing of functions, by function name, over the defaults of functions.tf (e.g. min_instances = 1 for the submit functions in production)."
  default     = {}
}

variable "secret_versions" {
  type        = map(string)
  description = "Secret Manager version each secret is read at, by secret id (default: latest). Pinning a number and redeploying is how a rotation reaches running functions (docs/deploy.md)."
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.secret_versions) : can(regex("^([0-9]+|latest)$", v))])
    error_message = "A secret version is a number or latest."
  }
}

variable "sweep_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the sweep job."
  default     = "*/5 * * * *"
}

variable "retention_ttl_field" {
  type        = map(string)
  description = "Retention by record type: collection group => timestamp field after which Firestore deletes the document. Only documents that carry the field expire. Cases, submissions and their events are not here: sweep purges their content in place on their retention date and keeps their tombstone and codes, which the annual report counts (docs/retention.md)."
  default = {
    # a follow-up lockout counter: kept settings.retention_follow_up_lockout_days after its
    # last check or lock (never less than it locks)
    follow_up_lockouts = "expires_at"
    # a send counter, only while its window lasts
    mail_counters = "expires_at"
  }

  validation {
    condition     = !contains(keys(var.retention_ttl_field), "pending_tasks")
    error_message = "Pending work must never expire (nothing acknowledged is dropped)."
  }
}

variable "firestore_backup_retention" {
  type        = string
  description = "How long each daily Firestore backup is kept (seconds with an s suffix)."
  default     = "4838400s"
}

variable "audit_data_access" {
  type        = bool
  description = "Turn on Data Access audit logs for Firestore, Cloud KMS and Secret Manager, so every read of a report's data, key or secret is on record (operators included)."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels on the functions."
  default     = {}
}

variable "investigations_url" {
  type        = string
  description = "HTTPS endpoint of the investigations office's intake (docs/investigations-api.md)."

  validation {
    condition     = startswith(var.investigations_url, "https://")
    error_message = "investigations_url must be an https:// URL."
  }
}

variable "mail" {
  type = object({
    sender                 = string
    investigations_mailbox = string
    ethics_office_mailbox  = string
    ses_region             = optional(string, "eu-west-1")
  })
  description = "Notification e-mail: the SES-verified sender, the investigations office's intake mailbox, the Ethics Office's operations mailbox, the SES region."

  validation {
    condition = alltrue([for address in [var.mail.sender, var.mail.investigations_mailbox, var.mail.ethics_office_mailbox] :
    can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "mail.sender and the mailboxes must be e-mail addresses."
  }
}

variable "console_domain" {
  type        = string
  description = "The officers' console's domain name (e.g. console.ethics.example.org): its load balancer's managed certificate; point its DNS at the console_ip_address output."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.console_domain))
    error_message = "console_domain must be a lower-case domain name such as console.ethics.example.org."
  }
}

variable "office_url" {
  type        = string
  description = "Where officers open a case (links in e-mails end with /<reference>). Empty: the console's case pages."
  default     = ""
}

variable "officers" {
  type = map(object({
    name  = string
    roles = list(string)
  }))
  description = "The officers directory (INTAKE_OFFICERS), by e-mail: name and roles (ethics_officer, ethics_admin)."
  default     = {}

  validation {
    condition     = alltrue([for o in values(var.officers) : length(o.roles) > 0 && alltrue([for r in o.roles : contains(["ethics_officer", "ethics_admin"], r)])])
    error_message = "Each officer has at least one role, each ethics_officer or ethics_admin."
  }
}

variable "officer_members" {
  type        = list(string)
  description = "Who may invoke the officers' functions (roles/run.invoker) and pass Identity-Aware Proxy to the console (roles/iap.httpsResourceAccessor), e.g. group:ethics-officers@example.org; the functions still check each caller's identity in the directory."
  default     = []

  validation {
    condition     = alltrue([for m in var.officer_members : can(regex("^(user|group|serviceAccount):", m))])
    error_message = "officer_members are user:, group: or serviceAccount: members."
  }
}

variable "disclosure" {
  type        = string
  description = "The financial disclosure programme's settings (INTAKE_DISCLOSURE), JSON: thresholds, due_month, due_day, new_filer_days, reminder_days, escalation_days, unit_heads (docs/disclosure.md)."
  default     = "{}"

  validation {
    condition     = can(jsondecode(var.disclosure))
    error_message = "disclosure is a JSON object (docs/disclosure.md)."
  }
}

variable "disclosure_members" {
  type        = list(string)
  description = "Who may invoke the disclosure function besides officers (roles/run.invoker): the filers and heads of units, e.g. domain:example.org; the function still checks each caller's address against the roster and the heads of units."
  default     = []

  validation {
    condition     = alltrue([for m in var.disclosure_members : can(regex("^(user|group|domain|serviceAccount):", m))])
    error_message = "disclosure_members are user:, group:, domain: or serviceAccount: members."
  }
}

variable "clamd" {
  type        = string
  description = "The clamd that scans attached files (INTAKE_CLAMD): tcp:host:3310. Empty: files are accepted unscanned and marked not_scanned (docs/evidence.md)."
  default     = ""
}
