"""Sealing and opening in tests, with the context each kind of value belongs to."""

from __future__ import annotations

import json
import secrets
from typing import Any

from shared.domain.records import Submission
from shared.domain.sealing import event_context, submission_context
from shared.ports.sealing import PayloadCipher


def opened_submission(cipher: PayloadCipher, submission: Submission) -> dict[str, Any]:
    """A stored submission's payload, opened where it belongs."""
    payload: dict[str, Any] = json.loads(cipher.open(
        submission_context(submission.id, submission.reference), submission.sealed))
    return payload


def sealed_message(cipher: PayloadCipher, kind: str, reference: str, text: str,
                   message_id: str | None = None) -> tuple[str, dict[str, Any]]:
    """(message id, envelope) of a note, reply or message of the case ``reference``."""
    message_id = message_id or secrets.token_hex(16)
    return message_id, cipher.seal(event_context(kind, reference, message_id), text.encode())
