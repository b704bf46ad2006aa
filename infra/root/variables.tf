variable "environment" {
  type        = string
  description = "Name of the environment (a folder of infra/envs/): labels every resource."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.environment))
    error_message = "environment is 2 to 20 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "project_id" {
  type        = string
  description = "This environment's own Google Cloud project."
}

variable "region" {
  type        = string
  description = "Region of the functions, queues, scheduler, bucket and key ring."
  default     = "europe-west1"
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore database (a region or a multi-region such as eur3); fixed at the first apply."
  default     = "eur3"
}

variable "secret_locations" {
  type        = list(string)
  description = "Regions Secret Manager may keep the secrets in."
  default     = ["europe-west1", "europe-west4"]
}

variable "build_dir" {
  type        = string
  description = "Folder of the bundles made by scripts/build: absolute, or relative to this folder."
  default     = "../../build"
}

variable "kms_protection_level" {
  type        = string
  description = "HSM or SOFTWARE protection of the key-encryption keys."
  default     = "HSM"
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
  description = "Application settings (INTAKE_<KEY> of shared/config.py); the policy time limits are the organisation's own."
  default     = {}
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
  description = "Sizing of functions in this environment, by function name."
  default     = {}
}

variable "secret_versions" {
  type        = map(string)
  description = "Secret Manager version each secret is read at, by secret id (default: latest); see docs/deploy.md, Rotating secrets."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on every resource that takes them."
  default     = {}
}

variable "investigations_url" {
  type        = string
  description = "HTTPS endpoint of the investigations office's intake (docs/investigations-api.md)."
}

variable "mail" {
  type = object({
    sender                 = string
    investigations_mailbox = string
    ethics_office_mailbox  = string
    ses_region             = optional(string, "eu-west-1")
  })
  description = "Notification e-mail: SES-verified sender, the investigations intake mailbox, the Ethics Office's operations mailbox, the SES region."
}

variable "console_domain" {
  type        = string
  description = "The officers' console's domain name (its managed certificate; point its DNS at the console_ip_address output)."
}

variable "office_url" {
  type        = string
  description = "Where officers open a case (e-mail links end with /<reference>); empty: the console's case pages."
  default     = ""
}

variable "officers" {
  type = map(object({
    name  = string
    roles = list(string)
  }))
  description = "The officers directory by e-mail: name and roles (ethics_officer, ethics_admin)."
  default     = {}
}

variable "officer_members" {
  type        = list(string)
  description = "Members allowed to invoke the officers' functions, e.g. group:ethics-officers@example.org."
  default     = []
}

variable "disclosure" {
  type        = string
  description = "The financial disclosure programme's settings (INTAKE_DISCLOSURE), JSON (docs/disclosure.md)."
  default     = "{}"
}

variable "disclosure_members" {
  type        = list(string)
  description = "Who may invoke the disclosure function besides officers: filers and heads of units, e.g. domain:example.org."
  default     = []
}

variable "clamd" {
  type        = string
  description = "The clamd that scans attached files (INTAKE_CLAMD): tcp:host:3310. Empty: files are accepted unscanned and marked not_scanned (docs/evidence.md)."
  default     = ""
}
