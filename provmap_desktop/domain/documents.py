"""Documents attached to a pupil: reports from an EP, a SaLT, a paediatrician.

The bytes are kept inside the database file (``document_contents``), so a backup
carries them and nothing is left in folders. Each function takes the session first,
changes it without committing and returns a ``Change``; refusals are ``DomainError``.

    added = documents.attach(session, pupil_id, "EP report", "ep.pdf", data,
                             added_by="J. Patel", added_on=today)
    documents.retitle(session, added.row_id, "EP report (March)")
    documents.remove(session, added.row_id)  # undo brings the bytes back too
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DocumentContent, Pupil, PupilDocument
from .change import Change, Changed, ChildRowsAdded, ChildRowsRemoved, DomainError, Kind
from .change import set_field as _set_field

PUPILS = Changed.of(Kind.PUPILS)
#: The largest file a pupil's record takes: 20 MB.
MAX_BYTES = 20 * 1024 * 1024
#: The kinds of file schools are sent, by suffix, with the type a viewer needs.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
}


def size_words(size: int) -> str:
    """A file's size as people say it: "850 KB", "2.4 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(file_name: str, size: int) -> None:
    """Refuse a file over ``MAX_BYTES`` in words that say what to do."""
    if size > MAX_BYTES:
        raise DomainError(
            f"{file_name} is {size_words(size)}; a document can be at most 20 MB. "
            "Save a smaller copy (for example a PDF printed at lower quality) and attach that."
        )


def media_type_of(file_name: str) -> str:
    """The file's type from its name; ``DomainError`` for a kind that is not taken."""
    suffix = PurePath(file_name).suffix.casefold()
    media = MEDIA_TYPES.get(suffix)
    if media is None:
        raise DomainError(
            f"{file_name} is not a kind of file ProvMap keeps: attach a PDF, a Word or "
            "text document, or a picture (PNG, JPEG, GIF, TIFF)."
        )
    return media


def _title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise DomainError("A document needs a title (what it is, who wrote it).")
    if len(title) > 200:
        raise DomainError("A document title can have at most 200 characters.")
    return title


def _added_by(value: Any) -> str:
    who = " ".join(str(value or "").split())
    if len(who) > 100:
        raise DomainError("Who added it can have at most 100 characters.")
    return who


def attach(
    session: Session,
    pupil_id: int,
    title: str,
    file_name: str,
    data: bytes,
    *,
    added_by: str = "",
    added_on: dt.date,
) -> ChildRowsAdded:
    """Keep ``data`` (the file's bytes) in the pupil's record with its title."""
    if session.get(Pupil, pupil_id) is None:
        raise DomainError("That pupil is no longer in the database.")
    name = PurePath(str(file_name)).name
    check_size(name, len(data))
    document = PupilDocument(
        pupil_id=pupil_id,
        title=_title(title),
        file_name=name,
        media_type=media_type_of(name),
        size_bytes=len(data),
        added_on=added_on,
        added_by=_added_by(added_by),
    )
    session.add(document)
    session.flush()
    content = DocumentContent(document_id=document.id, pupil_id=pupil_id, data=bytes(data))
    session.add(content)
    session.flush()
    return ChildRowsAdded([document, content], PUPILS)


#: The facts of a document ``update`` may change.
RULES = {
    "title": lambda _s, _row, value: _title(value),
    "added_by": lambda _s, _row, value: _added_by(value),
}


def update(session: Session, document_id: int, field_name: str, value: Any) -> Change:
    """Change a document's title or who added it."""
    return _set_field(session, PupilDocument, document_id, field_name, value, RULES, PUPILS)


def retitle(session: Session, document_id: int, title: str) -> Change:
    """Give a document a new title."""
    return update(session, document_id, "title", title)


def remove(session: Session, document_id: int) -> Change:
    """Take a document off the pupil's record; undo brings it back, bytes and all."""
    document = session.get(PupilDocument, document_id)
    if document is None:
        raise DomainError("That document is no longer in the database.")
    content = session.scalars(
        select(DocumentContent).where(DocumentContent.document_id == document_id)
    ).first()
    rows: list[Any] = [document]
    if content is not None:
        content.data  # read the bytes now: undo must be able to put them back  # noqa: B018
        rows.append(content)
    change = ChildRowsRemoved(rows, PUPILS)
    change.redo(session)
    return change


def documents_of(session: Session, pupil_id: int) -> list[PupilDocument]:
    """The pupil's documents, newest first."""
    return list(
        session.scalars(
            select(PupilDocument)
            .where(PupilDocument.pupil_id == pupil_id)
            .order_by(PupilDocument.added_on.desc(), PupilDocument.id.desc())
        )
    )


def content_of(session: Session, document_id: int) -> bytes:
    """The bytes of a document."""
    data = session.scalar(
        select(DocumentContent.data).where(DocumentContent.document_id == document_id)
    )
    if data is None:
        raise DomainError("That document's file is no longer in the database.")
    return bytes(data)
