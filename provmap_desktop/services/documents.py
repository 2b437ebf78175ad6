"""Documents on disk: reading a file to attach, private copies to view, export copies.

A document lives in the database. To be opened with the system's viewer it is copied
to a private temporary folder (owner-only, made fresh for this run of the app) as an
owner-only file; ``ViewingCopies.remove_all`` deletes every copy made, and the app
calls it when it closes at the latest. A run that ended without closing (a crash, a
power cut) leaves its folder behind: the folder's name carries the run's process id,
and ``remove_left_behind`` deletes the folders of runs no longer alive, when copies
are next made and when the app starts. No Qt here: the screen hands the path to the
viewer.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from ..domain.change import DomainError
from ..domain.documents import check_size, content_of, documents_of, media_type_of
from ..models import PupilDocument
from ..storage.safe_files import PRIVATE_FILE, atomic_write


def read_for_attaching(path: Path) -> bytes:
    """The bytes of the file at ``path``; refused (before reading) when over 20 MB."""
    path = Path(path)
    media_type_of(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DomainError(f"{path.name} cannot be opened ({exc.strerror}).") from None
    check_size(path.name, size)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError(f"{path.name} cannot be read ({exc.strerror}).") from None
    check_size(path.name, len(data))
    return data


def safe_file_name(name: str, fallback: str = "document") -> str:
    """A file name with no folder part and nothing a file system refuses."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(name).name).strip(" .")
    return cleaned or fallback


#: The start of a viewing folder's name; the run's process id and a dash follow.
VIEWING_PREFIX = "provmap-view-"


def _alive(pid: int) -> bool:
    """Whether a process with this id is running (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_left_behind(temp_root: Path | None = None) -> list[Path]:
    """Delete this user's viewing folders left by runs that are no longer alive.

    Returns the folders removed. Folders of a running copy, another user's, or not
    named as ours are left alone.
    """
    root = Path(temp_root or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(root.glob(f"{VIEWING_PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        pid_text = folder.name[len(VIEWING_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            if not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
        except (OSError, AttributeError):  # no uid on some systems: leave it
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


class ViewingCopies:
    """Private temporary copies of documents for the system viewer, removed at the end."""

    def __init__(self) -> None:
        self._folder: Path | None = None
        atexit.register(self.remove_all)

    @property
    def folder(self) -> Path:
        """The private folder of this run's copies (owner-only), made when first needed."""
        if self._folder is None or not self._folder.is_dir():
            remove_left_behind()
            # mkdtemp makes the folder readable by its owner only.
            prefix = f"{VIEWING_PREFIX}{os.getpid()}-"
            self._folder = Path(tempfile.mkdtemp(prefix=prefix))
        return self._folder

    def copy_of(self, session: Session, document_id: int) -> Path:
        """Write the document to a new owner-only file and return its path."""
        document = session.get(PupilDocument, document_id)
        if document is None:
            raise DomainError("That document is no longer in the database.")
        data = content_of(session, document_id)
        # Each copy has a folder of its own, so the file keeps its real name.
        holder = Path(tempfile.mkdtemp(dir=self.folder))
        path = holder / safe_file_name(document.file_name)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return path

    def remove_all(self) -> None:
        """Delete every copy made (and the folder); safe to call more than once."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def export_documents(session: Session, pupil_id: int, folder: Path) -> list[dict[str, object]]:
    """Write each of the pupil's documents into ``folder``; their facts, with file names.

    Files are numbered ("01 EP report.pdf") so two documents with the same name both
    survive; each is written whole or not at all.
    """
    found = documents_of(session, pupil_id)
    if not found:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    listed: list[dict[str, object]] = []
    for number, document in enumerate(reversed(found), start=1):
        name = f"{number:02d} {safe_file_name(document.file_name)}"
        with atomic_write(folder / name) as temp:
            temp.write_bytes(content_of(session, document.id))
        listed.append(
            {
                "id": document.id,
                "title": document.title,
                "file_name": document.file_name,
                "media_type": document.media_type,
                "size_bytes": document.size_bytes,
                "added_on": document.added_on.isoformat(),
                "added_by": document.added_by,
                "file": f"{folder.name}/{name}",
            }
        )
    return listed
