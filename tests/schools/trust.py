"""Brook Lane Primary: the second school of the trust overview's tests.

The first is Test Primary with its whole year of costs (``small.add_whole_year_costs``:
3 provisions, 6 pupils on SEN support, no EHC plan, £12,882.00 planned against a
£12,000.00 budget, 1 pupil (Eve, £6,840.00) at or over £6,000).

Brook Lane runs the same calendar (38 costed weeks) with a teaching assistant at
£20.00 an hour and a Notional SEN budget of £9,000.00:

- 1:1 TA support (wave 3) for Gus (EHC plan), 5 x 2 hours a week all year:
  £40.00 x 5 x 38 = £7,600.00, all his.
- Social skills group (wave 2) for Hana (EHC plan) and Ivy (SEN support), once a week
  for an hour all year: £20.00 x 1 x 38 = £760.00, £380.00 each.

So: 2 provisions; on the SEN register Gus, Hana and Ivy (3; Jay has no SEN and Kit,
on SEN support, has left); 2 EHC plans; £8,360.00 planned against £9,000.00
(£640.00 under); 1 pupil (Gus) at or over £6,000.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from . import rows

D = dt.date
WHOLE_YEAR = (D(2026, 9, 1), D(2027, 8, 31))

#: Every pupil of both trust schools, (forename, surname): none may appear in the overview.
TRUST_PUPILS = [
    ("Ava", "Adams"), ("Ben", "Brown"), ("Cal", "Cole"), ("Dan", "Dale"),
    ("Eve", "Evans"), ("Finn", "Ford"),
    ("Gus", "Gower"), ("Hana", "Hughes"), ("Ivy", "Irwin"), ("Jay", "Jones"), ("Kit", "Kemp"),
]  # fmt: skip


def add_brook_lane(session: Session) -> None:
    """Brook Lane Primary for 2026/27, figures as worked out above."""
    rows.add_settings(session, "Brook Lane Primary")
    year = rows.add_year(
        session,
        "2026/27",
        D(2026, 9, 1),
        D(2027, 8, 31),
        [
            ("Autumn", D(2026, 9, 3), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
            ("Spring", D(2027, 1, 5), D(2027, 3, 26)),
            ("Summer", D(2027, 4, 12), D(2027, 7, 21)),
        ],
    )
    year2 = rows.add_year_group(session, "Year 2", 2)
    year3 = rows.add_year_group(session, "Year 3", 3)
    patel = rows.add_staff(
        session, "Mr Patel", rows.add_role(session, "Teaching assistant", "20.00")
    )
    stream = rows.add_stream(session, "Notional SEN", year, "9000.00", kind="notional_sen")
    gus = rows.add_pupil(session, "Gus", "Gower", year2, sen="E")
    hana = rows.add_pupil(session, "Hana", "Hughes", year2, sen="E")
    ivy = rows.add_pupil(session, "Ivy", "Irwin", year3, sen="K")
    rows.add_pupil(session, "Jay", "Jones", year3, sen="N")
    rows.add_pupil(session, "Kit", "Kemp", year3, sen="K", archived=True)
    one_to_one = rows.add_provision(
        session, "1:1 TA support", area="SEMH", wave=3, session_minutes=120,
        sessions_per_week=5, group_size=1, funding_stream=stream,
    )  # fmt: skip
    social = rows.add_provision(
        session, "Social skills group", area="SEMH", wave=2, session_minutes=60,
        sessions_per_week=1, group_size=6, funding_stream=stream,
    )  # fmt: skip
    group = rows.add_group(session, one_to_one, year, year2, WHOLE_YEAR, staff=patel)
    rows.allocate(session, group, gus)
    group = rows.add_group(session, social, year, None, WHOLE_YEAR, staff=patel)
    rows.allocate(session, group, hana)
    rows.allocate(session, group, ivy)
    session.commit()
