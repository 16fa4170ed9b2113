"""Domain errors: facts about what went wrong, never HTTP codes (the API maps them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem: what is wrong and where (a form field, a file element)."""

    message: str
    pointer: str | None = None
    file: str | None = None
    element_id: str | None = None
    line: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        extra = values.pop("extra")
        cleaned = {k: v for k, v in values.items() if v not in (None, "")}
        cleaned.update(extra)
        return cleaned


class CertflowError(Exception):
    """Base class; ``detail`` is a sentence a user can act on."""

    title = "Request failed"

    def __init__(self, detail: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []


class NotFound(CertflowError):
    title = "Not found"


class NotAllowed(CertflowError):
    title = "Not allowed"


class PasswordChangeRequired(NotAllowed):
    """Signed in with a handed-over password: choose your own first (``/auth/password``)."""

    title = "Password change required"


class NotAuthenticated(CertflowError):
    title = "Not signed in"


class Conflict(CertflowError):
    title = "Conflict"


class TaskAlreadyClaimed(Conflict):
    """``claimed_by`` ({id, display_name}) lets a client name the holder without parsing text."""

    title = "Task already claimed"

    def __init__(self, detail: str, *, claimed_by: dict[str, object] | None = None) -> None:
        super().__init__(detail)
        self.claimed_by = claimed_by


class TaskNotOpen(Conflict):
    title = "Task is no longer open"


class InstanceBusy(Conflict):
    title = "Instance changed concurrently"


class InvalidInput(CertflowError):
    title = "Invalid input"


class InvalidDefinition(InvalidInput):
    title = "Invalid process definition"


class InvalidTaskData(InvalidInput):
    title = "Invalid task data"


class TooManyAttempts(CertflowError):
    """Too many failed attempts from one client; ``retry_after_s`` says when to try again."""

    title = "Too many attempts"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class FileTooLarge(CertflowError):
    """An upload over its size limit; nothing of it is kept."""

    title = "文件过大"


class UnsupportedFileType(InvalidInput):
    """An upload whose content is none of the accepted types (whatever its name says)."""

    title = "不支持的文件类型"


class InvalidUpload(InvalidInput):
    """An upload request that carries no usable file."""

    title = "上传有误"
