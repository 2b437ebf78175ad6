"""Writing files so that a crash, a full disk or a killed process never leaves half a file.

Every file ProvMap writes for the user (exports, reports, backups, automatic copies)
goes through ``atomic_write``: the bytes go to a temporary file in the target's own
folder, are flushed to the disk, and only then is the temporary renamed over the
target. On any failure the temporary is removed, so no stray copy of pupil data is left.

Files and folders that hold school data are owner-only on Linux and macOS.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private(path: Path) -> None:
    """Owner-only permissions where the operating system has them."""
    if os.name == "posix" and path.exists():
        with contextlib.suppress(OSError):
            path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) if missing; a folder made here is owner-only."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        make_private(folder)
    return folder


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (not possible, nor needed, on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    # Read-write: Windows refuses to flush a handle opened only for reading.
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it becomes ``target``.

    The caller writes the whole file at the yielded path (by any means: a ReportLab
    document, openpyxl, SQLite's backup API). The temporary is created owner-only,
    flushed to disk and renamed into place; if the caller raises, it is removed and
    ``target`` is exactly as it was.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path()
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    os.close(handle)
    temp = Path(name)
    make_private(temp)
    try:
        yield temp
        fsync_file(temp)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def unused_name(folder: Path, stem: str, label: str, suffix: str) -> Path:
    """A new file name in ``folder`` that no file has, stamped to the microsecond.

    The name is claimed by creating an empty owner-only file with ``O_EXCL``, so two
    copies made in the same instant (or by two processes) cannot take the same name
    and nothing is ever written over an existing copy.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for attempt in range(1000):
        extra = f"-{attempt}" if attempt else ""
        candidate = folder / f"{stem}.{stamp}{extra}.{label}{suffix}"
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"No free name for a copy in {folder}.")
