output "queue_ids" {
  description = "Cloud Tasks queue id by logical name (the values of the INTAKE_*_QUEUE variables)."
  value       = { for name, queue in google_cloud_tasks_queue.this : name => queue.name }
}

output "identity_emails" {
  description = "E-mail of each queue's task identity, by logical queue name."
  value       = { for name, q in var.queues : name => google_service_account.identity[q.identity].email }
}

output "identity_members" {
  description = "Each queue's task identity as an IAM member, by logical queue name."
  value       = { for name, q in var.queues : name => google_service_account.identity[q.identity].member }
}

output "members_by_identity" {
  description = "Each task identity as an IAM member, by identity name."
  value       = { for identity, sa in google_service_account.identity : identity => sa.member }
}
