"""Turning what was read into a plan: provisions, groups and allocations, and problems.

Making the plan only reads the database. It decides, for every provision, whether the
catalogue has it (by name, ignoring case and punctuation) or a new entry is needed;
for every cell, which group its names join; for every name, which pupil it is, or that
it matches no pupil or several. The preview shows the plan; ``apply`` writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    StaffRole,
    YearGroup,
)
from ...models.vocab import AreaOfNeed
from . import words
from .layout import Assignment, Column, ProvisionRow, Reading, School, Unread
from .names import NameIndex, Person
from .planned import MapPlan, NameProblem, PlannedGroup, PlannedProvision

ONE_TO_ONE = re.compile(r"\b(?:one[\s-]to[\s-]one|1\s*[:-]\s*1|1-to-1|individual)\b", re.I)


def school_of(session: Session) -> School:
    """The school's year groups by NC year and its classes by name, for reading a map."""
    year_groups = {yg.sort_order: yg.id for yg in session.scalars(select(YearGroup))}
    classes = {
        words.plain(c.name): Column(c.year_group_id, c.id)
        for c in session.scalars(select(SchoolClass))
        if c.name.strip()
    }
    return School(year_groups, classes)


def _people(session: Session) -> NameIndex:
    """Every pupil on roll, to match names against: under their year group and the school."""
    names = dict(session.execute(select(YearGroup.id, YearGroup.name)).all())
    entries: list[tuple[int | None, Person]] = []
    for pupil in session.scalars(select(Pupil).where(Pupil.archived.is_(False))):
        year = names.get(pupil.year_group_id, "no year group") if pupil.year_group_id else ""
        label = f"{pupil.forename} {pupil.surname}".strip() + (f" ({year})" if year else "")
        person = Person(pupil.id, pupil.forename, pupil.surname, pupil.preferred_name, label)
        entries.append((pupil.year_group_id, person))
        entries.append((None, person))  # a list with no year column: the whole school
    return NameIndex(entries)


def _initials(text: str) -> str:
    """The initials of a name: 'Teaching Assistant' -> 'ta'."""
    return "".join(word[:1] for word in words.plain(text).split())


@dataclass
class _School:
    """What the plan matches against: year groups, catalogue, staff, roles and pupils."""

    year_names: dict[int, str]
    catalogue: dict[str, Provision]
    staff: dict[str, Staff]
    roles: dict[str, StaffRole]
    index: NameIndex
    pupil_years: dict[int, int | None]


def _school(session: Session) -> _School:
    """Read what the plan matches against; a retired provision yields to a live one."""
    roles: dict[str, StaffRole] = {}
    for role in session.scalars(select(StaffRole)):
        roles[words.plain(role.name)] = role
        roles.setdefault(_initials(role.name), role)
    return _School(
        year_names=dict(session.execute(select(YearGroup.id, YearGroup.name)).all()),
        catalogue={
            words.provision_key(p.name): p
            for p in sorted(session.scalars(select(Provision)), key=lambda p: p.retired)
        },
        staff={words.plain(s.name): s for s in session.scalars(select(Staff)) if s.active},
        roles=roles,
        index=_people(session),
        pupil_years=dict(
            session.execute(
                select(Pupil.id, Pupil.year_group_id).where(Pupil.archived.is_(False))
            ).all()
        ),
    )


def build_plan(
    session: Session,
    reading: Reading,
    *,
    source: str,
    academic_year: AcademicYear,
    term_name: str | None,
    period: tuple[dt.date, dt.date],
) -> MapPlan:
    """Match everything read against the school; reads the database, writes nothing."""
    school = _school(session)
    notes = list(reading.notes)
    unread = list(reading.unread)
    provisions = _plan_provisions(reading, school)
    groups = _GroupPlanner(provisions, school, notes)
    unmatched, ambiguous = groups.place_names(reading.assignments)
    _existing_groups(session, academic_year, period, provisions, groups.order, unread)
    _size_new_provisions(provisions, groups.order, unmatched)
    return MapPlan(
        source=source,
        academic_year_id=academic_year.id,
        year_label=academic_year.label,
        term_name=term_name,
        period_start=period[0],
        period_end=period[1],
        layouts=list(reading.layouts),
        provisions=list(provisions.values()),
        groups=groups.order,
        unmatched=unmatched,
        ambiguous=ambiguous,
        unread=unread,
        notes=notes,
    )


