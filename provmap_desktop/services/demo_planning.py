"""The demo school's plan for next year: contracted hours, training and needs by hand.

With this year's groups copied forward, the plan shows some gaps, one member of staff
(Mrs Karen Doyle, the key adult for two pupils) over her contracted hours, one training
need (Miss Chloe Brennan runs Lego-based therapy without its training) and one timetable
clash (Mr Tom Riley's vocabulary group starts before his check-in ends; see
``demo_activity.EHCP_PLANS``). ``tests/services/test_demo.py`` holds it to that.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import planning, training
from ..domain.change import RowsAdded
from ..models import AcademicYear, Provision, Staff, Training, YearGroup
from ..models.planning import NeedGrade

#: Contracted minutes a week for intervention work, by the demo's staff keys.
CONTRACTED: dict[str, int] = {
    "teacher": 60, "hlta1": 360, "hlta2": 180, "mentor": 180, "ta1": 120, "ta2": 120,
    "ta3": 180, "ta4": 120, "ta5": 120, "ta6": 540, "ta7": 1800, "salt": 30, "ot": 45,
    "spld": 60,
}  # fmt: skip

#: Training: (name, provision needing it or None, staff keys trained, years ago trained).
TRAINING: tuple[tuple[str, str | None, tuple[str, ...], int], ...] = (
    ("Precision Teaching", "Precision Teaching", ("ta1", "ta2"), 2),
    ("Lego-based therapy", "Lego-based therapy", ("mentor",), 1),
    ("ELSA", "Emotional literacy support (ELSA)", ("hlta1",), 3),
    ("Team Teach", None, ("ta6", "ta7"), 1),
)

#: Needs planned by hand for next year: (year group, area, need type, pupils, grade, note).
PLANNED = (
    ("Reception", "CI", "SLCN", 4, NeedGrade.MUST,
     "Speech and language needs flagged on nursery visits"),
    ("Year 3", "CL", "SPLD", 3, NeedGrade.SHOULD, "Phonics support expected to continue"),
    ("Year 6", "SEMH", None, 2, NeedGrade.COULD, "Transition support before secondary school"),
)  # fmt: skip


def add_plan(session: Session, staff: dict[str, Staff], current: AcademicYear) -> None:
    """Contracted hours, training and next year's planned needs; flush."""
    for key, minutes in CONTRACTED.items():
        planning.set_intervention_hours(session, staff[key].id, minutes)
    provisions = {p.name: p.id for p in session.scalars(select(Provision))}
    for name, needed_by, trained, years_ago in TRAINING:
        change = training.add_training(session, name)
        assert isinstance(change, RowsAdded)
        course: Training = change.rows[0]
        if needed_by is not None:
            training.set_provision_needs(session, provisions[needed_by], course.id)
        on = dt.date(current.start_date.year - years_ago, 10, 12)
        for key in trained:
            training.add_staff_training(session, staff[key].id, course.id, on)
    first = current.start_date.year + 1
    label = f"{first}/{(first + 1) % 100:02d}"
    year_groups = {y.name: y.id for y in session.scalars(select(YearGroup))}
    for year_group, area, need_type, pupils, grade, note in PLANNED:
        planning.add_planned_need(
            session, label, year_groups[year_group], area, need_type=need_type, pupils=pupils,
            grade=grade, note=note,
        )  # fmt: skip
    session.flush()
