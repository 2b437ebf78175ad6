"""A small school for the planning tests, every finding worked out by hand.

2026/27 (terms as ``schools.costed``), year groups 3 to 6 (Year 6 the last). Teaching
assistants at £18.00 an hour; every group runs all year, 07/09/2026-16/07/2027 (190
teaching days, 38 weeks), so each is copied forward into 2027/28.

Groups (sessions a week match the slots; all funded by "Notional SEN", budget £1,000):

- Phonics (CL, Year 3 and 4 only, size 4): Ms Jones, Mon and Wed 09:00, 10 min;
  Ava Adams, Cal Cole, Eve Evans. £3.00 x 2 x 38 = £228.00.
- Precision Teaching (CL, size 4, needs "Precision Teaching" training): Ms Jones, Mon
  09:05 and Fri 09:00, 10 min; Eve Evans. £228.00.
- Maths catch-up (CL, size 4): Mr Khan, Tue 10:00, 30 min; Eve Evans. £342.00.
- Lego therapy (SEMH, 1:1, needs "Lego therapy" training, which Mr Khan has): Mr Khan,
  Tue 10:15, 30 min; Dan Dale. £342.00.
  Total £1,140.00: £140.00 over the budget.

Pupils: Ava Adams (Year 3, SPLD), Ben Brown (Year 3, SEMH, in no group), Cal Cole
(Year 4, SLCN and SPLD), Dan Dale (Year 4, no SEN), Eve Evans (Year 5, MLD, EHC plan:
"Speech and language therapy" (SaLT, not planned, 30 min a week) and "Precision
Teaching"), Fay Ford (Year 6, SEMH: leaves), Gus Gray (joins Year 3 on 01/09/2027, ASD).

Ms Jones is contracted for 30 minutes a week (plans 40: Mon 20, Wed 10, Fri 10);
Mr Khan for 2 hours (plans 1 hour, on Tuesday).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from provmap_desktop.models import Ehcp, EhcpProvisionItem, StaffTraining, Training

from ..schools import costed, rows

D = dt.date
ALL_YEAR = (D(2026, 9, 7), D(2027, 7, 16))
TODAY = D(2026, 11, 23)


def build(session: Session) -> dict[str, Any]:
    """The school above; returns its rows by name."""
    year = costed.make_year(session)
    years = {n: rows.add_year_group(session, f"Year {n}", n) for n in (3, 4, 5, 6)}
    role = costed.make_role(session)
    jones = costed.make_staff(session, role, "Ms Jones")
    khan = costed.make_staff(session, role, "Mr Khan")
    jones.intervention_minutes, khan.intervention_minutes = 30, 120
    stream = rows.add_stream(session, "Notional SEN", year, "1000.00")
    pt_training, lego_training = Training(name="Precision Teaching"), Training(name="Lego therapy")
    session.add_all([pt_training, lego_training])
    session.add(StaffTraining(staff=khan, training=lego_training, trained_on=D(2025, 3, 1)))

    def provision(name: str, area: str, minutes: int, per_week: int, size: int) -> Any:
        return costed.make_provision(
            session, name, area=area, session_minutes=minutes, sessions_per_week=per_week,
            group_size=size, funding_stream_id=stream.id,
        )  # fmt: skip

    phonics = provision("Phonics", "CL", 10, 2, 4)
    phonics.suitable_year_groups = [years[3], years[4]]
    precision = provision("Precision Teaching", "CL", 10, 2, 4)
    precision.trainings_needed = [pt_training]
    maths = provision("Maths catch-up", "CL", 30, 1, 4)
    lego = provision("Lego therapy", "SEMH", 30, 1, 1)
    lego.trainings_needed = [lego_training]
    salt = provision("SaLT", "CI", 30, 1, 1)

    def group(prov: Any, staff: Any, slots: list[tuple[int, dt.time]]) -> Any:
        return rows.add_group(session, prov, year, None, ALL_YEAR, staff=staff, slots=slots)

    t = dt.time
    groups = {
        "phonics": group(phonics, jones, [(0, t(9, 0)), (2, t(9, 0))]),
        "precision": group(precision, jones, [(0, t(9, 5)), (4, t(9, 0))]),
        "maths": group(maths, khan, [(1, t(10, 0))]),
        "lego": group(lego, khan, [(1, t(10, 15))]),
    }
    pupil = rows.add_pupil
    people = {
        "ava": pupil(session, "Ava", "Adams", years[3], primary="SPLD"),
        "ben": pupil(session, "Ben", "Brown", years[3], primary="SEMH"),
        "cal": pupil(session, "Cal", "Cole", years[4], primary="SLCN", secondary="SPLD"),
        "dan": pupil(session, "Dan", "Dale", years[4], sen="N"),
        "eve": pupil(session, "Eve", "Evans", years[5], sen="E", primary="MLD"),
        "fay": pupil(session, "Fay", "Ford", years[6], primary="SEMH"),
        "gus": pupil(session, "Gus", "Gray", years[3], primary="ASD", on_roll_date=D(2027, 9, 1)),
    }
    for key, members in {
        "phonics": ("ava", "cal", "eve"),
        "precision": ("eve",),
        "maths": ("eve",),
        "lego": ("dan",),
    }.items():
        for name in members:
            rows.allocate(session, groups[key], people[name])
    plan = Ehcp(pupil=people["eve"])
    plan.provision_items = [
        EhcpProvisionItem(text="Speech and language therapy", minutes_per_week=30,
                          provision_id=salt.id, sort_order=0),
        EhcpProvisionItem(text="Precision Teaching", provision_id=precision.id, sort_order=1),
    ]  # fmt: skip
    session.add(plan)
    session.flush()
    return {"year": year, "years": years, "jones": jones, "khan": khan, "stream": stream,
            "groups": groups, "pupils": people, "budget": Decimal("1000.00")}  # fmt: skip
