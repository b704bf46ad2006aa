# The key-encryption keys of the envelope encryption (shared/adapters/kms_keys.py): data keys
# are wrapped and unwrapped inside KMS, so the key material never leaves it. Two keys, so
# that who may open what follows from IAM on each key:
#   kek           the cases key: submissions, internal notes, transition notes
#   messages-kek  the messages key: replies to the submitter and the submitter's messages

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

locals {
  keys = {
    cases    = google_kms_crypto_key.kek.id
    messages = google_kms_crypto_key.messages.id
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
