variable "project_id" {
  type        = string
  description = "Project that holds the secrets."
}

variable "replica_locations" {
  type        = list(string)
  description = "Regions where Secret Manager stores the secrets (user-managed replication keeps them where the data is allowed to be)."

  validation {
    condition     = length(var.replica_locations) >= 1
    error_message = "At least one replica location is needed."
  }
}

variable "secrets" {
  type = map(object({
    description = string
  }))
  description = "Secrets by id. Only the containers are made here: values are added as versions by an operator (docs/deploy.md), so they never pass through Terraform or its state."

  validation {
    condition     = alltrue([for id in keys(var.secrets) : can(regex("^[a-z][a-z0-9-]{0,62}$", id))])
    error_message = "A secret id is lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "accessors" {
  type = map(object({
    secret = string
    member = string
  }))
  description = "Who may read which secret (roles/secretmanager.secretAccessor), keyed by a static label such as FUNCTION/SECRET."
  default     = {}
}
