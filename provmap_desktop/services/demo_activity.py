"""The demo school's year of provision: groups, who is in them, delivery and reviews.

Part of ``services.demo`` (split out to keep each module readable). Groups are laid
out from plans relative to the terms of the current and previous academic years:

- ``year``: from the Monday of the second week of autumn to the end of summer;
- ``autumn:12``, ``spring:10``, ``summer:10``: a block of that many teaching weeks from
  the first Monday of the term (the second week, in autumn).

Delivery records cover every planned session before ``today``; reviews are completed
for finished groups, planned for running ones, and a few are due soon or overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    DeliverySession,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    Review,
    SessionAttendance,
    Staff,
    YearGroup,
)
from ..models.vocab import NEED_TO_AREA
from .calendar import SchoolCalendar

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
    ("Gross motor skills group", (1,), 6, "ta7", (1, 3), "14:30", "summer:10"),
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
# (provision, staff, weekdays, session minutes if not the provision's own).
# The key adult times are set so that some plans pass the £6,000 threshold and one
# comes close to it, as in most schools.
EHCP_PLANS: dict[str, tuple[tuple[str, str, tuple[int, ...], int | None], ...]] = {
    "ASD": (
        ("Key adult 1:1 support", "ta7", (0, 1, 2, 3, 4), None),
        ("Speech and language programme (TA-led)", "ta3", (0, 2, 4), None),
    ),
    "SLCN": (
        ("Speech and language therapy", "salt", (2,), None),
        ("Speech and language programme (TA-led)", "ta3", (1, 3, 4), None),
    ),
    "SEMH": (
        ("Key adult 1:1 support", "ta6", (0, 1, 2, 3, 4), 75),
        ("Emotional literacy support (ELSA)", "hlta1", (2,), None),
    ),
    "PD": (
        ("Physiotherapy programme", "ta7", (0, 2, 4), None),
        ("1:1 PE support", "ta6", (3,), None),
    ),
    "MLD": (
        ("Reading intervention (1:1 reading)", "ta5", (0, 2, 4), None),
        ("Precision Teaching", "ta2", (1, 3), None),
    ),
}

OUTCOME_SOUGHT = {
    "CI": "Communicate needs and ideas more clearly in class",
    "CL": "Close the gap in reading, spelling or number",
    "SEMH": "Manage feelings and stay in learning",
    "SP": "Improve motor control and independence",
}
NUMERACY_WORDS = ("numeracy", "maths")
LITERACY_WORDS = ("precision", "phonics", "reading", "spelling", "literacy", "typing")


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _after_teaching_weeks(calendar: SchoolCalendar, start: dt.date, weeks: int) -> dt.date:
    """The day on which ``weeks`` teaching weeks (of five days) from ``start`` are done."""
    day, counted = start, 0
    while day < calendar.last:
        counted += calendar.is_teaching_day(day)
        if counted >= weeks * 5:
            return day
        day += dt.timedelta(days=1)
    return calendar.last


def _block(year: AcademicYear, calendar: SchoolCalendar, block: str) -> tuple[dt.date, dt.date]:
    terms = {t.name: t for t in year.terms}
    kind, _, weeks = block.partition(":")
    autumn_start = _monday_on_or_after(terms["Autumn"].start_date + dt.timedelta(days=7))
    if kind == "year":
        return autumn_start, terms["Summer"].end_date
    term = terms[kind.capitalize()]
    start = autumn_start if kind == "autumn" else _monday_on_or_after(term.start_date)
    return start, _after_teaching_weeks(calendar, start, int(weeks))


def _age_months(born: dt.date | None, on: dt.date) -> int:
    if born is None:
        return 96
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def _reading_age(months: int) -> str:
    return f"{months // 12}y {months % 12}m"


class _Activity:
    """Holds what the generator needs while it lays out groups and records."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date, **parts: Any):
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
        provision = self.provisions[provision_name]
        year_group = self.year_groups[ncs[0]] if len(ncs) == 1 else None
        first = "R" if ncs[0] == 0 else str(ncs[0])
        label = year_group.name if year_group else f"Years {first}-{ncs[-1]}"
        base = f"{provision.name} – {label}"[:56]
        self.names[(year.label, base)] += 1
        count = self.names[(year.label, base)]
        group = ProvisionGroup(
            provision=provision,
            academic_year=year,
            year_group=year_group,
            name=base if count == 1 else f"{base} {chr(64 + count)}",
            staff=self.staff[staff_key],
            start_date=dates[0],
            end_date=dates[1],
            location=self.rng.choice(("Library", "Group room", "Classroom", "Hall corridor")),
            slots=[GroupSlot(weekday=d, start_time=_time(start_time)) for d in weekdays],
        )
        self.session.add(group)
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
        used = self.used[(group.academic_year.id, group.provision.name)]
        pool = [
            p
            for nc in ncs
            for p in self.pupils.get(nc + shift, [])
            if id(p) not in used
            and id(p) not in self.reserved
            and (p.on_roll_date or group.start_date) <= group.start_date
        ]

        def areas(p: Pupil) -> set[Any]:
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
        self.used[(group.academic_year.id, group.provision.name)].add(id(pupil))
        join, leave = group.start_date, None
        span = (group.end_date - group.start_date).days
        roll = 1.0 if settled else self.rng.random()
        if roll < 0.08 and span > 60:  # left part-way, target met early or moved on
            leave = group.start_date + dt.timedelta(days=span // 2)
        elif roll < 0.18 and span > 60:  # joined a fortnight late
            join = group.start_date + dt.timedelta(days=14)
        membership = GroupMembership(group=group, pupil=pupil, join_date=join, leave_date=leave)
        self.session.add(membership)
        return membership


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
    act = _Activity(
        session, rng, today, staff=staff, pupils=pupils, calendars=calendars, reserved=[maya]
    )
    for plans, year, shift in ((PREVIOUS_PLANS, previous, 1), (CURRENT_PLANS, current, 0)):
        for name, ncs, size, staff_key, days, start_time, block in plans:
            dates = _block(year, calendars[year.id], block)
            group = act.group(name, year, dates, ncs, staff_key, days, start_time)
            act.members(group, ncs, size, shift)
    ehcp = _ehcp_groups(act, current)
    story = _maya_story(act, previous, current, maya)
    session.flush()
    # Records depend on ``today``; their own stream keeps later choices independent of it.
    act.rng = random.Random(rng.getrandbits(64))
    _deliveries(act)
    _reviews(act, story)
    session.flush()
    return ehcp


def _ehcp_groups(act: _Activity, year: AcademicYear) -> dict[int, list[GroupMembership]]:
    """Each EHCP pupil's 1:1 groups for the whole year, by their primary need.

    Returns, per pupil id, those 1:1 allocations followed by the pupil's other
    allocations that also run all year: the ones a Section F item can point to.
    """
    found: dict[int, list[GroupMembership]] = {}
    holders = [p for nc in sorted(act.pupils) for p in act.pupils[nc] if p.sen_status == "E"]
    # Statutory provision runs from the first day of the year, not from week two.
    dates = (year.terms[0].start_date, year.terms[-1].end_date)
    for index, pupil in enumerate(holders):
        nc = pupil.year_group.sort_order if pupil.year_group else 1
        own: list[GroupMembership] = []
        for offset, (name, staff_key, days, minutes) in enumerate(
            EHCP_PLANS.get(pupil.primary_need or "", EHCP_PLANS["SEMH"])
        ):
            time = f"{9 + (index + 2 * offset) % 5:02d}:{15 * (index % 4):02d}"
            group = act.group(name, year, dates, (nc,), staff_key, days, time)
            group.session_minutes = minutes
            own.append(act.join(group, pupil, settled=True))
        others = [
            m
            for g in act.groups
            if g.academic_year is year and g.end_date == dates[1]
            for m in g.memberships
            if m.pupil is pupil and m.leave_date is None and m not in own
        ]
        found[pupil.id] = own + others
    return found


def _maya_story(
    act: _Activity, previous: AcademicYear, current: AcademicYear, maya: Pupil
) -> list[Review]:
    """Last year's Precision Teaching, its two reviews, the escalation, this year's Wave 3."""
    calendar = act.calendars[previous.id]
    start = _monday_on_or_after(dt.date(previous.start_date.year, 11, 23))
    end = _after_teaching_weeks(calendar, start, 12)
    midpoint = _after_teaching_weeks(calendar, start, 6)
    pt = act.group("Precision Teaching", previous, (start, end), (4,), "ta1", (0, 2, 4), "09:10")
    pt_member = act.join(pt, maya, settled=True)
    act.members(pt, (4,), 3, 1)

    assess_start = _monday_on_or_after(end + dt.timedelta(days=10))
    assess = act.group(
        "SpLD outreach assessment",
        previous,
        (assess_start, _after_teaching_weeks(calendar, assess_start, 3)),
        (4,),
        "spld",
        (2,),
        "10:00",
    )
    act.join(assess, maya, settled=True)
    summer = _block(previous, calendar, "summer:10")
    wave3_last = act.group(
        "Structured cumulative literacy programme",
        previous,
        (summer[0], previous.terms[-1].end_date),
        (4,),
        "hlta2",
        (0, 2, 4),
        "11:00",
    )
    wave3_last_member = act.join(wave3_last, maya, settled=True)
    wave3 = act.group(
        "Structured cumulative literacy programme",
        current,
        _block(current, act.calendars[current.id], "year"),
        (5,),
        "hlta2",
        (0, 2, 4),
        "11:00",
    )
    wave3_member = act.join(wave3, maya, settled=True)

    baseline_months = _age_months(maya.date_of_birth, start) - 24  # two years behind
    baseline = _reading_age(baseline_months)
    target = _reading_age(baseline_months + 6)
    common: dict[str, Any] = {
        "pupil": maya,
        "membership": pt_member,
        "baseline_type": "reading_age",
        "baseline_value": baseline,
        "baseline_date": start,
        "outcome_sought": "Read independently with greater accuracy and fluency",
        "target": "Six months' progress in reading age over the 12-week block",
        "target_value": target,
    }
    mid = Review(
        **common,
        review_date=midpoint,
        outcome_value=_reading_age(baseline_months + 2),
        outcome_date=midpoint,
        target_met="partly",
        decision="modify",
        next_step="Change the prompt hierarchy; colour-code letter-sound correspondences.",
        pupil_voice="The colours help me remember the sounds.",
        completed_on=midpoint,
    )
    final = Review(
        **common,
        review_date=end,
        outcome_value=_reading_age(baseline_months + 4),
        outcome_date=end,
        target_met="partly",
        decision="escalate",
        escalate_to="Specialist teacher assessment (SpLD outreach); Wave 3",
        next_step="Refer to SpLD outreach; start a structured, cumulative literacy programme.",
        parent_views="Mum agrees to the referral and will read with Maya each evening.",
        completed_on=end + dt.timedelta(days=3),
    )
    last_summer = Review(
        pupil=maya,
        membership=wave3_last_member,
        baseline_type="reading_age",
        baseline_value=_reading_age(baseline_months + 4),
        baseline_date=wave3_last.start_date,
        outcome_sought="Secure the phonic code and read with fluency",
        target="Four months' progress in reading age this term",
        target_value=_reading_age(baseline_months + 8),
        review_date=wave3_last.end_date,
        outcome_value=_reading_age(baseline_months + 9),
        outcome_date=wave3_last.end_date,
        target_met="met",
        decision="continue",
        next_step="Continue the programme 1:1 next year.",
        completed_on=wave3_last.end_date,
    )
    due = max(act.today + dt.timedelta(days=9), wave3.start_date)
    this_year = Review(
        pupil=maya,
        membership=wave3_member,
        baseline_type="reading_age",
        baseline_value=_reading_age(baseline_months + 9),
        baseline_date=wave3.start_date,
        outcome_sought="Read age-appropriate texts with a reading age within a year of her age",
        target="Six months' progress in reading age by the review",
        target_value=_reading_age(baseline_months + 15),
        review_date=due,
    )
    reviews = [mid, final, last_summer, this_year]
    act.session.add_all(reviews)
    return reviews


def _deliveries(act: _Activity) -> None:
    """Delivery records for every planned session before today, written in bulk."""
    next_session = (act.session.scalar(select(func.max(DeliverySession.id))) or 0) + 1
    cover = [act.staff["hlta2"].id, act.staff["teacher"].id]
    sessions: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    for group in act.groups:
        calendar = act.calendars[group.academic_year_id]
        last = min(group.end_date, act.today - dt.timedelta(days=1))
        days = calendar.dates_on_weekdays([s.weekday for s in group.slots], group.start_date, last)
        one_to_one = group.effective_max_size == 1
        for day in days:
            present = [m.pupil_id for m in group.memberships if m.is_current_on(day)]
            if not present:
                continue
            roll = act.rng.random()
            reason, note = None, ""
            if roll < 0.05:
                reason, note = "staff_absent", "Adult absent; no cover available"
            elif roll < 0.07:
                reason, note = "trip_or_event", act.rng.choice(("Class trip", "Assembly rehearsal"))
            elif roll < 0.08:
                reason, note = "other", "Room needed for assessments"
            elif one_to_one and roll < 0.11:
                reason, note = "pupil_absent", "Pupil absent from school"
            staff_id = group.staff_id
            if reason is None and act.rng.random() < 0.03:
                staff_id = act.rng.choice(cover)
            sessions.append(
                {
                    "id": next_session,
                    "group_id": group.id,
                    "session_date": day,
                    "status": "cancelled" if reason else "delivered",
                    "cancel_reason": reason,
                    "note": note,
                    "staff_id": staff_id,
                    "recorded_at": dt.datetime.combine(day, dt.time(15, 30)),
                    "late_entry": act.rng.random() < 0.04,
                }
            )
            if reason is None:
                for pupil_id in present:
                    absent = act.rng.random() < 0.04
                    attendance.append(
                        {
                            "session_id": next_session,
                            "pupil_id": pupil_id,
                            "present": not absent,
                            "absence_reason": act.rng.choice(("Ill", "Medical appointment"))
                            if absent
                            else "",
                        }
                    )
            next_session += 1
    if sessions:
        act.session.execute(insert(DeliverySession), sessions)
    if attendance:
        act.session.execute(insert(SessionAttendance), attendance)


def _measure(act: _Activity, group: ProvisionGroup, member: GroupMembership) -> dict[str, Any]:
    """Baseline, target and outcome for one pupil's cycle, by the provision's kind."""
    rng, name = act.rng, group.provision.name.lower()
    area = group.provision.area
    if area == "CL" and any(w in name for w in LITERACY_WORDS):
        months = _age_months(member.pupil.date_of_birth, member.join_date) - rng.randint(12, 30)
        gain = rng.randint(1, 9)
        met = "met" if gain >= 6 else "partly" if gain >= 3 else "not_met"
        values = (_reading_age(months), _reading_age(months + 6), _reading_age(months + gain))
        return {"baseline_type": "reading_age", "values": values, "met": met}
    if area == "CL":
        score = rng.randint(76, 88)
        gain = rng.randint(-1, 10)
        met = "met" if gain >= 6 else "partly" if gain >= 2 else "not_met"
        values = (str(score), str(score + 6), str(score + gain))
        return {"baseline_type": "standardised_score", "values": values, "met": met}
    if area == "SEMH":
        count = rng.randint(5, 9)
        after = rng.randint(1, 7)
        met = "met" if after <= 2 else "partly" if after < count else "not_met"
        return {"baseline_type": "count", "values": (str(count), "2", str(after)), "met": met}
    rating = rng.randint(1, 2)
    after = min(5, rating + rng.randint(0, 3))
    met = "met" if after >= 4 else "partly" if after > rating else "not_met"
    return {"baseline_type": "rating", "values": (str(rating), "4", str(after)), "met": met}


DECISIONS = {
    "met": (("exit", "Target met: leave the group and monitor in class."),
            ("continue", "Target met: continue to secure the gains.")),
    "partly": (("continue", "Continue for another block."),
               ("modify", "Modify: change the resources or the group, then review.")),
    "not_met": (("modify", "Modify: more frequent sessions and a new approach."),
                ("escalate", "Escalate to Wave 3 and seek specialist advice.")),
}  # fmt: skip


def _reviews(act: _Activity, story: list[Review]) -> None:
    """Completed cycles for finished groups, planned ones for running groups.

    Two running cycles are made overdue and three due within a fortnight of ``today``,
    so the reviews screen always has something to show.
    """
    in_story = {id(r.membership) for r in story}
    running: list[Review] = []
    finished: list[Review] = []
    for group in act.groups:
        if group.start_date > act.today:
            continue
        if group.provision.name.endswith("assessment"):
            continue  # an assessment is evidence for a review, not a cycle of its own
        for member in group.memberships:
            if id(member) in in_story or member.join_date > act.today:
                continue
            review = _review_for(act, group, member)
            act.session.add(review)
            if review.completed_on is not None:
                finished.append(review)
            elif member.join_date < act.today:
                running.append(review)
    shifts = (-16, -5, 3, 7, 12)
    for review, shift in zip(running[:: max(1, len(running) // 5)], shifts, strict=False):
        # Never before the baseline, so an early-September cycle is overdue by days.
        review.review_date = max(act.today + dt.timedelta(days=shift), review.baseline_date)  # type: ignore[type-var]
    if len(running) < 2:
        # Nothing running long enough (start of year, holidays): leave the latest
        # finished cycles unreviewed instead, so something is overdue.
        for review in sorted(finished, key=lambda r: r.review_date)[-2:]:  # type: ignore[arg-type, return-value]
            review.outcome_value, review.outcome_date, review.target_met = "", None, None
            review.decision, review.next_step, review.escalate_to = None, "", ""
            review.completed_on = None


def _review_for(act: _Activity, group: ProvisionGroup, member: GroupMembership) -> Review:
    """One pupil's cycle in one group: completed if it has ended, planned otherwise."""
    measure = _measure(act, group, member)
    baseline, target, outcome = measure["values"]
    ended = member.leave_date or group.end_date
    review = Review(
        pupil=member.pupil,
        membership=member,
        baseline_type=measure["baseline_type"],
        baseline_value=baseline,
        baseline_date=member.join_date,
        outcome_sought=OUTCOME_SOUGHT[group.provision.area],
        target=f"Reach {target} by the end of the block",
        target_value=target,
        review_date=ended,
    )
    if ended < act.today:
        decision, step = act.rng.choice(DECISIONS[measure["met"]])
        review.outcome_value = outcome
        review.outcome_date = ended
        review.target_met = measure["met"]
        review.decision = decision
        review.next_step = step
        if decision == "escalate":
            review.escalate_to = "Wave 3: specialist advice"
        review.completed_on = min(ended + dt.timedelta(days=act.rng.randint(0, 6)), act.today)
    return review
