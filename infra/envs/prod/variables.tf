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
  default     = "../../../build"
}

variable "kms_protection_level" {
  type        = string
  description = "HSM or SOFTWARE protection of the key-encryption key."
  default     = "HSM"
}

variable "settings" {
  type = object({
    max_body_bytes                 = optional(number, 262144)
    store_timeout_seconds          = optional(number, 10)
    queue_timeout_seconds          = optional(number, 10)
    sweep_grace_seconds            = optional(number, 600)
    sweep_batch                    = optional(number, 200)
    log_level                      = optional(string, "INFO")
    policy_filing_window_months    = optional(number, 6)
    policy_preliminary_review_days = optional(number, 30)
    policy_panel_review_days       = optional(number, 30)
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
