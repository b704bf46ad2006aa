"""Marshmallow schemas of the public forms and the OpenAPI document built from them."""
