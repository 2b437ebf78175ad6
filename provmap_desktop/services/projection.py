"""Next year's pupils, worked out from this year's roll and the intake.

The rule, shared by the year-end rollover and the Planning screen:

- **Moving up**: every pupil on roll now (not archived, already joined before the new
  year's first day) moves to the next year group by ``YearGroup.sort_order``. A pupil
  with no year group stays without one.
- **Leavers**: pupils in the school's last year group, and pupils whose leaving date
  falls before the new year's first day. They are not in next year's list.
- **Intake**: a pupil whose ``on_roll_date`` is the new year's first day or later is
  already recorded in the year group they will join; they are counted as they are and
  are not moved up.

The new year's first day is that of the academic year with the label asked for when
the school has set it up, otherwise the day after the year before it ends (or 1
September of its first calendar year when neither exists).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, Ehcp, Pupil, SchoolClass, YearGroup

_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def parse_year_label(label: str) -> int:
    """The first calendar year of a label such as ``2027/28``; ``ValueError`` otherwise."""
    match = _LABEL.match(label.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"'{label}' is not an academic year; write it as 2027/28.")
    return int(match.group(1))


def year_label(first: int) -> str:
    """``2027`` -> ``"2027/28"``."""
    return f"{first}/{(first + 1) % 100:02d}"


def previous_label(label: str) -> str:
    """The label of the year before: ``2027/28`` -> ``2026/27``."""
    return year_label(parse_year_label(label) - 1)


def new_year_start(session: Session, to_label: str) -> dt.date:
    """The first day of the year labelled ``to_label`` (see the module's rule)."""
    first = parse_year_label(to_label)
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == to_label))
    if year is not None:
        return year.start_date
    before = session.scalar(select(AcademicYear).where(AcademicYear.label == year_label(first - 1)))
    if before is not None:
        return before.end_date + dt.timedelta(days=1)
    return dt.date(first, 9, 1)


@dataclass(frozen=True)
class ProjectedPupil:
    """A pupil as they will be next year (or as they leave)."""

    pupil_id: int
    name: str
    surname: str
    year_group_id: int | None  # next year's (for a leaver: the one they leave from)
    year_group_name: str
    class_id: int | None  # today's class (the rollover decides next year's)
    sen_status: str
    primary_need: str | None
    secondary_need: str | None
    has_ehcp: bool
    intake: bool = False

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.surname.casefold(), self.name.casefold())


@dataclass(frozen=True)
class Projection:
    """Next year's pupils (moving up and intake) and this year's leavers."""

    to_label: str
    start: dt.date
    pupils: list[ProjectedPupil]
    leavers: list[ProjectedPupil]

    @property
    def moving_up(self) -> list[ProjectedPupil]:
        return [p for p in self.pupils if not p.intake]

    @property
    def intake(self) -> list[ProjectedPupil]:
        return [p for p in self.pupils if p.intake]


def next_year_groups(session: Session) -> dict[int, int | None]:
    """Each year group's id -> the next one's id (None after the last)."""
    ids = list(session.scalars(select(YearGroup.id).order_by(YearGroup.sort_order)))
    return {yg: (ids[i + 1] if i + 1 < len(ids) else None) for i, yg in enumerate(ids)}


def is_leaving(pupil: Pupil | _OnRoll, last_year_group_id: int | None, start: dt.date) -> bool:
    """True for a pupil in the last year group or with a leaving date before ``start``."""
    if pupil.leaving_date is not None and pupil.leaving_date < start:
        return True
    return last_year_group_id is not None and pupil.year_group_id == last_year_group_id


