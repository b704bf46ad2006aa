variable "project_id" {
  type        = string
  description = "Project that holds the jobs."
}

variable "region" {
  type        = string
  description = "Region of the jobs."
}

variable "jobs" {
  type = map(object({
    description      = string
    schedule         = string
    time_zone        = string
    uri              = string
    attempt_deadline = string
    retry_count      = number
  }))
  description = "Jobs by name (the target function's name): a cron schedule, the function's URL, and how long and how often to try. Each job POSTs {} with an OIDC token of its own service account, whose audience is the URL."

  validation {
    condition     = alltrue([for name in keys(var.jobs) : can(regex("^[a-z][a-z0-9_]{0,18}[a-z0-9]$", name))])
    error_message = "A job name is at most 20 lower case letters, digits and underscores (its service account id is sched-<name>)."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : startswith(j.uri, "https://")])
    error_message = "A job's uri must be https."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : j.retry_count >= 0 && j.retry_count <= 5])
    error_message = "retry_count is between 0 and 5."
  }
}
