# The whole system in one project: APIs, source bucket, Firestore, KMS, secrets, queues,
# scheduler, and one function per entry of local.functions, each with only its own grants.

locals {
  services = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "compute.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iap.googleapis.com",
    "logging.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]

  # Secret Manager secrets; functions.tf names the ones each function reads.
  secrets = {
    "forward-hmac-key"      = { description = "HMAC-SHA256 key signing referrals to the investigations office." }
    "ses-access-key-id"     = { description = "Amazon SES access key id for notification e-mail." }
    "ses-secret-access-key" = { description = "Amazon SES secret access key for notification e-mail." }
    "forms-secret"          = { description = "Signs the web forms' anti-forgery tokens and follow-up access." }
    "replay-hmac-key"       = { description = "The submit functions' HMAC key: idempotent retries and their receipt codes without decrypting." }
    "mail-throttle-key"     = { description = "Keys the HMAC naming each recipient's send counter (no address is stored)." }
    "name-index-key"        = { description = "Keys the blind index of the people a case names (recusal)." }
    "console-secret"        = { description = "Signs the officers' console session cookie and its anti-forgery tokens." }
  }

  function_sizing = {
    for name, f in local.functions : name => merge(
      local.function_defaults,
      f.sizing,
      { for k, v in lookup(var.function_overrides, name, {}) : k => v if v != null },
    )
  }
}