def _plan_provisions(reading: Reading, school: _School) -> dict[str, PlannedProvision]:
    """The provisions read, merged by name, each matched to the catalogue or new."""
    provisions: dict[str, PlannedProvision] = {}
    for row in reading.provisions:
        name, bracketed = words.split_name_frequency(row.name)
        key = words.provision_key(name)
        if not key:
            continue
        planned = provisions.get(key)
        if planned is None:
            planned = _new_planned(row, key, name, bracketed, school.catalogue.get(key))
            provisions[key] = planned
        else:
            planned.frequency = planned.frequency or row.frequency or bracketed
            planned.weeks = planned.weeks or row.weeks
            planned.cost = planned.cost if planned.cost is not None else row.cost
        if row.staff and planned.is_new and planned.role_id is None:
            found = school.roles.get(words.plain(row.staff))
            planned.role_id = found.id if found else None
    return provisions


def _new_planned(
    row: ProvisionRow,
    key: str,
    name: str,
    bracketed: words.Frequency | None,
    existing: Provision | None,
) -> PlannedProvision:
    """The first row of a provision planned: the catalogue's entry, or what the row says."""
    area = row.area or (a.value if (a := words.area_from_words(row.name)) else None)
    return PlannedProvision(
        key=key,
        name=existing.name if existing else name,
        place=row.place,
        existing_id=existing.id if existing else None,
        area=existing.area if existing else (area or AreaOfNeed.COGNITION.value),
        wave=existing.wave if existing else (row.wave or 2),
        frequency=row.frequency or bracketed,
        weeks=row.weeks,
        cost=row.cost,
        group_size=1,
        role_id=None,
        existing_sessions=existing.sessions_per_week if existing else None,
        existing_minutes=existing.session_minutes if existing else None,
    )


class _GroupPlanner:
    """Sorts the names read into planned groups: one per provision, year group (or
    class) and label, in the order they are first met."""

    def __init__(
        self, provisions: dict[str, PlannedProvision], school: _School, notes: list[str]
    ) -> None:
        self.provisions = provisions
        self.school = school
        self.notes = notes
        self.groups: dict[tuple[str, int | None, int | None, str], PlannedGroup] = {}
        self.order: list[PlannedGroup] = []
        self.staff_noted: set[str] = set()

    def place_names(
        self, assignments: list[Assignment]
    ) -> tuple[list[NameProblem], list[NameProblem]]:
        """Put each matched pupil in their group; return the unmatched and ambiguous names."""
        unmatched: list[NameProblem] = []
        ambiguous: list[NameProblem] = []
        for item in assignments:
            key = words.provision_key(words.split_name_frequency(item.provision.name)[0])
            if key not in self.provisions:
                continue
            column = item.column
            for name in item.names:
                match = self.school.index.match(name, column.year_group_id)
                if match.pupil_id is not None:
                    # A list with no year column: the group is the pupil's own year group's.
                    year_group_id = column.year_group_id or self.school.pupil_years.get(
                        match.pupil_id
                    )
                    group = self.group_for(item, key, year_group_id)
                    if match.pupil_id not in group.pupil_ids:
                        group.pupil_ids.append(match.pupil_id)
                        group.pupil_names.append(match.candidates[0].label)
                    continue
                group = self.group_for(item, key, column.year_group_id)
                problem = NameProblem(
                    name=name,
                    place=item.place,
                    provision=group.provision,
                    year_group=group.year_group or "no year group given",
                    year_group_id=column.year_group_id,
                    candidates=[p.label for p in match.candidates],
                    group_index=self.order.index(group),
                )
                (ambiguous if match.is_ambiguous else unmatched).append(problem)
        return unmatched, ambiguous

    def group_for(self, item: Assignment, key: str, year_group_id: int | None) -> PlannedGroup:
        """The planned group the cell's names join, started if new, with its staff."""
        class_id = item.column.class_id
        group_key = (key, year_group_id, class_id, words.plain(item.label))
        group = self.groups.get(group_key)
        if group is None:
            year_names = self.school.year_names
            group = PlannedGroup(
                provision_key=key,
                provision=self.provisions[key].name,
                year_group_id=year_group_id,
                year_group=year_names.get(year_group_id, "") if year_group_id else "",
                class_id=class_id,
                label=" ".join(item.label.split())[:60],
                place=item.place,
            )
            self.groups[group_key] = group
            self.order.append(group)
        self._set_staff(group, item)
        return group

    def _set_staff(self, group: PlannedGroup, item: Assignment) -> None:
        """Give the group the member of staff the row names; note a name ProvMap lacks."""
        text = item.provision.staff
        if not text or group.staff_id is not None:
            return
        member = self.school.staff.get(words.plain(text))
        if member is not None:
            group.staff_id = member.id
        elif words.plain(text) not in self.school.roles and text not in self.staff_noted:
            self.staff_noted.add(text)
            self.notes.append(
                f"Staff “{text}” ({item.provision.place}) is neither a member of staff "
                "nor a role in ProvMap; left blank."
            )


