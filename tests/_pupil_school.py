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
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    PupilProfile,
    Review,
    SchoolClass,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

D = dt.date


def upn(serial: int, year: int = 16) -> str:
    return make_upn("801", "2000", year, serial)


def _year(label: str, first: int) -> AcademicYear:
    return AcademicYear(
        label=label,
        start_date=D(first, 9, 1),
        end_date=D(first + 1, 8, 31),
        terms=[
            Term(name="Autumn", start_date=D(first, 9, 7), end_date=D(first, 12, 18)),
            Term(name="Spring", start_date=D(first + 1, 1, 4), end_date=D(first + 1, 3, 26)),
            Term(name="Summer", start_date=D(first + 1, 4, 12), end_date=D(first + 1, 7, 16)),
        ],
    )


def make_pupil_school(session: Session) -> dict[str, Pupil]:
    """Build the school described above, commit, and return the pupils by forename."""
    session.add(SchoolSettings(name="Oak Test Primary"))
    last_year, this_year = _year("2025/26", 2025), _year("2026/27", 2026)
    session.add_all([last_year, this_year])
    y3, y4 = YearGroup(name="Year 3", sort_order=3), YearGroup(name="Year 4", sort_order=4)
    # Reception too, so the transfer file's Reception pupil has somewhere to go.
    session.add_all([YearGroup(name="Reception", sort_order=0), y3, y4])
    c3, c4 = SchoolClass(name="3B", year_group=y3), SchoolClass(name="4M", year_group=y4)
    ta = StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00"))
    staff = Staff(name="Mrs Ahmed", role=ta)

    def pupil(n: int, fore: str, sur: str, yg: YearGroup, cls: SchoolClass, sen: str) -> Pupil:
        return Pupil(
            upn=upn(n),
            forename=fore,
            surname=sur,
            year_group=yg,
            school_class=cls,
            sen_status=sen,
            date_of_birth=D(2016, 5, n),
        )

    pupils = {
        "Ava": pupil(1, "Ava", "Archer", y4, c4, "K"),
        "Ben": pupil(2, "Ben", "Brown", y4, c4, "E"),
        "Cal": pupil(3, "Cal", "Clark", y3, c3, "N"),
        "Dee": pupil(4, "Dee", "Dunn", y3, c3, "K"),
    }
    session.add_all(pupils.values())
    session.add(
        PupilProfile(
            pupil=pupils["Ava"],
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
    )
    session.add(PupilProfile(pupil=pupils["Ben"], strengths="Great at maths"))
    pt = Provision(
        name="Precision Teaching",
        area="CL",
        wave=3,
        delivered_by_role=ta,
        session_minutes=30,
        sessions_per_week=2,
        group_size=1,
    )
    groups = []
    for year, first in ((last_year, 2025), (this_year, 2026)):
        group = ProvisionGroup(
            provision=pt,
            academic_year=year,
            year_group=y4,
            name=f"PT {first}",
            staff=staff,
            start_date=D(first, 9, 7),
            end_date=D(first, 12, 18),
        )
        groups.append(group)
        session.add(group)
    first_membership = GroupMembership(
        group=groups[0], pupil=pupils["Ava"], join_date=D(2025, 9, 7), leave_date=D(2025, 12, 18)
    )
    session.add(first_membership)
    session.add(GroupMembership(group=groups[1], pupil=pupils["Ava"], join_date=D(2026, 9, 7)))
    session.add(
        Review(
            pupil=pupils["Ava"],
            membership=first_membership,
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
    )
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
