"""Domain errors: facts about what went wrong, never HTTP codes (the API maps them).

Titles, details and problem messages are Chinese, the language of the people who read them;
each may carry its English wording too (``title_en``, ``detail_en``, ``Problem.english``),
which the API answers instead when the client asks for English.
"""

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
    english: str | None = field(default=None, compare=False)

    def to_dict(self, lang: str = "zh") -> dict[str, object]:
        values = asdict(self)
        extra = values.pop("extra")
        english = values.pop("english")
        if lang == "en" and english:
            values["message"] = english
        cleaned = {k: v for k, v in values.items() if v not in (None, "")}
        cleaned.update(extra)
        return cleaned


class CertflowError(Exception):
    """Base class; ``detail`` is a sentence a user can act on."""

    title = "请求失败"
    title_en = "Request failed"

    def __init__(self, detail: str, *, problems: list[Problem] | None = None,
                 detail_en: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_en = detail_en
        self.problems = problems or []

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` ("zh" or "en"); a subclass without an English title keeps
        its own."""
        own_english = "title_en" in type(self).__dict__ or "title" not in type(self).__dict__
        return self.title_en if lang == "en" and own_english else self.title

    def detail_in(self, lang: str) -> str:
        return self.detail_en if lang == "en" and self.detail_en else self.detail


class NotFound(CertflowError):
    title = "未找到"
    title_en = "Not found"


class NotAllowed(CertflowError):
    title = "不允许的操作"
    title_en = "Not allowed"


class NotAuthenticated(CertflowError):
    title = "未登录"
    title_en = "Not signed in"


class Conflict(CertflowError):
    title = "与当前状态冲突"
    title_en = "Conflict"


class TaskAlreadyClaimed(Conflict):
    """``claimed_by`` ({id, display_name}) lets a client name the holder without parsing text."""

    title = "任务已被认领"
    title_en = "Task already claimed"

    def __init__(self, detail: str, *, claimed_by: dict[str, object] | None = None) -> None:
        super().__init__(detail)
        self.claimed_by = claimed_by


class TaskNotOpen(Conflict):
    title = "任务已不再办理中"
    title_en = "Task is no longer open"


class InstanceBusy(Conflict):
    title = "案件正被同时修改"
    title_en = "Instance changed concurrently"


class InvalidInput(CertflowError):
    title = "输入有误"
    title_en = "Invalid input"


class InvalidDefinition(InvalidInput):
    title = "流程定义有误"
    title_en = "Invalid process definition"


class InvalidTaskData(InvalidInput):
    title = "任务数据有误"
    title_en = "Invalid task data"


class TooManyAttempts(CertflowError):
    """Too many failed attempts from one client; ``retry_after_s`` says when to try again."""

    title = "尝试次数过多"
    title_en = "Too many attempts"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class FileTooLarge(CertflowError):
    """An upload over its size limit; nothing of it is kept."""

    title = "文件过大"
    title_en = "File too large"


class UnsupportedFileType(InvalidInput):
    """An upload whose content is none of the accepted types (whatever its name says)."""

    title = "不支持的文件类型"
    title_en = "Unsupported file type"


class InvalidUpload(InvalidInput):
    """An upload request that carries no usable file."""

    title = "上传有误"
    title_en = "Invalid upload"
