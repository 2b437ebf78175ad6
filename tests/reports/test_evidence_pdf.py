"""The evidence pack and the impact report, written through the CLI and read back."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from provmap_desktop.cli import main
from provmap_desktop.domain.delivery import mark_cancelled, mark_delivered
from provmap_desktop.domain.reviews import (
    complete_review,
    save_assessment,
    save_plan,
    start_cycle,
)
from provmap_desktop.models import Pupil, Review
from provmap_desktop.services.planned_sessions import group_sessions
from provmap_desktop.services.review_cycle import ESCALATE_EHC
from tests.schools.small import END, START, build_maya_school
from tests.schools.templates import open_school


@pytest.fixture
def school(tmp_path):  # type: ignore[no-untyped-def]
    """Maya with three completed cycles of Precision Teaching and a delivery record."""
    path = tmp_path / "school.provmap"
    db = open_school("calendar", path)
    ids = build_maya_school(db)
    with db.session_factory() as s:
        days = [d for d, _ in group_sessions(s, ids["group"], START, END)]
        for day in days[:30]:
            mark_delivered(s, ids["group"], day, today=day)
        for day in days[30:33]:
            mark_cancelled(s, ids["group"], day, "trip_or_event", "Pantomime")
        review_id = start_cycle(s, ids["maya_membership"], today=START).review_id
        assert review_id is not None
        save_assessment(s, review_id, "reading_age", "6y 2m", START)
        save_plan(
            s,
            review_id,
            outcome_sought="Reads Year 2 texts <fluently> & accurately",
            target="Reading age up six months",
            target_value="+6m",
            review_date=dt.date(2026, 10, 9),
        )
        outcomes = [("6y 3m", "continue"), ("6y 5m", "continue"), ("6y 6m", "escalate")]
        day = dt.date(2026, 10, 9)
        for value, decision in outcomes:
            step = complete_review(
                s, review_id, outcome_value=value, outcome_date=day, target_met="partly",
                decision=decision, escalate_to=ESCALATE_EHC, today=day,
            ).step  # fmt: skip
            assert step is not None
            if step.next_review_id:
                review_id = step.next_review_id
                day = s.get(Review, review_id).review_date
        s.commit()
        upn = s.get(Pupil, ids["maya"]).upn
    db.close()
    return path, upn


def text_of(path) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_evidence_pack_from_the_cli(school, tmp_path, capsys):
    path, upn = school
    out = tmp_path / "evidence.pdf"
    assert main(["--db", str(path), "report", "evidence", "--pupil", upn, "--out", str(out)]) == 0
    assert "written to" in capsys.readouterr().out
    text = text_of(out)
    assert "Evidence pack: Maya Adams" in text
    assert "3 complete APDR cycles" in text
    for heading in ("One-page profile", "SEN details", "APDR cycles, in order", "Costed provision"):
        assert heading in text
    assert "Kind, funny and a great storyteller" in text  # the profile
    assert "Specific learning difficulty (SPLD)" in text
    assert "Reads Year 2 texts <fluently> & accurately" in text  # user text kept as typed
    assert "Cycle 1 (complete)" in text
    assert "Cycle 3 (complete)" in text
    assert "+1 month" in text
    assert "+2 months" in text
    assert "EHC needs assessment" in text
    assert "below the threshold of £6,000.00" in text
    assert "Page 1 of" in text


def test_unknown_pupil_is_a_one_line_error(school, tmp_path, capsys):
    path, _ = school
    out = tmp_path / "none.pdf"
    code = main(["--db", str(path), "report", "evidence", "--pupil", "A999", "--out", str(out)])
    assert code == 1
    assert "No pupil has the UPN A999" in capsys.readouterr().err
    assert not out.exists()


def test_impact_report_shows_pupil_counts(school, tmp_path, capsys):
    path, _ = school
    out = tmp_path / "impact.pdf"
    assert (
        main(["--db", str(path), "report", "impact", "--out", str(out), "--year", "2026/27"]) == 0
    )
    text = text_of(out)
    assert "Impact by provision, 2026/27" in text
    assert "Precision Teaching" in text
    assert "3 (1)" in text  # three completed reviews resting on one pupil
    assert (
        main(["--db", str(path), "report", "impact", "--out", str(out), "--year", "1999/00"]) == 1
    )
    assert "There is no academic year 1999/00" in capsys.readouterr().err
