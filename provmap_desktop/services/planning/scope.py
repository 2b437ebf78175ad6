"""The year being planned: which year it is, who will be there, and the groups planned.

For the current year the pupils are those on roll today and the groups are the year's
own still running. For a later year the pupils are projected (``projection``); the
groups are that year's own when any are set up, else the current year's groups still
running at its last half-term, copied forward with those of their pupils who stay.

Everything is read as plain rows, a query per table, so a school of thousands of
pupils and hundreds of groups is planned in a moment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    AcademicYear,
    Ehcp,
    EhcpProvisionItem,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    Staff,
    Term,
    YearGroup,
    provision_trainings,
    provision_year_groups,
)
from ...models.vocab import NEED_TO_AREA
from ..calendar import current_or_latest_year
from ..projection import Placement, next_year_placements, on_roll, year_start


@dataclass
class PlanPupil:
    """A pupil in the plan: who, where they will be, their SEN and Section F items."""

    id: int
    surname: str
    name: str
    year_group_id: int | None
    class_id: int | None
    sen_status: str
    needs: tuple[str, ...]
    areas: frozenset[str]
    section_f: list[Any] = field(default_factory=list)


@dataclass
class PlanGroup:
    """A group in the plan, with what deployment and the gap rules need of it."""

    id: int
    label: str
    provision_id: int
    provision_name: str
    area: str
    funding_stream_id: int | None
    staff_id: int | None
    staff_name: str
    start: dt.date
    end: dt.date
    minutes: int
    sessions_per_week: int
    max_size: int
    slots: list[tuple[int, dt.time | None]]
    suits: frozenset[int]
    suits_names: str
    trainings: frozenset[int]
    member_ids: set[int]
    copied_forward: bool


@dataclass
class PlanScope:
    """Everything the plan is worked out from; the groups are read when first asked for."""

    label: str
    start: dt.date
    year: AcademicYear | None
    current: AcademicYear | None
    is_next: bool
    pupils: dict[int, PlanPupil]
    copied_forward: bool
    year_group_names: dict[int, str] = field(default_factory=dict)
    load_groups: Callable[[PlanScope], list[PlanGroup]] = field(default=lambda _s: [], repr=False)
    _groups: list[PlanGroup] | None = field(default=None, repr=False)
    _by_pupil: dict[int, list[PlanGroup]] = field(default_factory=dict, repr=False)

    @property
    def groups(self) -> list[PlanGroup]:
        """The planned groups with their members who are in the plan."""
        if self._groups is None:
            self._groups = self.load_groups(self)
            for group in self._groups:
                for pupil_id in group.member_ids:
                    self._by_pupil.setdefault(pupil_id, []).append(group)
        return self._groups

    def areas_of(self, pupil_id: int) -> frozenset[str]:
        """The areas of need of a pupil's primary and secondary needs."""
        return self.pupils[pupil_id].areas

    def groups_of(self, pupil_id: int) -> list[PlanGroup]:
        """The planned groups the pupil is in."""
        if self._groups is None:
            self.groups  # noqa: B018 - reads them, and who is in which
        return self._by_pupil.get(pupil_id, [])


_PUPIL_COLUMNS = (
    Pupil.id, Pupil.surname, Pupil.forename, Pupil.preferred_name, Pupil.year_group_id,
    Pupil.class_id, Pupil.sen_status, Pupil.primary_need, Pupil.secondary_need,
    Pupil.on_roll_date, Pupil.leaving_date, Pupil.archived,
)  # fmt: skip


def _pupils(
    session: Session, placements: dict[int, Placement], rows: list[Any]
) -> dict[int, PlanPupil]:
    """The plan's pupils, in surname order, with their Section F items."""
    found: dict[int, PlanPupil] = {}
    for row in rows:
        place = placements.get(row.id)
        if place is None:
            continue
        needs = tuple(n for n in (row.primary_need, row.secondary_need) if n)
        areas = frozenset(NEED_TO_AREA[n].value for n in needs if n in NEED_TO_AREA)
        name = f"{row.preferred_name or row.forename} {row.surname}"
        found[row.id] = PlanPupil(
            row.id,
            row.surname,
            name,
            place.year_group_id,
            place.class_id,
            row.sen_status,
            needs,
            areas,
        )
    item = EhcpProvisionItem
    items = (
        select(Ehcp.pupil_id, item.text, item.minutes_per_week, item.provision_id,
               item.membership_id)
        .join(Ehcp)
        .order_by(Ehcp.pupil_id, item.sort_order, item.id)
    )  # fmt: skip
    for row in session.execute(items):
        if row.pupil_id in found:
            found[row.pupil_id].section_f.append(row)
    return found


def _links(session: Session, table: Any, column: str) -> dict[int, set[int]]:
    grouped: dict[int, set[int]] = defaultdict(set)
    for provision_id, other in session.execute(select(table.c.provision_id, table.c[column])):
        grouped[provision_id].add(other)
    return grouped


