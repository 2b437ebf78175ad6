"""The audit log: one row for every change to every other table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AuditEntry(Base):
    """Who-changed-what is written by the session hooks in ``storage.audit``.

    ``pupil_id`` is a plain column, not a foreign key, so entries outlive the rows they
    describe; erasing a pupil blanks the personal fields of their entries instead.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None]
    pupil_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
