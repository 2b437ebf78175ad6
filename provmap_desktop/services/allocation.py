"""What the map needs to know before an allocation: the choices, dates and warnings.

The allocations themselves (allocate, move, end) are writes, in
``provmap_desktop.domain.memberships``; this module only reads and calculates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from ..models import AcademicYear, GroupMembership, Provision, ProvisionGroup, Pupil, YearGroup
from ..models.vocab import AREA_LABELS, NEED_TO_AREA, AreaOfNeed
from .calendar import calendar_for_year


@dataclass(frozen=True)
class GroupChoice:
    """A group the user may choose when a cell holds several."""

    group_id: int
    name: str
    staff_name: str
    start_date: dt.date
    end_date: dt.date
    members: int


def group_choice(session: Session, group: ProvisionGroup) -> GroupChoice:
    """The group as a choice to offer, with its current number of pupils."""
    members = session.scalar(
        select(func.count(func.distinct(GroupMembership.pupil_id))).where(
            GroupMembership.group_id == group.id, GroupMembership.leave_date.is_(None)
        )
    )
    staff = group.staff.name if group.staff else ""
    return GroupChoice(group.id, group.name, staff, group.start_date, group.end_date, members or 0)


def new_group_dates(
    session: Session,
    provision: Provision,
    academic_year_id: int,
    period_start: dt.date,
    period_end: dt.date,
    join_date: dt.date,
) -> tuple[dt.date, dt.date]:
    """The first and last day of a new group of ``provision`` made on ``join_date``.

    It starts on the join date (inside the period), or on the first day of the next
    term when that day falls between terms (a term not yet started), and runs for the
    provision's number of teaching weeks, holidays skipped, stopping at the end of the
    academic year. A provision with no weeks set runs to the end of the year.
    """
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    calendar = calendar_for_year(session, year)
    start = min(max(join_date, period_start), period_end)
    start = min(calendar.term_day_on_or_after(start), year.end_date)
    if provision.weeks <= 0:
        return start, year.end_date
    return start, calendar.end_of_teaching_weeks(start, provision.weeks, year.end_date)


def _year_group_names(session: Session) -> dict[int, str]:
    """Year group names by id, for warnings."""
    return dict(session.execute(select(YearGroup.id, YearGroup.name)).all())  # type: ignore[arg-type]


def allocation_warnings(
    session: Session,
    provision: Provision,
    group: ProvisionGroup | None,
    pupils: Sequence[Pupil],
    *,
    on_date: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    year_group_id: int | None = None,
    new_group: bool = False,
) -> list[str]:
    """Plain-word warnings about putting ``pupils`` in ``group``; none of them blocks.

    ``new_group`` says the group was made for these pupils (it has no members yet).

    - a pupil is in another year group than the group's (``year_group_id``, by default
      the group's own);

    - the group would hold more pupils than its size (members current on ``on_date``,
      by default the group's first day, plus the newcomers; archived pupils have
      left the school and take no place);
    - the provision is not marked suitable for a pupil's year group (only checked
      when the provision lists suitable year groups);
    - a pupil already has this provision in the period (another membership of any of
      its groups overlapping the group's dates, or ``period`` when there is no group);
    - none of a pupil's recorded needs falls in the provision's area of need (pupils
      with no need that maps to an area are not flagged).
    """
    if group is not None:
        first, last = group.start_date, group.end_date
    elif period is not None:
        first, last = period
    else:
        first = last = on_date or dt.date.today()
    warnings = _size_warnings(session, provision, group, pupils, on_date or first, new_group)
    suitable = {yg.id for yg in provision.suitable_year_groups}
    if year_group_id is None and group is not None:
        year_group_id = group.year_group_id
    names = _YearGroupNames(session)  # read only if a warning names a year group
    area = AreaOfNeed(provision.area)
    existing = _other_groups_in_span(session, provision, group, pupils, first, last)
    for pupil in pupils:
        warnings += _year_group_warnings(pupil, provision, year_group_id, suitable, names)
        if pupil.id in existing:
            where = ", ".join(n for n in existing[pupil.id] if n)
            warnings.append(
                f"{pupil.display_name} already has {provision.name} in this period"
                + (f" ({where})." if where else ".")
            )
        warnings += _need_warnings(pupil, provision, area)
    return warnings


def _size_warnings(
    session: Session,
    provision: Provision,
    group: ProvisionGroup | None,
    pupils: Sequence[Pupil],
    day: dt.date,
    new_group: bool = False,
) -> list[str]:
    """A warning when the group's members on ``day`` and the newcomers outnumber its size."""
    size = group.effective_max_size if group is not None else provision.group_size
    current: set[int] = set()
    if group is not None and group.id is not None and not new_group:
        current = set(
            session.scalars(
                select(GroupMembership.pupil_id)
                .join(Pupil)
                .where(
                    GroupMembership.group_id == group.id,
                    Pupil.archived.is_(False),
                    GroupMembership.join_date <= day,
                    or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= day),
                )
            )
        )
    total = len(current | {p.id for p in pupils})
    return [f"Group of {size}: now {total} pupils"] if total > size else []


