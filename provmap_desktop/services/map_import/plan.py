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
from dataclasses import dataclass, field
from decimal import Decimal

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
from .grid import Place
from .layout import Assignment, Column, Reading, School, Unread
from .names import NameIndex, Person

ONE_TO_ONE = re.compile(r"\b(?:one[\s-]to[\s-]one|1\s*[:-]\s*1|1-to-1|individual)\b", re.I)


@dataclass
class PlannedProvision:
    key: str
    name: str
    place: Place
    existing_id: int | None
    area: str
    wave: int
    frequency: words.Frequency | None
    weeks: int | None
    cost: Decimal | None
    group_size: int
    role_id: int | None
    existing_sessions: int | None = None
    existing_minutes: int | None = None

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


@dataclass
class NameProblem:
    """A name that matched no pupil, or several; never guessed."""

    name: str
    place: Place
    provision: str
    year_group: str
    year_group_id: int | None
    candidates: list[str]
    group_index: int


@dataclass
class PlannedGroup:
    provision_key: str
    provision: str
    year_group_id: int | None
    year_group: str
    class_id: int | None
    label: str
    place: Place
    existing_group_id: int | None = None
    existing_name: str = ""
    staff_id: int | None = None
    pupil_ids: list[int] = field(default_factory=list)
    pupil_names: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    @property
    def name_shown(self) -> str:
        return self.existing_name or self.label or "(a new group)"


@dataclass
class MapPlan:
    source: str
    academic_year_id: int
    year_label: str
    term_name: str | None
    period_start: dt.date
    period_end: dt.date
    layouts: list[str]
    provisions: list[PlannedProvision]
    groups: list[PlannedGroup]
    unmatched: list[NameProblem]
    ambiguous: list[NameProblem]
    unread: list[Unread]
    notes: list[str]

    @property
    def allocation_count(self) -> int:
        return sum(len(g.pupil_ids) for g in self.groups)

    @property
    def new_provisions(self) -> list[PlannedProvision]:
        return [p for p in self.provisions if p.is_new]

    @property
    def period_text(self) -> str:
        return f"{self.term_name} term {self.year_label}" if self.term_name else self.year_label

    @property
    def has_work(self) -> bool:
        return bool(self.allocation_count or self.unmatched or self.new_provisions)


def school_of(session: Session) -> School:
    year_groups = {yg.sort_order: yg.id for yg in session.scalars(select(YearGroup))}
    classes = {
        words.plain(c.name): Column(c.year_group_id, c.id)
        for c in session.scalars(select(SchoolClass))
        if c.name.strip()
    }
    return School(year_groups, classes)


