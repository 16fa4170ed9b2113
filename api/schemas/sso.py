from __future__ import annotations

from marshmallow import Schema, fields


class SsoConfigSchema(Schema):
    enabled = fields.Boolean(required=True, metadata={
        "description": "whether a provider is configured (false: the page offers passwords only)"})
    label = fields.String(required=True, allow_none=True, metadata={
        "description": "the button's text (null when not enabled)"})
    start_url = fields.String(required=True, allow_none=True, metadata={
        "description": "where the button leads (the browser is redirected to the provider)"})
