output "name" {
  description = "Function name."
  value       = google_cloudfunctions2_function.this.name
}

output "url" {
  description = "The function's URL (https://REGION-PROJECT.cloudfunctions.net/NAME)."
  value       = google_cloudfunctions2_function.this.url
}

output "service_account_email" {
  description = "E-mail of the function's own service account."
  value       = google_service_account.this.email
}

output "service_account_member" {
  description = "The function's service account as an IAM member."
  value       = google_service_account.this.member
}

output "bundle_object" {
  description = "The bucket object deployed (gs://BUCKET/NAME/SHA256.zip): what a rollback redeploys."
  value       = "gs://${var.source_bucket}/${google_storage_bucket_object.bundle.name}"
}
