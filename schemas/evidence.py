"""Files that come through V4 signed URLs: asking for an upload URL, and naming an upload
in a submission (``evidence_uploads``)."""

from __future__ import annotations

from marshmallow import validate

from schemas.common import Count, IntakeSchema, String

UPLOAD_ID = r"^[0-9a-f]{32}$"
UPLOADS_FIELD = "evidence_uploads"


class UploadRequestSchema(IntakeSchema):
    """``POST /uploads`` on a submit function: the file a client is about to upload."""

    name = String(required=True, validate=validate.Length(min=1, max=255))
    size = Count(low=1, high=1 << 40, required=True)
    media_type = String(load_default="", validate=validate.Length(max=255))


class UploadReferenceSchema(IntakeSchema):
    """One file of a submission that was uploaded through a signed URL."""

    upload_id = String(required=True, validate=validate.Regexp(
        UPLOAD_ID, error="Must be an upload_id answered by POST /uploads."))
    name = String(required=True, validate=validate.Length(min=1, max=255))
