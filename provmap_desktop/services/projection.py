"""Who will be in school next year: this year's pupils moved up, less leavers, plus intake.

- Pupils on roll now move up one year group (the next ``YearGroup.sort_order``).
- Leavers drop out: pupils in the school's last year group, and pupils whose leaving
  date is before the new year's first day.
- Intake joins: a pupil whose ``on_roll_date`` is on or after the new year's first day,
  in the year group they will join (their ``year_group_id`` already names it).

The new year's first day is its ``AcademicYear.start_date`` when the year is set up,
else 1 September of its first calendar year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Pupil, SchoolClass, YearGroup


@dataclass(frozen=True)
class ProjectedPupil:
    """A pupil as they will be in the year: their year group and (if known) class."""

    pupil: Pupil
    year_group_id: int | None
    class_id: int | None
    intake: bool = False


def year_start(session: Session, year_label: str) -> dt.date:
    """The first day of the year labelled ``year_label`` ("2027/28")."""
    start = session.scalar(select(AcademicYear.start_date).where(AcademicYear.label == year_label))
    return start if start is not None else dt.date(int(year_label[:4]), 9, 1)


def on_roll(pupil: Pupil, day: dt.date) -> bool:
    """Whether ``pupil`` is on roll on ``day`` (and not archived)."""
    if pupil.archived:
        return False
    if pupil.on_roll_date is not None and pupil.on_roll_date > day:
        return False
    return pupil.leaving_date is None or pupil.leaving_date >= day


def pupils_on_roll(session: Session, day: dt.date) -> list[ProjectedPupil]:
    """This year's pupils: everyone on roll on ``day``, in their own year group and class."""
    everyone = session.scalars(select(Pupil).order_by(Pupil.surname, Pupil.forename))
    return [ProjectedPupil(p, p.year_group_id, p.class_id) for p in everyone if on_roll(p, day)]


def next_year_pupils(session: Session, to_year_label: str) -> list[ProjectedPupil]:
    """The pupils who will be in school in the year ``to_year_label``, as described above."""
    first_day = year_start(session, to_year_label)
    order = list(session.scalars(select(YearGroup).order_by(YearGroup.sort_order)))
    next_group = {a.id: b.id for a, b in pairwise(order)}
    only_class: dict[int, int | None] = {}
    for school_class in session.scalars(select(SchoolClass)):
        if school_class.year_group_id is None:
            continue
        key = school_class.year_group_id
        only_class[key] = school_class.id if key not in only_class else None
    result: list[ProjectedPupil] = []
    for pupil in session.scalars(select(Pupil).order_by(Pupil.surname, Pupil.forename)):
        if pupil.archived:
            continue
        if pupil.on_roll_date is not None and pupil.on_roll_date >= first_day:
            result.append(ProjectedPupil(pupil, pupil.year_group_id, pupil.class_id, True))
            continue
        if pupil.leaving_date is not None and pupil.leaving_date < first_day:
            continue
        if pupil.year_group_id is None or pupil.year_group_id not in next_group:
            continue  # the last year group leaves
        moved = next_group[pupil.year_group_id]
        result.append(ProjectedPupil(pupil, moved, only_class.get(moved)))
    return result
