"""A large synthetic secondary school for the benchmarks.

2,000 pupils in Years 7 to 13, 500 of them on the SEN register, 150 provisions,
700 groups a year with their members, and five academic years of history. Rows go
in through bulk inserts with the audit hook off: this is test data, not user edits.

    python -m bench.generate_school OUT.provmap [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.models.vocab import NEED_TO_AREA, AreaOfNeed
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.storage import open_database

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


def generate(path: Path, *, seed: int = 7) -> dict[str, int]:
    """Write the synthetic school to a new database at ``path``; return row counts."""
    rng = random.Random(seed)
    db = open_database(path)
    try:
        with db.session_factory() as s, s.begin():
            s.add(SchoolSettings(name="Hillside Academy (synthetic)", phase="secondary"))
            s.flush()
            years = [
                AcademicYear(
                    label=f"{y}/{(y + 1) % 100:02d}",
                    start_date=dt.date(y, 9, 1),
                    end_date=dt.date(y + 1, 8, 31),
                    terms=[Term(**t) for t in _terms(y)],  # type: ignore[arg-type]
                )
                for y in range(FIRST_YEAR, FIRST_YEAR + YEARS_OF_HISTORY)
            ]
            s.add_all(years)
            groups_of_year = [YearGroup(name=f"Year {n}", sort_order=n) for n in range(7, 14)]
            s.add_all(groups_of_year)
            s.flush()
            classes = [
                SchoolClass(name=f"{yg.sort_order}{letter}", year_group_id=yg.id)
                for yg in groups_of_year
                for letter in "ABCDEFGH"
            ]
            s.add_all(classes)
            roles = [
                StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00")),
                StaffRole(name="HLTA", hourly_cost=Decimal("21.00")),
                StaffRole(name="Teacher", hourly_cost=Decimal("45.00")),
                StaffRole(name="SaLT", hourly_cost=Decimal("65.00"), external=True),
            ]
            s.add_all(roles)
            s.flush()
            staff = [
                Staff(name=f"Staff member {i:03d}", role=rng.choice(roles)) for i in range(120)
            ]
            s.add_all(staff)
            s.flush()

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

            classes_by_year: dict[int, list[SchoolClass]] = {}
            for c in classes:
                classes_by_year.setdefault(c.year_group_id or 0, []).append(c)
            needs = list(NEED_TO_AREA)
            pupils = []
            for i in range(PUPILS):
                yg = groups_of_year[i % len(groups_of_year)]
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
            pupil_ids_by_year: dict[int, list[int]] = {}
            for pupil in s.query(Pupil.id, Pupil.year_group_id, Pupil.sen_status):
                if pupil.sen_status != "N":
                    pupil_ids_by_year.setdefault(pupil.year_group_id, []).append(pupil.id)
            provision_rows = list(s.query(Provision.id, Provision.group_size))

            groups: list[dict[str, object]] = []
            for year in years:
                for _ in range(GROUPS_PER_YEAR):
                    term = rng.choice(year.terms)
                    provision_id, _size = rng.choice(provision_rows)
                    groups.append(
                        {
                            "provision_id": provision_id,
                            "academic_year_id": year.id,
                            "year_group_id": rng.choice(groups_of_year).id,
                            "staff_id": rng.choice(staff).id,
                            "start_date": term.start_date,
                            "end_date": term.end_date,
                            "name": "",
                            "location": "",
                            "notes": "",
                        }
                    )
            s.execute(insert(ProvisionGroup), groups)
            size_of = dict(provision_rows)
            slots: list[dict[str, object]] = []
            members: list[dict[str, object]] = []
            for group in s.query(
                ProvisionGroup.id,
                ProvisionGroup.provision_id,
                ProvisionGroup.year_group_id,
                ProvisionGroup.start_date,
            ):
                slots.append(
                    {"group_id": group.id, "weekday": rng.randrange(5), "start_time": dt.time(9)}
                )
                candidates = pupil_ids_by_year[group.year_group_id]
                count = min(len(candidates), max(1, size_of[group.provision_id]))
                for pupil_id in rng.sample(candidates, count):
                    members.append(
                        {"group_id": group.id, "pupil_id": pupil_id, "join_date": group.start_date}
                    )
            s.execute(insert(GroupSlot), slots)
            s.execute(insert(GroupMembership), members)
        return {
            "pupils": len(pupils),
            "provisions": len(provisions),
            "groups": len(groups),
            "memberships": len(members),
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists; choose a new file")
    print(generate(args.out, seed=args.seed))


if __name__ == "__main__":
    main()
