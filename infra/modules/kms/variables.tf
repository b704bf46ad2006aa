variable "project_id" {
  type        = string
  description = "Project that holds the key ring."
}

variable "location" {
  type        = string
  description = "KMS location of the key ring, e.g. europe-west1 (the functions' region keeps calls local)."
}

variable "key_ring_name" {
  type        = string
  description = "Key ring name. Key rings and keys can never be deleted: choose once."
  default     = "ethics-intake"
}

variable "key_name" {
  type        = string
  description = "Name of the cases key: the key-encryption key of submissions, internal notes and transition notes."
  default     = "kek"
}

variable "messages_key_name" {
  type        = string
  description = "Name of the messages key: the key-encryption key of replies to the submitter and the submitter's messages."
  default     = "messages-kek"
}

variable "proof_key_name" {
  type        = string
  description = "Name of the asymmetric key (EC_SIGN_P256_SHA256) that signs the proofs of submission."
  default     = "proofs"
}

variable "rotation_period" {
  type        = string
  description = "How often KMS makes a new primary version, in seconds with an s suffix (90 days: 7776000s). Old versions stay enabled, so older documents keep opening."
  default     = "7776000s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.rotation_period)) && tonumber(trimsuffix(var.rotation_period, "s")) >= 86400 && tonumber(trimsuffix(var.rotation_period, "s")) <= 31536000
    error_message = "rotation_period is between 86400s (1 day) and 31536000s (365 days)."
  }
}

variable "protection_level" {
  type        = string
  description = "SOFTWARE or HSM (the key material lives in a FIPS 140-2 Level 3 module)."
  default     = "HSM"

  validation {
    condition     = contains(["SOFTWARE", "HSM"], var.protection_level)
    error_message = "protection_level must be SOFTWARE or HSM."
  }
}

variable "destroy_scheduled_duration" {
  type        = string
  description = "How long a version scheduled for destruction can still be restored (max 120 days). Destroying a version loses every document it wrapped."
  default     = "7776000s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.destroy_scheduled_duration)) && tonumber(trimsuffix(var.destroy_scheduled_duration, "s")) >= 86400 && tonumber(trimsuffix(var.destroy_scheduled_duration, "s")) <= 10368000
    error_message = "destroy_scheduled_duration is between 86400s (1 day) and 10368000s (120 days)."
  }
}

variable "grants" {
  type = map(object({
    key    = string
    role   = string
    member = string
  }))
  description = "Who may use which key, keyed by a static label: key is cases or messages, role one of roles/cloudkms.cryptoKeyEncrypter (wrap only), cryptoKeyDecrypter (unwrap only) or cryptoKeyEncrypterDecrypter; or key is proofs, role one of roles/cloudkms.signer (sign only), publicKeyViewer (read the public keys) or viewer (list the versions)."
  default     = {}

  validation {
    condition     = alltrue([for g in values(var.grants) : contains(["cases", "messages", "proofs"], g.key)])
    error_message = "A grant's key is cases, messages or proofs."
  }

  validation {
    condition = alltrue([for g in values(var.grants) : g.key == "proofs" || contains([
      "roles/cloudkms.cryptoKeyEncrypter",
      "roles/cloudkms.cryptoKeyDecrypter",
      "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    ], g.role)])
    error_message = "A grant's role on a key-encryption key is cryptoKeyEncrypter, cryptoKeyDecrypter or cryptoKeyEncrypterDecrypter: nothing that administers the key."
  }

  validation {
    condition = alltrue([for g in values(var.grants) : g.key != "proofs" || contains([
      "roles/cloudkms.signer",
      "roles/cloudkms.publicKeyViewer",
      "roles/cloudkms.viewer",
    ], g.role)])
    error_message = "A grant's role on the proofs key is signer, publicKeyViewer or viewer: nothing that administers the key."
  }
}

variable "retention_grants" {
  type = map(object({
    key    = string
    use    = string
    member = string
  }))
  description = "Who may use the purge months' keys of which purpose, keyed by a static label: key is cases or messages (the ring), use open (unwrap only), wrap (open, make a month's key and wrap under it) or shred (wrap, and destroy past months' versions: sweep only)."
  default     = {}

  validation {
    condition     = alltrue([for g in values(var.retention_grants) : contains(["cases", "messages"], g.key)])
    error_message = "A retention grant's key is cases or messages."
  }

  validation {
    condition     = alltrue([for g in values(var.retention_grants) : contains(["open", "wrap", "shred"], g.use)])
    error_message = "A retention grant's use is open, wrap or shred."
  }
}
