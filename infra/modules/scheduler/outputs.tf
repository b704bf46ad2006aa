output "identity_members" {
  description = "Each job's identity as an IAM member, by job name."
  value       = { for name, sa in google_service_account.identity : name => sa.member }
}

output "job_ids" {
  description = "Resource names of the jobs, by job name."
  value       = { for name, job in google_cloud_scheduler_job.this : name => job.id }
}

output "identity_emails" {
  description = "Each job's identity e-mail, by job name (the caller its function accepts)."
  value       = { for name, sa in google_service_account.identity : name => sa.email }
}
