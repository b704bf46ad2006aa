# The bucket of attached files (shared/adapters/gcs_evidence.py). Every object is sealed by
# our envelope before upload (the cases key), so the bucket holds ciphertext only; the bucket
# adds its own customer-managed key, uniform access, no public access, and versions. Only the
# functions that handle files get access to it: the submit functions and forms (files added
# on the follow-up page) create objects, cases, console and forward_to_investigations read
# them, and sweep removes those no case refers to.

resource "google_kms_crypto_key" "evidence" {
  name                       = "evidence-bucket"
  key_ring                   = module.kms.key_ring_id
  purpose                    = "ENCRYPT_DECRYPT"
  rotation_period            = var.kms_rotation_period
  destroy_scheduled_duration = "2592000s"

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = var.kms_protection_level
  }

  labels = {
    purpose = "ethics-intake-evidence-bucket"
  }

  # Destroying this key destroys every attached file.
  lifecycle {
    prevent_destroy = true
  }
}

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

# The Cloud Storage service agent encrypts and decrypts with the bucket's key; nobody else.
resource "google_kms_crypto_key_iam_member" "evidence_bucket" {
  crypto_key_id = google_kms_crypto_key.evidence.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# Deleted means deleted: a purged case's files are removed by sweep (docs/retention.md), and
# neither a noncurrent version nor a soft-deleted copy may keep them. A file is written once
# under its own name, so versions would only ever hold what a purge removed.
resource "google_storage_bucket" "evidence" {
  #checkov:skip=CKV_GCP_62:Access to the objects is in the Data Access audit logs (main.tf, storage.googleapis.com DATA_READ/DATA_WRITE); a usage-log bucket would add a second copy of object names only.
  #checkov:skip=CKV_GCP_78:Versions would keep a purged case's files past its retention date (docs/retention.md).
  project                     = var.project_id
  name                        = "${var.project_id}-intake-evidence"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  encryption {
    default_kms_key_name = google_kms_crypto_key.evidence.id
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  depends_on = [google_kms_crypto_key_iam_member.evidence_bucket, google_project_service.enabled]
}

locals {
  evidence_access = {
    submit_advice             = "roles/storage.objectCreator"
    submit_misconduct         = "roles/storage.objectCreator"
    submit_retaliation        = "roles/storage.objectCreator"
    forms                     = "roles/storage.objectCreator"
    cases                     = "roles/storage.objectViewer"
    console                   = "roles/storage.objectViewer"
    forward_to_investigations = "roles/storage.objectViewer"
    # removes sealed copies no case refers to (a write that failed)
    sweep = "roles/storage.objectAdmin"
  }
}

resource "google_storage_bucket_iam_member" "evidence" {
  for_each = local.evidence_access

  bucket = google_storage_bucket.evidence.name
  role   = each.value
  member = module.function[each.key].service_account_member
}

# The bucket of files uploaded through V4 signed URLs (shared/adapters/gcs_incoming.py). A
# client writes one object there with a URL a submit function signed (one name, one size,
# minutes); the object is the file as it came, unchecked, until a submission takes it in
# (checked, cleaned, scanned, then sealed into the evidence bucket). Nobody else reads it;
# the same customer-managed key, uniform access, no public access, no versions, and every
# object deleted a day after it was written, whatever happened to it.
resource "google_storage_bucket" "incoming" {
  #checkov:skip=CKV_GCP_62:Access to the objects is in the Data Access audit logs (main.tf, storage.googleapis.com DATA_READ/DATA_WRITE); a usage-log bucket would add a second copy of object names only.
  #checkov:skip=CKV_GCP_78:Versions would keep an unchecked file past its deletion: nothing here is kept.
  project                     = var.project_id
  name                        = "${var.project_id}-intake-incoming"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  encryption {
    default_kms_key_name = google_kms_crypto_key.evidence.id
  }

  soft_delete_policy {
    retention_duration_seconds = 0
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.evidence_bucket, google_project_service.enabled]
}

locals {
  # The submit functions read back, and remove, what they signed URLs for.
  incoming_access = toset(["submit_advice", "submit_misconduct", "submit_retaliation"])
}

resource "google_storage_bucket_iam_member" "incoming" {
  # the submit functions, and sweep, which removes uploads past their time
  for_each = setunion(local.incoming_access, ["sweep"])

  bucket = google_storage_bucket.incoming.name
  role   = "roles/storage.objectAdmin"
  member = module.function[each.key].service_account_member
}

# A function has no private key: it signs an upload URL through the IAM Credentials API,
# as itself and only itself.
resource "google_service_account_iam_member" "signs_upload_urls" {
  for_each = local.incoming_access

  service_account_id = "projects/${var.project_id}/serviceAccounts/${module.function[each.key].service_account_email}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = module.function[each.key].service_account_member
}
