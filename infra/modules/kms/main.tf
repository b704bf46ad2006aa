# The key-encryption keys of the envelope encryption (shared/adapters/kms_keys.py): data keys
# are wrapped and unwrapped inside KMS, so the key material never leaves it. Two keys, so
# that who may open what follows from IAM on each key:
#   kek           the cases key: submissions, internal notes, transition notes
#   messages-kek  the messages key: replies to the submitter and the submitter's messages
# and the asymmetric key that signs the proofs of submission (shared/adapters/
# kms_proof_signer.py): its private half never leaves KMS either.
#   proofs        EC_SIGN_P256_SHA256; a new version per rotation, every enabled version
#                 published with its period (docs/proof-format.md)

resource "google_kms_key_ring" "this" {
  project  = var.project_id
  name     = var.key_ring_name
  location = var.location
}

resource "google_kms_crypto_key" "kek" {
  name                       = var.key_name
  key_ring                   = google_kms_key_ring.this.id
  purpose                    = "ENCRYPT_DECRYPT"
  rotation_period            = var.rotation_period
  destroy_scheduled_duration = var.destroy_scheduled_duration

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = var.protection_level
  }

  labels = {
    purpose = "ethics-intake-kek"
  }

  # Destroying this key destroys every report it protects.
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key" "messages" {
  name                       = var.messages_key_name
  key_ring                   = google_kms_key_ring.this.id
  purpose                    = "ENCRYPT_DECRYPT"
  rotation_period            = var.rotation_period
  destroy_scheduled_duration = var.destroy_scheduled_duration

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = var.protection_level
  }

  labels = {
    purpose = "ethics-intake-messages-kek"
  }

  # Destroying this key destroys every reply and submitter message it protects.
  lifecycle {
    prevent_destroy = true
  }
}

# Asymmetric keys do not rotate on a schedule: rotation is adding a version
# (`gcloud kms keys versions create`), and the newest enabled version signs from then on.
resource "google_kms_crypto_key" "proofs" {
  name                       = var.proof_key_name
  key_ring                   = google_kms_key_ring.this.id
  purpose                    = "ASYMMETRIC_SIGN"
  destroy_scheduled_duration = var.destroy_scheduled_duration

  version_template {
    algorithm        = "EC_SIGN_P256_SHA256"
    protection_level = var.protection_level
  }

  labels = {
    purpose = "ethics-intake-proofs"
  }

  # Destroying a version makes every proof it signed unverifiable.
  lifecycle {
    prevent_destroy = true
  }
}

locals {
  keys = {
    cases    = google_kms_crypto_key.kek.id
    messages = google_kms_crypto_key.messages.id
    proofs   = google_kms_crypto_key.proofs.id
  }
}

# One binding per grant: a member, one key, one role. Nobody gets more: there is no admin on
# the keys from this module.
resource "google_kms_crypto_key_iam_member" "grants" {
  for_each = var.grants

  crypto_key_id = local.keys[each.value.key]
  role          = each.value.role
  member        = each.value.member
}

# Crypto-shredding (docs/retention.md): the keys of the purge months, one key a month
# (retention-YYYY-MM), made by the code on first use in the ring of the purpose whose values
# it wraps, and destroyed by sweep once the month has passed. Two rings, so that IAM on the
# month keys follows IAM on the purposes' keys: the follow-up page reaches the messages' ring
# only. IAM on a ring holds for every key made in it later.
resource "google_kms_key_ring" "retention" {
  for_each = local.retention_rings

  project  = var.project_id
  name     = each.value
  location = var.location
}

locals {
  retention_rings = {
    cases    = "${var.key_ring_name}-retention"
    messages = "${var.key_ring_name}-messages-retention"
  }
  # What each use of the month keys may do (the retention field of a function):
  #   open   unwrap what a month key wrapped (a closed case's values)
  #   wrap   open, and make the month's key on first use and wrap under it
  #   shred  wrap, and list the month keys and destroy the versions of past months (sweep)
  retention_wrap = [
    "cloudkms.cryptoKeys.get",
    "cloudkms.cryptoKeys.create",
    "cloudkms.cryptoKeyVersions.useToEncrypt",
    "cloudkms.cryptoKeyVersions.useToDecrypt",
  ]
  retention_permissions = {
    wrap = local.retention_wrap
    shred = concat(local.retention_wrap, [
      "cloudkms.cryptoKeys.list",
      "cloudkms.cryptoKeyVersions.list",
      "cloudkms.cryptoKeyVersions.destroy",
    ])
  }
}

resource "google_project_iam_custom_role" "retention" {
  for_each = local.retention_permissions

  project     = var.project_id
  role_id     = "intake_retention_${each.key}"
  title       = "ethics-intake: ${each.key} with the purge months' keys"
  description = "What ${each.key} needs on the purge months' keys of crypto-shredding, and no more."
  permissions = each.value
}

# One binding per grant: a member, one ring, one use.
resource "google_kms_key_ring_iam_member" "retention_grants" {
  for_each = var.retention_grants

  key_ring_id = google_kms_key_ring.retention[each.value.key].id
  role        = each.value.use == "open" ? "roles/cloudkms.cryptoKeyDecrypter" : google_project_iam_custom_role.retention[each.value.use].id
  member      = each.value.member
}
