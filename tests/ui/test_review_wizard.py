"""The review wizard driven page by page, each decision's next step, and the worked example."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWizard

from provmap_desktop.domain import Changed, Kind
from provmap_desktop.domain.delivery import mark_cancelled, mark_delivered
from provmap_desktop.domain.reviews import complete_review, save_assessment, start_cycle
from provmap_desktop.models import GroupMembership, Review
from provmap_desktop.services.planned_sessions import group_sessions
from provmap_desktop.ui.context import AppContext
from provmap_desktop.views.review_wizard import (
    DECISION,
    ESCALATE_TO,
    OUTCOME,
    PROGRESS,
    TARGET_MET,
    ReviewWizard,
)

from ..schools.small import END, START, build_maya_school

REVIEW_DAY = END  # Friday 04/12/2026, the end of the 12-week block


@pytest.fixture
def maya(qtbot, school_db):  # type: ignore[no-untyped-def]
    ids = build_maya_school(school_db)
    ctx = AppContext(school_db)
    ctx.today = REVIEW_DAY
    yield ctx, ids
    ctx.close()


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def next_page(qtbot, wizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def finish(qtbot, wizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def pick(combo, code) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(code))


def read_reviews(db, membership_id):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.query(Review).filter_by(membership_id=membership_id).order_by(Review.id).all()


def leave_date(db, membership_id):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.get(GroupMembership, membership_id).leave_date


def test_worked_example_end_to_end(maya, qtbot, school_db, tmp_path):
    """Maya: reading age up 4 months against a 6-month target; escalated to specialist support."""
    ctx, ids = maya
    session = ctx.session
    days = [d for d, _ in group_sessions(session, ids["group"], START, END)]
    assert len(days) == 36  # 3 a week for 12 teaching weeks; none in half-term
    for day in days[:33]:
        absent = [ids["maya"]] if day in days[5:7] else []
        mark_delivered(session, ids["group"], day, absent_pupil_ids=absent, today=day)
    mark_cancelled(session, ids["group"], days[33], "staff_absent", "TA on a course")
    ctx.commit(Changed.of(Kind.DELIVERY))

    wizard = ReviewWizard(ctx, [ids["maya_membership"]])
    qtbot.addWidget(wizard)
    wizard.show()
    # Assess: two years below her age of 8y 2m.
    wizard.assess.measure.setCurrentIndex(wizard.assess.measure.findData("reading_age"))
    wizard.assess.date.setDate(qdate(START))
    wizard.assess.table.item(0, 1).setText("6y 2m")
    next_page(qtbot, wizard)
    # Plan
    assert wizard.currentPage() is wizard.plan
    wizard.plan.outcome_sought.setPlainText("Maya reads Year 2 texts accurately and fluently")
    wizard.plan.target.setText("Reading age up by six months")
    wizard.plan.target_value.setText("+6m")
    wizard.plan.review_date.setDate(qdate(REVIEW_DAY))
    next_page(qtbot, wizard)
    # Do: 33 of 36 delivered, Maya present at 31.
    assert wizard.currentPage() is wizard.do
    assert wizard.do.summary.text().split("\n") == [
        f"{START:%d/%m/%Y} to {END:%d/%m/%Y}: group 92% ● Green (33 of 36)",
        "Maya Adams: 86% ▲ Amber (31 of 36)",
    ]
    assert wizard.do.sessions.rowCount() == 36
    next_page(qtbot, wizard)
    # Review
    page = wizard.review
    assert page.table.item(0, 1).text() == "6y 2m"
    page.table.item(0, OUTCOME).setText("6y 6m")
    assert page.table.item(0, PROGRESS).text() == "+4 months"
    assert page.widget(0, TARGET_MET).currentData() == "partly"  # 4 of the 6 months
    pick(page.widget(0, DECISION), "escalate")
    finish(qtbot, wizard)
    assert wizard.isVisible()  # nowhere to escalate to yet: refused
    assert page.next_step.text() == (
        "That change was not saved: Say where to escalate to: "
        "a higher wave or an EHC needs assessment."
    )
    page.widget(0, ESCALATE_TO).setEditText("Wave 3: specialist teacher for literacy")
    page.pupil_voice.setPlainText("The games help but reading is still hard.")
    page.parent_views.setPlainText("Mum sees more confidence at bedtime reading.")
    finish(qtbot, wizard)
    assert not wizard.isVisible()

    (review,) = read_reviews(school_db, ids["maya_membership"])
    assert (review.baseline_type, review.baseline_value, review.outcome_value) == (
        "reading_age",
        "6y 2m",
        "6y 6m",
    )
    assert review.baseline_date == START
    assert review.review_date == REVIEW_DAY
    assert (review.target_met, review.decision) == ("partly", "escalate")
    assert review.escalate_to == "Wave 3: specialist teacher for literacy"
    assert review.completed_on == REVIEW_DAY
    assert review.pupil_voice.startswith("The games help")
    assert review.next_step == (
        "Escalate to Wave 3: specialist teacher for literacy: allocate it on the provision map."
    )

    from provmap_desktop.reports.evidence_pdf import write_evidence_pack

    out = tmp_path / "maya.pdf"
    with school_db.session_factory() as s:
        write_evidence_pack(s, ids["maya"], out, today=REVIEW_DAY)
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Maya Adams" in text
    assert "1 complete APDR cycle" in text
    assert "+4 months" in text
    assert "Wave 3: specialist teacher for literacy" in text


def test_group_review_with_a_decision_per_pupil_and_undo(maya, qtbot, school_db):
    ctx, ids = maya
    wizard = ReviewWizard.for_group(ctx, ids["group"])
    qtbot.addWidget(wizard)
    wizard.show()
    assert [d.name for d in wizard.drafts] == ["Ben Brook", "Cal Cross", "Dan Dale", "Maya Adams"]
    wizard.assess.measure.setCurrentIndex(wizard.assess.measure.findData("standardised_score"))
    for row, score in enumerate(("80", "82", "84", "78")):
        wizard.assess.table.item(row, 1).setText(score)
    next_page(qtbot, wizard)
    wizard.plan.target_value.setText("+5")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    page = wizard.review
    decisions = ["continue", "exit", "modify", ""]  # Maya's review stays open
    for row, (score, decision) in enumerate(zip(("86", "88", "85", ""), decisions, strict=True)):
        page.table.item(row, OUTCOME).setText(score)
        if decision:
            pick(page.widget(row, DECISION), decision)
    assert page.widget(0, TARGET_MET).currentData() == "met"
    assert page.widget(2, TARGET_MET).currentData() == "partly"
    finish(qtbot, wizard)
    assert not wizard.isVisible()

    with school_db.session_factory() as s:
        members = {
            m.pupil.forename: m.id
            for m in s.query(GroupMembership).filter_by(group_id=ids["group"])
        }
    ben = read_reviews(school_db, members["Ben"])
    assert [r.decision for r in ben] == ["continue", None]  # the next cycle is open
    assert ben[1].baseline_value == "86"
    assert ben[1].target_value == "+5"
    assert leave_date(school_db, members["Cal"]) == REVIEW_DAY  # exit ends the allocation
    assert read_reviews(school_db, members["Dan"])[0].decision == "modify"
    (maya_open,) = read_reviews(school_db, members["Maya"])
    assert maya_open.completed_on is None
    assert maya_open.baseline_value == "78"
    assert wizard.steps[2].group_id == ids["group"]  # modify opens the group

    ctx.undo_stack.undo()
    for name in ("Ben", "Cal", "Dan", "Maya"):
        assert read_reviews(school_db, members[name]) == []
    assert leave_date(school_db, members["Cal"]) is None
    ctx.undo_stack.redo()
    assert len(read_reviews(school_db, members["Ben"])) == 2
    assert leave_date(school_db, members["Cal"]) == REVIEW_DAY


def test_a_second_cycle_is_pre_filled_from_the_first(maya, qtbot, school_db):
    ctx, ids = maya
    wizard = ReviewWizard(ctx, [ids["maya_membership"]])
    qtbot.addWidget(wizard)
    wizard.assess.measure.setCurrentIndex(wizard.assess.measure.findData("reading_age"))
    wizard.assess.table.item(0, 1).setText("6:2")
    wizard.plan.outcome_sought.setPlainText("Fluent reading")
    wizard.review.table.item(0, OUTCOME).setText("6:6")
    pick(wizard.review.widget(0, TARGET_MET), "partly")
    pick(wizard.review.widget(0, DECISION), "modify")
    wizard.accept()
    again = ReviewWizard(ctx, [ids["maya_membership"]])
    qtbot.addWidget(again)
    assert again.assess.measure.currentData() == "reading_age"
    assert again.assess.baseline(0) == "6:6"
    assert again.plan.outcome_sought.toPlainText() == "Fluent reading"


def test_reviews_screen_lists_due_cycles_and_impact_and_opens_the_wizard(maya, qtbot, school_db):
    from provmap_desktop.views.reviews import ReviewsScreen

    ctx, ids = maya
    done = start_cycle(ctx.session, ids["maya_membership"], today=START).review_id
    assert done is not None
    save_assessment(ctx.session, done, "reading_age", "6y 2m", START)
    complete_review(
        ctx.session, done, outcome_value="6y 6m", outcome_date=dt.date(2026, 11, 2),
        target_met="partly", decision="continue", today=dt.date(2026, 11, 2),
    )  # fmt: skip
    # 84 days on would be 25/01/2027, after the group: its last day, 04/12/2026, instead.
    ctx.commit(Changed.of(Kind.REVIEWS))
    ctx.today = dt.date(2027, 2, 3)
    screen = ReviewsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.due.rowCount() == 1
    assert screen.due.item(0, 0).text() == "Overdue by 61 days"
    assert screen.due.item(0, 2).text() == "Maya Adams"
    screen.due.selectRow(0)
    assert screen.cycles.rowCount() == 2  # the completed cycle then the open one
    assert screen.cycles.item(0, 5).text() == "+4 months"
    assert screen.cycles.item(1, 4).text() == "(open)"
    impact = [screen.impact.item(0, c).text() for c in range(screen.impact.columnCount())]
    assert impact[0] == "Precision Teaching"
    assert impact[1] == "1 (1)"
    assert impact[3] == "+4 months reading age (1)"

    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
    wizard = screen.wizard
    assert wizard is not None
    assert wizard.isVisible()
    assert wizard.assess.baseline(0) == "6y 6m"  # the open cycle, pre-filled
    wizard.reject()
    qtbot.mouseClick(screen.group_review_button, Qt.MouseButton.LeftButton)
    assert len(screen.wizard.drafts) == 4


def test_a_modify_decision_opens_the_group_to_change_it(maya, qtbot, school_db):
    from provmap_desktop.views.reviews import ReviewsScreen

    ctx, ids = maya
    start_cycle(ctx.session, ids["maya_membership"], today=START)
    ctx.commit(Changed.of(Kind.REVIEWS))  # Maya's review falls due today
    screen = ReviewsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.due.selectRow(0)
    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
    wizard = screen.wizard
    assert wizard is not None
    assert wizard.isVisible()
    wizard.assess.measure.setCurrentIndex(wizard.assess.measure.findData("reading_age"))
    wizard.assess.table.item(0, 1).setText("6:2")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.review
    wizard.review.table.item(0, OUTCOME).setText("6:4")
    pick(wizard.review.widget(0, TARGET_MET), "not_met")
    pick(wizard.review.widget(0, DECISION), "modify")
    finish(qtbot, wizard)
    assert not wizard.isVisible()
    assert screen.message.text() == (
        "Saved 1 completed review. "
        "Modify: change the group (sessions, staff or approach), then plan again."
    )
    assert screen.group_dialog.isVisible()
    assert screen.group_dialog.group_id == ids["group"]
