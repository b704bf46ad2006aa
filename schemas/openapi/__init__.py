"""The OpenAPI 3.1 document of the intake API, generated from the schemas."""

from schemas.openapi.document import PUBLIC_FORMS, build_openapi

__all__ = ["PUBLIC_FORMS", "build_openapi"]
