"""The built-in demo school: Oakfield Primary School, a fictional school to explore.

Every row is written through the domain writes (``provmap_desktop.domain``), as any
script building a school would; the modules ``demo_school``, ``demo_pupils``,
``demo_activity`` (with ``demo_groups``, ``demo_maya``, ``demo_records`` and
``demo_reviews``), ``demo_ehcp``, ``demo_plans`` and ``demo_annual_reviews`` each make
one part of it.

``build_demo_school`` fills an empty database with a realistic primary school: Reception
to Year 6, one class of about 30 per year group, 210 pupils with fictional names (from
``resources/demo_names.json``, which also holds the profile phrases and EHCP outcomes),
about 45 on the SEN register with six EHC plans, staff with hourly costs, the starter
catalogue, about 35 groups this academic year and a dozen last year, delivery records
up to the day before ``today``, APDR reviews and funding budgets, and (``demo_planning``)
each person's contracted hours for intervention work, their training and the needs
planned by hand for next year.

It is deterministic: one ``random.Random`` with a fixed seed, and ``today`` the only
input, so the same ``today`` always gives the same school. Everything is placed
relative to the academic year holding ``today`` (the current year) and the one before.

One pupil, Maya, follows the Year 4 worked example of the graduated approach: last year
in Year 4 she had Precision Teaching (3 x 10 minutes a week for 12 weeks in a group of
four), a mid-point review that modified it, and an end review that found four months'
reading-age progress against a six-month target and escalated to a specialist
assessment and a Wave 3 structured literacy programme, which continues this year.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear
from ..storage.audit import AUDIT_OFF
from .calendar import SchoolCalendar
from .demo_activity import build_activity
from .demo_annual_reviews import add_annual_reviews
from .demo_documents import add_fields_and_documents
from .demo_ehcp import add_ehcps
from .demo_planning import add_plan
from .demo_plans import add_plans_and_meetings
from .demo_pupils import add_pupils, add_sen_register
from .demo_school import (
    LA_NUMBER,
    SCHOOL_NAME,
    SEED,
    URN,
    YEAR_GROUPS,
    add_budgets,
    add_classes,
    add_staff,
    load_text,
)
from .demo_year_end import add_intake, close_previous_year, mark_leavers
from .school_setup import academic_year_start_for, create_school, ensure_academic_year


def build_demo_school(session: Session, *, today: dt.date) -> None:
    """Fill an empty database with Oakfield Primary School as it stands on ``today``; commit.

    Raises ``ValueError`` if the database already holds a school. The audit log is
    switched off while the school is generated and restored afterwards.
    """
    previous_audit = session.info.get(AUDIT_OFF)
    session.info[AUDIT_OFF] = True
    try:
        _build(session, today)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if previous_audit is None:
            session.info.pop(AUDIT_OFF, None)
        else:
            session.info[AUDIT_OFF] = previous_audit


def _build(session: Session, today: dt.date) -> None:
    """Write the whole school, in the order its random draws are made; flush."""
    rng = random.Random(SEED)
    text = load_text()
    current_start = academic_year_start_for(today)
    create_school(
        session,
        name=SCHOOL_NAME,
        phase="primary",
        year_group_names=YEAR_GROUPS,
        start_year=current_start - 1,
        la_number=LA_NUMBER,
        urn=URN,
    )
    previous = session.scalars(select(AcademicYear)).one()
    current = ensure_academic_year(session, current_start)
    classes = add_classes(session)
    staff = add_staff(session)
    pupils = add_pupils(session, rng, text, today, classes)
    maya = add_sen_register(session, rng, text, today, pupils)
    calendars = {year.id: SchoolCalendar.from_terms(year.terms) for year in (previous, current)}
    memberships = build_activity(
        session,
        rng,
        today=today,
        years=(previous, current),
        calendars=calendars,
        pupils=pupils,
        staff=staff,
        maya=maya,
    )
    add_ehcps(session, rng, text, today, pupils, memberships)
    add_plans_and_meetings(session, SEED + 16, today, pupils, maya)
    add_fields_and_documents(session, today, pupils, maya)
    add_annual_reviews(session, today)
    add_budgets(session, [p for year in pupils.values() for p in year], (previous, current))
    close_previous_year(session, previous)
    mark_leavers(session, current)
    add_intake(session, current)
    add_plan(session, staff, current)
    session.flush()
