"""Every status a row can hold, named once: compare and assign these, never bare strings.

``StrEnum`` members are their string values, so the columns stay plain strings (no schema
change), JSON and history payloads read exactly as before, and a typo is a name error.
"""

from __future__ import annotations

from enum import StrEnum


class InstanceStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"  # a script, condition or decision failed; ``error`` says where
    CANCELLED = "cancelled"  # terminated by an administrator
    INCIDENT = "incident"  # a service task failed after every retry; waits for an administrator
    SUSPENDED = "suspended"  # an administrator stopped it moving on until resumed
    WITHDRAWN = "withdrawn"  # the applicant withdrew it (撤回) before anyone acted on it


# An instance's status inside a sentence a person reads (已撤销 / 已办结, not "cancelled").
INSTANCE_STATUS_NAMES = {"running": "办理中", "completed": "已办结", "failed": "出错",
                         "cancelled": "已终止", "incident": "故障待处理", "suspended": "已暂停",
                         "withdrawn": "已撤回"}


class TaskStatus(StrEnum):
    """A human task row: offered to a group (ready), taken by one person (claimed), done."""

    READY = "ready"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerStatus(StrEnum):
    """pending -> claimed (a worker took it) -> fired; pending/claimed -> cancelled (the engine
    no longer waits on it, e.g. the user task finished before its boundary timer); failed after
    repeated unexpected errors while firing (``last_error`` says why)."""

    PENDING = "pending"
    CLAIMED = "claimed"  # a firing job holds it (a lease: stale claims become pending again)
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"  # firing failed too often


class JobStatus(StrEnum):
    """queued -> completed | cancelled (the engine stopped waiting) | incident (retries
    exhausted)."""

    QUEUED = "queued"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    INCIDENT = "incident"


class IncidentStatus(StrEnum):
    OPEN = "open"
    RETRIED = "retried"
    CANCELLED = "cancelled"


class SubscriptionStatus(StrEnum):
    """A message subscription: a catch event waiting for its message."""

    WAITING = "waiting"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class CertificateStatus(StrEnum):
    """valid -> revoked (fraud proven) | reissued (lost; a new certificate replaces it)."""

    VALID = "valid"
    REVOKED = "revoked"
    REISSUED = "reissued"


OPEN_TASK_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)
OPEN_TIMER_STATUSES = (TimerStatus.PENDING, TimerStatus.CLAIMED)
OPEN_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.INCIDENT)


class PersonStatus(StrEnum):
    """Where a person of the directory stands: learners study or graduated, staff work or left."""

    STUDYING = "studying"  # 在读
    GRADUATED = "graduated"  # 毕业
    EMPLOYED = "employed"  # 在职
    LEFT = "left"  # 离职
    DISABLED = "disabled"  # 停用


PERSON_STATUS_NAMES = {
    PersonStatus.STUDYING: "在读",
    PersonStatus.GRADUATED: "毕业",
    PersonStatus.EMPLOYED: "在职",
    PersonStatus.LEFT: "离职",
    PersonStatus.DISABLED: "停用",
}


class ImportStatus(StrEnum):
    """A directory import: previewed (nothing written) -> confirmed (written) | discarded."""

    PREVIEWED = "previewed"
    CONFIRMED = "confirmed"
    DISCARDED = "discarded"


class DeliveryStatus(StrEnum):
    """A notification's e-mail or webhook on its way out (models/notification.py)."""

    PENDING = "pending"  # waits for its next attempt
    SENDING = "sending"  # taken by a delivery job; back to pending after the claim lease
    SENT = "sent"
    FAILED = "failed"  # every attempt failed, or the receiver refused it for good


class LeaveStatus(StrEnum):
    """A leave period: requested -> approved | refused | withdrawn; approved -> returned (销假
    on time) | overstay (销假 late, or closed unreturned after 2 school days: 超假)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"
    OVERSTAY = "overstay"