#: The provision's memberships of some pupils in a span, with their groups' names.
_IN_SPAN = (
    select(GroupMembership.pupil_id, ProvisionGroup.name)
    .join(ProvisionGroup)
    .where(
        ProvisionGroup.provision_id == bindparam("provision_id"),
        GroupMembership.pupil_id.in_(bindparam("ids", expanding=True)),
        GroupMembership.join_date <= bindparam("last"),
        or_(GroupMembership.leave_date.is_(None), GroupMembership.leave_date >= bindparam("first")),
    )
)
#: The same, leaving out one group (the one being joined).
_IN_SPAN_NOT_OWN = _IN_SPAN.where(ProvisionGroup.id != bindparam("own"))


def _other_groups_in_span(
    session: Session,
    provision: Provision,
    group: ProvisionGroup | None,
    pupils: Sequence[Pupil],
    first: dt.date,
    last: dt.date,
) -> dict[int, list[str]]:
    """By pupil id, the names of the provision's other groups they belong to in the span."""
    existing: dict[int, list[str]] = {}
    own = group.id if group is not None and group.id is not None else None
    query = _IN_SPAN if own is None else _IN_SPAN_NOT_OWN
    params = {
        "provision_id": provision.id,
        "ids": [p.id for p in pupils],
        "first": first,
        "last": last,
        "own": own,
    }
    for pupil_id, group_name in session.execute(query, params):
        existing.setdefault(pupil_id, []).append(group_name)
    return existing


class _YearGroupNames:
    """Year group names by id, read from the database the first time one is asked for."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._names: dict[int, str] | None = None

    def get(self, year_group_id: int | None, default: str) -> str:
        if self._names is None:
            self._names = _year_group_names(self._session)
        return self._names.get(year_group_id, default) if year_group_id is not None else default


def _year_group_warnings(
    pupil: Pupil,
    provision: Provision,
    year_group_id: int | None,
    suitable: set[int],
    names: _YearGroupNames,
) -> list[str]:
    """Warnings when the pupil's year group is not the group's, or not one the provision suits."""
    warnings: list[str] = []
    name = pupil.display_name
    if (
        year_group_id is not None
        and pupil.year_group_id is not None
        and pupil.year_group_id != year_group_id
    ):
        theirs = names.get(pupil.year_group_id, "another year group")
        ours = names.get(year_group_id, "the group's year group")
        warnings.append(f"{name} is in {theirs}, not {ours} like this group.")
    if suitable and pupil.year_group_id is not None and pupil.year_group_id not in suitable:
        year_name = names.get(pupil.year_group_id, "their year group")
        warnings.append(
            f"{name} is in {year_name}: {provision.name} is not marked as suitable "
            "for that year group."
        )
    return warnings


def _need_warnings(pupil: Pupil, provision: Provision, area: AreaOfNeed) -> list[str]:
    """A warning when none of the pupil's recorded needs is in the provision's area."""
    needs = [n for n in (pupil.primary_need, pupil.secondary_need) if n]
    areas = {NEED_TO_AREA[n] for n in needs if n in NEED_TO_AREA}
    if areas and area not in areas:
        return [
            f"{pupil.display_name}'s needs ({', '.join(needs)}) are not in "
            f"{AREA_LABELS[area].lower()}, the area of {provision.name}."
        ]
    return []
