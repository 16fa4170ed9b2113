"""What a failed engine run raises: one plain exception with where and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class EngineFailure(Exception):
    """A script, condition or decision failed; the instance is marked failed with this."""

    message: str
    element_id: str | None = None
    task_name: str | None = None
    line: int | None = None
    kind: str = "runtime"
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in {
            "message": self.message, "element_id": self.element_id, "task": self.task_name,
            "line": self.line, "kind": self.kind, **self.details,
        }.items() if v is not None}
