"""The year being planned: which year it is, who will be there, and the groups planned.

For the current year the pupils are those on roll today and the groups are the year's
own. For a later year the pupils are projected (``projection.next_year_pupils``); the
groups are that year's own when any are set up, else the current year's groups still
running at its last half-term, copied forward with those of their pupils who stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import (
    AcademicYear,
    Ehcp,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    YearGroup,
)
from ...models.vocab import NEED_TO_AREA
from ..calendar import current_or_latest_year
from ..projection import ProjectedPupil, next_year_pupils, pupils_on_roll, year_start


@dataclass
class PlanGroup:
    """A group in the plan, with what deployment and the gap rules need of it."""

    group: ProvisionGroup
    member_ids: set[int]
    copied_forward: bool

    @property
    def provision(self) -> Provision:
        return self.group.provision

    @property
    def label(self) -> str:
        """The group's name, else its provision's name."""
        return self.group.name or self.group.provision.name

    @property
    def minutes(self) -> int:
        return self.group.effective_session_minutes


@dataclass
class PlanScope:
    """Everything the plan is worked out from."""

    label: str
    start: dt.date
    year: AcademicYear | None
    current: AcademicYear | None
    is_next: bool
    pupils: dict[int, ProjectedPupil]
    groups: list[PlanGroup]
    copied_forward: bool
    year_group_names: dict[int, str] = field(default_factory=dict)

    def areas_of(self, pupil_id: int) -> set[str]:
        """The areas of need of a pupil's primary and secondary needs."""
        pupil = self.pupils[pupil_id].pupil
        return {
            NEED_TO_AREA[n].value
            for n in (pupil.primary_need, pupil.secondary_need)
            if n in NEED_TO_AREA
        }

    def groups_of(self, pupil_id: int) -> list[PlanGroup]:
        return [g for g in self.groups if pupil_id in g.member_ids]


def _groups_in(session: Session, year_id: int) -> list[ProvisionGroup]:
    query = (
        select(ProvisionGroup)
        .where(ProvisionGroup.academic_year_id == year_id)
        .options(
            selectinload(ProvisionGroup.slots),
            selectinload(ProvisionGroup.memberships),
            selectinload(ProvisionGroup.provision).selectinload(Provision.suitable_year_groups),
            selectinload(ProvisionGroup.provision).selectinload(Provision.trainings_needed),
            selectinload(ProvisionGroup.staff),
        )
        .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
    )
    return list(session.scalars(query))


def _members(group: ProvisionGroup, day: dt.date, pupils: dict[int, ProjectedPupil]) -> set[int]:
    """The group's members on ``day`` (its last day, if it ends before) who are in the plan."""
    day = min(max(day, group.start_date), group.end_date)
    current: list[GroupMembership] = [m for m in group.memberships if m.is_current_on(day)]
    return {m.pupil_id for m in current if m.pupil_id in pupils}


def _carried_from(year: AcademicYear) -> dt.date:
    """Groups still running on this day are copied forward: the last term's half-term
    (its start, without one), else ten weeks before the year ends."""
    if year.terms:
        last = year.terms[-1]
        return last.half_term_start or last.start_date
    return year.end_date - dt.timedelta(weeks=10)


def load_scope(session: Session, year_label: str, today: dt.date) -> PlanScope:
    """The plan's year, pupils and groups for ``year_label`` as seen on ``today``."""
    current = current_or_latest_year(session, today)
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == year_label))
    is_next = current is None or year_label > current.label
    # Every pupil with their EHC plan and its Section F items, in three queries, so the
    # rules below never load them one pupil at a time (held until the projection has
    # taken the same objects from the session).
    everyone = session.scalars(
        select(Pupil).options(selectinload(Pupil.ehcp).selectinload(Ehcp.provision_items))
    ).all()
    if is_next:
        projected = next_year_pupils(session, year_label)
    else:
        day = today if year is None or year.start_date <= today <= year.end_date else None
        projected = pupils_on_roll(session, day or (year.end_date if year else today))
    pupils = {p.pupil.id: p for p in projected}
    del everyone
    groups: list[PlanGroup] = []
    own = _groups_in(session, year.id) if year is not None else []
    copied = is_next and not own and current is not None
    if copied and current is not None:
        last_term = _carried_from(current)
        for group in _groups_in(session, current.id):
            if group.end_date >= last_term:
                groups.append(PlanGroup(group, _members(group, group.end_date, pupils), True))
    else:
        running = year is not None and year.start_date <= today <= year.end_date
        for group in own:
            if running and group.end_date < today:
                continue  # over already: not part of what the year still provides
            day = today if running else group.end_date
            groups.append(PlanGroup(group, _members(group, day, pupils), False))
    return PlanScope(
        label=year_label,
        start=year.start_date if year else year_start(session, year_label),
        year=year,
        current=current,
        is_next=is_next,
        pupils=pupils,
        groups=groups,
        copied_forward=copied,
        year_group_names=dict(session.execute(select(YearGroup.id, YearGroup.name)).all()),  # type: ignore[arg-type]
    )
