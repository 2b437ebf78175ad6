"""The family's plan PDF, the meeting record and the evidence pack's plans, read back.

The family's plan is checked as a parent would get it: one page, the four headings,
no codes or jargon (the need in words, not "SLCN"; no "K", "SEN" or UPN), and every
character on the page at 11 pt or more, measured from the PDF itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy.orm import Session

from provmap_desktop.cli import EXIT_FAILED, EXIT_OK, main
from provmap_desktop.domain import meetings, plans
from provmap_desktop.domain import pupils as pupil_writes
from provmap_desktop.domain.plans import PlanReview
from provmap_desktop.models import Pupil, TargetResult
from provmap_desktop.reports.evidence_pdf import write_evidence_pack
from provmap_desktop.storage import open_database

from ..schools.pupils import upn
from ..schools.templates import copy_school

D = dt.date
TODAY = D(2026, 11, 23)
JARGON = re.compile(r"\b(K|E|SLCN|SEN|SENCO|SEND|EHCP?|APDR|UPN|SpLD|SPLD)\b")


def _ava_plan(session: Session, ava: Pupil) -> None:
    """Ava (speech and language): a plan reviewed once, the second version current."""
    pupil_writes.update(session, ava.id, "primary_need", "SLCN")
    plan_id = plans.start_plan(session, ava.id, D(2026, 9, 7), D(2026, 11, 16)).row_id
    plans.add_outcome(session, plan_id, "Ava will tell adults what she needs")
    plans.add_target(session, plan_id, "Ask for help in a sentence", baseline="Points",
                     success_criterion="4 times a week", target_date=D(2026, 11, 13))  # fmt: skip
    plans.add_target(session, plan_id, "Say her news at carpet time")
    plans.update_plan(session, plan_id, "strategies", "Give time to answer\nShow the picture card")
    plans.update_plan(session, plan_id, "home_help", "Talk about the day at tea time")
    session.flush()
    first = plans.current_plan(session, ava.id)
    assert first is not None
    results = {t.id: TargetResult.ACHIEVED if n == 0 else TargetResult.PARTLY
               for n, t in enumerate(first.targets)}  # fmt: skip
    plans.review_plan(session, plan_id, PlanReview(D(2026, 11, 16), results,
                      parent_views="Pleased", next_review_due=D(2027, 2, 8)))  # fmt: skip
    meeting = meetings.add_meeting(session, ava.id, D(2026, 11, 16), parents_present="Mrs Archer",
                                   agreed="Talk time at home every day").row_id  # fmt: skip
    meetings.add_action(session, meeting, "Send the picture cards home", owner="Mr Lee",
                        due_on=D(2026, 11, 20))  # fmt: skip
    session.commit()


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = copy_school("pupils", tmp_path / "school.provmap")
    db = open_database(path, create=False)
    try:
        with db.session_factory() as session:
            ava = session.query(Pupil).filter_by(forename="Ava").one()
            _ava_plan(session, ava)
    finally:
        db.close()
    return path


def test_the_family_plan_is_one_plain_page_in_large_type(school_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    ava_upn = upn(1)
    assert main(["--db", str(school_file), "report", "plan", "--pupil", ava_upn, "--out",
                 str(out)]) == EXIT_OK  # fmt: skip
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        text = page.extract_text()
        sizes = {round(c["size"], 1) for c in page.chars}
    assert min(sizes) >= 11.0, sizes
    for heading in (
        "What we are working on",
        "What we are doing at school",
        "How you can help at home",
        "When we will meet again",
    ):
        assert heading in text
    flat = " ".join(text.split())
    assert "speech, language and communication" in flat
    assert "Say her news at carpet time" in flat  # carried forward: partly met
    assert "Ask for help in a sentence: done" in flat  # how the last targets went
    assert "We will meet again on 08/02/2027" in flat
    assert "Talk about the day at tea time" in flat
    assert "Give time to answer" in flat
    assert ava_upn not in text
    assert JARGON.findall(text) == []


def test_an_earlier_version_prints_and_a_missing_one_is_refused(
    school_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "first.pdf"
    base = ["--db", str(school_file), "report", "plan", "--pupil", upn(1), "--out", str(out)]
    assert main([*base, "--version", "1"]) == EXIT_OK
    with pdfplumber.open(out) as pdf:
        text = " ".join(pdf.pages[0].extract_text().split())
    assert "Plan 1, from 07/09/2026" in text
    assert "We will meet again on 16/11/2026" in text
    assert main([*base, "--version", "5"]) == EXIT_FAILED
    assert "versions 1 to 2, not 5" in capsys.readouterr().err


def test_the_meeting_record_lists_who_came_what_was_agreed_and_the_actions(
    school_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "meetings.pdf"
    assert main(["--db", str(school_file), "report", "meetings", "--pupil", upn(1), "--out",
                 str(out)]) == EXIT_OK  # fmt: skip
    with pdfplumber.open(out) as pdf:
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for expected in ("Meeting on 16/11/2026", "Mrs Archer", "Talk time at home every day",
                     "Send the picture cards home", "Mr Lee", "20/11/2026",
                     "not yet given"):  # fmt: skip
        assert expected in text


def test_the_evidence_pack_counts_reviewed_plans_and_holds_the_meeting_log(
    school_file: Path, tmp_path: Path
) -> None:
    db = open_database(school_file, create=False, read_only=True)
    try:
        with db.session_factory() as session:
            ava = session.query(Pupil).filter_by(forename="Ava").one()
            out = write_evidence_pack(session, ava.id, tmp_path / "pack.pdf", today=TODAY)
    finally:
        db.close()
    with pdfplumber.open(out) as pdf:
        text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "1 reviewed plan in the last 12 months" in text
    assert "Plan 1: from 07/09/2026, reviewed 16/11/2026" in text
    assert "Plan 2: from 16/11/2026, current; review due 08/02/2027" in text
    assert "Meetings with the family" in text
    assert "Send the picture cards home" in text


def test_the_family_plan_gives_the_ehc_plan_annual_review_in_words(
    school_file: Path, tmp_path: Path
) -> None:
    from provmap_desktop.domain import annual_reviews, ehcp

    db = open_database(school_file, create=False)
    try:
        with db.session_factory() as session:
            ava = session.query(Pupil).filter_by(forename="Ava").one()
            plan = ehcp.add_plan(session, ava.id).row_id
            ehcp.update_plan(session, plan, "issued_date", D(2026, 3, 14))
            session.commit()
    finally:
        db.close()
    out = tmp_path / "plan.pdf"
    args = ["--db", str(school_file), "report", "plan", "--pupil", upn(1), "--out", str(out)]
    assert main(args) == EXIT_OK
    with pdfplumber.open(out) as pdf:
        flat = " ".join(pdf.pages[0].extract_text().split())
    # Issued 14/03/2026, no review yet: due twelve months on.
    assert "Ava's Education, Health and Care plan is due by 14/03/2027" in flat
    # The target and its two measures each end as sentences, not run together.
    assert main([*args, "--version", "1"]) == EXIT_OK
    with pdfplumber.open(out) as pdf:
        flat = " ".join(pdf.pages[0].extract_text().split())
    assert "Ask for help in a sentence. Where Ava is now: Points." in flat
    assert "We will know Ava has done it when: 4 times a week. By 13/11/2026." in flat

    db = open_database(school_file, create=False)
    try:
        with db.session_factory() as session:
            annual_reviews.start_review(session, plan, D(2027, 3, 10))
            session.commit()
    finally:
        db.close()
    assert main(args) == EXIT_OK
    with pdfplumber.open(out) as pdf:
        text = pdf.pages[0].extract_text()
    flat = " ".join(text.split())
    assert "Ava's Education, Health and Care plan is on 10/03/2027" in flat
    assert JARGON.findall(text) == []
