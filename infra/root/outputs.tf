output "function_urls" {
  description = "URL of each function."
  value       = module.intake.function_urls
}

output "public_functions" {
  description = "The functions anyone may invoke."
  value       = module.intake.public_functions
}

output "bundle_objects" {
  description = "The deployed bundle of each function, for rollbacks."
  value       = module.intake.bundle_objects
}

output "kms_key_id" {
  description = "The cases key (submissions, notes)."
  value       = module.intake.kms_key_id
}

output "messages_kms_key_id" {
  description = "The messages key (replies, submitter messages)."
  value       = module.intake.messages_kms_key_id
}

output "proof_kms_key_id" {
  description = "The key that signs proofs of submission."
  value       = module.intake.proof_kms_key_id
}

output "secret_ids" {
  description = "Secrets whose values an operator adds (docs/deploy.md)."
  value       = module.intake.secret_ids
}

output "console_url" {
  description = "The officers' web console, behind Identity-Aware Proxy."
  value       = module.intake.console_url
}

output "console_ip_address" {
  description = "Point the console domain's DNS (A record) at this address."
  value       = module.intake.console_ip_address
}
