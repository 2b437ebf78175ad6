"""A small school at the end of 2026/27, for the rollover tests.

Year groups Reception, Year 1 and Year 2 (the last); one class each: Robins, Owls,
Eagles. Mrs Ahmed, a teaching assistant at £18.00 an hour.

- Ava Adams, Reception (Robins).
- Ben Brook, Year 1 (Owls), EHC plan: Section F "Speech therapy weekly" is met by his
  place in the Speech therapy group.
- Cal Cross, Year 2 (Eagles): in the last year group, so he leaves.
- Dan Dale, Year 1 (Owls), leaving on 16/07/2027: he leaves too.
- Eve Evans, next year's intake: joins Reception on 01/09/2027.
- Finn Ford, Year 1 (Owls), in the summer Phonics group.

Groups of 2026/27: Speech therapy (Year 1, the whole year, Tuesdays, Mrs Ahmed: Ben
and Dan), Phonics (Year 1, summer term, Finn), Lego (Year 1, autumn only, Finn).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from provmap_desktop.models import Ehcp, EhcpProvisionItem

from ..schools import rows

D = dt.date
YEAR = (D(2026, 9, 1), D(2027, 8, 31))
TERMS = [
    ("Autumn", D(2026, 9, 3), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
    ("Spring", D(2027, 1, 5), D(2027, 3, 26), D(2027, 2, 15), D(2027, 2, 19)),
    ("Summer", D(2027, 4, 12), D(2027, 7, 21), D(2027, 5, 31), D(2027, 6, 4)),
]


def build(session: Session) -> dict[str, Any]:
    """Write the school (committed); return the ids by name."""
    rows.add_settings(session, "Rollover Primary")
    year = rows.add_year(session, "2026/27", *YEAR, TERMS)
    reception = rows.add_year_group(session, "Reception", 0)
    year1 = rows.add_year_group(session, "Year 1", 1)
    year2 = rows.add_year_group(session, "Year 2", 2)
    robins = rows.add_class(session, "Robins", reception)
    owls = rows.add_class(session, "Owls", year1)
    eagles = rows.add_class(session, "Eagles", year2)
    ahmed = rows.add_staff(session, "Mrs Ahmed", rows.add_role(session, "Teaching assistant"))
    ava = rows.add_pupil(session, "Ava", "Adams", reception, school_class=robins)
    ben = rows.add_pupil(session, "Ben", "Brook", year1, school_class=owls, sen="E")
    cal = rows.add_pupil(session, "Cal", "Cross", year2, school_class=eagles)
    dan = rows.add_pupil(session, "Dan", "Dale", year1, school_class=owls)
    dan.leaving_date = D(2027, 7, 16)
    eve = rows.add_pupil(session, "Eve", "Evans", reception, primary="SLCN")
    eve.on_roll_date = D(2027, 9, 1)
    finn = rows.add_pupil(session, "Finn", "Ford", year1, school_class=owls)
    speech = rows.add_provision(session, "Speech therapy", area="CI", wave=3)
    phonics = rows.add_provision(session, "Phonics", area="CL")
    lego = rows.add_provision(session, "Lego therapy", area="CI")
    speech_group = rows.add_group(
        session,
        speech,
        year,
        year1,
        (D(2026, 9, 7), D(2027, 7, 16)),
        staff=ahmed,
        slots=[(1, dt.time(10, 0))],
        name="Speech Y1",
    )
    phonics_group = rows.add_group(
        session,
        phonics,
        year,
        year1,
        (D(2027, 4, 12), D(2027, 7, 16)),
        name="Phonics Y1",
        slots=[(2, None)],
    )
    lego_group = rows.add_group(session, lego, year, year1, (D(2026, 9, 7), D(2026, 12, 4)))
    ben_speech = rows.allocate(session, speech_group, ben)
    rows.allocate(session, speech_group, dan)
    rows.allocate(session, phonics_group, finn)
    rows.allocate(session, lego_group, finn)
    plan = Ehcp(pupil=ben)
    plan.provision_items.append(
        EhcpProvisionItem(text="Speech therapy weekly", membership_id=ben_speech.id)
    )
    session.add(plan)
    session.commit()
    return {
        "year": year.id,
        "reception": reception.id,
        "year1": year1.id,
        "year2": year2.id,
        "robins": robins.id,
        "owls": owls.id,
        "eagles": eagles.id,
        "ahmed": ahmed.id,
        "ava": ava.id,
        "ben": ben.id,
        "cal": cal.id,
        "dan": dan.id,
        "eve": eve.id,
        "finn": finn.id,
        "speech_group": speech_group.id,
        "phonics_group": phonics_group.id,
        "lego_group": lego_group.id,
        "ben_speech": ben_speech.id,
        "item": plan.provision_items[0].id,
    }
