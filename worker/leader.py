"""One leader among the serving processes of ``certflow serve``: an exclusive file lock.

Every gunicorn worker starts the embedded loop (``worker/embedded.py``), but only the worker
holding the lock runs the periodic jobs; the others wait and try again each tick. The operating
system releases the lock when its holder dies, however it dies, so a respawned or surviving
worker takes over on its next try. The lock file is named after the gunicorn master, so two
servers on one machine each have their own leader.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO


def lock_path_for(master_pid: int) -> Path:
    return Path(tempfile.gettempdir()) / f"certflow-serve-{master_pid}.leader"


class FileLeader:
    """``lead()`` is true while this process holds the lock (taken on first success, kept)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def lead(self) -> bool:
        if self._file is not None:
            return True
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the last descriptor releases the lock
            self._file = None
