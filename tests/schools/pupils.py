"""A small school for the pupil reports and the pupils CLI, and MIS files to import.

Two academic years (2025/26 and 2026/27), Years 3 and 4, classes 3B and 4M, one
teaching assistant at £18.00 an hour, and four pupils:

- Ava Archer (Year 4, 4M, SEN support): a full one-page profile, Precision Teaching
  in both years (1:1, 2 x 30 min a week), and a completed review in 2025/26.
- Ben Brown (Year 4, 4M, EHC plan): a profile, no provision.
- Cal Clark (Year 3, 3B, no SEN): no profile.
- Dee Dunn (Year 3, 3B, SEN support): no profile.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import GroupMembership, Pupil
from provmap_desktop.rules.upn import make_upn

from . import rows

D = dt.date


def upn(serial: int, year: int = 16) -> str:
    """The UPN of this school's pupil ``serial`` (and of the import files' pupils)."""
    return make_upn("801", "2000", year, serial)


def _ava_profile(session: Session, ava: Pupil) -> None:
    """Ava's full one-page profile."""
    rows.add_profile(
        session,
        ava,
        like_and_admire="Kind to younger children; a brilliant artist.",
        important_to_me="My dog Biscuit and drawing comics.",
        how_to_support="Give me instructions one step at a time.",
        strengths="Visual memory, drawing",
        needs="Reading fluency",
        strategies="Coloured overlays; a word bank",
        pupil_voice="I like working with Mrs Ahmed.",
        parent_views="We read together every night.",
        external_agencies="Educational psychologist (2025)",
        updated_on=D(2026, 10, 1),
    )


def _ava_review(session: Session, ava: Pupil, place: GroupMembership) -> None:
    """Ava's completed 2025/26 review: reading age 6y 2m to 6y 10m, partly met."""
    rows.add_review(
        session,
        ava,
        place,
        baseline_type="reading_age",
        baseline_value="6y 2m",
        baseline_date=D(2025, 9, 8),
        outcome_sought="Read Year 2 common exception words",
        target="7y 0m",
        review_date=D(2025, 12, 15),
        outcome_value="6y 10m",
        outcome_date=D(2025, 12, 15),
        target_met="partly",
        decision="continue",
        completed_on=D(2025, 12, 15),
    )


def make_pupil_school(session: Session) -> dict[str, Pupil]:
    """Build the school described above, commit, and return the pupils by forename."""
    rows.add_settings(session, "Oak Test Primary")
    years = [
        rows.add_year(session, label, D(first, 9, 1), D(first + 1, 8, 31), rows.three_terms(first))
        for label, first in (("2025/26", 2025), ("2026/27", 2026))
    ]
    # Reception too, so the transfer file's Reception pupil has somewhere to go.
    rows.add_year_group(session, "Reception", 0)
    y3, y4 = rows.add_year_group(session, "Year 3", 3), rows.add_year_group(session, "Year 4", 4)
    c3, c4 = rows.add_class(session, "3B", y3), rows.add_class(session, "4M", y4)
    ta = rows.add_role(session, "Teaching assistant", "18.00")
    staff = rows.add_staff(session, "Mrs Ahmed", ta)
    pupils = {
        fore: rows.add_pupil(
            session,
            fore,
            sur,
            yg,
            upn=upn(n),
            school_class=cls,
            sen=sen,
            date_of_birth=D(2016, 5, n),
        )
        for n, fore, sur, yg, cls, sen in (
            (1, "Ava", "Archer", y4, c4, "K"),
            (2, "Ben", "Brown", y4, c4, "E"),
            (3, "Cal", "Clark", y3, c3, "N"),
            (4, "Dee", "Dunn", y3, c3, "K"),
        )
    }
    _ava_profile(session, pupils["Ava"])
    rows.add_profile(session, pupils["Ben"], strengths="Great at maths")
    pt = rows.add_provision(
        session,
        "Precision Teaching",
        area="CL",
        wave=3,
        delivered_by_role=ta,
        session_minutes=30,
        sessions_per_week=2,
        group_size=1,
    )
    groups = [
        rows.add_group(
            session,
            pt,
            year,
            y4,
            (D(first, 9, 7), D(first, 12, 18)),
            name=f"PT {first}",
            staff=staff,
        )
        for year, first in zip(years, (2025, 2026), strict=True)
    ]
    first_place = rows.allocate(session, groups[0], pupils["Ava"], D(2025, 9, 7), D(2025, 12, 18))
    rows.allocate(session, groups[1], pupils["Ava"], D(2026, 9, 7))
    _ava_review(session, pupils["Ava"], first_place)
    session.commit()
    return pupils


HEADERS = ["UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "Year", "Reg", "SEN Status"]


def write_pupils_csv(path: Path, count: int, bad: dict[int, dict[str, str]] | None = None) -> None:
    """``count`` valid pupils in Year 3 or Year 4; ``bad`` overrides cells by row number.

    Row numbers are the spreadsheet's: the header is row 1, the first pupil row 2.
    """
    bad = bad or {}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for index in range(count):
            row_number = index + 2
            values = {
                "UPN": upn(100 + index, year=17),
                "Legal Surname": f"Surname{index:03d}",
                "Legal Forename": f"Pupil{index:03d}",
                "DOB": "01/09/2016",
                "Gender": "F" if index % 2 else "M",
                "Year": "Year 3" if index % 2 else "Year 4",
                "Reg": "3B" if index % 2 else "4M",
                "SEN Status": "N",
            }
            values.update(bad.get(row_number, {}))
            writer.writerow([values[h] for h in HEADERS])


def pupil_school(session: Session) -> dict[str, Pupil]:
    """``make_pupil_school``'s school, copied from its template into the session's
    empty database; the pupils by forename."""
    from .templates import load_into

    load_into(session, "pupils")
    return {p.forename: p for p in session.scalars(select(Pupil).order_by(Pupil.id))}