def _size_new_provisions(
    provisions: dict[str, PlannedProvision],
    order: list[PlannedGroup],
    unmatched: list[NameProblem],
) -> None:
    """A new provision's group size: 1 for one-to-one, else its largest group's count."""
    sizes: dict[str, int] = defaultdict(int)
    for group in order:
        size = len(group.pupil_ids) + sum(
            1 for p in unmatched if p.group_index == order.index(group)
        )
        sizes[group.provision_key] = max(sizes[group.provision_key], size)
    for key, planned in provisions.items():
        if planned.is_new:
            one_to_one = bool(ONE_TO_ONE.search(planned.name))
            planned.group_size = 1 if one_to_one else max(sizes[key], 1)


def _existing_groups(
    session: Session,
    academic_year: AcademicYear,
    period: tuple[dt.date, dt.date],
    provisions: dict[str, PlannedProvision],
    order: list[PlannedGroup],
    unread: list[Unread],
) -> None:
    """Point each planned group at a group already running in the period, if one is meant.

    A labelled cell joins the running group of that name (or a new group); an unlabelled
    cell joins the one running group. When several run and the cell does not name one,
    its names are left out and the cell reported: choosing would be a guess.
    """
    for group in order:
        provision = provisions[group.provision_key]
        if provision.is_new or group.year_group_id is None:
            continue
        running = _running_groups(session, academic_year, period, provision, group)
        if not group.label and len(running) > 1:
            unread.append(
                Unread(
                    group.place,
                    ", ".join(group.pupil_names),
                    f"Several groups of {provision.name} already run for {group.year_group} "
                    "in this period; write the group's name before the names "
                    "(“Group name: names”) to choose one. Left out.",
                )
            )
            group.pupil_ids.clear()
            group.pupil_names.clear()
            continue
        if group.label:
            chosen = next(
                (g for g in running if words.plain(g.name) == words.plain(group.label)), None
            )
        else:
            chosen = running[0] if running else None
        if chosen is not None:
            _join_existing(session, group, chosen, period)


def _running_groups(
    session: Session,
    academic_year: AcademicYear,
    period: tuple[dt.date, dt.date],
    provision: PlannedProvision,
    group: PlannedGroup,
) -> list[ProvisionGroup]:
    """The provision's groups for the planned group's year group running in the period."""
    return list(
        session.scalars(
            select(ProvisionGroup)
            .where(
                ProvisionGroup.provision_id == provision.existing_id,
                ProvisionGroup.year_group_id == group.year_group_id,
                ProvisionGroup.academic_year_id == academic_year.id,
                ProvisionGroup.start_date <= period[1],
                ProvisionGroup.end_date >= period[0],
            )
            .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
        )
    )


def _join_existing(
    session: Session, group: PlannedGroup, chosen: ProvisionGroup, period: tuple[dt.date, dt.date]
) -> None:
    """Plan the group as ``chosen``; pupils already in it are noted, not added again."""
    group.existing_group_id = chosen.id
    group.existing_name = chosen.name
    current = set(
        session.scalars(
            select(GroupMembership.pupil_id).where(
                GroupMembership.group_id == chosen.id,
                (GroupMembership.leave_date.is_(None))
                | (GroupMembership.leave_date >= max(period[0], chosen.start_date)),
            )
        )
    )
    keep = [(i, n) for i, n in zip(group.pupil_ids, group.pupil_names, strict=True)]
    group.already = [n for i, n in keep if i in current]
    group.pupil_ids = [i for i, _n in keep if i not in current]
    group.pupil_names = [n for i, n in keep if i not in current]
