from __future__ import annotations

from marshmallow import Schema, fields


class SsoConfigSchema(Schema):
    label = fields.String(required=True, metadata={"description": "the button's text"})
    start_url = fields.String(required=True, metadata={
        "description": "where the button leads (the browser is redirected to the provider)"})
