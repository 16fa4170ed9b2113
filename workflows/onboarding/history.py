"""The directory's history: every change with its actor and what it was before and after.

Changes of a centre form one chain (``seq`` 1, 2, …; each row's hash covers its content and
its predecessor's hash, an HMAC under the history chain key as instance histories are). A
writer locks the centre's root unit first, so two writers never take the same place in the
chain; the reader says whether the chain still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import OrgUnit, Person, User
from models.onboarding import DirectoryChange
from workflows.core.actors import Actor
from workflows.core.errors import NotFound
from workflows.core.history import GENESIS
from workflows.core.unit_of_work import UnitOfWork


class ChangeKind(StrEnum):
    PERSON_ADDED = "person_added"
    PERSON_CHANGED = "person_changed"
    PERSON_DISABLED = "person_disabled"
    ENROLLED = "enrolled"
    ENROLMENT_ENDED = "enrolment_ended"
    POSITION_ADDED = "position_added"
    POSITION_ENDED = "position_ended"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_RESET = "password_reset"
    ACTIVATION_CODE_ISSUED = "activation_code_issued"
    ACCOUNT_ACTIVATED = "account_activated"
    TOKENS_REVOKED = "tokens_revoked"  # a staff member's last position lapsed (position_end.py)
    GROUPS_JOINED = "groups_joined"  # a position given ahead began (position_start.py)
    UNIT_ADDED = "unit_added"
    UNIT_CHANGED = "unit_changed"
    UNIT_MOVED = "unit_moved"
    UNIT_DEACTIVATED = "unit_deactivated"
    SUBSTITUTE_NAMED = "substitute_named"
    SUBSTITUTE_ENDED = "substitute_ended"


CHANGE_NAMES = {
    ChangeKind.PERSON_ADDED: "新增人员",
    ChangeKind.PERSON_CHANGED: "修改人员信息",
    ChangeKind.PERSON_DISABLED: "停用人员",
    ChangeKind.ENROLLED: "编入班级",
    ChangeKind.ENROLMENT_ENDED: "离开班级",
    ChangeKind.POSITION_ADDED: "任命岗位",
    ChangeKind.POSITION_ENDED: "岗位结束",
    ChangeKind.ACCOUNT_ADDED: "开通账号",
    ChangeKind.ACCOUNT_DISABLED: "停用账号",
    ChangeKind.PASSWORD_RESET: "重置密码",
    ChangeKind.ACTIVATION_CODE_ISSUED: "发放激活码",
    ChangeKind.ACCOUNT_ACTIVATED: "激活账号",
    ChangeKind.TOKENS_REVOKED: "岗位到期，注销登录令牌",
    ChangeKind.GROUPS_JOINED: "岗位生效，加入岗位用户组",
    ChangeKind.UNIT_ADDED: "新增组织单元",
    ChangeKind.UNIT_CHANGED: "修改组织单元",
    ChangeKind.UNIT_MOVED: "移动组织单元",
    ChangeKind.UNIT_DEACTIVATED: "停用组织单元",
    ChangeKind.SUBSTITUTE_NAMED: "指定代理人",
    ChangeKind.SUBSTITUTE_ENDED: "结束代理",
}


def change_hash(values: dict[str, Any], *, prev_hash: str, key: bytes) -> str:
    canonical = json.dumps({
        "tenant_id": values["tenant_id"], "seq": values["seq"],
        "at": values["at"].astimezone(UTC).isoformat(),
        "actor_id": values["actor_id"], "kind": values["kind"],
        "subject_type": values["subject_type"], "subject_id": values["subject_id"],
        "import_id": values["import_id"], "before": values["before"], "after": values["after"],
        "prev": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return hmac.digest(key, canonical, "sha256").hex()


def lock_centre(session: Session, tenant_id: int) -> OrgUnit:
    """The centre's root unit, locked (PostgreSQL) until commit: the directory's writers of a
    centre go one at a time, so its history chain never forks."""
    query = sa.select(OrgUnit).where(OrgUnit.id == tenant_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    centre = session.execute(query).scalar_one_or_none()
    if centre is None:
        raise NotFound("机构不存在")
    return centre


class ChangeLog:
    """Collects a transaction's changes of one centre; ``flush`` inserts them in one statement.

    Make it after ``lock_centre``: it reads the chain head once.
    """

    def __init__(self, session: Session, tenant_id: int, *, actor_id: int | None,
                 at: datetime, key: bytes, import_id: int | None = None) -> None:
        self.session, self.tenant_id, self.actor_id = session, tenant_id, actor_id
        self.at, self.key, self.import_id = at, key, import_id
        head = session.execute(
            sa.select(DirectoryChange.seq, DirectoryChange.hash)
            .where(DirectoryChange.tenant_id == tenant_id)
            .order_by(DirectoryChange.seq.desc()).limit(1)).first()
        self.seq, self.head = (head[0], head[1]) if head else (0, GENESIS)
        self.rows: list[dict[str, Any]] = []

    def add(self, kind: ChangeKind, subject_type: str, subject_id: int, *,
            before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        self.seq += 1
        values: dict[str, Any] = {
            "tenant_id": self.tenant_id, "seq": self.seq, "at": self.at,
            "actor_id": self.actor_id, "kind": kind.value, "subject_type": subject_type,
            "subject_id": subject_id, "import_id": self.import_id, "before": before,
            "after": after, "prev_hash": self.head}
        values["hash"] = self.head = change_hash(values, prev_hash=values["prev_hash"],
                                                 key=self.key)
        self.rows.append(values)

    def flush(self) -> int:
        if self.rows:
            self.session.execute(sa.insert(DirectoryChange), self.rows)
        count, self.rows = len(self.rows), []
        return count


def changes(session: Session, tenant_id: int, *, key: bytes, subject_type: str | None = None,
            subject_id: int | None = None, limit: int = 100) -> dict[str, Any]:
    """The newest changes of a centre (optionally of one subject), and whether the whole chain
    of the centre verifies."""
    rows = list(session.scalars(sa.select(DirectoryChange)
                                .where(DirectoryChange.tenant_id == tenant_id)
                                .order_by(DirectoryChange.seq)))
    broken, prev = None, GENESIS
    for expected, row in enumerate(rows, start=1):
        values = {c: getattr(row, c) for c in (
            "tenant_id", "seq", "at", "actor_id", "kind", "subject_type", "subject_id",
            "import_id", "before", "after")}
        if (row.seq != expected or row.prev_hash != prev
                or not hmac.compare_digest(row.hash, change_hash(values, prev_hash=prev,
                                                                 key=key))):
            broken = row.seq
            break
        prev = row.hash
    chosen = [r for r in rows if (subject_type is None or r.subject_type == subject_type)
              and (subject_id is None or r.subject_id == subject_id)][-limit:][::-1]
    names = dict(session.execute(sa.select(User.id, User.display_name).where(
        User.id.in_({r.actor_id for r in chosen if r.actor_id is not None}))).all())
    subjects = _subject_names(session, chosen)
    return {
        "intact": broken is None, "broken_at_seq": broken, "total": len(rows),
        "changes": [{"seq": r.seq, "at": r.at, "kind": r.kind,
                     "kind_name": CHANGE_NAMES.get(ChangeKind(r.kind), r.kind),
                     "actor_id": r.actor_id, "actor_name": names.get(r.actor_id or 0),
                     "subject_type": r.subject_type, "subject_id": r.subject_id,
                     "subject_name": subjects.get((r.subject_type, r.subject_id)),
                     "import_id": r.import_id, "before": r.before, "after": r.after}
                    for r in chosen]}


def _subject_names(session: Session,
                   rows: list[DirectoryChange]) -> dict[tuple[str, int], str]:
    """Who or what each change is about, by its name today (a reader sees "张三", not an id)."""
    found: dict[tuple[str, int], str] = {}
    for kind, model in (("person", Person), ("unit", OrgUnit)):
        ids = {r.subject_id for r in rows if r.subject_type == kind}
        if ids:
            found |= {(kind, i): name for i, name in session.execute(
                sa.select(model.id, model.name).where(model.id.in_(ids)))}
    return found


def centre_log(uow: UnitOfWork, tenant_id: int, actor: Actor) -> ChangeLog:
    """The history of the centre, locked for this transaction, written in the actor's name."""
    lock_centre(uow.session, tenant_id)
    return ChangeLog(uow.session, tenant_id, actor_id=actor.id, at=uow.runtime.now(),
                     key=uow.runtime.chain_key)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
