terraform {
  required_version = ">= 1.5, < 2.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.14, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
  }

  # Remote state in a GCS bucket of the environment's project (versioned, so an earlier
  # state can be restored), named by infra/envs/ENV/backend.hcl (see backend.hcl.example);
  # each environment keeps its own working folder (TF_DATA_DIR=infra/envs/ENV/.terraform),
  # so one environment's state is never planned against another's. scripts/deploy does this.
  backend "gcs" {}
}
