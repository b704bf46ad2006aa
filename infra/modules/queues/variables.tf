variable "project_id" {
  type        = string
  description = "Project that holds the queues."
}

variable "location" {
  type        = string
  description = "Region of the queues (INTAKE_TASKS_LOCATION); the functions' region."
}

variable "queues" {
  type = map(object({
    queue_id                  = string
    identity                  = string
    max_dispatches_per_second = number
    max_concurrent_dispatches = number
    max_attempts              = number
    min_backoff               = string
    max_backoff               = string
    max_doublings             = number
    max_retry_duration        = string
  }))
  description = "Queues by logical name (the code's name, e.g. triage). queue_id is the Cloud Tasks id; identity names the service account whose OIDC token the queue's tasks carry (queues delivering to the same function may share one). Durations are seconds with an s suffix."

  validation {
    condition     = alltrue([for q in values(var.queues) : can(regex("^[a-z][a-z0-9-]{0,99}$", q.queue_id))])
    error_message = "A queue id is lower case letters, digits and hyphens."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : can(regex("^[a-z][a-z0-9-]{0,23}$", q.identity))])
    error_message = "An identity is at most 24 lower case letters, digits and hyphens (its service account id is tasks-<identity>)."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.max_attempts == -1 || q.max_attempts >= 1])
    error_message = "max_attempts is -1 (unlimited) or at least 1."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : alltrue([for d in [q.min_backoff, q.max_backoff, q.max_retry_duration] : can(regex("^[0-9]+(\\.[0-9]+)?s$", d))])])
    error_message = "Durations are seconds with an s suffix, e.g. 10s."
  }
}

variable "enqueuers" {
  type = map(object({
    queue  = string
    member = string
  }))
  description = "Who may add tasks to which queue, keyed by a static label such as FUNCTION/QUEUE: roles/cloudtasks.enqueuer on that queue and roles/iam.serviceAccountUser on that queue's identity (to attach its OIDC token), nothing else."
  default     = {}
}

variable "log_sampling_ratio" {
  type        = number
  description = "Share of task attempts Cloud Tasks logs (names and statuses, never bodies)."
  default     = 1.0

  validation {
    condition     = var.log_sampling_ratio >= 0 && var.log_sampling_ratio <= 1
    error_message = "log_sampling_ratio is between 0 and 1."
  }
}