def _people(session: Session) -> NameIndex:
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
    return "".join(word[:1] for word in words.plain(text).split())


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
    year_names = dict(session.execute(select(YearGroup.id, YearGroup.name)).all())
    catalogue = {
        words.provision_key(p.name): p
        for p in sorted(session.scalars(select(Provision)), key=lambda p: p.retired)
    }
    staff = {words.plain(s.name): s for s in session.scalars(select(Staff)) if s.active}
    roles: dict[str, StaffRole] = {}
    for role in session.scalars(select(StaffRole)):
        roles[words.plain(role.name)] = role
        roles.setdefault(_initials(role.name), role)
    index = _people(session)
    notes = list(reading.notes)
    unread = list(reading.unread)

    # Provisions, merged by name.
    provisions: dict[str, PlannedProvision] = {}
    sizes: dict[str, int] = defaultdict(int)
    for row in reading.provisions:
        key = words.provision_key(row.name)
        if not key:
            continue
        planned = provisions.get(key)
        if planned is None:
            existing = catalogue.get(key)
            area = row.area or (a.value if (a := words.area_from_words(row.name)) else None)
            planned = PlannedProvision(
                key=key,
                name=existing.name if existing else row.name,
                place=row.place,
                existing_id=existing.id if existing else None,
                area=existing.area if existing else (area or AreaOfNeed.COGNITION.value),
                wave=existing.wave if existing else (row.wave or 2),
                frequency=row.frequency,
                weeks=row.weeks,
                cost=row.cost,
                group_size=1,
                role_id=None,
                existing_sessions=existing.sessions_per_week if existing else None,
                existing_minutes=existing.session_minutes if existing else None,
            )
            provisions[key] = planned
        else:
            planned.frequency = planned.frequency or row.frequency
            planned.weeks = planned.weeks or row.weeks
            planned.cost = planned.cost if planned.cost is not None else row.cost
        if row.staff and planned.is_new and planned.role_id is None:
            found = roles.get(words.plain(row.staff))
            planned.role_id = found.id if found else None

    # Groups: one per provision, year group (or class) and label.
    groups: dict[tuple[str, int | None, int | None, str], PlannedGroup] = {}
    order: list[PlannedGroup] = []
    unmatched: list[NameProblem] = []
    ambiguous: list[NameProblem] = []
    staff_noted: set[str] = set()
    pupil_years = dict(
        session.execute(
            select(Pupil.id, Pupil.year_group_id).where(Pupil.archived.is_(False))
        ).all()
    )

    def group_for(item: Assignment, key: str, year_group_id: int | None) -> PlannedGroup:
        class_id = item.column.class_id
        group_key = (key, year_group_id, class_id, words.plain(item.label))
        group = groups.get(group_key)
        if group is None:
            group = PlannedGroup(
                provision_key=key,
                provision=provisions[key].name,
                year_group_id=year_group_id,
                year_group=year_names.get(year_group_id, "") if year_group_id else "",
                class_id=class_id,
                label=" ".join(item.label.split())[:60],
                place=item.place,
            )
            groups[group_key] = group
            order.append(group)
        text = item.provision.staff
        if text and group.staff_id is None:
            member = staff.get(words.plain(text))
            if member is not None:
                group.staff_id = member.id
            elif words.plain(text) not in roles and text not in staff_noted:
                staff_noted.add(text)
                notes.append(
                    f"Staff “{text}” ({item.provision.place}) is neither a member of staff "
                    "nor a role in ProvMap; left blank."
                )
        return group

    for item in reading.assignments:
        key = words.provision_key(item.provision.name)
        if key not in provisions:
            continue
        column = item.column
        for name in item.names:
            match = index.match(name, column.year_group_id)
            if match.pupil_id is not None:
                # A list with no year column: the group is the pupil's own year group's.
                year_group_id = column.year_group_id or pupil_years.get(match.pupil_id)
                group = group_for(item, key, year_group_id)
                if match.pupil_id not in group.pupil_ids:
                    group.pupil_ids.append(match.pupil_id)
                    group.pupil_names.append(match.candidates[0].label)
                continue
            group = group_for(item, key, column.year_group_id)
            problem = NameProblem(
                name=name,
                place=item.place,
                provision=group.provision,
                year_group=group.year_group or "no year group given",
                year_group_id=column.year_group_id,
                candidates=[p.label for p in match.candidates],
                group_index=order.index(group),
            )
            (ambiguous if match.is_ambiguous else unmatched).append(problem)

    _existing_groups(session, academic_year, period, provisions, order, unread)
    for group in order:
        size = len(group.pupil_ids) + sum(
            1 for p in unmatched if p.group_index == order.index(group)
        )
        sizes[group.provision_key] = max(sizes[group.provision_key], size)
    for key, planned in provisions.items():
        if planned.is_new:
            one_to_one = bool(ONE_TO_ONE.search(planned.name))
            planned.group_size = 1 if one_to_one else max(sizes[key], 1)

    return MapPlan(
        source=source,
        academic_year_id=academic_year.id,
        year_label=academic_year.label,
        term_name=term_name,
        period_start=period[0],
        period_end=period[1],
        layouts=list(reading.layouts),
        provisions=list(provisions.values()),
        groups=order,
        unmatched=unmatched,
        ambiguous=ambiguous,
        unread=unread,
        notes=notes,
    )


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
        running = session.scalars(
            select(ProvisionGroup)
            .where(
                ProvisionGroup.provision_id == provision.existing_id,
                ProvisionGroup.year_group_id == group.year_group_id,
                ProvisionGroup.academic_year_id == academic_year.id,
                ProvisionGroup.start_date <= period[1],
                ProvisionGroup.end_date >= period[0],
            )
            .order_by(ProvisionGroup.start_date, ProvisionGroup.id)
        ).all()
        chosen: ProvisionGroup | None = None
        if group.label:
            chosen = next(
                (g for g in running if words.plain(g.name) == words.plain(group.label)), None
            )
        elif len(running) == 1:
            chosen = running[0]
        elif len(running) > 1:
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
        if chosen is None:
            continue
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
