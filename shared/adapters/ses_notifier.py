"""E-mail through Amazon SES (API v2). boto3 is imported only here, so only the functions
that send e-mail pay for it."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from shared.ports.mail import Email, Notifier, NotifierUnavailable


class SesNotifier(Notifier):
    def __init__(self, sender: str, *, region: str, client: Any | None = None) -> None:
        self._sender = sender
        self._client = client or boto3.client("sesv2", region_name=region)

    def send(self, email: Email) -> None:
        try:
            self._client.send_email(
                FromEmailAddress=self._sender,
                Destination={"ToAddresses": [email.to]},
                Content={"Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
                }},
                EmailTags=[{"Name": "notification",
                            "Value": "".join(c if c.isalnum() or c in "-_" else "_"
                                             for c in email.message_id)[:256]}],
            )
        except (BotoCoreError, ClientError) as error:
            raise NotifierUnavailable(f"ses: {type(error).__name__}") from error
