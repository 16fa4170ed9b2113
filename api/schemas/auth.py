from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema
from api.schemas.directory import ProfileFieldsMixin


class TokenRequestSchema(RequestSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256),
                             load_only=True)


class ActorSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    groups = fields.List(fields.String())
    must_change_password = fields.Boolean(metadata={
        "description": "signed in with a handed-over password: only the password change, the "
                       "profile and sign-out answer until the holder chooses their own"})


class ProfileSchema(ActorSchema, ProfileFieldsMixin):
    """The signed-in account with its person, centre, current positions and enrolments."""


class TokenResponseSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    user = fields.Nested(ActorSchema)


class PasswordChangeSchema(RequestSchema):
    current_password = fields.String(required=True, load_only=True,
                                     validate=validate.Length(min=1, max=256))
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=256))


class ActivationSchema(RequestSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "the sign-in name: user name, 学号 or 工号"})
    code = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=32),
                         metadata={"description": "the activation code handed over "
                                                  "(case, spaces and hyphens do not matter)"})
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(min=1, max=256))
