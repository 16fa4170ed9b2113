"""Who is acting: passed into every use case as a plain value (no Flask ``g``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    role: str
    groups: frozenset[str]
    # The person of the directory this account belongs to, and that person's centre (tenant).
    person_id: int | None = None
    tenant_id: int | None = None
    # Signed in with a password an administrator handed over: only the password change is open.
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_auditor(self) -> bool:
        return self.role == "auditor"

    def in_group(self, group: str | None) -> bool:
        return group is not None and group in self.groups
