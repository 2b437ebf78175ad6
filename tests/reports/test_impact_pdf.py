"""The impact report reads a fall in a count (of incidents) as progress."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from provmap_desktop.domain.reviews import (
    complete_review,
    save_assessment,
    save_plan,
    start_cycle,
)
from provmap_desktop.models import GroupMembership
from provmap_desktop.reports.impact_pdf import write_impact_report
from provmap_desktop.services.review_measures import suggest_target_met
from tests.schools.small import END, START, build_maya_school
from tests.schools.templates import open_school


def test_a_fall_in_incidents_reads_as_progress_in_the_impact_report(tmp_path):
    db = open_school("calendar", tmp_path / "school.provmap")
    ids = build_maya_school(db)
    # Incidents of leaving the classroom a week, baseline then outcome, aiming for 2:
    # Maya 8 -> 4 (4 fewer), Ben 6 -> 2 (4 fewer). Mean change -4, i.e. "4 fewer".
    with db.session_factory() as s:
        members = {
            m.pupil.forename: m.id
            for m in s.query(GroupMembership).filter_by(group_id=ids["group"])
        }
        for name, before, after in (("Maya", "8", "4"), ("Ben", "6", "2")):
            review_id = start_cycle(s, members[name], today=START).review_id
            assert review_id is not None
            save_assessment(s, review_id, "count", before, START)
            save_plan(
                s, review_id, outcome_sought="Stays in class", target="2 a week or fewer",
                target_value="2", review_date=END,
            )  # fmt: skip
            met = suggest_target_met("count", before, after, "2")
            complete_review(
                s, review_id, outcome_value=after, outcome_date=END, target_met=met or "not_met",
                decision="exit", today=END,
            )  # fmt: skip
        s.commit()
        year_id = s.get(GroupMembership, members["Maya"]).group.academic_year_id
        out = write_impact_report(s, year_id, tmp_path / "impact.pdf", today=dt.date(2026, 12, 7))
    db.close()

    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    flat = " ".join(text.split())
    assert "4 fewer" in flat
    assert "-4" not in flat
    assert "points count" not in flat
    assert "50% (2)" in flat  # Ben met the target (2), Maya partly (4): one of two
