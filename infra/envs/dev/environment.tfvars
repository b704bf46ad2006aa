# The dev environment: what sets it apart, committed. scripts/deploy dev reads this file,
# then terraform.tfvars (the operator's, not committed), whose values win.
environment = "dev"

# A software key and everything scaling to zero: cheap, and nothing real is stored here.
kms_protection_level = "SOFTWARE"
