# The Cloud Tasks queues, by the code's logical name: the INTAKE_<NAME>_QUEUE variables of
# shared/config.py (tests/infra checks that every one exists here and is set).
# target: the function the queue's tasks go to; identity: the service account whose OIDC
# token they carry (queues with the same target share it). Retry settings, and why, are in
# modules/queues/README.md.

locals {
  queues = {
    triage = {
      target                    = "triage"
      identity                  = "triage"
      max_dispatches_per_second = 20
      max_concurrent_dispatches = 20
      max_attempts              = 100
      min_backoff               = "1s"
      max_backoff               = "300s"
      max_doublings             = 8
      max_retry_duration        = "0s"
    }
    forward = {
      target                    = "forward_to_investigations"
      identity                  = "forward"
      max_dispatches_per_second = 5
      max_concurrent_dispatches = 5
      max_attempts              = 30
      min_backoff               = "10s"
      max_backoff               = "3600s"
      max_doublings             = 8
      max_retry_duration        = "259200s"
    }
    urgent_forward = {
      target                    = "forward_to_investigations"
      identity                  = "forward"
      max_dispatches_per_second = 10
      max_concurrent_dispatches = 10
      max_attempts              = 50
      min_backoff               = "5s"
      max_backoff               = "600s"
      max_doublings             = 6
      max_retry_duration        = "259200s"
    }
    notify = {
      target                    = "notify"
      identity                  = "notify"
      max_dispatches_per_second = 5
      max_concurrent_dispatches = 5
      max_attempts              = 20
      min_backoff               = "10s"
      max_backoff               = "3600s"
      max_doublings             = 8
      max_retry_duration        = "172800s"
    }
  }

  # Cloud Scheduler jobs, by the name of the function they call.
  schedules = {
    sweep = {
      description = "Re-queue pending work whose task was lost (shared/services/sweep.py)."
      schedule    = var.sweep_schedule
    }
  }
}
