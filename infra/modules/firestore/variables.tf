variable "project_id" {
  type        = string
  description = "Project that holds the database."
}

variable "database_id" {
  type        = string
  description = "Database id (INTAKE_FIRESTORE_DATABASE)."
  default     = "(default)"
}

variable "location_id" {
  type        = string
  description = "Where the data lives: a region (europe-west1) or a multi-region (eur3). Cannot be changed later."
}

variable "composite_indexes" {
  type = map(object({
    collection  = string
    query_scope = string
    fields = list(object({
      field_path = string
      order      = string
    }))
  }))
  description = "Composite indexes the code's queries need, by a label naming the query. order is ASCENDING or DESCENDING. Single-field queries need none (Firestore indexes single fields automatically)."
  default     = {}

  validation {
    condition     = alltrue([for i in values(var.composite_indexes) : contains(["COLLECTION", "COLLECTION_GROUP"], i.query_scope) && length(i.fields) >= 2])
    error_message = "A composite index has query_scope COLLECTION or COLLECTION_GROUP and at least two fields."
  }

  validation {
    condition     = alltrue(flatten([for i in values(var.composite_indexes) : [for f in i.fields : contains(["ASCENDING", "DESCENDING"], f.order)]]))
    error_message = "A field's order is ASCENDING or DESCENDING."
  }
}

variable "ttl_policies" {
  type = map(object({
    field = string
  }))
  description = "Retention, by record type (collection group): Firestore deletes a document of that group once the timestamp in its field has passed. A document without the field never expires, so the code decides per record when retention starts (e.g. when a case is closed)."
  default     = {}

  validation {
    condition     = alltrue([for p in values(var.ttl_policies) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", p.field))])
    error_message = "A TTL field is a top-level field name."
  }
}

variable "backup_retention" {
  type        = string
  description = "How long each daily backup is kept, in seconds with an s suffix (beyond the 7 days point-in-time recovery covers). Up to 14 weeks."
  default     = "4838400s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.backup_retention)) && tonumber(trimsuffix(var.backup_retention, "s")) >= 86400 && tonumber(trimsuffix(var.backup_retention, "s")) <= 8467200
    error_message = "backup_retention is between 86400s (1 day) and 8467200s (14 weeks)."
  }
}
