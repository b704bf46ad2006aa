# THE list of functions: one entry per folder of functions/ (tests/infra checks both ways).
# Adding a function is adding an entry here (docs/deploy.md, "Adding a function").
#
#   public     anyone may invoke it (allUsers). Only the public forms and submit functions.
#   officers   var.officer_members may invoke it (the function checks their tokens and roles).
#   enqueues   logical queues (local.queues) it adds tasks to: enqueue on those queues and
#              actAs on their task identities (its INTAKE_TASKS_SERVICE_ACCOUNTS).
#   firestore  Firestore permissions of its own custom role, on this database only.
#   kms        which key-encryption key it uses and how (local.kms_roles): cases (submissions,
#              notes, transition notes) and messages (replies, submitter messages), each
#              "encrypt" (wrap only), "decrypt" (unwrap only) or "encrypt_decrypt".
#   proofs     optional: what it does with the key that signs proofs of submission
#              (local.proof_roles): "sign" (the submit functions) or "publish" (forms:
#              the published keys and the page that checks a proof).
#   retention  which purge months' keys (crypto-shredding, the kms module's retention rings)
#              it uses and how: cases or messages, each "open" (unwrap only), "wrap" (make
#              a month's key, wrap under it) or "shred" (wrap, destroy past months: sweep).
#   secrets    secret environment variables: variable name => secret id (local.secrets).
#   sizing     optional overrides of local.function_defaults.
# Who may invoke a non-public function follows from local.queues and local.schedules
# (their target): a task target accepts only its queues' identities, a scheduled function
# only its job's identity.

