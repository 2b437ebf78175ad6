"""One copy of the app per database file, enforced by an operating-system lock.

The lock is an advisory lock on a small side file (``flock`` on Linux and macOS,
``LockFileEx`` on Windows, via ``filelock``). The operating system drops it when the
holding process exits for any reason, so a copy that crashed or was killed never
leaves a stale lock behind: the side file may remain, but nothing holds it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filelock import FileLock


class DatabaseLock:
    """The lock of one database file; ``filelock`` is loaded when it is first taken.

    A file opened only for reading (a report, an export) never takes its lock, and
    such a command does not load the lock library at all.
    """

    def __init__(self, database_path: Path) -> None:
        # The real path: a second name for the same file (a symbolic link) finds the
        # same lock.
        real = Path(os.path.realpath(database_path))
        self.path = real.with_name(real.name + ".lock")
        self._lock: FileLock | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; ``False`` if another process holds it."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(str(self.path), timeout=0, mode=0o600, is_singleton=False)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.is_locked
