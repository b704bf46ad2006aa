# The one root: the whole system (modules/intake) in an environment's own project. Each
# environment is this root with the variables of its folder of infra/envs/ (environment.tfvars,
# committed; terraform.tfvars, the operator's) and its own state (backend.hcl); scripts/deploy
# ENV puts them together.

provider "google" {
  project        = var.project_id
  region         = var.region
  default_labels = merge({ app = "ethics-intake", environment = var.environment }, var.labels)
}

module "intake" {
  source = "../modules/intake"

  project_id           = var.project_id
  region               = var.region
  firestore_location   = var.firestore_location
  secret_locations     = var.secret_locations
  build_dir            = startswith(var.build_dir, "/") ? var.build_dir : abspath("${path.root}/${var.build_dir}")
  kms_protection_level = var.kms_protection_level
  settings             = var.settings
  function_overrides   = var.function_overrides
  secret_versions      = var.secret_versions
  investigations_url   = var.investigations_url
  mail                 = var.mail
  office_url           = var.office_url
  console_domain       = var.console_domain
  officers             = var.officers
  officer_members      = var.officer_members
  disclosure           = var.disclosure
  disclosure_members   = var.disclosure_members
  clamd                = var.clamd
  labels               = { environment = var.environment }
}
