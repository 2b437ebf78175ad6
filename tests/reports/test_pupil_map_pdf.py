"""The individual provision map PDF read back: every year in order, costs, outcomes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.models import AcademicYear, ProvisionGroup, Pupil
from provmap_desktop.reports.pupil_map_pdf import provision_by_year, write_pupil_map_pdf
from provmap_desktop.services.costing import cost_map
from provmap_desktop.services.formatting import format_money

from ..schools.pupils import pupil_school

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def pupils(session: Session) -> dict[str, Pupil]:
    return pupil_school(session)


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def ava_share(session: Session, label: str, ava: Pupil) -> str:
    year = session.scalar(select(AcademicYear).where(AcademicYear.label == label))
    group = session.scalar(select(ProvisionGroup).where(ProvisionGroup.academic_year == year))
    assert year is not None
    assert group is not None
    share = cost_map(session, year, as_of=TODAY).by_group[group.id].pupil_shares[ava.id]
    return format_money(share.planned)


def test_every_year_in_order_with_the_pupils_share_and_outcomes(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    ava = pupils["Ava"]
    out = write_pupil_map_pdf(session, tmp_path / "ava.pdf", ava, as_of=TODAY)
    text = text_of(out)
    assert "Individual provision map: Ava Archer" in text
    assert f"UPN: {ava.upn}" in text
    assert "SEN status: SEN support" in text
    assert text.index("2025/26") < text.index("2026/27")
    assert text.count("Precision Teaching") >= 3  # two allocations and a review
    assert "Cognition and learning, wave 3" in text
    assert "Mrs Ahmed" in text
    assert "07/09/2025 to 18/12/2025" in text
    assert "07/09/2026 to 18/12/2026" in text
    assert "2 × 30 min a week, 1:1" in text
    last_year, this_year = ava_share(session, "2025/26", ava), ava_share(session, "2026/27", ava)
    assert last_year != "£0.00"
    assert f"Total for 2025/26\n{last_year}" in text
    assert f"Total for 2026/27\n{this_year}" in text
    assert "under the £6,000.00 threshold" in text
    # The completed review of last year's allocation: assess, plan, review, decision.
    for expected in (
        "Outcomes reviewed in 2025/26",
        "6y 2m (08/09/2025)",
        "Read Year 2 common exception words",
        "Target: 7y 0m",
        "6y 10m (15/12/2025)",
        "Partly met",
        "Continue",
    ):
        assert expected in text, expected
    assert "Totals by year" in text


def test_years_are_costed_from_the_engine(session: Session, pupils: dict[str, Pupil]) -> None:
    years = provision_by_year(session, pupils["Ava"], as_of=TODAY)
    assert [y.year.label for y in years] == ["2025/26", "2026/27"]
    assert [len(y.memberships) for y in years] == [1, 1]
    assert [len(y.reviews) for y in years] == [1, 0]
    assert all(y.total.planned > 0 for y in years)


def test_a_pupil_with_no_provision_says_so(
    session: Session, pupils: dict[str, Pupil], tmp_path: Path
) -> None:
    out = write_pupil_map_pdf(session, tmp_path / "dee.pdf", pupils["Dee"], as_of=TODAY)
    text = text_of(out)
    assert "Dee Dunn" in text
    assert "No provision has been recorded for this pupil." in text
    assert "Totals by year" not in text
