"""A large synthetic secondary school for the benchmarks.

2,000 pupils in Years 7 to 13, 500 of them on the SEN register, 150 provisions,
700 groups a year with their members, and five academic years of history. The school,
its calendar, year groups, roles and staff go in through the domain writes, as the
app adds them; the thousands of rows after that go in through bulk inserts, which
leave no audit entries: this is test data, not user edits.

    python -m bench.generate_school OUT.provmap [--seed 7] [--plans]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from provmap_desktop.domain import school, staff
from provmap_desktop.domain.change import Change, RowsAdded
from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    StaffRole,
    YearGroup,
)
from provmap_desktop.models.vocab import NEED_TO_AREA, AreaOfNeed
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import open_database

from .plan_rows import add_plans_and_meetings

PUPILS = 2000
SEN_PUPILS = 500
PROVISIONS = 150
GROUPS_PER_YEAR = 700
YEARS_OF_HISTORY = 5
FIRST_YEAR = 2022  # 2022/23 .. 2026/27


def _terms(start_year: int) -> list[dict[str, object]]:
    y, n = start_year, start_year + 1
    return [
        {"name": "Autumn", "start_date": dt.date(y, 9, 4), "end_date": dt.date(y, 12, 19),
         "half_term_start": dt.date(y, 10, 27), "half_term_end": dt.date(y, 10, 31)},
        {"name": "Spring", "start_date": dt.date(n, 1, 6), "end_date": dt.date(n, 3, 27),
         "half_term_start": dt.date(n, 2, 16), "half_term_end": dt.date(n, 2, 20)},
        {"name": "Summer", "start_date": dt.date(n, 4, 13), "end_date": dt.date(n, 7, 21),
         "half_term_start": dt.date(n, 5, 25), "half_term_end": dt.date(n, 5, 29)},
    ]  # fmt: skip


@dataclass
class _Setup:
    """The rows the bulk inserts refer to: years, year groups, classes, roles, staff."""

    years: list[AcademicYear]
    year_groups: list[YearGroup]
    classes: list[SchoolClass]
    roles: list[StaffRole]
    staff: list[Staff]


def _added(change: Change) -> Any:
    assert isinstance(change, RowsAdded), change
    return change.rows[0]


def _setup(s: Session, rng: random.Random) -> _Setup:
    """The school, its calendar, year groups, roles and staff, through the domain writes
    (the classes as rows: they have no domain write yet)."""
    school.add_school(s, "Hillside Academy (synthetic)", "secondary")
    years = [
        _added(school.add_academic_year(s, y, [_term_row(t) for t in _terms(y)]))
        for y in range(FIRST_YEAR, FIRST_YEAR + YEARS_OF_HISTORY)
    ]
    year_groups = [_added(school.add_year_group(s, f"Year {n}", n)) for n in range(7, 14)]
    classes = [
        SchoolClass(name=f"{yg.sort_order}{letter}", year_group_id=yg.id)
        for yg in year_groups
        for letter in "ABCDEFGH"
    ]
    s.add_all(classes)
    roles = [
        _added(staff.add_role(s, name, Decimal(rate), external))
        for name, rate, external in (
            ("Teaching assistant", "18.00", False),
            ("HLTA", "21.00", False),
            ("Teacher", "45.00", False),
            ("SaLT", "65.00", True),
        )
    ]
    members = [
        _added(staff.add_staff(s, f"Staff member {i:03d}", rng.choice(roles).id))
        for i in range(120)
    ]
    s.flush()
    return _Setup(years, year_groups, classes, roles, members)


def _term_row(term: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("name", "start_date", "end_date", "half_term_start", "half_term_end")
    return tuple(term[k] for k in keys)


def _provisions(s: Session, rng: random.Random, roles: list[StaffRole]) -> int:
    """The catalogue: ``PROVISIONS`` interventions across the four areas and three waves."""
    areas = list(AreaOfNeed)
    provisions = [
        {
            "name": f"Intervention {i:03d}",
            "area": areas[i % 4].value,
            "wave": 1 + i % 3,
            "delivered_by_role_id": rng.choice(roles).id,
            "session_minutes": rng.choice([10, 20, 30, 45, 60]),
            "sessions_per_week": rng.choice([1, 2, 3, 5]),
            "weeks": rng.choice([6, 12, 38]),
            "group_size": rng.choice([1, 2, 4, 6, 8]),
            "resources_cost": Decimal(rng.choice([0, 50, 120])),
            "external_cost_per_session": Decimal(0),
            "description": "",
            "external_agency": "",
            "entry_criteria": "",
            "exit_criteria": "",
            "retired": False,
        }
        for i in range(PROVISIONS)
    ]
    s.execute(insert(Provision), provisions)
    return len(provisions)


def _pupils(s: Session, rng: random.Random, setup: _Setup) -> int:
    """``PUPILS`` pupils spread over the year groups, the first ``SEN_PUPILS`` with SEN."""
    classes_by_year: dict[int, list[SchoolClass]] = {}
    for c in setup.classes:
        classes_by_year.setdefault(c.year_group_id or 0, []).append(c)
    needs = list(NEED_TO_AREA)
    pupils = []
    for i in range(PUPILS):
        yg = setup.year_groups[i % len(setup.year_groups)]
        sen = i < SEN_PUPILS
        pupils.append(
            {
                "upn": make_upn("801", "4000", 20 + i // 1000, i % 1000),
                "surname": f"Surname{i:04d}",
                "forename": f"Pupil{i:04d}",
                "preferred_name": "",
                "gender": rng.choice("MF"),
                "year_group_id": yg.id,
                "class_id": rng.choice(classes_by_year[yg.id]).id,
                "sen_status": ("E" if i < 60 else "K") if sen else "N",
                "primary_need": rng.choice(needs) if sen else None,
                "sen_notes": "",
                "eal": False,
                "pupil_premium": rng.random() < 0.3,
                "fsm": rng.random() < 0.2,
                "cla": False,
                "archived": False,
            }
        )
    s.execute(insert(Pupil), pupils)
    return len(pupils)


def _groups(s: Session, rng: random.Random, setup: _Setup) -> int:
    """``GROUPS_PER_YEAR`` groups a year, each for one term, a year group and a member of
    staff; return how many."""
    groups: list[dict[str, object]] = []
    provision_rows = list(s.query(Provision.id, Provision.group_size))
    for year in setup.years:
        for _ in range(GROUPS_PER_YEAR):
            term = rng.choice(year.terms)
            provision_id, _size = rng.choice(provision_rows)
            groups.append(
                {
                    "provision_id": provision_id,
                    "academic_year_id": year.id,
                    "year_group_id": rng.choice(setup.year_groups).id,
                    "staff_id": rng.choice(setup.staff).id,
                    "start_date": term.start_date,
                    "end_date": term.end_date,
                    "name": "",
                    "location": "",
                    "notes": "",
                }
            )
    s.execute(insert(ProvisionGroup), groups)
    return len(groups)


def _members(s: Session, rng: random.Random) -> int:
    """A weekly slot for every group and SEN pupils of its year group up to its size."""
    pupil_ids_by_year: dict[int, list[int]] = {}
    for pupil in s.query(Pupil.id, Pupil.year_group_id, Pupil.sen_status):
        if pupil.sen_status != "N":
            pupil_ids_by_year.setdefault(pupil.year_group_id, []).append(pupil.id)
    size_of = dict(s.query(Provision.id, Provision.group_size).all())
    slots: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    for group in s.query(
        ProvisionGroup.id,
        ProvisionGroup.provision_id,
        ProvisionGroup.year_group_id,
        ProvisionGroup.start_date,
    ):
        slots.append({"group_id": group.id, "weekday": rng.randrange(5), "start_time": dt.time(9)})
        candidates = pupil_ids_by_year[group.year_group_id]
        count = min(len(candidates), max(1, size_of[group.provision_id]))
        for pupil_id in rng.sample(candidates, count):
            members.append(
                {"group_id": group.id, "pupil_id": pupil_id, "join_date": group.start_date}
            )
    s.execute(insert(GroupSlot), slots)
    s.execute(insert(GroupMembership), members)
    return len(members)


def generate(path: Path, *, seed: int = 7, plans: bool = False) -> dict[str, int]:
    """Write the synthetic school to a new database at ``path``; return row counts.

    ``plans`` adds 500 SEN support plans, 1,500 meetings and 60 EHC plans with their
    annual reviews (``bench.plan_rows``).
    """
    rng = random.Random(seed)
    db = open_database(path)
    try:
        with db.session_factory() as s, s.begin():
            setup = _setup(s, rng)
            provisions = _provisions(s, rng, setup.roles)
            pupils = _pupils(s, rng, setup)
            groups = _groups(s, rng, setup)
            members = _members(s, rng)
            extra = (
                add_plans_and_meetings(s, rng, dt.date(FIRST_YEAR + YEARS_OF_HISTORY - 2, 9, 8))
                if plans
                else {}
            )
        return {
            "pupils": pupils,
            "provisions": provisions,
            "groups": groups,
            "memberships": members,
            **extra,
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--plans",
        action="store_true",
        help="add 500 SEN support plans, 1,500 meetings, 60 EHC plans and 120 annual reviews",
    )
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists; choose a new file")
    print(generate(args.out, seed=args.seed, plans=args.plans))


if __name__ == "__main__":
    main()
