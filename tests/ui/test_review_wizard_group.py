"""A whole group reviewed at once: each pupil keeps their own plan, dates and views."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QWizard,
)

from provmap_desktop.domain.reviews import save_assessment, save_plan, start_cycle
from provmap_desktop.models import GroupMembership, Review
from provmap_desktop.ui.context import AppContext
from provmap_desktop.views.review_wizard import (
    DECISION,
    OUTCOME,
    PROGRESS,
    TARGET_MET,
    ReviewWizard,
)

from ..schools.small import END, START, build_maya_school

REVIEW_DAY = END  # Friday 04/12/2026, the group's last day
D = dt.date


@pytest.fixture
def group_ctx(qtbot, school_db):  # type: ignore[no-untyped-def]
    """Maya's group of four; three have open cycles, each with its own plan.

    - Ben: reading age 6y 6m, aiming for 7y 0m, review Friday 27/11/2026
    - Cal: standardised score 80, aiming for +5, review Friday 20/11/2026
    - Dan: no cycle yet
    - Maya: reading age 7y 0m, aiming for 7y 11m, review Friday 04/12/2026
    """
    ids = build_maya_school(school_db)
    with school_db.session_factory() as s:
        members = {
            m.pupil.forename: m.id
            for m in s.query(GroupMembership).filter_by(group_id=ids["group"])
        }
        plans = {
            "Ben": ("reading_age", "6y 6m", "Reads 7-year-old texts", "7y 0m", D(2026, 11, 27)),
            "Cal": ("standardised_score", "80", "Number bonds to 20", "+5", D(2026, 11, 20)),
            "Maya": ("reading_age", "7y 0m", "Reads chapter books", "7y 11m", REVIEW_DAY),
        }
        for name, (measure, baseline, target, value, review_date) in plans.items():
            review_id = start_cycle(s, members[name], today=START).review_id
            assert review_id is not None
            save_assessment(s, review_id, measure, baseline, START)
            save_plan(
                s, review_id, outcome_sought=f"{name}'s outcome", target=target,
                target_value=value, review_date=review_date,
            )  # fmt: skip
        s.commit()
    ctx = AppContext(school_db)
    ctx.today = REVIEW_DAY
    yield ctx, ids, members
    ctx.close()


def next_page(qtbot, wizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def finish(qtbot, wizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)


def pick(combo, code) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(code))


def click_cell(qtbot, table, row: int, column: int) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def reviews_of(db, membership_id):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.query(Review).filter_by(membership_id=membership_id).order_by(Review.id).all()


def open_wizard(qtbot, ctx, ids):  # type: ignore[no-untyped-def]
    wizard = ReviewWizard.for_group(ctx, ids["group"])
    qtbot.addWidget(wizard)
    wizard.show()
    assert [d.name for d in wizard.drafts] == ["Ben Brook", "Cal Cross", "Dan Dale", "Maya Adams"]
    return wizard


BEN, CAL, DAN, MAYA = range(4)


def test_each_pupil_keeps_their_own_target_measure_and_review_date(group_ctx, qtbot, school_db):
    ctx, ids, members = group_ctx
    wizard = open_wizard(qtbot, ctx, ids)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    page = wizard.review
    assert wizard.currentPage() is page
    # Maya made no progress (7y 0m to 7y 0m) against her own target of 7y 11m.
    page.table.item(MAYA, OUTCOME).setText("7y 0m")
    assert page.table.item(MAYA, PROGRESS).text() == "+0 months"
    assert page.widget(MAYA, TARGET_MET).currentData() == "not_met"
    # Ben: 6y 6m to 7y 1m is +7 months against the 6 his target of 7y 0m asks for.
    page.table.item(BEN, OUTCOME).setText("7y 1m")
    assert page.widget(BEN, TARGET_MET).currentData() == "met"
    # Cal's score: 80 to 83 is +3 of the +5 asked for: a score, not months.
    page.table.item(CAL, OUTCOME).setText("83")
    assert page.table.item(CAL, PROGRESS).text() == "+3 points"
    assert page.widget(CAL, TARGET_MET).currentData() == "partly"
    pick(page.widget(MAYA, DECISION), "modify")
    pick(page.widget(BEN, DECISION), "exit")
    pick(page.widget(CAL, DECISION), "continue")
    finish(qtbot, wizard)
    assert not wizard.isVisible()

    (maya,) = reviews_of(school_db, members["Maya"])
    assert (maya.baseline_type, maya.target_value, maya.review_date) == (
        "reading_age", "7y 11m", REVIEW_DAY,
    )  # fmt: skip
    assert (maya.target, maya.target_met) == ("Reads chapter books", "not_met")
    (ben,) = reviews_of(school_db, members["Ben"])
    assert (ben.target_value, ben.review_date, ben.target_met) == ("7y 0m", D(2026, 11, 27), "met")
    assert ben.outcome_sought == "Ben's outcome"
    cal = reviews_of(school_db, members["Cal"])[0]
    assert (cal.baseline_type, cal.baseline_value) == ("standardised_score", "80")
    assert (cal.target_value, cal.review_date, cal.target_met) == ("+5", D(2026, 11, 20), "partly")
    (dan,) = reviews_of(school_db, members["Dan"])
    assert dan.completed_on is None
    assert dan.target_value == ""


def test_same_for_all_applies_a_group_value_only_to_the_column_asked(group_ctx, qtbot, school_db):
    ctx, ids, members = group_ctx
    wizard = open_wizard(qtbot, ctx, ids)
    assess, plan = wizard.assess, wizard.plan
    assert not assess.same_measure.isChecked()  # the pupils' measures differ
    assert [assess.measure_type(r) for r in range(4)] == [
        "reading_age", "standardised_score", "free_text", "reading_age",
    ]  # fmt: skip
    next_page(qtbot, wizard)
    assert not plan.same_target_value.isChecked()
    assert not plan.same_review_date.isChecked()
    assert not plan.target_value.isEnabled()  # the group value waits for its box
    # The same target value for everyone: tick its box, type it once.
    qtbot.mouseClick(plan.same_target_value, Qt.MouseButton.LeftButton)
    plan.target_value.clear()
    qtbot.keyClicks(plan.target_value, "+4m")
    assert [plan.target_value_of(r) for r in range(4)] == ["+4m"] * 4
    # Ticking and unticking the target's box gives each pupil their own target back.
    qtbot.mouseClick(plan.same_target, Qt.MouseButton.LeftButton)
    assert plan.target_of(MAYA) == plan.target_of(BEN)
    qtbot.mouseClick(plan.same_target, Qt.MouseButton.LeftButton)
    assert plan.target_of(MAYA) == "Reads chapter books"
    assert plan.target_of(BEN) == "Reads 7-year-old texts"
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    finish(qtbot, wizard)
    assert not wizard.isVisible()

    for name in ("Ben", "Cal", "Dan", "Maya"):
        (review,) = reviews_of(school_db, members[name])
        assert review.target_value == "+4m"
    assert reviews_of(school_db, members["Ben"])[0].review_date == D(2026, 11, 27)
    assert reviews_of(school_db, members["Cal"])[0].review_date == D(2026, 11, 20)
    assert reviews_of(school_db, members["Maya"])[0].target == "Reads chapter books"


def test_a_review_date_outside_the_groups_school_days_is_refused_with_a_proposal(
    group_ctx, qtbot, school_db
):
    ctx, _, members = group_ctx
    wizard = ReviewWizard(ctx, [members["Maya"]])
    qtbot.addWidget(wizard)
    wizard.show()
    next_page(qtbot, wizard)
    plan = wizard.plan
    assert wizard.currentPage() is plan
    plan.review_date.setDate(QDate(2026, 12, 12))  # a Saturday after the group ended
    next_page(qtbot, wizard)
    assert wizard.currentPage() is plan
    assert plan.problem.text() == (
        "Saturday 12/12/2026 is after the group ends on 04/12/2026. Proposed instead: "
        "the group's last school day, 04/12/2026.\n"
        "Press Next to accept, or choose another school day."
    )
    assert plan.review_date.date().toPython() == REVIEW_DAY  # the group's last day, proposed
    plan.review_date.setDate(QDate(2026, 10, 28))  # half-term
    next_page(qtbot, wizard)
    assert wizard.currentPage() is plan
    assert plan.problem.text() == (
        "Wednesday 28/10/2026 is not a school day (a school holiday). Proposed instead: "
        "the group's last school day, 04/12/2026.\n"
        "Press Next to accept, or choose another school day."
    )
    next_page(qtbot, wizard)  # the proposal accepted
    assert wizard.currentPage() is wizard.do
    next_page(qtbot, wizard)
    finish(qtbot, wizard)
    (maya,) = reviews_of(school_db, members["Maya"])
    assert maya.review_date == REVIEW_DAY


def test_one_pupils_weekend_review_date_is_named_and_only_theirs_is_changed(
    group_ctx, qtbot, school_db
):
    ctx, ids, members = group_ctx
    wizard = open_wizard(qtbot, ctx, ids)
    next_page(qtbot, wizard)
    plan = wizard.plan
    plan.review_date_cell(CAL).setDate(QDate(2026, 11, 14))  # a Saturday in the block
    next_page(qtbot, wizard)
    assert wizard.currentPage() is plan
    assert plan.problem.text() == (
        "Cal Cross: Saturday 14/11/2026 is not a school day (a weekend). Proposed instead: "
        "the group's last school day, 04/12/2026.\n"
        "Press Next to accept, or choose another school day."
    )
    assert plan.review_date_of(CAL) == REVIEW_DAY
    assert plan.review_date_of(BEN) == D(2026, 11, 27)
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.do
    next_page(qtbot, wizard)
    finish(qtbot, wizard)
    assert reviews_of(school_db, members["Cal"])[0].review_date == REVIEW_DAY
    assert reviews_of(school_db, members["Ben"])[0].review_date == D(2026, 11, 27)


def test_pupil_voice_and_parent_views_are_each_pupils_own_and_reach_the_evidence_pack(
    group_ctx, qtbot, school_db, tmp_path
):
    from pypdf import PdfReader

    from provmap_desktop.reports.evidence_pdf import write_evidence_pack

    ctx, ids, members = group_ctx
    wizard = open_wizard(qtbot, ctx, ids)
    for _ in range(3):
        next_page(qtbot, wizard)
    page = wizard.review
    views = {
        BEN: ("Ben likes the word games best", "Dad says Ben now reads road signs"),
        MAYA: ("Maya wants harder books", "Mum hears Maya read at bedtime"),
    }
    for row, (voice, parents) in views.items():
        click_cell(qtbot, page.table, row, OUTCOME)
        page.pupil_voice.clear()
        qtbot.keyClicks(page.pupil_voice, voice)
        page.parent_views.clear()
        qtbot.keyClicks(page.parent_views, parents)
    click_cell(qtbot, page.table, BEN, OUTCOME)
    assert page.pupil_voice.toPlainText() == "Ben likes the word games best"
    for row, outcome in ((BEN, "7y 1m"), (MAYA, "7y 3m")):
        page.table.item(row, OUTCOME).setText(outcome)
        pick(page.widget(row, DECISION), "continue")
    finish(qtbot, wizard)
    assert not wizard.isVisible()

    ben = reviews_of(school_db, members["Ben"])[0]
    maya = reviews_of(school_db, members["Maya"])[0]
    assert (ben.pupil_voice, ben.parent_views) == views[BEN]
    assert (maya.pupil_voice, maya.parent_views) == views[MAYA]

    out = tmp_path / "ben.pdf"
    with school_db.session_factory() as s:
        ben_id = s.get(GroupMembership, members["Ben"]).pupil_id
        write_evidence_pack(s, ben_id, out, today=REVIEW_DAY)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Ben likes the word games best" in text
    assert "Dad says Ben now reads road signs" in text
    assert "Maya wants harder books" not in text


def _access_keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [w.text() for w in page.findChildren(QLabel) if w.isVisible()]
    texts += [w.text() for w in page.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.title() for w in page.findChildren(QGroupBox) if w.isVisible()]
    return [m.lower() for t in texts for m in re.findall(r"&([^&\s])", t.replace("&&", ""))]


def test_the_group_wizard_is_keyboard_usable_and_fits_a_small_laptop(group_ctx, qtbot):
    ctx, ids, _ = group_ctx
    wizard = open_wizard(qtbot, ctx, ids)
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    buttons = {"b", "n", "f", "c"}  # Back, Next, Finish, Cancel
    for page, wanted in (
        (wizard.assess, ("same_measure", "same_date")),
        (wizard.plan, ("same_outcome", "same_target", "same_target_value", "same_review_date")),
        (wizard.review, ("pupil_voice", "parent_views")),
    ):
        if wizard.currentPage() is not page:
            next_page(qtbot, wizard)
            if wizard.currentPage() is wizard.do:
                next_page(qtbot, wizard)
        assert wizard.currentPage() is page
        keys = _access_keys(page)
        assert len(keys) == len(set(keys)), keys  # every access key on the page is unique
        assert not set(keys) & buttons, keys
        for label in page.findChildren(QLabel):
            if "&" in label.text().replace("&&", "") and label.isVisible():
                assert label.buddy() is not None, label.text()
        for name in wanted:
            widget = getattr(page, name)
            assert widget.isVisible()
            if isinstance(widget, QCheckBox):
                assert "&" in widget.text()
        # Tab from the top of the page reaches every new field and box.
        page.setFocus()
        QApplication.processEvents()
        reached = set()
        for _ in range(150):
            qtbot.keyClick(QApplication.focusWidget() or wizard, Qt.Key.Key_Tab)
            reached.add(QApplication.focusWidget())
        for name in wanted:
            widget = getattr(page, name)
            if isinstance(widget, QPlainTextEdit | QCheckBox):
                assert widget in reached, name
        # No horizontal scrolling at the wizard's size, which fits 1366x768.
        assert page.table.horizontalScrollBar().maximum() == 0
    size = wizard.frameGeometry()
    assert size.width() <= 1366
    assert size.height() <= 768 - 40
    hint = wizard.minimumSizeHint()
    assert hint.width() <= 1366
    assert hint.height() <= 728
