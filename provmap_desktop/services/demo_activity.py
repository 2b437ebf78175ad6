"""The demo school's year of provision: groups, who is in them, delivery and reviews.

Part of ``services.demo``. Groups are laid out from plans relative to the terms of the
current and previous academic years (see ``demo_groups.block``); every group, allocation,
delivery record and review is written through the domain writes. Delivery records
cover every planned session before ``today``; reviews are completed for finished
groups, planned for running ones, and a few are due soon or overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import groups
from ..models import AcademicYear, GroupMembership, ProvisionGroup, Pupil, Staff
from .calendar import SchoolCalendar
from .demo_groups import Activity, block
from .demo_maya import maya_story
from .demo_records import add_deliveries
from .demo_reviews import add_reviews

# (provision, NC years of its pupils that year, pupils, staff key, weekdays, time, block)
Plan = tuple[str, tuple[int, ...], int, str, tuple[int, ...], str, str]

CURRENT_PLANS: tuple[Plan, ...] = (
    ("Precision Teaching", (4,), 4, "ta1", (0, 2, 4), "09:10", "autumn:12"),
    ("Precision Teaching", (2,), 4, "ta2", (1, 3, 4), "09:10", "spring:12"),
    ("Phonics catch-up", (1,), 4, "ta3", (0, 1, 2, 3), "13:15", "autumn:12"),
    ("Phonics catch-up", (2,), 4, "ta2", (0, 1, 3, 4), "13:35", "autumn:12"),
    ("Numeracy intervention", (3,), 6, "ta4", (1, 3), "10:45", "spring:12"),
    ("Numeracy intervention", (6,), 6, "teacher", (0, 2), "08:45", "autumn:12"),
    ("Reading intervention (1:1 reading)", (5,), 1, "ta5", (0, 2, 4), "14:00", "autumn:12"),
    ("Spelling intervention (SpLD)", (5,), 4, "ta5", (1, 3), "11:00", "spring:12"),
    ("Literacy intervention (writing)", (6,), 6, "hlta2", (1, 3), "13:30", "autumn:12"),
    ("Touch typing", (6,), 4, "ta6", (0, 2, 4), "08:45", "spring:12"),
    ("Maths pre-teaching", (4,), 4, "ta1", (0, 3), "08:50", "year"),
    ("Speaking and listening group", (0,), 6, "ta3", (0, 2, 4), "10:30", "autumn:10"),
    ("Colourful Semantics", (1,), 4, "ta3", (1, 3), "10:30", "spring:12"),
    ("Social communication group", (3,), 6, "ta4", (2,), "14:15", "autumn:12"),
    ("Lego-based therapy", (2,), 3, "ta2", (4,), "14:00", "year"),
    ("Lego-based therapy", (5,), 3, "mentor", (2,), "14:00", "spring:10"),
    ("Pre-teaching vocabulary", (3,), 4, "ta4", (0, 3), "08:50", "year"),
    ("Zones of Regulation", (2,), 6, "mentor", (1,), "13:15", "autumn:8"),
    ("Zones of Regulation", (5,), 6, "mentor", (1,), "14:15", "spring:8"),
    ("Nurture group", (1, 2, 3), 8, "hlta1", (0, 1, 2, 3), "13:15", "year"),
    ("Emotional literacy support (ELSA)", (4,), 1, "hlta1", (4,), "10:45", "autumn:8"),
    ("Emotional literacy support (ELSA)", (6,), 1, "hlta1", (4,), "11:30", "spring:8"),
    ("Social skills group (Circle of Friends)", (4,), 6, "mentor", (3,), "12:30", "autumn:10"),
    ("Emotional check-in with key adult", (3,), 1, "ta4", (0, 1, 2, 3, 4), "08:45", "year"),
    ("Lunchtime club", (4, 5, 6), 10, "mentor", (0, 2, 4), "12:15", "year"),
    ("Fine motor skills group", (0,), 6, "ta3", (1, 3, 4), "13:30", "spring:10"),
    ("Sensory circuits", (0, 1, 2), 6, "ta7", (0, 1, 2, 3, 4), "08:45", "year"),
    ("Handwriting intervention", (3,), 4, "ta6", (1, 3), "09:00", "autumn:10"),
    ("Gross motor skills group", (1,), 6, "ta5", (1, 3), "14:30", "summer:10"),
    ("Precision Teaching", (6,), 4, "ta1", (1, 2, 4), "09:10", "summer:10"),
)

PREVIOUS_PLANS: tuple[Plan, ...] = (
    ("Phonics catch-up", (1,), 4, "ta3", (0, 1, 2, 3), "13:15", "autumn:12"),
    ("Numeracy intervention", (5,), 6, "ta4", (1, 3), "10:45", "spring:12"),
    ("Speaking and listening group", (0,), 6, "ta3", (0, 2, 4), "10:30", "spring:10"),
    ("Zones of Regulation", (3,), 6, "mentor", (1,), "13:15", "autumn:8"),
    ("Nurture group", (1, 2, 3), 8, "hlta1", (0, 1, 2, 3), "13:15", "year"),
    ("Fine motor skills group", (0,), 6, "ta3", (1, 3), "13:30", "summer:10"),
    ("Social communication group", (2,), 6, "ta4", (2,), "14:15", "spring:12"),
    ("Sensory circuits", (1, 2), 6, "ta7", (0, 1, 2, 3, 4), "08:45", "year"),
    ("Spelling intervention (SpLD)", (5,), 4, "ta5", (1, 3), "11:00", "autumn:12"),
)

# The 1:1 provision each EHC plan's primary need gets all year:
# (provision, staff, weekdays, session minutes if not the provision's own, start times),
# the start times taken in turn by the pupils with that need (the first, the second...).
# The key adult times are set so that some plans pass the £6,000 threshold and one
# comes close to it, as in most schools. The times fit around each pupil's and each
# adult's other groups (a day of 08:45-15:15), so that next year's plan shows only the
# one clash a school would plausibly have missed: Mr Riley's vocabulary group starting
# before his check-in ends. Mrs Doyle, key adult to both pupils with autism, fills her
# day (and goes over her hours) without a clash.
OneToOne = tuple[str, str, tuple[int, ...], int | None, tuple[str, ...]]
EHCP_PLANS: dict[str, tuple[OneToOne, ...]] = {
    "ASD": (
        ("Key adult 1:1 support", "ta7", (0, 1, 2, 3, 4), None, ("09:00", "12:00")),
        ("Speech and language programme (TA-led)", "ta3", (0, 2, 4), None, ("13:00", "10:00")),
    ),
    "SLCN": (
        ("Speech and language therapy", "salt", (2,), None, ("09:00",)),
        ("Speech and language programme (TA-led)", "ta3", (1, 3, 4), None, ("11:00",)),
    ),
    "SEMH": (
        ("Key adult 1:1 support", "ta6", (0, 1, 2, 3, 4), 75, ("10:30",)),
        ("Emotional literacy support (ELSA)", "hlta1", (2,), None, ("09:45",)),
    ),
    "PD": (
        ("Physiotherapy programme", "ta6", (0, 2, 4), None, ("09:45",)),
        ("1:1 PE support", "ta6", (3,), None, ("12:15",)),
    ),
    "MLD": (
        ("Reading intervention (1:1 reading)", "ta5", (0, 2, 4), None, ("09:30",)),
        ("Precision Teaching", "ta2", (1, 3), None, ("11:15",)),
    ),
}


def build_activity(
    session: Session,
    rng: random.Random,
    *,
    today: dt.date,
    years: tuple[AcademicYear, AcademicYear],
    calendars: dict[int, SchoolCalendar],
    pupils: dict[int, list[Pupil]],
    staff: dict[str, Staff],
    maya: Pupil,
) -> dict[int, list[GroupMembership]]:
    """Lay out both years' groups, deliveries and reviews; flush.

    Returns each EHCP pupil's id with their 1:1 allocations this year (for Section F).
    """
    previous, current = years
    act = Activity(
        session, rng, today, staff=staff, pupils=pupils, calendars=calendars, reserved=[maya]
    )
    for plans, year, shift in ((PREVIOUS_PLANS, previous, 1), (CURRENT_PLANS, current, 0)):
        for name, ncs, size, staff_key, days, start_time, kind in plans:
            dates = block(year, calendars[year.id], kind)
            group = act.group(name, year, dates, ncs, staff_key, days, start_time)
            act.members(group, ncs, size, shift)
    ehcp = _ehcp_groups(act, current)
    in_story = maya_story(act, previous, current, maya)
    session.flush()
    for group in act.groups:  # allocations were made by id: read each group's afresh
        session.expire(group, ["memberships"])
    # Records depend on ``today``; their own stream keeps later choices independent of it.
    act.rng = random.Random(rng.getrandbits(64))
    cover = [act.staff["hlta2"].id, act.staff["teacher"].id]
    add_deliveries(session, act.rng, today, act.groups, calendars, cover)
    add_reviews(act, in_story)
    session.flush()
    return ehcp


def _ehcp_groups(act: Activity, year: AcademicYear) -> dict[int, list[GroupMembership]]:
    """Each EHCP pupil's 1:1 groups for the whole year, by their primary need.

    Returns, per pupil id, those 1:1 allocations followed by the pupil's other
    allocations that also run all year: the ones a Section F item can point to.
    """
    found: dict[int, list[GroupMembership]] = {}
    holders = [p for nc in sorted(act.pupils) for p in act.pupils[nc] if p.sen_status == "E"]
    # Statutory provision runs from the first day of the year, not from week two.
    dates = (year.terms[0].start_date, year.terms[-1].end_date)
    turns: dict[str, int] = defaultdict(int)
    for pupil in holders:
        nc = pupil.year_group.sort_order if pupil.year_group else 1
        need = pupil.primary_need if pupil.primary_need in EHCP_PLANS else "SEMH"
        turn = turns[need]
        turns[need] += 1
        own: list[GroupMembership] = []
        for name, staff_key, days, minutes, times in EHCP_PLANS[need]:
            time = times[turn % len(times)]
            group = act.group(name, year, dates, (nc,), staff_key, days, time)
            if minutes is not None:
                groups.update(act.session, group.id, "session_minutes", minutes)
            own.append(act.join(group, pupil, settled=True))
        others = [
            m
            for g in act.groups
            if g.academic_year_id == year.id and g.end_date == dates[1]
            for m in _members(act.session, g)
            if m.pupil_id == pupil.id and m.leave_date is None and m not in own
        ]
        found[pupil.id] = own + others
    return found


def _members(session: Session, group: ProvisionGroup) -> list[GroupMembership]:
    """The group's allocations as they are now in the database (ids, in order made)."""
    return list(
        session.scalars(
            select(GroupMembership)
            .where(GroupMembership.group_id == group.id)
            .order_by(GroupMembership.id)
        )
    )
