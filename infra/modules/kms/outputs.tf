output "key_id" {
  description = "Resource name of the key-encryption key (projects/P/locations/L/keyRings/R/cryptoKeys/K): the value of INTAKE_KMS_KEY."
  value       = google_kms_crypto_key.kek.id
}

output "key_ring_id" {
  description = "Resource name of the key ring."
  value       = google_kms_key_ring.this.id
}
