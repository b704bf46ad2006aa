output "key_id" {
  description = "Resource name of the cases key (projects/P/locations/L/keyRings/R/cryptoKeys/K): the value of INTAKE_KMS_KEY."
  value       = google_kms_crypto_key.kek.id
}

output "messages_key_id" {
  description = "Resource name of the messages key: the value of INTAKE_MESSAGES_KMS_KEY."
  value       = google_kms_crypto_key.messages.id
}

output "proof_key_id" {
  description = "Resource name of the asymmetric key that signs proofs of submission: the value of INTAKE_PROOF_KMS_KEY."
  value       = google_kms_crypto_key.proofs.id
}

output "key_ring_id" {
  description = "Resource name of the key ring."
  value       = google_kms_key_ring.this.id
}

output "retention_key_ring_id" {
  description = "Resource name of the key ring of the cases key's purge months: the value of INTAKE_RETENTION_KMS_KEY_RING."
  value       = google_kms_key_ring.retention["cases"].id
}

output "messages_retention_key_ring_id" {
  description = "Resource name of the key ring of the messages key's purge months: the value of INTAKE_MESSAGES_RETENTION_KMS_KEY_RING."
  value       = google_kms_key_ring.retention["messages"].id
}