locals {
  functions = {
    submit_advice = {
      description = "Public: a confidential ethics advice request."
      public      = true
      officers    = false
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      # Seals the submission; never opens anything (a retry is matched by its HMAC digest).
      kms = { cases = "encrypt" }
      # Signs the proof of submission of every acknowledgement.
      proofs    = "sign"
      retention = {}
      # the anti-forgery token of a browser's form post; the replay digests and receipts
      secrets = {
        INTAKE_FORMS_SECRET       = "forms-secret"
        INTAKE_REPLAY_HMAC_SECRET = "replay-hmac-key"
      }
      sizing = local.public_sizing
    }
    submit_misconduct = {
      description = "Public: a misconduct report, forwarded to the investigations office."
      public      = true
      officers    = false
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      # Seals the submission; never opens anything (a retry is matched by its HMAC digest).
      kms = { cases = "encrypt" }
      # Signs the proof of submission of every acknowledgement.
      proofs    = "sign"
      retention = {}
      # the anti-forgery token of a browser's form post; the replay digests and receipts
      secrets = {
        INTAKE_FORMS_SECRET       = "forms-secret"
        INTAKE_REPLAY_HMAC_SECRET = "replay-hmac-key"
      }
      sizing = local.public_sizing
    }
    submit_retaliation = {
      description = "Public: a retaliation complaint."
      public      = true
      officers    = false
      enqueues    = ["triage"]
      firestore   = local.firestore_submit
      # Seals the submission; never opens anything (a retry is matched by its HMAC digest).
      kms = { cases = "encrypt" }
      # Signs the proof of submission of every acknowledgement.
      proofs    = "sign"
      retention = {}
      # the anti-forgery token of a browser's form post; the replay digests and receipts
      secrets = {
        INTAKE_FORMS_SECRET       = "forms-secret"
        INTAKE_REPLAY_HMAC_SECRET = "replay-hmac-key"
      }
      sizing = local.public_sizing
    }
    forms = {
      description = "Public: the web pages, the forms and the anonymous follow-up page."
      public      = true
      officers    = false
      enqueues    = []
      # The follow-up page reads a case, its submission (receipt hash) and its events by id,
      # appends a submitter's message (case, event and marker) and keeps lockout counters.
      # It never lists a collection.
      firestore = ["datastore.databases.get", "datastore.entities.get",
      "datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"]
      # Opens replies, seals the submitter's messages: the messages key and no other.
      kms = { messages = "encrypt_decrypt" }
      # Publishes the public keys of the proofs (/forms/keys) and checks pasted proofs.
      proofs    = "publish"
      secrets   = { INTAKE_FORMS_SECRET = "forms-secret" }
      sizing    = local.public_sizing
      retention = { messages = "open" }
    }
    triage = {
      description = "Cloud Tasks target: classify, prioritise, route, set deadlines."
      public      = false
      officers    = false
      # A misconduct report's referral is queued with its triage.
      enqueues = ["forward", "urgent_forward"]
      # Reads the submission and case, and in one transaction updates the case, appends its
      # event, deletes the pending triage and creates the pending referral.
      firestore = local.firestore_case_work
      # Opens the submission (cases key, unwrap only) to write the blind index of the people
      # it names: its secret keys that index.
      kms       = { cases = "decrypt" }
      retention = { cases = "open" }
      secrets   = { INTAKE_NAME_INDEX_SECRET = "name-index-key" }
      sizing    = {}
    }
    forward_to_investigations = {
      description = "Cloud Tasks target: refer a case, and supplements, to the investigations office."
      public      = false
      officers    = false
      enqueues    = ["notify"]
      firestore   = local.firestore_case_work
      # Opens the sealed report to build the referral, and the submitter's messages added
      # after it to send them on as supplements: unwrap only, on both keys.
      kms       = { cases = "decrypt", messages = "decrypt" }
      retention = { cases = "open", messages = "open" }
      secrets   = { INTAKE_FORWARD_HMAC_SECRET = "forward-hmac-key" }
      sizing    = {}
    }
    notify = {
      description = "Cloud Tasks target: send one notification e-mail."
      public      = false
      officers    = false
      enqueues    = []
      firestore   = local.firestore_case_work
      # Opens the sealed submission for the reporter's address only (and, for a case
      # without a name index, to withhold mail from an assignee the case names).
      kms       = { cases = "decrypt" }
      retention = { cases = "open" }
      secrets = {
        AWS_ACCESS_KEY_ID           = "ses-access-key-id"
        AWS_SECRET_ACCESS_KEY       = "ses-secret-access-key"
        INTAKE_MAIL_THROTTLE_SECRET = "mail-throttle-key"
        INTAKE_NAME_INDEX_SECRET    = "name-index-key"
      }
      sizing = {}
    }
    sweep = {
      description = "Cloud Scheduler target: re-queue lost work, raise deadline alerts."
      public      = false
      officers    = false
      enqueues    = ["triage", "forward", "urgent_forward", "notify"]
      # Lists pending markers and due cases; updates them in transactions (alerts append
      # events and queue e-mails). Wraps a closed case's data keys under its purge month's
      # keys, and back under the purposes' keys when it is held or reopened; destroys the
      # keys of past months. Opens no content.
      firestore = concat(local.firestore_case_work, ["datastore.entities.list"])
      kms       = { cases = "encrypt_decrypt", messages = "encrypt_decrypt" }
      retention = { cases = "shred", messages = "shred" }
      secrets   = {}
      sizing    = { max_instances = 1, timeout_seconds = 300 }
    }
    cases = {
      description = "Internal: the ethics officers' case API (Google ID tokens, roles)."
      public      = false
      officers    = true
      # Transitions queue referrals; replies queue e-mails; a report recorded on the
      # reporter's behalf queues its triage.
      enqueues  = ["forward", "urgent_forward", "notify", "triage"]
      firestore = concat(local.firestore_case_work, ["datastore.entities.list"])
      # Opens submissions, notes and messages for officers; seals notes, transition notes,
      # replies and the reports officers record. Lists compare officers' marks with each
      # case's name index (recusal).
      kms       = { cases = "encrypt_decrypt", messages = "encrypt_decrypt" }
      retention = { cases = "wrap", messages = "wrap" }
      # Signs the proof of submission of a report recorded on the reporter's behalf.
      proofs = "sign"
      # the name index of recusal; the replay digests and receipts of recorded reports
      secrets = {
        INTAKE_NAME_INDEX_SECRET  = "name-index-key"
        INTAKE_REPLAY_HMAC_SECRET = "replay-hmac-key"
      }
      sizing = {}
    }
    console = {
      description = "Internal: the officers' web console, behind Identity-Aware Proxy."
      public      = false
      # Officers reach it only through the load balancer with IAP (console.tf): IAP's
      # service agent is its only invoker, and officer_members are IAP's accessors.
      officers = false
      # The case API's work, in a browser: the same transitions, replies and measures, and
      # the reports recorded on reporters' behalf (their triage).
      enqueues  = ["forward", "urgent_forward", "notify", "triage"]
      firestore = concat(local.firestore_case_work, ["datastore.entities.list"])
      # Opens submissions, notes and messages for officers; seals notes, transition notes,
      # replies and recorded reports. Lists compare officers' marks with each case's name
      # index (recusal).
      kms       = { cases = "encrypt_decrypt", messages = "encrypt_decrypt" }
      retention = { cases = "wrap", messages = "wrap" }
      # Signs the proof of submission of a report recorded on the reporter's behalf.
      proofs = "sign"
      # the name index of recusal; the key of its session cookie and anti-forgery tokens;
      # the replay digests and receipts of recorded reports
      secrets = {
        INTAKE_NAME_INDEX_SECRET  = "name-index-key"
        INTAKE_CONSOLE_SECRET     = "console-secret"
        INTAKE_REPLAY_HMAC_SECRET = "replay-hmac-key"
      }
      # Internal and load-balancer traffic only: IAP is the only way in.
      sizing = { ingress = "ALLOW_INTERNAL_AND_GCLB" }
    }
    disclosure = {
      description = "Internal: the financial disclosure API for filers, heads of units and officers (Google ID tokens)."
      public      = false
      # Officers, and the filers and heads of units of var.disclosure_members (main.tf).
      officers = true
      # A review with guidance queues the filer's notice for notify.
      enqueues = ["notify"]
      # Filers, campaigns, obligations, declarations and their versions, the append-only
      # history; lists the roster and a year's obligations. Never deletes.
      firestore = ["datastore.databases.get", "datastore.entities.get", "datastore.entities.list",
      "datastore.entities.create", "datastore.entities.update"]
      # Seals declarations and guidance; opens them for their filer and for officers.
      kms = { cases = "encrypt_decrypt" }
      # Declarations are kept by the programme's own rules, not by purge month.
      retention = {}
      secrets   = {}
      sizing    = {}
    }
    log_service = {
      description = "Internal: officers record services for the annual report (Google ID tokens)."
      public      = false
      officers    = true
      enqueues    = []
      # Creates the entry and its idempotency claim in one batch; a retry reads the claim.
      # Codes and dates only: nothing to decrypt or seal.
      firestore = ["datastore.databases.get", "datastore.entities.get", "datastore.entities.create"]
      kms       = {}
      retention = {}
      secrets   = {}
      sizing    = {}
    }
  }

  # Work on a case: read it, update it, append events and pending work, clear pending work.
  firestore_case_work = ["datastore.databases.get", "datastore.entities.get",
  "datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"]

  # A submission is one batch of creates; an idempotent retry reads the first submission.
  # A submit function can neither list, update nor delete anything.
  firestore_submit = ["datastore.entities.create", "datastore.entities.get"]

  # What each use of a key-encryption key may do (the kms field of a function).
  kms_roles = {
    encrypt         = "roles/cloudkms.cryptoKeyEncrypter"
    decrypt         = "roles/cloudkms.cryptoKeyDecrypter"
    encrypt_decrypt = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  }

  # What each use of the proofs key needs: list its versions (viewer: names, states and
  # dates, no key material), read their public keys, and for the submit functions sign.
  proof_roles = {
    sign    = ["roles/cloudkms.viewer", "roles/cloudkms.publicKeyViewer", "roles/cloudkms.signer"]
    publish = ["roles/cloudkms.viewer", "roles/cloudkms.publicKeyViewer"]
  }

  # The public functions' memory, from docs/BENCHMARKS.md ("Memory"): a submit function
  # peaks at about 160 MiB after 200 JSON submissions, forms at about 50 MiB; a request may
  # also carry up to 25 MiB of attachments (EvidenceLimits), held, cleaned and sealed in
  # memory: about three copies each, four requests at once (concurrency), 300 MiB more.
  # 512 MiB covers both with some 50 MiB to spare; less would risk an attachment's request.
  public_sizing = { max_instances = 20, memory = "512Mi" }

  function_defaults = {
    memory          = "512Mi"
    cpu             = "1"
    concurrency     = 4
    min_instances   = 0
    max_instances   = 10
    timeout_seconds = 60
    ingress         = "ALLOW_ALL"
  }
}
