from __future__ import annotations

from typing import Any

from flask import Response
from werkzeug.datastructures import FileStorage

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.definitions import (
    DefinitionListQuerySchema,
    DefinitionSchema,
    DeployUploadSchema,
    ModelerVocabularySchema,
    ValidationResultSchema,
)
from models import db
from models.directory import ROLE_NAMES
from workflows.core.errors import InvalidDefinition, NotFound, Problem
from workflows.definitions import deploy as definitions
from workflows.directory.addresses import ADMIN
from workflows.engine import APPROVAL_ACTIONS

bp = CertflowBlueprint("definitions", __name__, url_prefix="/api/v1",
                        description="Process definitions (deployments)")
MAX_FILE_NAME = 200


@bp.post("/definitions")
@login_required("admin")
@bp.arguments(DeployUploadSchema, location="form_and_files")
@bp.response(201, DefinitionSchema)
@bp.alt_response(200, schema=DefinitionSchema, description="identical content already deployed",
                 success=True)
@problems(413)
def deploy(body: dict[str, Any]) -> tuple[Any, int]:
    """Deploy a BPMN file with its DMN tables and form schemas as the next version.

    Bad bundles are refused with 422 naming the file, element and line of each problem;
    bodies over the upload limit with 413.
    """
    contents = _contents(body["files"])
    result = definitions.deploy_definition(contents, actor=current_actor(), uow=unit_of_work(),
                                           process_id=body.get("process_id"))
    result.definition.created = result.created  # type: ignore[attr-defined]
    return result.definition, 201 if result.created else 200


@bp.post("/definitions/validate")
@login_required("admin")
@bp.arguments(DeployUploadSchema, location="form_and_files")
@bp.response(200, ValidationResultSchema)
@problems(413)
def validate(body: dict[str, Any]) -> dict[str, bool]:
    """Check a bundle as a deployment would (same multipart body), storing nothing.

    The modeler calls this while an administrator edits: 200 ``{"valid": true}``, or 422 with
    the file, element and line of each problem.
    """
    contents = _contents(body["files"])
    definitions.validate_definition(contents, actor=current_actor(), session=db.session(),
                                    process_id=body.get("process_id"))
    return {"valid": True}


def _contents(uploads: list[FileStorage]) -> dict[str, bytes]:
    """The uploaded files by name; two files of one name would silently replace each other."""
    contents: dict[str, bytes] = {}
    for upload in uploads:
        name = _file_name(upload)
        if name in contents:
            raise InvalidDefinition(
                f"{name}：同一次上传中有两个文件都名为“{name}”", problems=[Problem(
                    f"同一次上传中有两个文件都名为“{name}”；请重命名其中一个", file=name,
                    pointer="/files",
                    english=f"two files of this upload are named '{name}'; rename one")],
                detail_en=f"{name}: two files of this upload have this name")
        contents[name] = upload.read()
    return contents


def _file_name(upload: FileStorage) -> str:
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    if not name or len(name) > MAX_FILE_NAME or not name.isprintable():
        raise InvalidDefinition(
            f"每个上传的文件都需要一个不超过 {MAX_FILE_NAME} 个字符、不含控制字符的文件名",
            detail_en=f"every uploaded file needs a printable name of at most {MAX_FILE_NAME} "
                      "characters",
            problems=[Problem("文件名缺失、过长或含有控制字符", pointer="/files",
                              english="file name missing, too long or with control "
                                      "characters")])
    return name


@bp.get("/definitions/vocabulary")
@login_required("admin")
@bp.response(200, ModelerVocabularySchema)
def vocabulary() -> dict[str, Any]:
    """What the modeler offers for certflow's task properties: the performer's roles and
    anchors, the approval actions, the separation-of-duties rules and the service functions
    of this server's registry (the same lists deployment checks a diagram against)."""
    services = runtime().services
    return {
        "roles": [{"id": role.value, "name": name} for role, name in ROLE_NAMES.items()
                  if role.value != ADMIN],
        "anchors": [{"id": "applicant", "name": "申请人就近（班级、专业、系部、机构）"},
                    {"id": "centre", "name": "申请人所在机构"}],
        "approval_actions": [{"id": action, "name": _ACTION_NAMES.get(action, action)}
                             for action in APPROVAL_ACTIONS],
        "duty_rules": _DUTY_RULES,
        "services": [_service(services.get(name)) for name in sorted(services.names())],
    }


_ACTION_NAMES = {"transfer": "转交", "send_back": "退回", "consult": "加签", "copy": "抄送",
                 "comment": "评论"}
_DUTY_RULES = [
    {"rule": "not_initiator", "argument": None, "name": "不得由发起人办理"},
    {"rule": "differs_from", "argument": "task", "name": "不得由办理过某一步骤的人办理"},
    {"rule": "recusal:class", "argument": None, "name": "回避：考生的班主任、任课教师"},
    {"rule": "recusal:employer", "argument": None, "name": "回避：考生工作单位的人员"},
    {"rule": "recusal:declared", "argument": None, "name": "回避：声明与考生有利害关系的人"},
    {"rule": "excludes", "argument": "path", "name": "不得由数据中列出的用户办理"},
]


def _service(function: Any) -> dict[str, Any]:
    return {"name": function.name, "description": function.description,
            "params": [{"name": name, "type": param.type, "required": param.required}
                       for name, param in function.params.items()]}


@bp.get("/definitions")
@login_required()
@bp.arguments(DefinitionListQuerySchema, location="query")
@bp.response(200, DefinitionSchema(many=True))
def list_all(query: dict[str, Any]) -> list[Any]:
    """Latest version of each process, or every version of one process."""
    return definitions.list_definitions(db.session(), process_id=query.get("process_id"),
                                        all_versions=query["all_versions"])


@bp.get("/definitions/<process_id>/versions/<int:version>")
@login_required()
@bp.response(200, DefinitionSchema)
@problems(404)
def get_version(process_id: str, version: int) -> Any:
    """One deployed version."""
    return definitions.get_definition(db.session(), process_id, version)


@bp.get("/definitions/<process_id>/versions/<int:version>/files/<name>")
@login_required()
@bp.doc(responses={"200": {"description": "the file as deployed", "content": {
    "application/xml": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}}}}})
@problems(404)
def get_file(process_id: str, version: int, name: str) -> Response:
    """A file of a deployed bundle, as deployed (for viewers and editors)."""
    definition = definitions.get_definition(db.session(), process_id, version)
    if name not in definition.files:
        raise NotFound(f"version {version} of '{process_id}' has no file '{name}'")
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return Response(definition.files[name], mimetype=mimetype)
