"""The reference receiver as a WSGI app: POST / takes a referral, or a supplement to one;
POST /_control sets failure injection (local use only); GET /_referrals lists what was
recorded.

``_control`` and ``_referrals`` need ``Authorization: Bearer <control token>`` (the token
``scripts/run`` prints): the local runner listens on a port any local process, or any web
page the browser opens, could reach. Without a token configured, they refuse everyone."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from reference_receiver.store import CONTROLS, ReceivedFile, ReceiverStore
from shared.domain.referrals import REFERRAL_FORMAT, SUPPLEMENT_FORMAT
from shared.domain.signatures import (
    IDEMPOTENCY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WINDOW_SECONDS,
    BadSignature,
    verify,
)

# A referral carries the cleaned copies of its files (25 MiB by default, base64 in JSON).
MAX_BODY = 48 << 20


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class ReferenceReceiver:
    def __init__(self, store: ReceiverStore, secret: bytes, *,
                 control_token: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._secret = secret
        self._control_token = control_token
        self._clock = clock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == "/" and request.method == "POST":
            response = self._intake(request)
        elif request.path in ("/_control", "/_referrals") and not self._controller(request):
            response = _json(401, {"error": "the control token is required"})
            response.headers["WWW-Authenticate"] = 'Bearer realm="reference-receiver"'
        elif request.path == "/_control" and request.method == "POST":
            response = self._control(request)
        elif request.path == "/_referrals" and request.method == "GET":
            response = _json(200, [{**vars(r), "supplements": [vars(s) for s in r.supplements],
                                    "attachments": list(r.attachments)}
                                   for r in self.store.referrals()])
        else:
            response = _json(404, {"error": "not found"})
        return response(environ, start_response)

    def _controller(self, request: Request) -> bool:
        """Whether the request carries the control token."""
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        expected = self._control_token
        return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), (expected or "").encode())

    def _intake(self, request: Request) -> Response:
        body = request.get_data()
        if len(body) > MAX_BODY:
            return _json(413, {"error": "body too large"})
        now = self._clock()
        nonce = request.headers.get(NONCE_HEADER, "")
        try:
            verify(self._secret, request.headers.get(TIMESTAMP_HEADER), nonce,
                   request.headers.get(SIGNATURE_HEADER), body, now)
        except BadSignature as refusal:
            return _json(401, {"error": str(refusal)})
        # A nonce is remembered for twice the window: older requests are refused as stale.
        if not self.store.first_sight(nonce, now, keep_seconds=2 * WINDOW_SECONDS):
            return _json(401, {"error": "replayed request"})
        if self.store.take("fail_next"):
            return _json(self.store.controls()["fail_status"], {"error": "injected failure"})
        try:
            document = json.loads(body)
        except ValueError:
            return _json(400, {"error": "body is not JSON"})
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        kind = document.get("format") if isinstance(document, dict) else None
        if kind not in (REFERRAL_FORMAT, SUPPLEMENT_FORMAT):
            return _json(422, {"error": f"format must be {REFERRAL_FORMAT} or "
                                        f"{SUPPLEMENT_FORMAT}"})
        id_field = "referral_id" if kind == REFERRAL_FORMAT else "supplement_id"
        if not key or document.get(id_field) != key:
            return _json(422, {"error": f"Idempotency-Key must equal the {id_field}"})
        reference = document.get("ethics_office_reference")
        if not isinstance(reference, str) or not reference:
            return _json(422, {"error": "ethics_office_reference is required"})
        try:
            files = _files(document)
        except ValueError as refusal:
            return _json(422, {"error": str(refusal)})
        if kind == REFERRAL_FORMAT:
            referral, created = self.store.record(key, reference, document, now, files)
        else:
            added = self.store.supplement(key, str(document.get("referral_id")), document, now,
                                          files)
            if added is None:
                return _json(422, {"error": "a supplement to a referral never received"})
            referral, created = added
        if self.store.take("slow_next"):
            time.sleep(self.store.controls()["slow_seconds"])
        return _json(201 if created else 200, {"case_id": referral.case_id})

    def _control(self, request: Request) -> Response:
        try:
            values = json.loads(request.get_data() or b"{}")
            self.store.set_controls(**values)
        except (ValueError, TypeError, KeyError):
            return _json(400, {"error": f"controls are {sorted(CONTROLS)}"})
        return _json(200, self.store.controls())


def _files(document: dict[str, Any]) -> tuple[ReceivedFile, ...]:
    """The files of a referral or a supplement, each checked against its digest and size,
    and taken out of the document (which keeps their descriptions). ValueError for one that
    does not match."""
    entries = document.get("attachments") or []
    if not isinstance(entries, list):
        raise ValueError("attachments must be a list")
    files = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("attachment_id"), str):
            raise ValueError("each attachment needs an attachment_id")
        if "withheld" in entry:
            continue
        try:
            content = base64.b64decode(entry.pop("content_base64"), validate=True)
        except (KeyError, TypeError, binascii.Error):
            raise ValueError(f"attachment {entry['attachment_id']}: content_base64 is "
                             "missing or not base64") from None
        digest = hashlib.sha256(content).hexdigest()
        if digest != entry.get("sha256") or len(content) != entry.get("size"):
            raise ValueError(f"attachment {entry['attachment_id']}: content does not match "
                             "its sha256 and size")
        files.append(ReceivedFile(entry["attachment_id"], digest, len(content),
                                  str(entry.get("media_type", "")), content))
    return tuple(files)
