"""Fields the SENCO adds to every pupil, and documents attached to a pupil.

A custom field has a name, a kind (text, long text, date, yes/no, one of a list) and,
for a list, its choices one a line. A pupil's value of it is stored as text: a date in
ISO form (yyyy-mm-dd), yes/no as ``yes`` or ``no``, a choice as its words.

A document's facts (title, file name, type, size, who added it and when) are in
``pupil_documents``; its bytes are in ``document_contents``, a table of their own,
so listing a pupil's documents never reads the files themselves. Both carry the
pupil's id, so subject access and erasure find them without a join.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Versioned
from .vocab import sql_in


class FieldKind(StrEnum):
    """What a custom field holds."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"

    @property
    def label(self) -> str:
        return {
            "text": "Text",
            "long_text": "Long text",
            "date": "Date",
            "yes_no": "Yes/no",
            "choice": "One of a list",
        }[self.value]


class CustomField(Versioned, Base):
    """A field the school keeps about every pupil, defined in Settings."""

    __tablename__ = "custom_fields"
    __table_args__ = (CheckConstraint(f"kind IN {sql_in(FieldKind)}", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: For "one of a list": the choices, one a line.
    choices: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class CustomFieldValue(Versioned, Base):
    """One pupil's value of one custom field (no row: no value)."""

    __tablename__ = "custom_field_values"
    __table_args__ = (
        UniqueConstraint("field_id", "pupil_id", name="uq_custom_field_values_field_pupil"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_fields.id", ondelete="CASCADE"), index=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)

    field: Mapped[CustomField] = relationship()


class PupilDocument(Versioned, Base):
    """A file attached to a pupil (an EP report, a SaLT assessment); bytes kept apart."""

    __tablename__ = "pupil_documents"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    added_on: Mapped[dt.date]
    added_by: Mapped[str] = mapped_column(String(100), default="")

    @property
    def label(self) -> str:
        return self.title


class DocumentContent(Versioned, Base):
    """The bytes of one document, read only when it is opened or exported."""

    __tablename__ = "document_contents"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("pupil_documents.id", ondelete="CASCADE"), unique=True
    )
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    #: Known to the ORM so the document is always written before its bytes.
    document: Mapped[PupilDocument] = relationship()


__all__ = [
    "CustomField",
    "CustomFieldValue",
    "DocumentContent",
    "FieldKind",
    "PupilDocument",
]
