"""After the first-start set-up, the window shows a checklist of the first steps, each
with a button that opens its place, ticked from the data; it goes when all are done or
when hidden, and a hidden list stays hidden."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from provmap_desktop.app import _create_school
from provmap_desktop.shell.first_start import NewSchool
from provmap_desktop.storage import Database

from .conftest import TODAY


def _new_school(tmp_path: Path) -> Database:
    choice = NewSchool("Brookside Primary", "primary", [], 2026, dt.date(2026, 9, 2))
    return _create_school(tmp_path / "brookside.provmap", choice)


def _window(qtbot, database: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _tab_to(qtbot, window, wanted: QPushButton, limit: int = 80) -> list[str]:  # type: ignore[no-untyped-def]
    """Press Tab from the search box until ``wanted`` has the focus; the names passed."""
    window.period_bar.search.setFocus()
    passed = []
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is wanted:
            return passed
        passed.append(type(focused).__name__)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {wanted.text()!r}: {passed}")


def test_a_new_school_sees_the_checklist_and_works_through_it_by_keyboard(qtbot, tmp_path):
    database = _new_school(tmp_path)
    window = _window(qtbot, database)
    checklist = window.setup_checklist
    assert checklist.isVisible()
    ticks = {key: label.text() for key, label in checklist.ticks.items()}
    assert all(text.startswith("○ ") for text in ticks.values()), ticks
    assert "no pupils yet" in ticks["pupils"]

    # Tab reaches "Staff and rates…"; Space opens Settings with the staff table focused.
    staff_button = checklist.buttons["staff"]
    _tab_to(qtbot, window, staff_button)
    qtbot.keyClick(staff_button, Qt.Key.Key_Space)
    assert window.current_screen() is window.screens["settings"]
    focused = QApplication.focusWidget()
    assert isinstance(focused, QTableView)
    assert focused.accessibleName() == "Staff"

    # Adding a member of staff there ticks the step, in words and symbol.
    settings = window.screens["settings"]
    add = next(b for b in settings.findChildren(QPushButton) if "staff member" in b.text())
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert checklist.ticks["staff"].text().startswith("✓ ")
    assert "1 member of staff" in checklist.ticks["staff"].text()
    assert checklist.ticks["staff"].accessibleName().endswith(": done")

    # "Term dates are right", pressed from the keyboard, ticks the term dates.
    _tab_to(qtbot, window, checklist.terms_right)
    qtbot.keyClick(checklist.terms_right, Qt.Key.Key_Space)
    assert checklist.ticks["terms"].text().startswith("✓ ")
    assert not checklist.terms_right.isEnabled()

    # Hidden for good: a new window on the same school does not show it.
    _tab_to(qtbot, window, checklist.hide_button)
    qtbot.keyClick(checklist.hide_button, Qt.Key.Key_Space)
    assert not checklist.isVisible()
    assert "hidden" in window.statusBar().currentMessage()
    window.close()
    from provmap_desktop.storage import open_database

    again = _window(qtbot, open_database(tmp_path / "brookside.provmap"))
    assert not again.setup_checklist.isVisible()


def test_import_pupils_opens_the_import_dialog(qtbot, tmp_path):
    from provmap_desktop.views.import_dialog import ImportPupilsDialog

    window = _window(qtbot, _new_school(tmp_path))
    window.setup_checklist.buttons["pupils"].click()
    assert window.current_screen() is window.screens["pupils"]
    dialog = window.screens["pupils"].pupil_actions.dialog
    assert isinstance(dialog, ImportPupilsDialog)
    assert dialog.isVisible()
    dialog.reject()


def test_the_demo_school_shows_no_checklist(demo_window):
    assert not demo_window.setup_checklist.isVisible()
