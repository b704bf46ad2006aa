output "function_urls" {
  description = "URL of each function."
  value       = { for name, f in module.function : name => f.url }
}

output "public_functions" {
  description = "The functions anyone may invoke."
  value       = sort([for name, f in local.functions : name if f.public])
}

output "bundle_objects" {
  description = "The deployed bundle of each function (gs://...): what docs/deploy.md's rollback redeploys."
  value       = { for name, f in module.function : name => f.bundle_object }
}

output "kms_key_id" {
  description = "The cases key: key-encryption key of submissions and notes (INTAKE_KMS_KEY)."
  value       = module.kms.key_id
}

output "messages_kms_key_id" {
  description = "The messages key: key-encryption key of replies and submitter messages (INTAKE_MESSAGES_KMS_KEY)."
  value       = module.kms.messages_key_id
}

output "proof_kms_key_id" {
  description = "The asymmetric key that signs proofs of submission (INTAKE_PROOF_KMS_KEY)."
  value       = module.kms.proof_key_id
}

output "queue_ids" {
  description = "Cloud Tasks queue ids by logical name."
  value       = module.queues.queue_ids
}

output "secret_ids" {
  description = "Secret Manager secrets to fill in (docs/deploy.md)."
  value       = module.secrets.secret_ids
}

output "console_url" {
  description = "The officers' web console, behind Identity-Aware Proxy."
  value       = local.console_url
}

output "console_ip_address" {
  description = "The console load balancer's address: point console_domain's DNS (A record) here."
  value       = google_compute_global_address.console.address
}