resource "google_project_service" "enabled" {
  for_each = toset(local.services)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_project_iam_audit_config" "data_access" {
  for_each = var.audit_data_access ? toset(["datastore.googleapis.com", "cloudkms.googleapis.com", "secretmanager.googleapis.com", "storage.googleapis.com"]) : toset([])

  project = var.project_id
  service = each.value

  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

# --- Function sources and their builder --------------------------------------------------

resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:Holds only the function bundles built from this public repository, no personal data; who changes them is in the Admin Activity audit log.
  project                     = var.project_id
  name                        = "${var.project_id}-intake-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Bundles are named by content; keep a year of them for rollbacks.
  lifecycle_rule {
    condition {
      age = 365
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "fn-build"
  display_name = "ethics-intake function builder"
  description  = "Cloud Build identity that builds the functions' containers; it cannot run them."
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.build.member
}

resource "google_storage_bucket_iam_member" "build_reads_sources" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

# --- Data, keys, secrets -------------------------------------------------------------------

module "firestore" {
  source = "../firestore"

  project_id       = var.project_id
  location_id      = var.firestore_location
  backup_retention = var.firestore_backup_retention
  # The composite indexes the code's queries need, declared once in the JSON file that the
  # Python side reads too (shared/adapters/firestore_indexes.py); tests/infra checks it
  # against the queries. Single-field queries need none: Firestore indexes single fields.
  composite_indexes = jsondecode(file("${path.module}/../../../shared/adapters/firestore_indexes.json"))
  ttl_policies      = { for group, field in var.retention_ttl_field : group => { field = field } }

  depends_on = [google_project_service.enabled]
}

module "kms" {
  source = "../kms"

  project_id       = var.project_id
  location         = var.region
  protection_level = var.kms_protection_level
  rotation_period  = var.kms_rotation_period
  # One binding per function and key it uses, with the role its use needs: the submit
  # functions can only wrap with the cases key, forms uses only the messages key.
  grants = merge(concat([
    for name, f in local.functions : {
      for key, use in f.kms : "${name}/${key}" => {
        key    = key
        role   = local.kms_roles[use]
        member = module.function[name].service_account_member
      }
    }
    ], [
    # The proofs key: the roles of the function's use of it (local.proof_roles).
    for name, f in local.functions : {
      for role in try(local.proof_roles[f.proofs], []) : "${name}/proofs/${role}" => {
        key    = "proofs"
        role   = role
        member = module.function[name].service_account_member
      }
    }
  ])...)
  # The purge months' keys (crypto-shredding): the ring of each purpose, with the use its
  # code path needs (the retention field of a function); only sweep destroys.
  retention_grants = merge([
    for name, f in local.functions : {
      for key, use in f.retention : "${name}/${key}" => {
        key    = key
        use    = use
        member = module.function[name].service_account_member
      }
    }
  ]...)

  depends_on = [google_project_service.enabled]
}

module "secrets" {
  source = "../secrets"

  project_id        = var.project_id
  replica_locations = var.secret_locations
  secrets           = local.secrets
  accessors = merge([
    for name, f in local.functions : {
      for variable, secret in f.secrets : "${name}/${secret}" => {
        secret = secret
        member = module.function[name].service_account_member
      }
    }
  ]...)

  depends_on = [google_project_service.enabled]
}

# --- Queues and schedules -----------------------------------------------------------------

module "queues" {
  source = "../queues"

  project_id = var.project_id
  location   = var.region
  queues = {
    for name, q in local.queues : name => {
      queue_id                  = replace(name, "_", "-")
      identity                  = q.identity
      max_dispatches_per_second = q.max_dispatches_per_second
      max_concurrent_dispatches = q.max_concurrent_dispatches
      max_attempts              = q.max_attempts
      min_backoff               = q.min_backoff
      max_backoff               = q.max_backoff
      max_doublings             = q.max_doublings
      max_retry_duration        = q.max_retry_duration
    }
  }
  enqueuers = merge([
    for name, f in local.functions : {
      for queue in f.enqueues : "${name}/${queue}" => {
        queue  = queue
        member = module.function[name].service_account_member
      }
    }
  ]...)

  depends_on = [google_project_service.enabled]
}

module "scheduler" {
  source = "../scheduler"

  project_id = var.project_id
  region     = var.region
  jobs = {
    for name, job in local.schedules : name => {
      description      = job.description
      schedule         = job.schedule
      time_zone        = "Etc/UTC"
      uri              = "${local.functions_base_url}/${name}"
      attempt_deadline = "320s"
      retry_count      = 3
    }
  }

  depends_on = [google_project_service.enabled]
}

# --- Functions ----------------------------------------------------------------------------

module "function" {
  source   = "../function"
  for_each = toset(keys(local.functions))

  project_id            = var.project_id
  region                = var.region
  name                  = each.key
  description           = local.functions[each.key].description
  source_dir            = "${var.build_dir}/${each.key}"
  source_bucket         = google_storage_bucket.sources.name
  build_service_account = google_service_account.build.id
  public                = local.functions[each.key].public
  environment_variables = local.function_environment[each.key]
  secret_environment_variables = {
    for variable, secret in local.functions[each.key].secrets : variable => {
      secret  = module.secrets.secret_ids[secret]
      version = lookup(var.secret_versions, secret, "latest")
    }
  }
  # Task targets accept only their queues' identities; scheduled functions only their job's.
  invokers = merge(
    {
      for identity in distinct([for q in values(local.queues) : q.identity if q.target == each.key]) :
      "tasks_${identity}" => module.queues.members_by_identity[identity]
    },
    { for job in keys(local.schedules) : "scheduler_${job}" => module.scheduler.identity_members[job] if job == each.key },
    { for i, member in var.officer_members : "officer_${i}" => member if local.functions[each.key].officers },
    # The disclosure API: filers and heads of units too (it checks each caller's address).
    { for i, member in var.disclosure_members : "filer_${i}" => member if each.key == "disclosure" },
    # The console: only Identity-Aware Proxy's service agent, which lets officers through.
    { for name, member in { iap = local.iap_service_agent } : name => member if each.key == "console" },
  )

  memory           = local.function_sizing[each.key].memory
  cpu              = local.function_sizing[each.key].cpu
  concurrency      = local.function_sizing[each.key].concurrency
  min_instances    = local.function_sizing[each.key].min_instances
  max_instances    = local.function_sizing[each.key].max_instances
  timeout_seconds  = local.function_sizing[each.key].timeout_seconds
  ingress_settings = local.function_sizing[each.key].ingress
  labels           = var.labels

  depends_on = [google_project_service.enabled, google_project_iam_member.build,
  google_storage_bucket_iam_member.build_reads_sources]
}

# Firestore: each function gets a custom role holding exactly its permissions, and only on
# this database (IAM condition).
resource "google_project_iam_custom_role" "firestore" {
  for_each = toset(keys(local.functions))

  project     = var.project_id
  role_id     = "intake_${each.key}"
  title       = "ethics-intake ${each.key}: Firestore"
  description = "The Firestore permissions the ${each.key} function needs, and no more."
  permissions = local.functions[each.key].firestore
}

resource "google_project_iam_member" "firestore" {
  for_each = toset(keys(local.functions))

  project = var.project_id
  role    = google_project_iam_custom_role.firestore[each.key].id
  member  = module.function[each.key].service_account_member

  condition {
    title      = "only-the-intake-database"
    expression = "resource.name == \"${module.firestore.database_resource}\""
  }
}

# --- Anonymity --------------------------------------------------------------------------

# Cloud Run's request logs record each caller's IP address. For the public functions that
# would put "this address sent a form at this time" next to anonymous submissions, so their
# request logs are not kept. The functions' own logs never hold an address (shared/logs.py).
resource "google_logging_project_exclusion" "public_request_logs" {
  project     = var.project_id
  name        = "intake-public-request-logs"
  description = "Request logs (with client IP addresses) of the public forms and submit functions."
  filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "log_id(\"run.googleapis.com/requests\")",
    "resource.labels.service_name=~\"^(${join("|", [for name, f in local.functions : replace(name, "_", "-") if f.public])})$\"",
  ])
}
