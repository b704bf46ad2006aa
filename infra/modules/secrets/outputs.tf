output "secret_ids" {
  description = "Secret ids by key, for secret environment variables."
  value       = { for id, secret in google_secret_manager_secret.this : id => secret.secret_id }
}
