variable "project_id" {
  type        = string
  description = "Project that holds the function."
}

variable "region" {
  type        = string
  description = "Region of the function (also the region of its Cloud Run service)."
}

variable "name" {
  type        = string
  description = "Function name: the folder under functions/ and the Python entry point. The code builds task targets as INTAKE_FUNCTIONS_BASE_URL/<name>, so it must not be renamed here."

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,25}[a-z0-9]$", var.name))
    error_message = "A function name is lower case letters, digits and underscores, at most 27 characters (its service account id is fn-<name>)."
  }
}

variable "description" {
  type        = string
  description = "What the function does, shown in the console."
}

variable "runtime" {
  type        = string
  description = "Cloud Functions runtime."
  default     = "python311"

  validation {
    condition     = contains(["python311", "python312", "python313"], var.runtime)
    error_message = "The code supports Python 3.11 to 3.13."
  }
}

variable "source_dir" {
  type        = string
  description = "The function's bundle made by scripts/build (build/<name>): main.py, shared/, schemas/, requirements.txt."
}

variable "source_bucket" {
  type        = string
  description = "Bucket that receives the zipped bundle; each distinct bundle is a new object, so a code change redeploys and an old object can be redeployed for a rollback."
}

variable "build_service_account" {
  type        = string
  description = "Full resource name (projects/P/serviceAccounts/EMAIL) of the service account Cloud Build uses to build the function."
}

variable "public" {
  type        = bool
  description = "Whether anyone on the internet may invoke the function (allUsers gets roles/run.invoker). Only the public forms and the submit functions are public."
  default     = false
}

variable "invokers" {
  type        = map(string)
  description = "Who else may invoke the function (roles/run.invoker), as IAM members keyed by a static label, e.g. { triage_queue = \"serviceAccount:...\" }."
  default     = {}

  validation {
    condition     = alltrue([for m in values(var.invokers) : !contains(["allUsers", "allAuthenticatedUsers"], m)])
    error_message = "Public access is the public flag's job; invokers are identities."
  }
}

variable "environment_variables" {
  type        = map(string)
  description = "Plain environment variables (never secrets): the deployed-scope variables of shared/config.py."
  default     = {}
}

variable "secret_environment_variables" {
  type = map(object({
    secret  = string
    version = string
  }))
  description = "Environment variables read from Secret Manager, by variable name: the secret id (same project) and its version (a number; 'latest' only takes effect on new instances)."
  default     = {}
}

variable "memory" {
  type        = string
  description = "Memory of one instance, e.g. 512Mi."
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "Memory is a whole number of Mi or Gi, e.g. 512Mi."
  }
}

variable "cpu" {
  type        = string
  description = "vCPUs of one instance; at least 1 when concurrency is above 1."
  default     = "1"

  validation {
    condition     = contains(["0.083", "0.167", "0.333", "0.583", "1", "2", "4", "6", "8"], var.cpu)
    error_message = "cpu must be one of the sizes Cloud Functions offers (0.083 to 8)."
  }
}

variable "concurrency" {
  type        = number
  description = "Requests one instance serves at once (functions-framework runs 4 threads per vCPU in production)."
  default     = 4

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency is between 1 and 1000."
  }
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm (0: scale to zero, cold starts possible)."
  default     = 0

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances cannot be negative."
  }
}

variable "max_instances" {
  type        = number
  description = "Most instances at once: bounds cost and the load on Firestore and KMS."
  default     = 10

  validation {
    condition     = var.max_instances >= 1 && var.max_instances <= 1000
    error_message = "max_instances is between 1 and 1000."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "Longest a request may run."
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 3600
    error_message = "timeout_seconds is between 1 and 3600."
  }
}

variable "ingress_settings" {
  type        = string
  description = "Network ingress: ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB. IAM still decides who may invoke."
  default     = "ALLOW_ALL"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress_settings)
    error_message = "ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels on the function."
  default     = {}
}
