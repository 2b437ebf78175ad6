"""The demo school's year-end story: last year closed, two pupils leaving, and next
September's intake already recorded.

Part of ``services.demo``; no random draws, so the rest of the school is unchanged.

- **2025/26 is closed**, as if the school had rolled over into this year: each pupil
  on roll then has a ``PupilYear`` one year group (and class) below today's, so last
  year's map shows them where they were. Reception pupils joined this year.
- **Two pupils are leaving** at the end of this year (moving away): the first two
  Year 3 pupils by surname who have no EHC plan.
- **Three Reception starters** for next September (the intake): one with no SEN, one
  on SEN support for speech and language, one arriving with an EHC plan.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import ehcp as ehcp_writes
from ..domain import pupils as pupil_writes
from ..domain.rollover_apply import close_year
from ..models import AcademicYear, Pupil, SchoolClass, YearGroup
from ..rules.upn import make_upn
from .demo_school import ESTABLISHMENT, LA_NUMBER

#: (forename, surname, gender, SEN status, primary need, Section F item or None)
INTAKE = (
    ("Arlo", "Bennett", "M", "N", None, None),
    ("Isla", "Grant", "F", "K", "SLCN", None),
    ("Noah", "Pearce", "M", "E", "ASD", "Speech and language therapy, 30 minutes a week"),
)
LEAVING = 2


def close_previous_year(session: Session, previous: AcademicYear) -> None:
    """Record where each pupil was in ``previous`` and close it."""
    by_order = {y.sort_order: y.id for y in session.scalars(select(YearGroup))}
    order_of = {v: k for k, v in by_order.items()}
    class_of = {c.year_group_id: c.id for c in session.scalars(select(SchoolClass))}
    places = []
    for pupil in session.scalars(select(Pupil).where(Pupil.archived.is_(False))):
        if pupil.on_roll_date is not None and pupil.on_roll_date > previous.end_date:
            continue
        now = order_of.get(pupil.year_group_id) if pupil.year_group_id is not None else None
        before = by_order.get(now - 1) if now is not None else None
        if before is not None:
            places.append((pupil.id, before, class_of.get(before), False))
    close_year(session, previous.id, previous.end_date, places)


def mark_leavers(session: Session, current: AcademicYear) -> None:
    """The first Year 3 pupils by surname without an EHC plan leave at the year's end."""
    last_day = current.terms[-1].end_date if current.terms else current.end_date
    chosen = session.scalars(
        select(Pupil)
        .join(YearGroup, Pupil.year_group_id == YearGroup.id)
        .where(YearGroup.sort_order == 3, Pupil.sen_status != "E", Pupil.archived.is_(False))
        .order_by(Pupil.surname, Pupil.forename)
        .limit(LEAVING)
    )
    for pupil in list(chosen):
        pupil_writes.mark_leaving(session, pupil.id, last_day)


def add_intake(session: Session, current: AcademicYear) -> None:
    """Next September's Reception starters (see ``INTAKE``)."""
    reception = session.scalar(select(YearGroup.id).where(YearGroup.sort_order == 0))
    first_day = current.end_date + dt.timedelta(days=1)
    for serial, (forename, surname, gender, sen, need, item) in enumerate(INTAKE, start=901):
        made = pupil_writes.add(
            session,
            forename=forename,
            surname=surname,
            upn=make_upn(LA_NUMBER, ESTABLISHMENT, first_day.year, serial),
            date_of_birth=dt.date(first_day.year - 5, 3 + serial % 6, 10),
            gender=gender,
            year_group_id=reception,
            sen_status=sen,
            on_roll_date=first_day,
        )
        if need is not None:
            pupil_writes.update(session, made.pupil_id, "primary_need", need)
        if item is not None:
            plan = ehcp_writes.add_plan(session, made.pupil_id, "EHC/intake")
            ehcp_writes.add_item(session, plan.rows[0].id, item, minutes_per_week=30)
    session.flush()
