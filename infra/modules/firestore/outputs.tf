output "database_id" {
  description = "Database id (INTAKE_FIRESTORE_DATABASE)."
  value       = google_firestore_database.this.name
}

output "database_resource" {
  description = "projects/P/databases/D: the resource IAM conditions name."
  value       = "projects/${var.project_id}/databases/${google_firestore_database.this.name}"
}
