"""Adding and removing the rows of a plan or a meeting, undoably, with lists kept fresh.

Shared by ``domain.plans`` and ``domain.meetings``: rows come back with their ids on
undo, and the parent's lists (a plan's targets, a meeting's actions) are expired so
they never show a row that is gone or miss one just added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..models import LearningPlan, Meeting
from .change import (
    Change,
    Changed,
    ChildRowsAdded,
    ChildRowsRemoved,
    DomainError,
    FieldChange,
    Kind,
)

PUPILS = Changed.of(Kind.PUPILS)
#: The lists of each parent that hold its children.
_LISTS: dict[type, tuple[str, ...]] = {
    LearningPlan: ("outcomes", "targets", "provisions"),
    Meeting: ("actions",),
}


def _settle(session: Session, rows: Sequence[Any]) -> None:
    """Let parents see children added or removed (no stale lists)."""
    for row in rows:
        for parent_type, key in ((LearningPlan, "plan_id"), (Meeting, "meeting_id")):
            parent_id = getattr(row, key, None)
            if parent_id is None:
                continue
            parent = session.get(parent_type, parent_id)
            if parent is not None and inspect(parent).persistent:
                session.expire(parent, list(_LISTS[parent_type]))


def get_row(session: Session, model: type, key: int, what: str) -> Any:
    """The row ``key`` of ``model``, or a refusal naming ``what`` is gone."""
    row = session.get(model, key)
    if row is None:
        raise DomainError(f"That {what} is no longer in the database.")
    return row


def add_rows(session: Session, *rows: Any) -> ChildRowsAdded:
    """Add ``rows`` (parents first), flush so they have ids, and return the change."""
    session.add_all(rows)
    session.flush()
    _settle(session, rows)
    return ChildRowsAdded(list(rows), PUPILS, _settle)


def remove_rows(session: Session, rows: list[Any]) -> Change:
    """Delete ``rows`` (parents first); undo brings them back with their ids."""
    change = ChildRowsRemoved(rows, PUPILS, _settle)
    change.redo(session)
    return change


def assign(row: Any, field: str, value: Any) -> FieldChange:
    """Set one column of ``row`` now, as an undoable step of a larger edit."""
    old = getattr(row, field)
    setattr(row, field, value)
    key = inspect(row).identity[0]
    return FieldChange(type(row), key, field, old, value, PUPILS)


def words(value: Any, what: str, *, required: bool = False, limit: int | None = None) -> str:
    """``value`` as trimmed text, refused when required and blank or longer than ``limit``."""
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(f"{what} needs some words.")
    if limit is not None and len(text) > limit:
        raise DomainError(f"{what} is {len(text)} characters long; it can have at most {limit}.")
    return text


def date_or_none(value: Any, what: str) -> dt.date | None:
    """``value`` if it is a date or nothing; a refusal naming ``what`` otherwise."""
    if value is not None and not isinstance(value, dt.date):
        raise DomainError(f"The {what} must be a date.")
    return value


def yes_no(value: Any, what: str) -> bool:
    """``value`` as yes or no; a refusal for anything else."""
    if not isinstance(value, bool):
        raise DomainError(f"{what} must be yes or no.")
    return value
