"""The Plan and Meetings tabs driven as a SENCO would, checked in the database file.

Add a plan, type a target into its table, review it twice, undo the second review,
save the plan for the family and read it back; log a meeting with an action due
tomorrow and see it in the start-up strip, follow the link, tick it off.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import exists, select

from provmap_desktop.models import LearningPlan, Meeting, MeetingAction, Pupil, TargetResult
from provmap_desktop.storage import Database

from .conftest import TODAY


def _pupil_without_plan(db: Database) -> int:
    with db.session_factory() as s:
        return s.scalars(
            select(Pupil.id)
            .where(Pupil.sen_status == "K", Pupil.archived.is_(False))
            .where(~exists().where(LearningPlan.pupil_id == Pupil.id))
            .order_by(Pupil.id)
        ).first()  # type: ignore[return-value]


def _versions(db: Database, pupil_id: int) -> list[tuple[int, object]]:
    with db.session_factory() as s:
        rows = s.execute(
            select(LearningPlan.version, LearningPlan.reviewed_on)
            .where(LearningPlan.pupil_id == pupil_id)
            .order_by(LearningPlan.version)
        )
        return [(v, r) for v, r in rows]


def _type_into_cell(qtbot, table, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a cell, press F2, type over what is there and press Enter."""
    table.setFocus()
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not table, "F2 opened no editor"
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the view commits an edit finished by Enter when idle


def _review(qtbot, tab, day: str, result: str, voice: str) -> None:  # type: ignore[no-untyped-def]
    """Open the review, give every target ``result``, type the day and the pupil's voice."""
    qtbot.mouseClick(tab.review_button, Qt.MouseButton.LeftButton)
    dialog = tab.review_dialog
    assert dialog is not None
    assert dialog.isVisible()
    for combo in dialog.results.values():
        combo.setCurrentIndex(combo.findData(result))
    dialog.reviewed_on.selectAll()
    qtbot.keyClicks(dialog.reviewed_on, day)
    dialog.pupil_voice.setFocus()
    qtbot.keyClicks(dialog.pupil_voice, voice)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.message.text()


def test_add_a_plan_review_it_twice_undo_and_print_for_the_family(
    demo_window, demo_db, qtbot, tmp_path: Path
) -> None:
    pupil_id = _pupil_without_plan(demo_db)
    screen = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    screen.select_pupil(pupil_id)
    tab = screen.pane.plan_tab
    screen.pane.tabs.setCurrentWidget(tab)
    assert tab.start_button.isVisible()
    qtbot.mouseClick(tab.start_button, Qt.MouseButton.LeftButton)
    assert _versions(demo_db, pupil_id) == [(1, None)]

    # A target typed straight into its new row, then its baseline and date by F2.
    qtbot.mouseClick(tab.add_target_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    editor.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(editor, "Read 20 tricky words")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the view commits an edit finished by Enter when idle
    _type_into_cell(qtbot, tab.targets, 0, 1, "8 words")
    _type_into_cell(qtbot, tab.targets, 0, 3, "11/12/2026")
    tab.home_help.setFocus()
    qtbot.keyClicks(tab.home_help, "Read the word cards at bedtime")
    tab.strategies.setFocus()  # leaving the box saves it
    with demo_db.session_factory() as s:
        plan = s.scalars(select(LearningPlan).where(LearningPlan.pupil_id == pupil_id)).one()
        target = plan.targets[0]
        assert (target.text, target.baseline) == ("Read 20 tricky words", "8 words")
        assert target.target_date.isoformat() == "2026-12-11"
        assert plan.home_help == "Read the word cards at bedtime"

    # A review dated before the plan began is refused in words, and the dialog stays.
    qtbot.mouseClick(tab.review_button, Qt.MouseButton.LeftButton)
    early = tab.review_dialog
    early.reviewed_on.selectAll()
    qtbot.keyClicks(early.reviewed_on, "16/11/2026")
    qtbot.mouseClick(early.record_button, Qt.MouseButton.LeftButton)
    assert early.isVisible()
    assert "cannot be reviewed before it started (23/11/2026)" in early.message.text()
    early.reject()
    _review(qtbot, tab, "23/11/2026", TargetResult.PARTLY.value, "I know more words")
    _review(qtbot, tab, "30/11/2026", TargetResult.ACHIEVED.value, "I did it")
    versions = _versions(demo_db, pupil_id)
    assert [v for v, _r in versions] == [1, 2, 3]
    assert [str(r) for _v, r in versions] == ["2026-11-23", "2026-11-30", "None"]
    with demo_db.session_factory() as s:
        second = s.scalars(
            select(LearningPlan).where(LearningPlan.version == 2, LearningPlan.pupil_id == pupil_id)
        ).one()
        assert [(t.text, t.result) for t in second.targets] == [
            ("Read 20 tricky words", "achieved")
        ]
        assert second.pupil_voice == "I did it"

    # The History tab lists the versions in order.
    screen.pane.tabs.setCurrentWidget(screen.pane.history_tab)
    table = screen.pane.history_tab.versions
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Plan 1", "Plan 2", "Plan 3",
    ]  # fmt: skip

    demo_window.undo_action.trigger()  # the second review
    assert _versions(demo_db, pupil_id) == [(1, versions[0][1]), (2, None)]
    demo_window.redo_action.trigger()
    assert len(_versions(demo_db, pupil_id)) == 3

    # Plan 2 chosen in the Version list, then File > Print's document for it.
    screen.pane.tabs.setCurrentWidget(tab)
    tab.version.setCurrentIndex(1)
    tab.version.activated.emit(1)
    assert tab.state.text().startswith("Plan 2, reviewed 30/11/2026")
    assert not tab.add_target_button.isEnabled()  # a reviewed version is kept as it was
    printable = screen.printable()
    assert printable is not None
    out = tmp_path / "plan.pdf"
    printable.write(out)
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Plan 2, from 23/11/2026" in text
    assert "Read 20 tricky words" in text
    assert "Read the word cards at bedtime" in text