def next_year_pupils(session: Session, to_year_label: str) -> Projection:
    """Next year's pupils: on roll moved up, minus leavers, plus intake (module rule)."""
    start = new_year_start(session, to_year_label)
    names = dict(session.execute(select(YearGroup.id, YearGroup.name)).all())
    following = next_year_groups(session)
    last = next((yg for yg, after in following.items() if after is None), None)
    with_plan = set(session.scalars(select(Ehcp.pupil_id)))
    pupils: list[ProjectedPupil] = []
    leavers: list[ProjectedPupil] = []
    query = select(Pupil).where(Pupil.archived.is_(False)).order_by(Pupil.surname, Pupil.forename)
    for pupil in session.scalars(query):
        intake = pupil.on_roll_date is not None and pupil.on_roll_date >= start
        if not intake and is_leaving(pupil, last, start):
            leavers.append(_projected(pupil, pupil.year_group_id, names, with_plan))
            continue
        year_group = pupil.year_group_id
        if not intake and year_group is not None:
            year_group = following.get(year_group)
        pupils.append(_projected(pupil, year_group, names, with_plan, intake=intake))
    return Projection(to_year_label, start, pupils, leavers)


def _projected(
    pupil: Pupil,
    year_group_id: int | None,
    names: dict[int, str],
    with_plan: set[int],
    *,
    intake: bool = False,
) -> ProjectedPupil:
    return ProjectedPupil(
        pupil_id=pupil.id,
        name=pupil.display_name,
        surname=pupil.surname,
        year_group_id=year_group_id,
        year_group_name=names.get(year_group_id, "No year group") if year_group_id else "",
        class_id=pupil.class_id,
        sen_status=pupil.sen_status,
        primary_need=pupil.primary_need,
        secondary_need=pupil.secondary_need,
        has_ehcp=pupil.id in with_plan,
        intake=intake,
    )


# --- the same rule over plain rows, for the Planning screen on a large school ---------


class _OnRoll(Protocol):
    id: int
    archived: bool
    on_roll_date: dt.date | None
    leaving_date: dt.date | None
    year_group_id: int | None
    class_id: int | None


@dataclass(frozen=True)
class Placement:
    """Where a pupil will be: year group, class (if known), and whether they are intake."""

    year_group_id: int | None
    class_id: int | None
    intake: bool = False


def year_start(session: Session, year_label: str) -> dt.date:
    """The first day of the year labelled ``year_label`` ("2027/28"): see the module."""
    return new_year_start(session, year_label)


def on_roll(pupil: _OnRoll, day: dt.date) -> bool:
    """Whether ``pupil`` is on roll on ``day`` (and not archived)."""
    if pupil.archived:
        return False
    if pupil.on_roll_date is not None and pupil.on_roll_date > day:
        return False
    return pupil.leaving_date is None or pupil.leaving_date >= day


def _only_classes(session: Session) -> dict[int, int | None]:
    """Each year group's id -> its class when it has exactly one, else None."""
    only: dict[int, int | None] = {}
    for class_id, year_group_id in session.execute(
        select(SchoolClass.id, SchoolClass.year_group_id)
    ):
        if year_group_id is not None:
            only[year_group_id] = None if year_group_id in only else class_id
    return only


def next_year_placements(
    session: Session, to_year_label: str, rows: list[Any]
) -> dict[int, Placement]:
    """The module's rule for plain rows of pupils' columns (``id`` and those of ``_OnRoll``).

    Leavers and archived pupils are left out; a pupil moving up goes into the new year
    group's class when it has only one; a pupil with no year group stays without one.
    """
    start = new_year_start(session, to_year_label)
    following = next_year_groups(session)
    last = next((yg for yg, after in following.items() if after is None), None)
    only_class = _only_classes(session)
    placed: dict[int, Placement] = {}
    for row in rows:
        pupil: _OnRoll = row
        if pupil.archived:
            continue
        if pupil.on_roll_date is not None and pupil.on_roll_date >= start:
            placed[pupil.id] = Placement(pupil.year_group_id, pupil.class_id, True)
        elif not is_leaving(pupil, last, start):
            moved = following.get(pupil.year_group_id) if pupil.year_group_id else None
            placed[pupil.id] = Placement(moved, only_class.get(moved) if moved else None)
    return placed
