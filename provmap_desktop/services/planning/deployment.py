"""Staff deployment, timetable clashes and training needs in the plan.

- **Planned hours** of a member of staff: for each planned group they lead, its
  session minutes on each weekday it has a slot; a group with no slots counts its
  sessions a week as time not yet placed on a day. Against their contracted hours for
  intervention work (``Staff.intervention_minutes``): over, under or as contracted.
- **Clashes**: two different planned groups with slots on the same weekday whose times
  overlap (start to start + session minutes) and whose dates overlap, when someone is
  needed in both at once. Each such pair is one clash, whoever it catches:
  - the same member of staff leads both: that person's clash. A pupil in both is with
    them, so is not named again (a key adult leading a group her own 1:1 pupil is in
    is one clash, hers: her 1:1 time is spent on the group);
  - different adults lead them and a pupil is in both (their own 1:1 included): the
    pupil would be in two places, so the clash is the pupil's, every such pupil named.
- **Training**: a planned group whose provision needs training its member of staff
  does not have; the training the plan needs is the same, person by person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Staff, StaffTraining, Training
from .scope import PlanGroup, PlanScope

WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes: "2 h 30 min", "45 min", "0 h"."""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours or not rest else f"{rest} min"


@dataclass
class Deployment:
    """One person's planned minutes by weekday against their contracted minutes."""

    staff_id: int
    name: str
    contracted: int | None
    by_day: list[int] = field(default_factory=lambda: [0] * 5)
    unplaced: int = 0
    groups: list[str] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(self.by_day) + self.unplaced

    @property
    def difference(self) -> int | None:
        return None if self.contracted is None else self.planned - self.contracted

    @property
    def status(self) -> str:
        """Over, under or as contracted, in words."""
        if self.difference is None:
            return "no contracted hours set"
        if self.difference > 0:
            return f"over by {format_minutes(self.difference)}"
        if self.difference < 0:
            return f"under by {format_minutes(self.difference)}"
        return "as contracted"


@dataclass(frozen=True)
class Clash:
    """Two groups at the same time that need one person, or the same pupils, at once."""

    who: str
    is_pupil: bool
    weekday: int
    first: str
    second: str
    times: str

    @property
    def text(self) -> str:
        return f"{self.who}: {self.first} and {self.second}, {WEEKDAYS[self.weekday]} {self.times}"


@dataclass(frozen=True)
class TrainingGap:
    """A person leading a group without training its provision needs."""

    staff_name: str
    training: str
    groups: tuple[str, ...]


def deployment(session: Session, scope: PlanScope) -> list[Deployment]:
    """Each active member of staff with contracted hours or planned groups, by name."""
    people: dict[int, Deployment] = {}
    for member in session.scalars(select(Staff).order_by(Staff.name)):
        if member.active or any(g.staff_id == member.id for g in scope.groups):
            people[member.id] = Deployment(member.id, member.name, member.intervention_minutes)
    for group in scope.groups:
        person = people.get(group.staff_id or 0)
        if person is None:
            continue
        person.groups.append(group.label)
        weekdays = [weekday for weekday, _time in group.slots if weekday < 5]
        for weekday in weekdays:
            person.by_day[weekday] += group.minutes
        if not weekdays:
            person.unplaced += group.minutes * group.sessions_per_week
    return [p for p in people.values() if p.planned or p.contracted is not None]


def _times(group: PlanGroup, weekday: int) -> list[tuple[int, int]]:
    """The group's sessions on ``weekday`` as (start, end) minutes after midnight."""
    return [
        (at.hour * 60 + at.minute, at.hour * 60 + at.minute + group.minutes)
        for day, at in group.slots
        if day == weekday and at is not None
    ]


def _clock(minutes: int) -> str:
    return dt.time(minutes // 60 % 24, minutes % 60).strftime("%H:%M")


def _overlap(a: PlanGroup, b: PlanGroup) -> tuple[int, str] | None:
    """The first weekday and times two groups meet at once, or None."""
    if a.start > b.end or b.start > a.end:
        return None
    for weekday in sorted({day for day, _at in a.slots} & {day for day, _at in b.slots}):
        for start_a, end_a in _times(a, weekday):
            for start_b, end_b in _times(b, weekday):
                if start_a < end_b and start_b < end_a:
                    shared = f"{_clock(max(start_a, start_b))}-{_clock(min(end_a, end_b))}"
                    return weekday, shared
    return None


def _names(names: list[str]) -> str:
    """Names in words: "Ava Adams and Ben Brown", "Ava Adams, Ben Brown and Cal Cole"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _pair(a: PlanGroup, b: PlanGroup) -> tuple[int, int]:
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


def clashes(scope: PlanScope) -> list[Clash]:
    """One clash per pair of groups that need someone in both at once (module notes):
    the staff's clashes by name, then the pupils'."""
    pairs: set[tuple[int, int]] = set()
    by_staff: dict[int, list[PlanGroup]] = defaultdict(list)
    for group in scope.groups:
        if group.staff_id is not None:
            by_staff[group.staff_id].append(group)
    for groups in by_staff.values():
        pairs.update(_pair(a, b) for a, b in combinations(groups, 2))
    for pupil_id in scope.pupils:
        for a, b in combinations(scope.groups_of(pupil_id), 2):
            if a.staff_id is None or a.staff_id != b.staff_id:
                pairs.add(_pair(a, b))
    place = {group.id: n for n, group in enumerate(scope.groups)}  # named in the plan's order
    found: list[Clash] = []
    for first_id, second_id in pairs:
        a, b = sorted((scope.groups[place[first_id]], scope.groups[place[second_id]]),
                      key=lambda g: place[g.id])  # fmt: skip
        hit = _overlap(a, b)
        if hit is None:
            continue
        if a.staff_id is not None and a.staff_id == b.staff_id:
            found.append(Clash(a.staff_name, False, hit[0], a.label, b.label, hit[1]))
            continue
        shared = sorted(
            (scope.pupils[p] for p in a.member_ids & b.member_ids if p in scope.pupils),
            key=lambda p: (p.surname, p.name),
        )
        found.append(Clash(_names([p.name for p in shared]), True, hit[0], a.label, b.label,
                           hit[1]))  # fmt: skip
    return sorted(found, key=lambda c: (c.is_pupil, c.who, c.weekday, c.first, c.second))


def training_gaps(session: Session, scope: PlanScope) -> list[TrainingGap]:
    """Who needs what training for the groups they are planned to lead."""
    have: dict[int, set[int]] = defaultdict(set)
    for staff_id, training_id in session.execute(
        select(StaffTraining.staff_id, StaffTraining.training_id)
    ):
        have[staff_id].add(training_id)
    names = dict(session.execute(select(Training.id, Training.name)).all())
    needed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group in scope.groups:
        for training_id in group.trainings:
            if group.staff_id is None:
                needed[("No one named yet", names[training_id])].append(group.label)
            elif training_id not in have[group.staff_id]:
                needed[(group.staff_name, names[training_id])].append(group.label)
    return [
        TrainingGap(who, what, tuple(sorted(groups)))
        for (who, what), groups in sorted(needed.items())
    ]
