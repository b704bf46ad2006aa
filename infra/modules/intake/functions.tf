# THE list of functions: one entry per folder of functions/ (tests/infra checks both ways).
# Adding a function is adding an entry here (docs/deploy.md, "Adding a function").
#
#   public     anyone may invoke it (allUsers). Only the public forms and submit functions.
#   enqueues   logical queues (local.queues) it adds tasks to: enqueue on those queues and
#              actAs on their task identity, which becomes its INTAKE_TASKS_SERVICE_ACCOUNT.
#   firestore  Firestore permissions of its own custom role, on this database only.
#   kms        whether it wraps/unwraps data keys (seals or opens identity and narrative).
#   secrets    secret environment variables: variable name => secret id (local.secrets).
#   sizing     optional overrides of local.function_defaults.
# Who may invoke a non-public function follows from local.queues and local.schedules
# (their target): a task target accepts only its queues' identities, a scheduled function
# only its job's identity.

locals {
  functions = {
    submit_advice = {
      description = "Public: a confidential ethics advice request."
      public      = true
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      kms         = true
      secrets     = {}
      sizing      = { max_instances = 20 }
    }
    submit_misconduct = {
      description = "Public: a misconduct report, forwarded to the investigations office."
      public      = true
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      kms         = true
      secrets     = {}
      sizing      = { max_instances = 20 }
    }
    submit_retaliation = {
      description = "Public: a retaliation complaint."
      public      = true
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      kms         = true
      secrets     = {}
      sizing      = { max_instances = 20 }
    }
    triage = {
      description = "Cloud Tasks target: classify, prioritise, route, set deadlines."
      public      = false
      enqueues    = []
      # Reads the submission and case, and in one transaction updates the case, appends
      # its event and deletes the pending marker. Never decrypts.
      firestore = ["datastore.databases.get", "datastore.entities.get",
      "datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"]
      kms     = false
      secrets = {}
      sizing  = {}
    }
    sweep = {
      description = "Cloud Scheduler target: re-queue pending work whose task was lost."
      public      = false
      enqueues    = ["triage"]
      # Lists pending markers and updates their generation in a transaction.
      firestore = ["datastore.databases.get", "datastore.entities.get",
      "datastore.entities.list", "datastore.entities.update"]
      kms     = false
      secrets = {}
      sizing  = { max_instances = 1, timeout_seconds = 300 }
    }
  }

  # A submission is one batch of creates; an idempotent retry reads the first submission.
  # A submit function can neither list, update nor delete anything.
  firestore_submit = ["datastore.entities.create", "datastore.entities.get"]

  function_defaults = {
    memory          = "512Mi"
    cpu             = "1"
    concurrency     = 4
    min_instances   = 0
    max_instances   = 10
    timeout_seconds = 60
    ingress         = "ALLOW_ALL"
  }
}
