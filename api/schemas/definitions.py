from __future__ import annotations

from marshmallow import Schema, fields, validate


class DeployFilesSchema(Schema):
    files = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}), required=True,
        metadata={"description": "the .bpmn file, its .dmn files and its JSON form schemas"})


class DeployFormSchema(Schema):
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
    file_names = fields.Method("_file_names")
    deployed_at = fields.DateTime()
    deployed_by = fields.Integer(allow_none=True)
    created = fields.Boolean(metadata={"description": "false when identical content existed"})

    def _file_names(self, definition: object) -> list[str]:
        return sorted(getattr(definition, "files", {}) or {})


class DefinitionListQuerySchema(Schema):
    process_id = fields.String()
    all_versions = fields.Boolean(load_default=False)
