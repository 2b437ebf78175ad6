"""The demo school's fixed parts: its name, classes, staff and funding budgets.

Part of ``services.demo``. Everything here is written through the domain writes
(``domain.school``, ``domain.staff``, ``domain.funding``), as a script would.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import funding, school, staff
from ..domain.change import Change, RowsAdded
from ..models import AcademicYear, FundingStream, Pupil, SchoolClass, Staff, StaffRole, YearGroup
from ..resources_path import resource_path

SEED = 20_260_901
SCHOOL_NAME = "Oakfield Primary School"
LA_NUMBER, ESTABLISHMENT, URN = "801", "2000", "100001"
YEAR_GROUPS = ["Reception", *(f"Year {n}" for n in range(1, 7))]
CLASSES = {
    0: ("Robins", "Mrs Lucy Hartley"),
    1: ("Wrens", "Mr Ben Okoro"),
    2: ("Owls", "Miss Sara Quinn"),
    3: ("Kestrels", "Mrs Nadia Rahman"),
    4: ("Falcons", "Mr Jonah Price"),
    5: ("Kingfishers", "Ms Alice Fenwick"),
    6: ("Herons", "Mr Tariq Aziz"),
}
# (key, name, role, own hourly rate or None)
STAFF = (
    ("senco", "Mrs Harriet Cole", "SENCO", None),
    ("teacher", "Mr Daniel Osei", "Teacher", None),
    ("hlta1", "Mrs Joanne Fielding", "HLTA", "22.50"),
    ("hlta2", "Mr Samir Haddad", "HLTA", None),
    ("mentor", "Mr Leon Marsh", "Learning mentor", None),
    ("ta1", "Mrs Amina Ahmed", "Teaching assistant", "19.50"),
    ("ta2", "Miss Chloe Brennan", "Teaching assistant", None),
    ("ta3", "Mrs Sunita Bhatt", "Teaching assistant", None),
    ("ta4", "Mr Tom Riley", "Teaching assistant", None),
    ("ta5", "Mrs Grace Adeyemi", "Teaching assistant", None),
    ("ta6", "Ms Ewa Nowicka", "Teaching assistant", None),
    ("ta7", "Mrs Karen Doyle", "Teaching assistant", None),
    ("salt", "Ms Rachel Kemp (visiting SaLT)", "Speech and language therapist", None),
    ("ot", "Mr Owen Pritchard (visiting OT)", "Occupational therapist", None),
    ("spld", "Mrs Fiona Grant (SpLD outreach)", "Specialist teacher (SpLD outreach)", None),
)
HIGH_NEEDS_PER_EHCP = Decimal("7250.00")
PUPIL_PREMIUM_RATE = Decimal("1480.00")


def load_text() -> dict[str, Any]:
    """The names, profile phrases and EHCP outcomes the demo school draws from."""
    with resource_path("demo_names.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day in [first, last]; one draw whatever the span, so the pupils generated do not
    shift with ``today`` (only dates placed relative to it do)."""
    span = max(0, (last - first).days)
    return first + dt.timedelta(days=int(rng.random() * (span + 1)))


def first_row(change: Change) -> Any:
    """The (first) row a domain write added."""
    assert isinstance(change, RowsAdded)
    return change.rows[0]


def add_classes(session: Session) -> dict[int, SchoolClass]:
    """One class per year group, named after a bird, with its teacher; by NC year."""
    year_groups = {y.sort_order: y for y in session.scalars(select(YearGroup))}
    classes: dict[int, SchoolClass] = {}
    for nc, (bird, teacher) in CLASSES.items():
        year_group = year_groups[nc]
        made = school.add_class(
            session, f"{bird} ({year_group.name})", year_group.id, teacher=teacher
        )
        classes[nc] = first_row(made)
    return classes


def add_staff(session: Session) -> dict[str, Staff]:
    """The members of staff in ``STAFF``, two with their own hourly rate; by key."""
    roles = {r.name: r.id for r in session.scalars(select(StaffRole))}
    members: dict[str, Staff] = {}
    for key, name, role, rate in STAFF:
        member: Staff = first_row(staff.add_staff(session, name, roles[role]))
        if rate is not None:
            staff.update_staff(session, member.id, "hourly_cost_override", Decimal(rate))
        members[key] = member
    return members


def add_budgets(session: Session, pupils: Iterable[Pupil], years: tuple[AcademicYear, ...]) -> None:
    """Each funding stream's budget for both years, from the school's numbers."""
    everyone = list(pupils)
    counts = Counter(p.sen_status for p in everyone)
    premium = sum(1 for p in everyone if p.pupil_premium)
    amounts = {
        "Notional SEN budget": Decimal("118000.00"),
        "Pupil premium": PUPIL_PREMIUM_RATE * premium,
        "High-needs top-up": HIGH_NEEDS_PER_EHCP * counts["E"],
        "Other": Decimal("3000.00"),
    }
    for stream in session.scalars(select(FundingStream)).all():
        for year in years:
            funding.set_budget(session, stream.id, year.id, amounts[stream.name])
