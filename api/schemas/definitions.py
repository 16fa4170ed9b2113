from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import FileStorage

from api.schemas.common import RequestSchema


class UploadedFile(Upload):
    """A multipart file part; a plain form value under the same name is refused (422)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError("Not a file upload.")
        return value


class DeployUploadSchema(RequestSchema):
    """One multipart body: the files of the bundle and, optionally, which process to deploy."""

    files: fields.List[FileStorage] = fields.List(
        UploadedFile(), required=True, validate=validate.Length(min=1, max=100),
        metadata={"description": "the .bpmn file, its .dmn files and its JSON form schemas"})
    process_id = fields.String(validate=validate.Length(min=1, max=128),
                               metadata={"description": "which process, if several are "
                                                        "executable"})


class DefinitionSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    content_hash = fields.String()
    bpmn_file = fields.String()
    file_names = fields.Method("_file_names", metadata={"type": "array",
                                                        "items": {"type": "string"}})
    deployed_at = fields.DateTime()
    deployed_by = fields.Integer(allow_none=True)
    created = fields.Boolean(metadata={"description": "false when identical content existed"})

    def _file_names(self, definition: object) -> list[str]:
        return sorted(getattr(definition, "files", {}) or {})


class DefinitionListQuerySchema(RequestSchema):
    process_id = fields.String()
    all_versions = fields.Boolean(load_default=False)


class ValidationResultSchema(Schema):
    valid = fields.Boolean(required=True, metadata={"description": "always true: problems are "
                                                                  "answered with 422"})


class ModelerVocabularySchema(Schema):
    """What the modeler's properties panel offers for certflow's own task properties."""

    roles = fields.List(fields.Dict(), metadata={
        "description": "position roles a performer may name: id and Chinese name"})
    anchors = fields.List(fields.Dict(), metadata={
        "description": "where a role is looked up (applicant, centre): id and Chinese name"})
    approval_actions = fields.List(fields.Dict(), metadata={
        "description": "the approval actions a task may allow: id and Chinese name"})
    duty_rules = fields.List(fields.Dict(), metadata={
        "description": "separation-of-duties rules: how written and what each means"})
    services = fields.List(fields.Dict(), metadata={
        "description": "the service functions a service task may call, with their parameters"})

