"""SQLAlchemy models only; no business rules live here."""

from flask_sqlalchemy import SQLAlchemy

from models.attachment import Attachment, StoredBlob, StoredChunk
from models.attendance import (
    AttendanceMeasure,
    AttendanceRecord,
    ClassSession,
    Course,
    SessionChange,
)
from models.audit import AuditAccessLog, AuditAnchor
from models.base import Base
from models.calendar import CalendarRevision
from models.certificate import Certificate, CertificateEvent, CertificateSequence
from models.definition import ProcessDefinition
from models.directory import (
    ConflictDeclaration,
    Enrolment,
    OrgUnit,
    Person,
    Position,
    Substitution,
)
from models.event import ProcessEvent
from models.human_task import HumanTask
from models.instance import ProcessInstance
from models.leave_period import LeavePeriodRow
from models.message import MessageSubscription, UnmatchedMessage
from models.notification import Notification, NotificationDelivery
from models.objection import NoticeObjection
from models.onboarding import DirectoryChange, DirectoryImport, DirectoryImportJob, PersonDetail
from models.plan import CertificationPlan
from models.rate_limit import RateLimitWindow
from models.security import ActivationCode, RevokedToken, SignInAttempt
from models.service_job import Incident, ServiceJob
from models.timer import Timer
from models.user import Group, Membership, User

db = SQLAlchemy(model_class=Base)

__all__ = [
    "ActivationCode",
    "Attachment",
    "AttendanceMeasure",
    "AttendanceRecord",
    "AuditAccessLog",
    "AuditAnchor",
    "Base",
    "CalendarRevision",
    "Certificate",
    "CertificateEvent",
    "CertificateSequence",
    "CertificationPlan",
    "ClassSession",
    "ConflictDeclaration",
    "Course",
    "DirectoryChange",
    "DirectoryImport",
    "DirectoryImportJob",
    "Enrolment",
    "Group",
    "HumanTask",
    "Incident",
    "LeavePeriodRow",
    "Membership",
    "MessageSubscription",
    "NoticeObjection",
    "Notification",
    "NotificationDelivery",
    "OrgUnit",
    "Person",
    "PersonDetail",
    "Position",
    "ProcessDefinition",
    "ProcessEvent",
    "ProcessInstance",
    "RateLimitWindow",
    "RevokedToken",
    "ServiceJob",
    "SessionChange",
    "SignInAttempt",
    "StoredBlob",
    "StoredChunk",
    "Substitution",
    "Timer",
    "UnmatchedMessage",
    "User",
    "db",
]
