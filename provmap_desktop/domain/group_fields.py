"""The rules of a provision group's details, one field at a time.

Each rule takes the session, the group and the value asked for, and returns the value
to store or raises ``DomainError`` saying why not; ``groups.update`` applies them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ..models import ProvisionGroup, SchoolClass, Staff
from ..services.formatting import format_date
from .change import DomainError, FieldRule


def checked_name(_session: Session, _group: Any, value: Any) -> str:
    """A group name with its spaces tidied, at most 60 characters."""
    name = " ".join(str(value or "").split())
    if len(name) > 60:
        raise DomainError("A group name can be at most 60 characters.")
    return name


def _checked_staff(session: Session, _group: Any, value: Any) -> int | None:
    """A member of staff who exists, or None for nobody named."""
    if value is None:
        return None
    if session.get(Staff, value) is None:
        raise DomainError("That member of staff no longer exists.")
    return int(value)


def _checked_class(session: Session, _group: Any, value: Any) -> int | None:
    """A class that exists, or None for a group of no one class."""
    if value is None:
        return None
    if session.get(SchoolClass, value) is None:
        raise DomainError("That class no longer exists.")
    return int(value)


def _checked_end(_session: Session, group: ProvisionGroup, value: Any) -> dt.date:
    """A last day on or after the group's first day."""
    if not isinstance(value, dt.date):
        raise DomainError("A group needs a last day.")
    if value < group.start_date:
        raise DomainError(
            f"The last day, {format_date(value)}, is before the first day, "
            f"{format_date(group.start_date)}."
        )
    return value


def _count(least: int, words: str) -> FieldRule:
    """The rule for an override of the provision's number: None, or ``least`` or more."""

    def rule(_session: Session, _group: Any, value: Any) -> int | None:
        if value is None or value == "":
            return None  # as the provision
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise DomainError(f"{words} must be a whole number of {least} or more.")
        return value

    return rule


def _text(limit: int | None) -> FieldRule:
    """The rule for free text, at most ``limit`` characters when there is a limit."""

    def rule(_session: Session, _group: Any, value: Any) -> str:
        text = str(value or "")
        if limit is not None and len(text) > limit:
            raise DomainError(f"That can be at most {limit} characters.")
        return text

    return rule


#: The fields a group's details may change one at a time. The first day moves with
#: ``move_start`` (members' join dates follow it); slots with ``set_days``.
GROUP_RULES: dict[str, FieldRule] = {
    "name": checked_name,
    "staff_id": _checked_staff,
    "class_id": _checked_class,
    "end_date": _checked_end,
    "max_size": _count(1, "The group size"),
    "sessions_per_week": _count(0, "Sessions a week"),
    "session_minutes": _count(0, "Minutes a session"),
    "location": _text(60),
    "notes": _text(None),
}
