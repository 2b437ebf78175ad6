"""Who will be in school next year: this year's pupils moved up, less leavers, plus intake.

- Pupils on roll now move up one year group (the next ``YearGroup.sort_order``).
- Leavers drop out: pupils in the school's last year group, and pupils whose leaving
  date is before the new year's first day.
- Intake joins: a pupil whose ``on_roll_date`` is on or after the new year's first day,
  in the year group they will join (their ``year_group_id`` already names it).

The new year's first day is its ``AcademicYear.start_date`` when the year is set up,
else 1 September of its first calendar year. ``next_year_pupils`` gives the pupils
themselves; ``next_year_placements`` the same answer as plain rows, for a large school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Pupil, SchoolClass, YearGroup


class _OnRoll(Protocol):
    archived: bool
    on_roll_date: dt.date | None
    leaving_date: dt.date | None
    year_group_id: int | None
    class_id: int | None


@dataclass(frozen=True)
class ProjectedPupil:
    """A pupil as they will be in the year: their year group and (if known) class."""

    pupil: Pupil
    year_group_id: int | None
    class_id: int | None
    intake: bool = False


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a pupil will be: year group, class (if known), and whether they are intake."""

    year_group_id: int | None
    class_id: int | None
    intake: bool = False


def year_start(session: Session, year_label: str) -> dt.date:
    """The first day of the year labelled ``year_label`` ("2027/28")."""
    start = session.scalar(select(AcademicYear.start_date).where(AcademicYear.label == year_label))
    return start if start is not None else dt.date(int(year_label[:4]), 9, 1)


def on_roll(pupil: _OnRoll, day: dt.date) -> bool:
    """Whether ``pupil`` is on roll on ``day`` (and not archived)."""
    if pupil.archived:
        return False
    if pupil.on_roll_date is not None and pupil.on_roll_date > day:
        return False
    return pupil.leaving_date is None or pupil.leaving_date >= day


class _Mover:
    """The school's year groups in order and each one's only class (if it has one)."""

    def __init__(self, session: Session, first_day: dt.date) -> None:
        self.first_day = first_day
        order = list(session.scalars(select(YearGroup.id).order_by(YearGroup.sort_order)))
        self.next_group = dict(pairwise(order))
        self.only_class: dict[int, int | None] = {}
        for class_id, year_group_id in session.execute(
            select(SchoolClass.id, SchoolClass.year_group_id)
        ):
            if year_group_id is not None:
                known = year_group_id in self.only_class
                self.only_class[year_group_id] = None if known else class_id

    def place(self, pupil: _OnRoll) -> Placement | None:
        """Where the pupil will be in the new year, or None for a leaver."""
        if pupil.archived:
            return None
        if pupil.on_roll_date is not None and pupil.on_roll_date >= self.first_day:
            return Placement(pupil.year_group_id, pupil.class_id, True)
        if pupil.leaving_date is not None and pupil.leaving_date < self.first_day:
            return None
        if pupil.year_group_id is None or pupil.year_group_id not in self.next_group:
            return None  # the last year group leaves
        moved = self.next_group[pupil.year_group_id]
        return Placement(moved, self.only_class.get(moved))


def next_year_pupils(session: Session, to_year_label: str) -> list[ProjectedPupil]:
    """The pupils who will be in school in the year ``to_year_label``, as described above."""
    mover = _Mover(session, year_start(session, to_year_label))
    result: list[ProjectedPupil] = []
    for pupil in session.scalars(select(Pupil).order_by(Pupil.surname, Pupil.forename)):
        placed = mover.place(pupil)
        if placed is not None:
            result.append(
                ProjectedPupil(pupil, placed.year_group_id, placed.class_id, placed.intake)
            )
    return result


def next_year_placements(
    session: Session, to_year_label: str, rows: list[Any]
) -> dict[int, Placement]:
    """``next_year_pupils`` for plain rows of pupils' columns (``id`` and those above)."""
    mover = _Mover(session, year_start(session, to_year_label))
    placed = {row.id: mover.place(row) for row in rows}
    return {key: place for key, place in placed.items() if place is not None}
