"""The subject access PDF: every part of the export, readable, dates as dd/mm/yyyy."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.orm import Session

from provmap_desktop.reports.sar_pdf import readable_name, readable_value, write_sar_pdf

from ..schools.pupils import pupil_school


def test_values_are_shown_as_people_read_them() -> None:
    assert readable_name("date_of_birth") == "Date of birth"
    assert readable_name("upn") == "UPN"
    assert readable_value("2016-05-01") == "01/05/2016"
    assert readable_value("2026-11-23T09:15:00") == "23/11/2026 09:15"
    assert readable_value(True) == "Yes"
    assert readable_value(None) == "–"


def test_the_pdf_holds_record_profile_provision_reviews_and_changes(
    session: Session, tmp_path: Path
) -> None:
    ava = pupil_school(session)["Ava"]
    out = write_sar_pdf(session, tmp_path / "sar.pdf", ava)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in (
        "Ava",
        "Archer",
        ava.upn,
        "01/05/2016",  # date of birth
        "My dog Biscuit and drawing comics.",
        "No EHC plan is held.",
        "Precision Teaching",
        "Review 1",
        "Read Year 2 common exception words",
        "Record of changes (audit log)",
    ):
        assert expected in text, expected


def test_the_pdf_holds_every_plan_version_and_meeting(session: Session, tmp_path: Path) -> None:
    import datetime as dt

    from provmap_desktop.domain import meetings, plans

    ava = pupil_school(session)["Ava"]
    plan = plans.start_plan(session, ava.id, dt.date(2026, 9, 7)).row_id
    plans.add_target(session, plan, "Blend three-letter words", baseline="4 of 10")
    meeting = meetings.add_meeting(session, ava.id, dt.date(2026, 10, 5), agreed="Phonics at home")
    meetings.add_action(session, meeting.row_id, "Lend the phonics cards", owner="Miss Shah")
    session.commit()
    out = write_sar_pdf(session, tmp_path / "sar.pdf", ava)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected in (
        "SEN support plans",
        "Plan 1",
        "07/09/2026",
        "Blend three-letter words",
        "Meetings with the family",
        "Phonics at home",
        "Lend the phonics cards",
        "Miss Shah",
    ):
        assert expected in text, expected
