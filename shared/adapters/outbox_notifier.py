"""The embedded backend's e-mail: one .eml file per message (0600) in a local outbox
folder (0700)."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from pathlib import Path

from shared.adapters.local_files import write_private
from shared.ports.mail import Email, Notifier, NotifierUnavailable


class OutboxNotifier(Notifier):
    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["X-Ethics-Notification"] = email.message_id
        message.set_content(email.body)
        name = hashlib.sha256(email.message_id.encode()).hexdigest()[:24] + ".eml"
        try:
            write_private(self._folder / name, bytes(message))  # whole or absent, 0600
        except OSError as error:
            raise NotifierUnavailable(f"outbox: {error.strerror}") from error

    def messages(self) -> list[EmailMessage]:
        from email import message_from_bytes, policy

        return [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in sorted(self._folder.glob("*.eml"))]
