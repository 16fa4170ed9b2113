from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from api.auth import current_actor, login_required
from api.schemas.common import ProblemSchema
from api.schemas.definitions import (
    DefinitionListQuerySchema,
    DefinitionSchema,
    DeployFilesSchema,
    DeployFormSchema,
)
from models import db
from workflows import definitions
from workflows.errors import InvalidDefinition, NotFound, Problem
from workflows.unit_of_work import UnitOfWork

bp = Blueprint("definitions", __name__, url_prefix="/api/v1",
               description="Process definitions (deployments)")


@bp.post("/definitions")
@login_required("admin")
@bp.arguments(DeployFilesSchema, location="files")
@bp.arguments(DeployFormSchema, location="form")
@bp.response(201, DefinitionSchema)
@bp.alt_response(200, schema=DefinitionSchema, description="identical content already deployed")
@bp.alt_response(422, schema=ProblemSchema)
def deploy(files: dict[str, Any], form: dict[str, Any]) -> tuple[Any, int]:
    """Deploy a BPMN file with its DMN tables and form schemas as the next version."""
    uploads = request.files.getlist("files")
    contents: dict[str, bytes] = {}
    for upload in uploads:
        name = (upload.filename or "").rsplit("/", 1)[-1]
        if not name:
            raise InvalidDefinition("every uploaded file needs a file name",
                                    problems=[Problem("file without a name", pointer="/files")])
        contents[name] = upload.read()
    result = definitions.deploy_definition(contents, actor=current_actor(), uow=UnitOfWork(),
                                           process_id=form.get("process_id"))
    result.definition.created = result.created  # type: ignore[attr-defined]
    return result.definition, 201 if result.created else 200


@bp.get("/definitions")
@login_required()
@bp.arguments(DefinitionListQuerySchema, location="query")
@bp.response(200, DefinitionSchema(many=True))
def list_all(query: dict[str, Any]) -> list[Any]:
    """Latest version of each process, or every version of one process."""
    return definitions.list_definitions(db.session, process_id=query.get("process_id"),
                                        all_versions=query["all_versions"])


@bp.get("/definitions/<process_id>/versions/<int:version>")
@login_required()
@bp.response(200, DefinitionSchema)
@bp.alt_response(404, schema=ProblemSchema)
def get_version(process_id: str, version: int) -> Any:
    """One deployed version."""
    return definitions.get_definition(db.session, process_id, version)


@bp.get("/definitions/<process_id>/versions/<int:version>/files/<name>")
@login_required()
@bp.alt_response(404, schema=ProblemSchema)
def get_file(process_id: str, version: int, name: str) -> Response:
    """A file of a deployed bundle, as deployed (for viewers and editors)."""
    definition = definitions.get_definition(db.session, process_id, version)
    if name not in definition.files:
        raise NotFound(f"version {version} of '{process_id}' has no file '{name}'")
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return Response(definition.files[name], mimetype=mimetype)
