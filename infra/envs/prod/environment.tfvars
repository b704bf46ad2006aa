# The prod environment: what sets it apart, committed. scripts/deploy prod reads this file,
# then terraform.tfvars (the operator's, not committed), whose values win.
environment = "prod"

# The key-encryption keys in Cloud HSM.
kms_protection_level = "HSM"

# Keep the public forms warm: no cold start for a person about to report.
function_overrides = {
  submit_advice      = { min_instances = 1 }
  submit_misconduct  = { min_instances = 1 }
  submit_retaliation = { min_instances = 1 }
}
