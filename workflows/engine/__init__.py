"""The engine facade: the only package that imports SpiffWorkflow and RestrictedPython.

Other parts import from here only (an import-linter contract in pyproject.toml keeps the
modules below private). Everything it returns is a plain value or an opaque handle owned by
this package.
"""

from workflows.engine.approval import ACTIONS as APPROVAL_ACTIONS
from workflows.engine.budget import RunawayRun
from workflows.engine.duty_rules import DutyRule, InvalidDutyRule, parse_rules
from workflows.engine.errors import EngineFailure
from workflows.engine.parsing import ParsedBundle, content_hash, load_specs, parse_bundle
from workflows.engine.result import EngineStep, ReadyUserTask, RunResult
from workflows.engine.runtime import Run
from workflows.engine.serialization import SERIALIZER_VERSION
from workflows.engine.summary_fields import APPLICANT, APPLICANT_CLASS, summary_value
from workflows.engine.task_meta import START_FORM_KEY
from workflows.engine.timing import add_duration, add_iso_duration
from workflows.engine.trace import PathRecorder, element_names

__all__ = [
    "APPLICANT",
    "APPLICANT_CLASS",
    "APPROVAL_ACTIONS",
    "SERIALIZER_VERSION",
    "START_FORM_KEY",
    "DutyRule",
    "EngineFailure",
    "EngineStep",
    "InvalidDutyRule",
    "ParsedBundle",
    "PathRecorder",
    "ReadyUserTask",
    "Run",
    "RunResult",
    "RunawayRun",
    "add_duration",
    "add_iso_duration",
    "content_hash",
    "element_names",
    "load_specs",
    "parse_bundle",
    "parse_rules",
    "summary_value",
]
