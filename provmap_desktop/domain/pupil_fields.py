"""The rules of a pupil's fields: each checks a value before ``pupils`` stores it.

A rule takes the session, the pupil (None for a new one) and the value asked for, and
returns the value to store or raises ``DomainError`` in words a SENCO can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Pupil, SchoolClass, YearGroup
from ..models.vocab import NEED_TYPES, SenStatus
from ..rules.pupil_rules import checked_birth_date, checked_name
from ..rules.upn import clean_upn
from .change import DomainError, FieldRule

#: Gender codes a pupil record may hold ("" when not recorded).
GENDER_CODES = ("", "F", "M", "X")


def plainly(check: Callable[[], Any]) -> Any:
    """Run ``check``; a rule's ``ValueError`` becomes a ``DomainError`` with its words."""
    try:
        return check()
    except DomainError:
        raise
    except ValueError as exc:
        raise DomainError(str(exc)) from None


def checked_upn(session: Session, text: str, pupil_id: int | None = None) -> str:
    """The UPN in canonical form; ``DomainError`` if it is wrong or another pupil's."""
    upn = plainly(lambda: clean_upn(text))
    clash = session.scalars(
        select(Pupil).where(Pupil.upn == upn, Pupil.id != (pupil_id or -1))
    ).first()
    if clash is not None:
        raise DomainError(f"UPN {upn} already belongs to {clash.display_name}.")
    return upn


def _required_name(label: str) -> FieldRule:
    """The rule for a name that may not be blank, called ``label`` in messages."""

    def rule(_session: Session, _row: Any, value: Any) -> str:
        text = plainly(lambda: checked_name(label.lower(), str(value or "")))
        if not text:
            raise DomainError(f"{label} cannot be blank.")
        return str(text)

    return rule


def _choice(label: str, allowed: Callable[[], Any]) -> FieldRule:
    """The rule for a value from a fixed list (``allowed``), called ``label`` in messages."""

    def rule(_session: Session, _row: Any, value: Any) -> Any:
        if value not in allowed():
            raise DomainError(f"{value!r} is not a {label} this app knows.")
        return value

    return rule


def _row_or_none(model: type, what: str) -> FieldRule:
    """The rule for the id of a ``model`` row that exists, or None."""

    def rule(session: Session, _row: Any, value: Any) -> Any:
        if value is not None and session.get(model, value) is None:
            raise DomainError(f"That {what} is no longer in the database.")
        return value

    return rule


def _need(_session: Session, _row: Any, value: Any) -> Any:
    """A type of need the app knows, or None."""
    if value is not None and value not in NEED_TYPES:
        raise DomainError(f"{value!r} is not a type of need this app knows.")
    return value


def _secondary_need(session: Session, row: Any, value: Any) -> Any:
    """A known need other than the primary one, or None."""
    value = _need(session, row, value)
    if value is not None and value == row.primary_need:
        raise DomainError("The secondary need should differ from the primary need.")
    return value


def _date_or_none(label: str) -> FieldRule:
    """The rule for an optional date, called ``label`` in messages."""

    def rule(_session: Session, _row: Any, value: Any) -> Any:
        if value is not None and not isinstance(value, dt.date):
            raise DomainError(f"The {label} must be a date.")
        return value

    return rule


def _birth_date(session: Session, row: Any, value: Any) -> Any:
    """A date of birth a pupil could have, or None."""
    value = _date_or_none("date of birth")(session, row, value)
    return plainly(lambda: checked_birth_date(value))


def _flag(_session: Session, _row: Any, value: Any) -> bool:
    """A yes or no."""
    return bool(value)


#: The fields of a pupil ``update`` may set, each with its rule; any other is refused.
RULES: dict[str, FieldRule] = {
    "forename": _required_name("Forename"),
    "surname": _required_name("Surname"),
    "preferred_name": lambda _s, _r, v: plainly(lambda: checked_name("preferred name", v)),
    "upn": lambda s, row, v: checked_upn(s, str(v or ""), row.id),
    "date_of_birth": _birth_date,
    "gender": _choice("gender", lambda: GENDER_CODES),
    "year_group_id": _row_or_none(YearGroup, "year group"),
    "class_id": _row_or_none(SchoolClass, "class"),
    "sen_status": _choice("SEN status", lambda: {s.value for s in SenStatus}),
    "primary_need": _need,
    "secondary_need": _secondary_need,
    "sen_start_date": _date_or_none("SEN start date"),
    "on_roll_date": _date_or_none("date joined"),
    "sen_notes": lambda _s, _r, v: str(v or ""),
    "eal": _flag,
    "pupil_premium": _flag,
    "fsm": _flag,
    "cla": _flag,
}
