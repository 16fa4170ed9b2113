"""The one exception callers see, and the internal signal that stops a running script."""

from __future__ import annotations

from types import TracebackType
from typing import Literal

ErrorKind = Literal["syntax", "forbidden", "timeout", "resource", "runtime"]

# Sandboxed code is compiled under this name; SpiffWorkflow searches tracebacks for it to
# report the failing line, and so do we.
FILENAME = "<string>"


class ScriptError(Exception):
    """Anything the sandbox refused, or that failed inside it.

    ``kind`` lets callers react without parsing text: ``syntax`` (does not parse),
    ``forbidden`` (a construct or name the sandbox does not allow), ``timeout`` (ran past the
    time limit), ``resource`` (too big: memory, result size, recursion) or ``runtime`` (an
    ordinary error in the script's own logic). ``message`` is one English sentence fit to show
    a process designer; ``line`` is the 1-based line in the script, when known.
    """

    def __init__(self, kind: ErrorKind, message: str, line: int | None = None) -> None:
        # args[0] must be the message: SpiffWorkflow builds its error text from it.
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"{self.message} (line {self.line})" if self.line else self.message

    def __reduce__(self) -> tuple[type[ScriptError], tuple[str, str, int | None]]:
        # Keeps the error intact when a task queue pickles it between processes.
        return (ScriptError, (self.kind, self.message, self.line))


class Abort(BaseException):
    """Posted into a script's thread by the watchdog to stop it.

    It derives from BaseException and scripts can name neither it nor BaseException, and
    bare ``except:`` is refused at compile time, so a script cannot swallow it.
    """


def script_line(tb: TracebackType | None) -> int | None:
    """Line of the innermost sandboxed frame in a traceback (where the script failed)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
