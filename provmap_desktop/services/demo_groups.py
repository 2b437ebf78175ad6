"""Laying out the demo school's groups and filling them, through the domain writes.

Part of ``services.demo``. ``Activity`` holds what the generator needs while it makes
groups (``domain.groups``) and allocates pupils to them (``domain.memberships``); the
small date helpers place blocks of weeks in a year's terms:

- ``year``: from the Monday of the second week of autumn to the end of summer;
- ``autumn:12``, ``spring:10``, ``summer:10``: a block of that many teaching weeks from
  the first Monday of the term (the second week, in autumn).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import groups, memberships
from ..models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Staff,
    YearGroup,
)
from ..models.vocab import NEED_TO_AREA
from .calendar import SchoolCalendar


def to_time(text: str) -> dt.time:
    """'09:10' -> 09:10."""
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def monday_on_or_after(day: dt.date) -> dt.date:
    """``day`` if it is a Monday, else the Monday after it."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def after_teaching_weeks(calendar: SchoolCalendar, start: dt.date, weeks: int) -> dt.date:
    """The day on which ``weeks`` teaching weeks (of five days) from ``start`` are done."""
    day, counted = start, 0
    while day < calendar.last:
        counted += calendar.is_teaching_day(day)
        if counted >= weeks * 5:
            return day
        day += dt.timedelta(days=1)
    return calendar.last


def block(year: AcademicYear, calendar: SchoolCalendar, kind_weeks: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a block such as ``"year"`` or ``"spring:10"``."""
    terms = {t.name: t for t in year.terms}
    kind, _, weeks = kind_weeks.partition(":")
    autumn_start = monday_on_or_after(terms["Autumn"].start_date + dt.timedelta(days=7))
    if kind == "year":
        return autumn_start, terms["Summer"].end_date
    term = terms[kind.capitalize()]
    start = autumn_start if kind == "autumn" else monday_on_or_after(term.start_date)
    return start, after_teaching_weeks(calendar, start, int(weeks))


def age_months(born: dt.date | None, on: dt.date) -> int:
    """A pupil's age in whole months on ``on`` (eight years when not known)."""
    if born is None:
        return 96
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def reading_age(months: int) -> str:
    """A reading age in the form '7y 4m'."""
    return f"{months // 12}y {months % 12}m"


class Activity:
    """Holds what the generator needs while it lays out groups and records."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date, **parts: Any):
        """``parts``: the staff by key, pupils by NC year, calendars by year id, and the
        pupils ``reserved`` for a story written by hand."""
        self.session, self.rng, self.today = session, rng, today
        self.staff: dict[str, Staff] = parts["staff"]
        self.pupils: dict[int, list[Pupil]] = parts["pupils"]
        self.calendars: dict[int, SchoolCalendar] = parts["calendars"]
        self.provisions = {p.name: p for p in session.scalars(select(Provision))}
        self.year_groups = {y.sort_order: y for y in session.scalars(select(YearGroup))}
        self.groups: list[ProvisionGroup] = []
        self.used: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.names: dict[tuple[str, str], int] = defaultdict(int)
        # Pupils whose story is written by hand and kept out of the random groups.
        self.reserved: set[int] = {id(p) for p in parts.get("reserved", ())}

    def group(
        self,
        provision_name: str,
        year: AcademicYear,
        dates: tuple[dt.date, dt.date],
        ncs: tuple[int, ...],
        staff_key: str,
        weekdays: Sequence[int],
        start_time: str,
    ) -> ProvisionGroup:
        """Start a group of the provision for pupils in ``ncs``, with its staff and days."""
        provision = self.provisions[provision_name]
        year_group = self.year_groups[ncs[0]] if len(ncs) == 1 else None
        first = "R" if ncs[0] == 0 else str(ncs[0])
        label = year_group.name if year_group else f"Years {first}-{ncs[-1]}"
        base = f"{provision.name} – {label}"[:56]
        self.names[(year.label, base)] += 1
        count = self.names[(year.label, base)]
        made = groups.create(
            self.session,
            provision.id,
            year_group.id if year_group else None,
            dates[0],
            dates[1],
            name=base if count == 1 else f"{base} {chr(64 + count)}",
        )
        place = self.rng.choice(("Library", "Group room", "Classroom", "Hall corridor"))
        groups.update(self.session, made.group_id, "staff_id", self.staff[staff_key].id)
        groups.update(self.session, made.group_id, "location", place)
        groups.set_days(self.session, made.group_id, weekdays, to_time(start_time))
        group = groups.get_group(self.session, made.group_id)
        self.groups.append(group)
        return group

    def members(
        self, group: ProvisionGroup, ncs: tuple[int, ...], size: int, shift: int
    ) -> list[GroupMembership]:
        """Fill ``group`` with up to ``size`` pupils who were in ``ncs`` that year.

        Pupils whose need is in the provision's area come first; catch-up groups in
        cognition and learning then take pupils not on the register.
        """
        area = group.provision.area
        used = self.used[(group.academic_year_id, group.provision.name)]
        pool = [
            p
            for nc in ncs
            for p in self.pupils.get(nc + shift, [])
            if id(p) not in used
            and id(p) not in self.reserved
            and (p.on_roll_date or group.start_date) <= group.start_date
        ]

        def areas(p: Pupil) -> set[Any]:
            """The areas of the pupil's primary and secondary needs."""
            return {
                NEED_TO_AREA.get(p.primary_need or ""),
                NEED_TO_AREA.get(p.secondary_need or ""),
            }

        matched = [p for p in pool if p.sen_status != "N" and area in areas(p)]
        other_sen = [p for p in pool if p.sen_status != "N" and area not in areas(p)]
        not_sen = [p for p in pool if p.sen_status == "N"]
        for part in (matched, other_sen, not_sen):
            self.rng.shuffle(part)
        fill = not_sen + other_sen if area == "CL" else other_sen + not_sen
        chosen = (matched + fill)[:size]
        return [self.join(group, p) for p in chosen]

    def join(
        self, group: ProvisionGroup, pupil: Pupil, *, settled: bool = False
    ) -> GroupMembership:
        """Allocate ``pupil`` to ``group``; unless ``settled``, some join a fortnight late
        and a few leave half-way."""
        self.used[(group.academic_year_id, group.provision.name)].add(id(pupil))
        join, leave = group.start_date, None
        span = (group.end_date - group.start_date).days
        roll = 1.0 if settled else self.rng.random()
        if roll < 0.08 and span > 60:  # left part-way, target met early or moved on
            leave = group.start_date + dt.timedelta(days=span // 2)
        elif roll < 0.18 and span > 60:  # joined a fortnight late
            join = group.start_date + dt.timedelta(days=14)
        year_group_id = group.year_group_id or pupil.year_group_id
        assert year_group_id is not None
        made = memberships.allocate(
            self.session,
            group.provision_id,
            year_group_id,
            [pupil.id],
            join,
            group.id,
            warn=False,
        )
        if leave is not None:
            memberships.end(self.session, made.membership_ids, leave)
        membership = self.session.get(GroupMembership, made.membership_ids[0])
        assert membership is not None
        return membership
