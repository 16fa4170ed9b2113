"""The only package that imports SpiffWorkflow (with ``workflows.engine.script_env``).

Everything it returns is a plain value or an opaque handle owned by this package.
"""

from workflows.engine.parsing import ParsedBundle, content_hash, load_specs, parse_bundle
from workflows.engine.runtime import EngineFailure, EngineStep, ReadyUserTask, Run
from workflows.engine.task_meta import START_FORM_KEY
from workflows.engine.timing import add_duration, add_iso_duration

__all__ = [
    "START_FORM_KEY",
    "EngineFailure",
    "EngineStep",
    "ParsedBundle",
    "ReadyUserTask",
    "Run",
    "add_duration",
    "add_iso_duration",
    "content_hash",
    "load_specs",
    "parse_bundle",
]
