"""Making the rollover: every change of ``rollover.preview`` in one piece of work.

In order: the new year and its terms; where each pupil was in the closing year
(``PupilYear``); class-only groups of the closing year named with the year group they
were for (so moving classes does not move last year's map); the groups carrying on,
copied into the new year with their slots, their staying pupils and the EHC plan
items they meet; pupils moved up and classes as the school chose; leavers archived;
the old year closed. Nothing is committed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    EhcpProvisionItem,
    GroupMembership,
    GroupSlot,
    ProvisionGroup,
    Pupil,
    PupilYear,
    SchoolClass,
    Term,
)
from ..services.calendar import SchoolCalendar, calendar_for_year
from ..services.projection import parse_year_label
from .change import DomainError
from .closed_years import closing_years
from .rollover import RolloverPreview, class_plan
from .rollover_groups import GroupChoice

WHOLE_YEAR_SLACK = dt.timedelta(days=31)


@dataclass(frozen=True)
class Applied:
    to_year_id: int
    counts: dict[str, int]


def apply(
    session: Session, plan: RolloverPreview, *, today: dt.date, carry: set[int] | None = None
) -> Applied:
    """Make the rollover ``plan`` describes; ``carry`` names the groups that carry on
    (None: those carried by default). Flushed, not committed."""
    carry = plan.carried_by_default if carry is None else set(carry)
    old = session.get(AcademicYear, plan.from_year_id)
    assert old is not None
    with closing_years(session):
        new = _new_year(session, plan)
        _record_places(session, old, plan)
        if plan.classes == "move":
            _name_class_groups(session, old)
        chosen = [g for g in plan.groups if g.group_id in carry]
        carried = [_carry(session, old, new, g, plan) for g in chosen]
        moved = _move_up(session, plan)
        _move_classes(session, plan)
        for leaver in plan.leavers:
            pupil = session.get(Pupil, leaver.pupil_id)
            assert pupil is not None
            pupil.archived = True
            pupil.leaving_date = pupil.leaving_date or old.end_date
        old.closed_on = today
        session.flush()
    counts = {
        "moved up": moved,
        "left": len(plan.leavers),
        "groups carried": len(carried),
        "groups ended": len(plan.groups) - len(carried),
    }
    return Applied(new.id, counts)


def _new_year(session: Session, plan: RolloverPreview) -> AcademicYear:
    found = session.scalar(select(AcademicYear).where(AcademicYear.label == plan.to_label))
    if found is not None:
        return found
    first = parse_year_label(plan.to_label)
    year = AcademicYear(
        label=plan.to_label,
        start_date=dt.date(first, 9, 1),
        end_date=dt.date(first + 1, 8, 31),
        terms=[
            Term(
                name=t.name,
                start_date=t.start,
                end_date=t.end,
                half_term_start=t.half_term_start,
                half_term_end=t.half_term_end,
            )
            for t in plan.terms
        ],
    )
    session.add(year)
    session.flush()
    return year


def _record_places(session: Session, old: AcademicYear, plan: RolloverPreview) -> None:
    """A ``PupilYear`` for every pupil on roll in the closing year, as they are now."""
    leaving = {p.pupil_id for p in plan.leavers}
    query = select(Pupil).where(
        Pupil.archived.is_(False),
        (Pupil.on_roll_date.is_(None)) | (Pupil.on_roll_date <= old.end_date),
    )
    record_places(
        session,
        old.id,
        [(p.id, p.year_group_id, p.class_id, p.id in leaving) for p in session.scalars(query)],
    )


Place = tuple[int, int | None, int | None, bool]


def record_places(session: Session, year_id: int, places: Sequence[Place]) -> None:
    """Keep where each pupil was in a year: ``(pupil id, year group, class, left)``."""
    with closing_years(session):
        for pupil_id, year_group_id, class_id, left in places:
            session.add(
                PupilYear(
                    pupil_id=pupil_id,
                    academic_year_id=year_id,
                    year_group_id=year_group_id,
                    class_id=class_id,
                    left=left,
                )
            )
        session.flush()


def close_year(session: Session, year_id: int, closed_on: dt.date, places: Sequence[Place]) -> None:
    """Close a year that ended before the school used this app's rollover (a history
    brought in, or the demo school): its pupils' places, then the year closed."""
    year = session.get(AcademicYear, year_id)
    if year is None:
        raise DomainError("That academic year no longer exists.")
    if year.closed_on is not None:
        raise DomainError(f"{year.label} is already closed.")
    record_places(session, year_id, places)
    year.closed_on = closed_on
    session.flush()


