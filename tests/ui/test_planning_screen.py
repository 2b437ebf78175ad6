"""The Planning screen on the demo school, driven as the SENCO would: add a planned need
and type its pupils, type a member of staff's contracted hours, record training; each
change is in the file at once and undoable."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
from sqlalchemy import select

from provmap_desktop.models import PlannedNeed, Staff, StaffTraining, Training
from provmap_desktop.services.planning.deployment import format_minutes
from provmap_desktop.storage import Database

from .conftest import TODAY


def _fresh(db: Database, query):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        return s.execute(query).all()


def _type_into(qtbot, view: QTableView, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Go to a cell, start editing with F2, type ``text`` and Tab out (which saves it)."""
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, column))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


def _screen(window):  # type: ignore[no-untyped-def]
    window.show_screen("planning")
    screen = window.screens["planning"]
    assert screen.year_label() == "2027/28"  # next year is planned first
    return screen


def test_adding_a_planned_need_and_typing_its_pupils(demo_window, demo_db, qtbot) -> None:
    screen = _screen(demo_window)
    before = {row[0] for row in _fresh(demo_db, select(PlannedNeed.id))}
    assert screen.needs_tab.model.rows[0][-1] == "must 4"  # the demo's Reception need
    qtbot.mouseClick(screen.needs_tab.add_button, Qt.MouseButton.LeftButton)
    (need,) = [r[0] for r in _fresh(demo_db, select(PlannedNeed)) if r[0].id not in before]
    assert (need.academic_year_label, need.area, need.pupils, need.grade) == (
        "2027/28", "CL", 1, "should",
    )  # fmt: skip
    pupils = select(PlannedNeed.pupils).where(PlannedNeed.id == need.id)
    row = [n.id for n in screen.needs_tab.planned_model.rows].index(need.id)
    _type_into(qtbot, screen.needs_tab.planned_table, row, 4, "4")
    assert _fresh(demo_db, pupils) == [(4,)]
    assert screen.needs_tab.model.rows[0][-1] == "must 4, should 4"  # shown at once
    _type_into(qtbot, screen.needs_tab.planned_table, row, 4, "none")
    assert "is not a whole number" in screen.message.text()
    assert _fresh(demo_db, pupils) == [(4,)]
    demo_window.ctx.undo_stack.undo()
    assert _fresh(demo_db, pupils) == [(1,)]
    demo_window.ctx.undo_stack.undo()
    assert {r[0] for r in _fresh(demo_db, select(PlannedNeed.id))} == before


def test_typing_contracted_hours_shows_over_deployment(demo_window, demo_db, qtbot) -> None:
    screen = _screen(demo_window)
    screen.tabs.setCurrentWidget(screen.staff_tab)
    model = screen.staff_tab.model
    row = next(n for n, member in enumerate(model.rows) if member.name == "Mrs Karen Doyle")
    hours = select(Staff.intervention_minutes).where(Staff.name == "Mrs Karen Doyle")
    assert _fresh(demo_db, hours) == [(1800,)]  # the demo's 30 hours
    assert model.index(row, 1).data() == "30:00"
    _type_into(qtbot, screen.staff_tab.table, row, 1, "20:30")
    assert _fresh(demo_db, hours) == [(1230,)]
    status = model.index(row, model.columnCount() - 1).data()
    person = screen.staff_tab.people[model.rows[row].id]
    assert person.planned > 1230
    assert status == f"over by {format_minutes(person.planned - 1230)}"
    demo_window.ctx.undo_stack.undo()
    assert _fresh(demo_db, hours) == [(1800,)]


def test_recording_training_typed_as_a_new_name(demo_window, demo_db, qtbot) -> None:
    screen = _screen(demo_window)
    screen.tabs.setCurrentWidget(screen.staff_tab)
    query = (
        select(Staff.name, StaffTraining.trained_on)
        .join(StaffTraining, StaffTraining.staff_id == Staff.id)
        .join(Training)
        .where(Training.name == "Makaton")
    )
    assert _fresh(demo_db, query) == []
    row = screen.training_row
    row.training_combo.setCurrentText("Makaton")
    row.staff_combo.setCurrentIndex(row.staff_combo.findText("Mr Tom Riley"))
    qtbot.mouseClick(row.record_button, Qt.MouseButton.LeftButton)
    assert _fresh(demo_db, query) == [("Mr Tom Riley", TODAY)]
    demo_window.ctx.undo_stack.undo()  # the training and the record go together
    assert _fresh(demo_db, query) == []
    assert _fresh(demo_db, select(Training.id).where(Training.name == "Makaton")) == []


def test_the_plan_saved_from_the_screen_reads_back(demo_window, tmp_path: Path) -> None:
    screen = _screen(demo_window)
    out = screen.save_pdf(tmp_path / "plan.pdf")
    assert out is not None
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for heading in ("SEN provision plan for 2027/28", "Projected needs by year group",
                    "Gap analysis", "Cost against budget", "Staff deployment",
                    "Over contracted hours", "Timetable clashes", "Training needed"):  # fmt: skip
        assert heading in text, heading


def test_intervention_hours_are_typed_in_settings_too(window, school_db) -> None:
    model = window.screens["settings"].staff_model
    column = [c.field for c in model.columns].index("intervention_minutes")
    index = model.index(0, column)
    assert model.setData(index, "12.5")
    staff_id = model.rows[0].id
    hours = select(Staff.intervention_minutes).where(Staff.id == staff_id)
    assert _fresh(school_db, hours) == [(750,)]
    assert model.data(model.index(0, column)) == "12:30"
    assert not model.setData(model.index(0, column), "lots")  # refused, nothing changed
    assert _fresh(school_db, hours) == [(750,)]
    window.undo_action.trigger()
    assert _fresh(school_db, hours) == [(None,)]
