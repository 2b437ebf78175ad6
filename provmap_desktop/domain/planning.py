"""Needs planned by hand for a year, and each member of staff's intervention hours.

A planned need names a year ("2027/28"), a year group (and optionally one of its
classes), an area of need and optionally a need type within it, how many pupils are
expected, a grade (must, should or could) and a note: "Year 3: 4 more pupils expected
to need phonics support, should". Contracted hours for intervention work are kept in
minutes; they are typed as hours ("12.5", "12:30", "12h 30m").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from ..models import PlannedNeed, SchoolClass, Staff, YearGroup
from ..models.planning import NeedGrade
from ..models.vocab import NEED_TO_AREA, NEED_TYPES, AreaOfNeed
from .change import Change, Changed, DomainError, FieldRule, Kind, RowsAdded, RowsRemoved, set_field
from .school import text

PLANNING = Changed.of(Kind.PLANNING)
STAFF_HOURS = Changed.of(Kind.PLANNING, Kind.SETTINGS)
_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def checked_year_label(value: Any) -> str:
    """An academic year's label such as "2027/28", or ``DomainError``."""
    label = str(value or "").strip()
    match = _LABEL.match(label)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise DomainError(f"'{label}' is not an academic year; write it like 2027/28.")
    return label


def _year_group(session: Session, _need: Any, value: Any) -> int:
    if value is None or session.get(YearGroup, value) is None:
        raise DomainError("Choose one of the school's year groups.")
    return int(value)


def _class(session: Session, need: Any, value: Any) -> int | None:
    if value in (None, ""):
        return None
    school_class = session.get(SchoolClass, value)
    if school_class is None:
        raise DomainError("Choose one of the school's classes, or none.")
    year_group_id = getattr(need, "year_group_id", None)
    if year_group_id is not None and school_class.year_group_id not in (None, year_group_id):
        raise DomainError(f"{school_class.name} is not a class of that year group.")
    return int(value)


def _area(_session: Session, _need: Any, value: Any) -> str:
    try:
        return AreaOfNeed(value).value
    except ValueError:
        raise DomainError("Choose one of the four areas of need.") from None


def _need_type(_session: Session, need: Any, value: Any) -> str | None:
    if value in (None, ""):
        return None
    code = str(value).upper()
    if code not in NEED_TYPES:
        raise DomainError(f"'{value}' is not a type of need.")
    area = NEED_TO_AREA.get(code)
    if area is not None and getattr(need, "area", None) not in (None, area.value):
        raise DomainError(f"{NEED_TYPES[code]} is a need in {area.label}, not in that area.")
    return code


def _pupils(_session: Session, _need: Any, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DomainError(f"'{value}' is not a whole number of pupils.") from None
    if not 1 <= number <= 999:
        raise DomainError("A planned need is for between 1 and 999 pupils.")
    return number


def _grade(_session: Session, _need: Any, value: Any) -> str:
    try:
        return NeedGrade(str(value).strip().lower()).value
    except ValueError:
        raise DomainError("Grade each need must, should or could.") from None


NEED_RULES: dict[str, FieldRule] = {
    "year_group_id": _year_group,
    "class_id": _class,
    "area": _area,
    "need_type": _need_type,
    "pupils": _pupils,
    "grade": _grade,
    "note": text("note", 500),
}


def add_planned_need(
    session: Session,
    year_label: str,
    year_group_id: int,
    area: AreaOfNeed | str,
    *,
    need_type: str | None = None,
    pupils: int | str = 1,
    grade: NeedGrade | str = NeedGrade.SHOULD,
    class_id: int | None = None,
    note: str = "",
) -> Change:
    """Plan a need for ``pupils`` pupils of a year group (or class) in a year."""
    need = PlannedNeed(academic_year_label=checked_year_label(year_label))
    need.year_group_id = _year_group(session, need, year_group_id)
    need.area = _area(session, need, area)
    need.need_type = _need_type(session, need, need_type)
    need.class_id = _class(session, need, class_id)
    need.pupils = _pupils(session, need, pupils)
    need.grade = _grade(session, need, grade)
    need.note = str(NEED_RULES["note"](session, need, note))
    session.add(need)
    session.flush()
    return RowsAdded([need], PLANNING)


def update_planned_need(session: Session, need_id: int, field: str, value: Any) -> Change:
    """Set one field of a planned need by its rule."""
    return set_field(session, PlannedNeed, need_id, field, value, NEED_RULES, PLANNING)


def remove_planned_need(session: Session, need_id: int) -> Change:
    """Take a planned need out of the plan."""
    need = session.get(PlannedNeed, need_id)
    if need is None:
        raise DomainError("That planned need no longer exists.")
    session.delete(need)
    session.flush()
    return RowsRemoved([need], PLANNING)


_HOURS_MINUTES = re.compile(r"^(\d+)\s*(?::|h)\s*(\d{1,2})\s*m?$", re.IGNORECASE)


def parse_hours(value: Any) -> int | None:
    """Hours typed as "12.5", "12:30" or "12h 30m" as whole minutes; blank is None."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    typed = str(value).strip().lower().removesuffix("hours").removesuffix("hrs").strip()
    if not typed:
        return None
    match = _HOURS_MINUTES.match(typed)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise DomainError(f"'{value}': minutes go up to 59.")
        return hours * 60 + minutes
    try:
        hours_decimal = Decimal(typed.removesuffix("h").strip())
    except InvalidOperation:
        raise DomainError(f"'{value}' is not a number of hours, e.g. 12.5 or 12:30.") from None
    minutes_decimal = hours_decimal * 60
    if not hours_decimal.is_finite() or minutes_decimal != minutes_decimal.to_integral_value():
        raise DomainError(f"'{value}' is not a whole number of minutes.")
    return int(minutes_decimal)


def _minutes(_session: Session, _staff: Any, value: Any) -> int | None:
    minutes = parse_hours(value)
    if minutes is not None and not 0 <= minutes <= 60 * 60:
        raise DomainError("Contracted hours for intervention work are between 0 and 60 a week.")
    return minutes


STAFF_HOURS_RULES: dict[str, FieldRule] = {"intervention_minutes": _minutes}


def set_intervention_hours(session: Session, staff_id: int, hours: Any) -> Change:
    """Set a member of staff's contracted hours a week for intervention work (blank: none)."""
    return set_field(
        session, Staff, staff_id, "intervention_minutes", hours, STAFF_HOURS_RULES, STAFF_HOURS
    )
