# One Cloud Function (2nd gen) from a bundle made by scripts/build, running as its own
# service account, invocable only by the identities it is given (or by anyone if public).

locals {
  service_account_id = "fn-${replace(var.name, "_", "-")}"
}

data "archive_file" "bundle" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = "${var.source_dir}.zip"
}

resource "google_storage_bucket_object" "bundle" {
  # Named by content: a new bundle is a new object (and a new deployment); the previous
  # objects stay, which is what a rollback redeploys (docs/deploy.md).
  name   = "${var.name}/${data.archive_file.bundle.output_sha256}.zip"
  bucket = var.source_bucket
  source = data.archive_file.bundle.output_path
}

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = local.service_account_id
  display_name = "ethics-intake function ${var.name}"
  description  = "Runs only the ${var.name} function; holds only the roles it needs."
}

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  location    = var.region
  name        = var.name
  description = var.description
  labels      = merge(var.labels, { function = var.name })

  build_config {
    runtime         = var.runtime
    entry_point     = var.name
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.bundle.name
      }
    }
  }

  service_config {
    available_memory                 = var.memory
    available_cpu                    = var.cpu
    max_instance_request_concurrency = var.concurrency
    min_instance_count               = var.min_instances
    max_instance_count               = var.max_instances
    timeout_seconds                  = var.timeout_seconds
    ingress_settings                 = var.ingress_settings
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.this.email
    environment_variables            = var.environment_variables

    dynamic "secret_environment_variables" {
      for_each = var.secret_environment_variables
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value.secret
        version    = secret_environment_variables.value.version
      }
    }
  }
}

# 2nd-gen functions are Cloud Run services: invocation is roles/run.invoker on the service.
resource "google_cloud_run_service_iam_member" "invokers" {
  for_each = var.invokers

  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}

resource "google_cloud_run_service_iam_member" "public" {
  #checkov:skip=CKV_GCP_102:allUsers is bound only when var.public is true (count), i.e. for the public forms and submit functions, which must accept reports from anyone, anonymously; tests/infra checks that no other function is public.
  count = var.public ? 1 : 0

  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.this.service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}
