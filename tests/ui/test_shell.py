"""The main window, Settings and File menu, driven as a user would."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from provmap_desktop.models import SchoolSettings, StaffRole
from provmap_desktop.shell.screens import SCREENS
from provmap_desktop.storage import open_database
from provmap_desktop.storage.backup import backup_database

from .modal import click, restore_through_file_menu


def fresh_read(db, entity, key):  # type: ignore[no-untyped-def]
    """Read a row through a new session, as another copy of the data would see it."""
    with db.session_factory() as s:
        return s.get(entity, key)


def test_every_screen_is_reachable_by_its_shortcut(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for number, spec in enumerate(SCREENS, start=1):
        target = QApplication.focusWidget() or window
        qtbot.keyClick(target, str(number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_screen() is window.screens[spec.key], spec.key
        assert window.tabs.tabText(window.tabs.currentIndex()) == spec.title


def test_period_bar_starts_on_the_current_term(window):
    assert window.period_bar.year_combo.currentText() == "2026/27"
    assert window.ctx.term_name == "Autumn"
    assert "school.provmap" in window.db_label.text()
    assert window.windowTitle().startswith("Test Primary")


def test_school_name_edit_is_saved_at_once_and_undoable(window, qtbot, school_db):
    window.show_screen("settings")
    screen = window.screens["settings"]
    edit: QLineEdit = screen.fields["name"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Oakfield Primary")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert fresh_read(school_db, SchoolSettings, 1).name == "Oakfield Primary"
    assert window.undo_action.text() == "&Undo change name"

    window.undo_action.trigger()
    assert fresh_read(school_db, SchoolSettings, 1).name == "Test Primary"
    assert edit.text() == "Test Primary"
    window.redo_action.trigger()
    assert fresh_read(school_db, SchoolSettings, 1).name == "Oakfield Primary"


def test_bad_threshold_is_refused_with_a_message_and_nothing_saved(window, qtbot, school_db):
    screen = window.screens["settings"]
    edit: QLineEdit = screen.fields["sen_threshold"]
    edit.setText("six thousand")
    edit.editingFinished.emit()
    assert screen.message.text() == "'six thousand' is not an amount of money, e.g. 18.50."
    assert fresh_read(school_db, SchoolSettings, 1).sen_threshold == Decimal("6000.00")
    assert edit.text() == "6,000.00"


def test_role_rate_edit_through_the_table_and_undo(window, school_db):
    model = window.screens["settings"].roles_model
    row = next(i for i, r in enumerate(model.rows) if r.name == "Teaching assistant")
    index = model.index(row, 1)
    assert model.data(index) == "£18.00"
    assert model.setData(index, "£19.25")
    role_id = model.rows[row].id
    assert fresh_read(school_db, StaffRole, role_id).hourly_cost == Decimal("19.25")
    assert not model.setData(index, "-4")  # negative money is refused
    assert fresh_read(school_db, StaffRole, role_id).hourly_cost == Decimal("19.25")
    window.undo_action.trigger()
    assert fresh_read(school_db, StaffRole, role_id).hourly_cost == Decimal("18.00")


def test_term_dates_refuse_an_end_before_the_start(window, school_db):
    model = window.screens["settings"].terms_model
    assert [r.name for r in model.rows] == ["Autumn", "Spring", "Summer"]
    messages: list[str] = []
    model.edit_refused.connect(messages.append)
    assert not model.setData(model.index(0, 2), "01/09/2026")  # ends before it starts
    assert messages == ["That change was not saved: The Autumn term ends before it starts."]
    assert model.data(model.index(0, 2)) == "18/12/2026"


def _button(screen, text: str) -> QPushButton:  # type: ignore[no-untyped-def]
    (button,) = [b for b in screen.findChildren(QPushButton) if b.text() == text]
    return button


def test_add_staff_role_then_undo_then_redo(window, qtbot, school_db):
    window.show_screen("settings")
    screen = window.screens["settings"]
    before = len(screen.roles_model.rows)
    qtbot.mouseClick(_button(screen, "Add r&ole"), Qt.MouseButton.LeftButton)
    assert window.undo_action.text() == "&Undo add staff role"
    assert len(screen.roles_model.rows) == before + 1
    window.undo_action.trigger()
    assert len(screen.roles_model.rows) == before
    window.redo_action.trigger()
    with school_db.session_factory() as s:
        assert s.query(StaffRole).filter_by(name="New role 1").count() == 1


def test_restore_from_the_file_menu_swaps_data_and_keeps_the_old(window, qtbot, tmp_path: Path):
    backup = tmp_path / "copy.provmap"
    backup_database(window.database.path, backup)
    screen = window.screens["settings"]
    screen.fields["name"].setText("Changed after backup")
    screen.fields["name"].editingFinished.emit()
    asked: list[str] = []

    def replace(box: QWidget) -> None:
        asked.append(box.windowTitle())
        click(qtbot, box, QMessageBox.StandardButton.Yes)

    restore_through_file_menu(window, backup, replace)
    assert asked == ["Restore this backup?"]
    assert window.windowTitle().startswith("Test Primary")
    kept = list(tmp_path.glob("Backups/school.*.before-restore.provmap"))
    assert len(kept) == 1
    old = open_database(kept[0])
    try:
        with old.session_factory() as s:
            assert s.get(SchoolSettings, 1).name == "Changed after backup"
    finally:
        old.close()


def test_funding_stream_and_its_budget_for_the_year(window, qtbot, school_db):
    from provmap_desktop.models import FundingBudget, FundingStream

    window.show_screen("settings")
    screen = window.screens["settings"]
    qtbot.mouseClick(_button(screen, "Add fun&ding stream"), Qt.MouseButton.LeftButton)
    streams = screen.streams_model
    assert streams.setData(streams.index(0, 0), "Notional SEN budget")
    budgets = screen.budgets_model
    assert [budgets.data(budgets.index(r, 0)) for r in range(budgets.rowCount())] == [
        "Notional SEN budget"
    ]
    assert budgets.setData(budgets.index(0, 1), "42,500")
    with school_db.session_factory() as s:
        budget = s.query(FundingBudget).one()
        assert budget.amount == Decimal("42500.00")
        assert s.get(FundingStream, budget.funding_stream_id).name == "Notional SEN budget"
    window.undo_action.trigger()
    with school_db.session_factory() as s:
        assert s.query(FundingBudget).one().amount == Decimal("0.00")


def test_help_explains_the_cost_formulas(window):
    window.show_costing_help()
    from PySide6.QtWidgets import QTextBrowser

    text = window.help_dialog.findChild(QTextBrowser).toPlainText()
    assert "Session cost" in text
    assert "Group cost" in text
    assert "1:1" in text
    window.help_dialog.close()


def test_add_staff_member_by_its_button_and_a_blank_school_name_is_refused(
    window, qtbot, school_db
):
    from provmap_desktop.models import Staff

    window.show_screen("settings")
    screen = window.screens["settings"]
    qtbot.mouseClick(_button(screen, "Add &staff member"), Qt.MouseButton.LeftButton)
    assert [r.name for r in screen.staff_model.rows] == ["Mrs Ahmed", "New member of staff"]
    with school_db.session_factory() as s:
        assert s.query(Staff).filter_by(name="New member of staff").count() == 1
    window.undo_action.trigger()
    assert [r.name for r in screen.staff_model.rows] == ["Mrs Ahmed"]

    edit: QLineEdit = screen.fields["name"]
    edit.setText("   ")
    edit.editingFinished.emit()
    assert screen.message.text() == "That change was not saved: The school needs a name."
    assert edit.text() == "Test Primary"
    assert fresh_read(school_db, SchoolSettings, 1).name == "Test Primary"


def _menu_bar(window):  # type: ignore[no-untyped-def]
    """Each menu's title with its commands as (text, shortcuts); separators are "-"."""
    from PySide6.QtGui import QKeySequence

    portable = QKeySequence.SequenceFormat.PortableText
    return [
        (
            top.text(),
            [
                "-"
                if action.isSeparator()
                else (action.text(), [key.toString(portable) for key in action.shortcuts()])
                for action in top.menu().actions()
            ],
        )
        for top in window.menuBar().actions()
    ]