def test_log_a_meeting_with_an_action_and_see_it_in_the_strip(demo_window, demo_db, qtbot) -> None:
    demo_window.refresh_attention()
    before = {i.link: i.text for i in demo_window.attention_items}
    assert before["pupils#actions-due"] == "2 meeting actions due (1 overdue)"
    pupil_id = _pupil_without_plan(demo_db)
    screen = demo_window.screens["pupils"]
    demo_window.show_screen("pupils")
    screen.select_pupil(pupil_id)
    tab = screen.pane.meetings_tab
    screen.pane.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    parents = tab.fields["parents_present"]
    assert parents.hasFocus()
    qtbot.keyClicks(parents, "Mrs Khan")
    qtbot.keyClick(parents, Qt.Key.Key_Tab)  # leaving the field saves it
    tab.fields["family_given_copy"].setFocus()
    qtbot.keyClick(tab.fields["family_given_copy"], Qt.Key.Key_Space)
    qtbot.mouseClick(tab.add_action_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    editor.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(editor, "Ring the speech therapist")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the view commits an edit finished by Enter when idle
    _type_into_cell(qtbot, tab.action_table, 0, 1, "SENCO")
    _type_into_cell(qtbot, tab.action_table, 0, 2, "24/11/2026")  # tomorrow
    with demo_db.session_factory() as s:
        meeting = s.scalars(select(Meeting).where(Meeting.pupil_id == pupil_id)).one()
        assert meeting.held_on == TODAY
        assert meeting.parents_present == "Mrs Khan"
        assert meeting.family_given_copy
        assert [(a.text, a.owner, str(a.due_on)) for a in meeting.actions] == [
            ("Ring the speech therapist", "SENCO", "2026-11-24")
        ]

    demo_window.refresh_attention()
    after = {i.link: i.text for i in demo_window.attention_items}
    assert after["pupils#actions-due"] == "3 meeting actions due (1 overdue)"
    demo_window.attention_label.linkActivated.emit("pupils#actions-due")
    dialog = screen.due_dialog
    assert dialog is not None
    names = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "Ring the speech therapist" in names
    dialog.table.selectRow(names.index("Ring the speech therapist"))
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert screen.pane.id == pupil_id
    assert screen.pane.tabs.currentWidget() is tab

    # Ticked off with the space bar on its Done box: out of the strip.
    tab.action_table.setFocus()
    tab.action_table.setCurrentCell(0, 3)
    qtbot.keyClick(tab.action_table, Qt.Key.Key_Space)
    with demo_db.session_factory() as s:
        action = s.scalars(select(MeetingAction).where(MeetingAction.pupil_id == pupil_id)).one()
        assert action.done_on == TODAY
    demo_window.refresh_attention()
    final = {i.link: i.text for i in demo_window.attention_items}
    assert final["pupils#actions-due"] == "2 meeting actions due (1 overdue)"


def test_the_strip_opens_the_plans_not_reviewed_this_term(demo_window, demo_db, qtbot) -> None:
    demo_window.refresh_attention()
    (item,) = [i for i in demo_window.attention_items if i.target == "plans-due"]
    count = int(item.text.split()[0])
    demo_window.attention_label.linkActivated.emit(item.link)
    dialog = demo_window.screens["pupils"].due_dialog
    assert dialog is not None
    assert dialog.table.rowCount() == count
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    pane = demo_window.screens["pupils"].pane
    assert pane.tabs.currentWidget() is pane.plan_tab


def test_the_apdr_review_step_reviews_the_plan_with_the_views_typed_there(
    demo_window, demo_db, qtbot
) -> None:
    from provmap_desktop.models import GroupMembership
    from provmap_desktop.views.review_wizard import ReviewWizard

    ctx = demo_window.ctx
    with demo_db.session_factory() as s:
        maya = s.scalars(select(Pupil).where(Pupil.forename == "Maya")).one()
        maya_id = maya.id
        membership_id = s.scalars(
            select(GroupMembership.id)
            .where(GroupMembership.pupil_id == maya_id)
            .order_by(GroupMembership.join_date.desc())
        ).first()
    assert _versions(demo_db, maya_id)[-1] == (4, None)
    wizard = ReviewWizard(ctx, [membership_id], demo_window)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.review
    page.pupil_voice.setPlainText("Reading is getting easier.")
    page.parent_views.setPlainText("We read every night.")
    page.plan_button.click()
    dialog = page.plan_dialog
    assert dialog is not None
    assert dialog.pupil_voice.toPlainText() == "Reading is getting easier."
    assert dialog.parent_views.toPlainText() == "We read every night."
    for combo in dialog.results.values():
        combo.setCurrentIndex(combo.findData(TargetResult.PARTLY.value))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.message.text()
    assert [v for v, _r in _versions(demo_db, maya_id)] == [1, 2, 3, 4, 5]
    with demo_db.session_factory() as s:
        fourth = s.scalars(
            select(LearningPlan).where(LearningPlan.pupil_id == maya_id, LearningPlan.version == 4)
        ).one()
        assert fourth.reviewed_on == TODAY
        assert fourth.parent_views == "We read every night."