def _name_class_groups(session: Session, old: AcademicYear) -> None:
    """Give the closing year's class-only groups the year group of their class."""
    query = select(ProvisionGroup).where(
        ProvisionGroup.academic_year_id == old.id,
        ProvisionGroup.year_group_id.is_(None),
        ProvisionGroup.class_id.is_not(None),
    )
    for group in session.scalars(query):
        if group.school_class is not None:
            group.year_group_id = group.school_class.year_group_id


def _dates(
    group: ProvisionGroup, old: AcademicYear, new: AcademicYear, old_cal: SchoolCalendar
) -> tuple[dt.date, dt.date]:
    """The carried group's span: the whole new year for a whole-year group, else from
    the autumn start for as many teaching weeks as it ran."""
    first_day = new.terms[0].start_date if new.terms else new.start_date
    last_day = new.terms[-1].end_date if new.terms else new.end_date
    old_first = old.terms[0].start_date if old.terms else old.start_date
    old_last = old.terms[-1].end_date if old.terms else old.end_date
    if group.start_date <= old_first + WHOLE_YEAR_SLACK and group.end_date >= (
        old_last - WHOLE_YEAR_SLACK
    ):
        return first_day, last_day
    weeks = old_cal.teaching_weeks(group.start_date, group.end_date, 52)
    end = calendar_for_year(session_of(group), new).end_of_teaching_weeks(
        first_day, weeks, last_day
    )
    return first_day, end


def session_of(row: object) -> Session:
    found = Session.object_session(row)
    assert found is not None
    return found


def _carry(
    session: Session,
    old: AcademicYear,
    new: AcademicYear,
    choice: GroupChoice,
    plan: RolloverPreview,
) -> ProvisionGroup:
    """Copy a group into the new year with its slots and staying pupils."""
    group = session.get(ProvisionGroup, choice.group_id)
    assert group is not None
    start, end = _dates(group, old, new, calendar_for_year(session, old))
    class_id = group.class_id
    if class_id is not None and plan.classes == "keep":
        class_id = class_plan(session, "keep").get(class_id)
    copy = ProvisionGroup(
        provision_id=group.provision_id,
        academic_year_id=new.id,
        year_group_id=choice.next_year_group_id,
        class_id=class_id,
        name=_renamed(group.name, choice),
        staff_id=group.staff_id,
        start_date=start,
        end_date=end,
        sessions_per_week=group.sessions_per_week,
        session_minutes=group.session_minutes,
        max_size=group.max_size,
        location=group.location,
        notes=group.notes,
        slots=[GroupSlot(weekday=s.weekday, start_time=s.start_time) for s in group.slots],
    )
    session.add(copy)
    by_old: dict[int, GroupMembership] = {}
    for membership_id in choice.membership_ids:
        old_place = session.get(GroupMembership, membership_id)
        assert old_place is not None
        place = GroupMembership(pupil_id=old_place.pupil_id, join_date=start)
        copy.memberships.append(place)
        by_old[membership_id] = place
    session.flush()
    items = select(EhcpProvisionItem).where(EhcpProvisionItem.membership_id.in_(list(by_old)))
    for item in session.scalars(items):
        assert item.membership_id is not None
        item.membership_id = by_old[item.membership_id].id
    return copy


def _renamed(name: str, choice: GroupChoice) -> str:
    """A group named after its year group takes the new one's name ("... Year 2")."""
    old, new = choice.year_group_name, choice.next_year_group_name
    if old and new and name.endswith(old):
        return name[: -len(old)] + new
    return name


def _move_up(session: Session, plan: RolloverPreview) -> int:
    for move in plan.moving_up:
        pupil = session.get(Pupil, move.pupil.pupil_id)
        assert pupil is not None
        pupil.year_group_id = move.pupil.year_group_id
    return len(plan.moving_up)


def _move_classes(session: Session, plan: RolloverPreview) -> None:
    """Classes as the school chose (``rollover.class_plan``), staying pupils only."""
    moves = class_plan(session, plan.classes)
    if plan.classes == "move":
        for class_id, year_group_id in moves.items():
            school_class = session.get(SchoolClass, class_id)
            assert school_class is not None
            school_class.year_group_id = year_group_id
        return
    for move in plan.moving_up:
        pupil = session.get(Pupil, move.pupil.pupil_id)
        assert pupil is not None
        if pupil.class_id is not None:
            pupil.class_id = moves.get(pupil.class_id)