def test_the_menu_bar_holds_every_command_with_its_shortcut(window):
    bar = _menu_bar(window)
    quit_keys = bar[0][1][-1][1]  # the platform's own (none on some)
    assert bar == [
        (
            "&File",
            [
                ("&Back up…", ["Ctrl+Shift+B"]),
                ("&Restore…", []),
                ("&Automatic backups…", []),
                "-",
                ("Import a provision &map…", []),
                ("Start a new academic &year…", []),
                "-",
                ("&Print…", ["Ctrl+P"]),
                ("Print pre&view…", ["Ctrl+Shift+P"]),
                "-",
                ("&Quit", quit_keys),
            ],
        ),
        (
            "&Edit",
            [
                ("&Find pupil", ["Ctrl+F"]),
                ("&Undo", ["Ctrl+Z"]),
                ("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"]),
            ],
        ),
        (
            "Pupil",
            [
                ("&New pupil…", []),
                ("&Find pupil", ["Ctrl+F"]),
                ("&Print profile…", []),
                ("&Evidence pack (PDF)…", []),
            ],
        ),
        ("Reports", []),  # listed from the Reports screen as the menu opens
        (
            "&View",
            [
                *((spec.title, [f"Ctrl+{n}"]) for n, spec in enumerate(SCREENS, start=1)),
                "-",
                ("Reload what is saved", ["F5"]),
            ],
        ),
        ("&Help", [("How &costs are worked out…", []), ("&About ProvMap", [])]),
    ]


def test_a_restore_puts_the_new_files_undo_in_the_edit_menu_once(window, qtbot, tmp_path: Path):
    backup = backup_database(window.database.path, tmp_path / "copy.provmap")
    old_ctx = window.ctx
    restore_through_file_menu(
        window, backup, lambda box: click(qtbot, box, QMessageBox.StandardButton.Yes)
    )
    assert window.ctx is not old_ctx  # the restored file is open
    edit = dict(_menu_bar(window))["&Edit"]
    assert [text for text, _keys in edit] == ["&Find pupil", "&Undo", "&Redo"]
    # Undo and Redo act on the restored file's undo stack and say what they did.
    window.ctx.undo_stack.push(QUndoCommand("rename the school"))
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert window.statusBar().currentMessage() == "Undid rename the school."
    window.redo_action.trigger()
    assert window.statusBar().currentMessage() == "Redid rename the school."