def _groups(
    session: Session, year_id: int, names: dict[int, str], keep: Any, copied: bool
) -> list[PlanGroup]:
    """The year's groups that ``keep(end_date)`` accepts, with slots, links and members."""
    query = (
        select(ProvisionGroup.id, ProvisionGroup.name, ProvisionGroup.provision_id,
               ProvisionGroup.staff_id, ProvisionGroup.start_date, ProvisionGroup.end_date,
               ProvisionGroup.session_minutes, ProvisionGroup.sessions_per_week,
               ProvisionGroup.max_size, Provision.name.label("provision_name"), Provision.area,
               Provision.funding_stream_id, Provision.session_minutes.label("p_minutes"),
               Provision.sessions_per_week.label("p_sessions"), Provision.group_size,
               Staff.name.label("staff_name"))
        .join(Provision, Provision.id == ProvisionGroup.provision_id)
        .outerjoin(Staff, Staff.id == ProvisionGroup.staff_id)
        .where(ProvisionGroup.academic_year_id == year_id)
        .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
    )  # fmt: skip
    suits = _links(session, provision_year_groups, "year_group_id")
    trainings = _links(session, provision_trainings, "training_id")
    order = _order(session)
    made: dict[int, PlanGroup] = {}
    for group in session.execute(query):
        row = group
        if not keep(group.end_date):
            continue
        suit = suits.get(group.provision_id, set())
        made[group.id] = PlanGroup(
            group.id, group.name or row.provision_name, group.provision_id, row.provision_name,
            row.area, row.funding_stream_id, group.staff_id, row.staff_name or "",
            group.start_date, group.end_date,
            row.p_minutes if group.session_minutes is None else group.session_minutes,
            row.p_sessions if group.sessions_per_week is None else group.sessions_per_week,
            row.group_size if group.max_size is None else group.max_size, [],
            frozenset(suit), ", ".join(names[y] for y in sorted(suit, key=order)),
            frozenset(trainings.get(group.provision_id, set())), set(), copied,
        )  # fmt: skip
    slots = select(GroupSlot.group_id, GroupSlot.weekday, GroupSlot.start_time).order_by(
        GroupSlot.group_id, GroupSlot.weekday, GroupSlot.start_time
    )
    for group_id, weekday, start_time in session.execute(slots):
        if group_id in made:
            made[group_id].slots.append((weekday, start_time))
    return list(made.values())


def _order(session: Session) -> Any:
    order = dict(session.execute(select(YearGroup.id, YearGroup.sort_order)).all())
    return lambda year_group_id: order.get(year_group_id, 0)


def _add_members(
    session: Session, scope: PlanScope, found: list[PlanGroup], today: dt.date, running: bool
) -> list[PlanGroup]:
    """Each group's members on the day that counts, who are in the plan; the groups."""
    groups = {g.id: g for g in found}
    query = select(
        GroupMembership.group_id, GroupMembership.pupil_id, GroupMembership.join_date,
        GroupMembership.leave_date,
    ).where(GroupMembership.group_id.in_(list(groups)))  # fmt: skip
    for group_id, pupil_id, join, leave in session.execute(query):
        group = groups[group_id]
        day = group.end if group.copied_forward or not running else today
        day = min(max(day, group.start), group.end)
        current = join <= day and (leave is None or leave >= day)
        if current and pupil_id in scope.pupils:
            group.member_ids.add(pupil_id)
    return found


def _carried_from(session: Session, year: AcademicYear) -> dt.date:
    """Groups still running on this day are copied forward: the last term's half-term
    (its start, without one), else ten weeks before the year ends."""
    last = session.execute(
        select(Term.start_date, Term.half_term_start)
        .where(Term.academic_year_id == year.id)
        .order_by(Term.start_date.desc())
        .limit(1)
    ).first()
    if last is None:
        return year.end_date - dt.timedelta(weeks=10)
    return last.half_term_start or last.start_date


def load_scope(session: Session, year_label: str, today: dt.date) -> PlanScope:
    """The plan's year, pupils and groups for ``year_label`` as seen on ``today``."""
    current = current_or_latest_year(session, today)
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == year_label))
    is_next = current is None or year_label > current.label
    rows = list(session.execute(select(*_PUPIL_COLUMNS).order_by(Pupil.surname, Pupil.forename)))
    running = year is not None and year.start_date <= today <= year.end_date
    if is_next:
        placements = next_year_placements(session, year_label, rows)
    else:
        day = today if running or year is None else year.end_date
        placements = {r.id: Placement(r.year_group_id, r.class_id) for r in rows if on_roll(r, day)}
    names = dict(session.execute(select(YearGroup.id, YearGroup.name)).all())
    own_count = 0
    if year is not None:
        own_count = len(session.scalars(select(ProvisionGroup.id).where(
            ProvisionGroup.academic_year_id == year.id).limit(1)).all())  # fmt: skip
    copied = is_next and not own_count and current is not None

    def load_groups(scope: PlanScope) -> list[PlanGroup]:
        if copied and current is not None:
            carried = _carried_from(session, current)
            found = _groups(session, current.id, names, lambda end: end >= carried, True)
        elif year is not None:
            keep = lambda end: not running or end >= today  # noqa: E731
            found = _groups(session, year.id, names, keep, False)
        else:
            found = []
        return _add_members(session, scope, found, today, running)

    return PlanScope(
        label=year_label,
        start=year.start_date if year else year_start(session, year_label),
        year=year,
        current=current,
        is_next=is_next,
        pupils=_pupils(session, placements, rows),
        copied_forward=copied,
        year_group_names=names,
        load_groups=load_groups,
    )
