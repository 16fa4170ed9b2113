"""Who may start what on a certificate (补发, 撤销), checked before the case starts.

- A reissue (补发) is filed by the holder, for their own certificate only: the signed-in
  account holds it (``holder_user_id``) or is the directory person with its 身份证号. The form
  asks for no 身份证号 and the refusal is the same for an unknown number and someone else's, so
  the form tells nobody whether a number or an identity is in the register
  (``/certificates/verify`` stays the one public check).
- A revocation is proposed only by the 质量监督小组 (the 领导小组 decides, in the diagram). The
  case learns the holder's account so the holder can be told and answer (陈述申辩) before the
  decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import Certificate, Person, User
from workflows.certification import register
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed

REISSUE = "certification_reissue"
REVOCATION = "certification_revocation"
PROPOSERS = "quality_supervisor"


def _holds(session: Session, certificate: Certificate, actor: Actor) -> bool:
    if certificate.holder_user_id is not None:
        return certificate.holder_user_id == actor.id
    person = session.get(Person, actor.person_id) if actor.person_id is not None else None
    return bool(person is not None and person.id_number
                and person.id_number.upper() == certificate.id_number.upper())


def check_reissue(session: Session, data: dict[str, Any], *, now: datetime,
                  actor: Actor) -> dict[str, Any]:
    """The request with the holder's name from the register; refused unless the actor holds
    the certificate (the same words whether or not the number exists)."""
    number = str(data.get("certificate_no", "")).strip().upper()
    certificate = register.find(session, number)
    if certificate is None or not _holds(session, certificate, actor):
        raise NotAllowed(f"补发只能由持证人本人申请：您名下没有编号为 {number} 的证书。"
                         "请核对证书编号；证书不在您名下的，请由持证人本人登录申请")
    return {**data, "certificate_no": number, "holder_name": certificate.holder_name}


def check_revocation(session: Session, data: dict[str, Any], *, now: datetime,
                     actor: Actor) -> dict[str, Any]:
    """Only the 质量监督小组 proposes; the case learns whose certificate it is (their account,
    to tell them and take their 陈述申辩), never the 身份证号."""
    if not actor.in_group(PROPOSERS):
        raise NotAllowed("证书撤销只能由质量监督小组提出（领导小组审批）；"
                         "发现证书有问题的，请向质量监督小组反映")
    certificate = register.find(session, str(data.get("certificate_no", "")))
    holder = (session.get(User, certificate.holder_user_id)
              if certificate is not None and certificate.holder_user_id is not None else None)
    return {**data, "holder_username": holder.username if holder is not None else None,
            "holder_user_id": holder.id if holder is not None else None}
