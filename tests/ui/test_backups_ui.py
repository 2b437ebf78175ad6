"""File → Back up… with a password, restoring a protected backup, File → Automatic
backups…, all driven through the dialogs as a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from provmap_desktop.models import SchoolSettings
from provmap_desktop.shell.backup_dialogs import BackupDialog, BackupsDialog
from provmap_desktop.storage.autobackup import list_copies, take_copy
from provmap_desktop.storage.backup import backup_database
from provmap_desktop.storage.sealed import is_sealed

from .modal import click, on_next_modal, restore_through_file_menu

PASSWORD = "rainy tuesday 42"


def school_name(window) -> str:  # type: ignore[no-untyped-def]
    with window.database.session_factory() as s:
        return s.get(SchoolSettings, 1).name


def rename_school(window, name: str) -> None:  # type: ignore[no-untyped-def]
    edit = window.screens["settings"].fields["name"]
    edit.setText(name)
    edit.editingFinished.emit()


def test_a_protected_backup_is_made_through_the_dialog(window, qtbot, tmp_path: Path):
    target = tmp_path / "usb" / "school-backup.provmap"
    target.parent.mkdir()
    seen: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupDialog)
        dialog.path_edit.setText(str(target))
        qtbot.mouseClick(dialog.protect, Qt.MouseButton.LeftButton)
        assert dialog.path_edit.text().endswith(".provmap-sealed")
        qtbot.keyClicks(dialog.password, "short")
        qtbot.keyClicks(dialog.again, "short")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen.append(dialog.problem.text())
        assert dialog.isVisible()  # refused, still open
        dialog.password.clear()
        dialog.again.clear()
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClicks(dialog.again, PASSWORD + "x")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen.append(dialog.problem.text())
        dialog.again.clear()
        qtbot.keyClicks(dialog.again, PASSWORD)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    on_next_modal(fill)
    window.back_up()
    assert "at least 10 characters" in seen[0]
    assert "not the same" in seen[1]
    sealed = target.with_suffix(".provmap-sealed")
    assert is_sealed(sealed)
    assert "protected with a password" in window.statusBar().currentMessage()


def test_restoring_a_protected_backup_asks_for_the_password(window, qtbot, tmp_path: Path):
    sealed = backup_database(window.database.path, tmp_path / "b.provmap-sealed", password=PASSWORD)
    rename_school(window, "Changed after backup")

    refused: list[str] = []

    def wrong(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("not the password")

        def cannot_restore(box: QWidget) -> None:
            refused.append(box.windowTitle())
            click(qtbot, box, QMessageBox.StandardButton.Ok)

        on_next_modal(cannot_restore)
        dialog.accept()

    restore_through_file_menu(window, sealed, wrong)
    assert refused == ["Cannot restore"]
    assert school_name(window) == "Changed after backup"

    asked: list[str] = []

    def right(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(PASSWORD)

        def replace(box: QWidget) -> None:
            asked.append(box.windowTitle())
            click(qtbot, box, QMessageBox.StandardButton.Yes)

        on_next_modal(replace)
        dialog.accept()

    restore_through_file_menu(window, sealed, right)
    assert asked == ["Restore this backup?"]
    assert school_name(window) == "Test Primary"


def test_cancelling_the_restore_question_keeps_the_data(window, qtbot, tmp_path: Path):
    backup = backup_database(window.database.path, tmp_path / "b.provmap")
    rename_school(window, "Changed after backup")
    restore_through_file_menu(
        window, backup, lambda box: click(qtbot, box, QMessageBox.StandardButton.Cancel)
    )
    assert school_name(window) == "Changed after backup"
    assert not list(tmp_path.glob("Backups/*.before-restore.provmap"))


def test_automatic_backups_are_listed_and_any_can_be_restored(window, qtbot):
    path = window.database.path
    rename_school(window, "Before the import")
    take_copy(path, "before-import")
    rename_school(window, "After the import")
    listed: list[str] = []

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupsDialog)
        table = dialog.table
        whys = [table.item(r, 1).text() for r in range(table.rowCount())]
        listed.extend(whys)
        row = whys.index("Before an import")
        table.selectRow(row)
        on_next_modal(lambda box: click(qtbot, box, QMessageBox.StandardButton.Yes))
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    on_next_modal(choose)
    window.show_backups()
    assert listed == ["Before an import"]  # a new file has no daily copy yet
    assert school_name(window) == "Before the import"
    reasons = [c.reason for c in list_copies(path)]
    assert "before-restore" in reasons  # the data just replaced is kept too


def test_a_database_in_a_synced_folder_opens_with_a_warning_banner(qtbot, tmp_path: Path):
    from provmap_desktop.shell.main_window import MainWindow
    from provmap_desktop.storage import open_database

    from .conftest import TODAY, small_school

    db = open_database(tmp_path / "OneDrive - Oakfield" / "school.provmap")
    small_school(db)
    win = MainWindow(db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    assert win.place_banner.isVisible()
    assert "OneDrive folder" in win.place_banner.text()
    assert "File → Back up…" in win.place_banner.text()


def test_an_ordinary_folder_shows_no_banner(window):
    assert not window.place_banner.isVisible()


def test_backup_and_restore_open_in_the_last_folder_used(window, qtbot, tmp_path: Path):
    """Both file dialogs start where the last file was saved or opened, and the
    backup is offered under the school file's name and today's date."""
    from provmap_desktop.ui.folders import remember

    usb = tmp_path / "usb"
    usb.mkdir()
    remember(usb / "costs.xlsx")
    offered: list[str] = []

    def back_up(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupDialog)
        offered.append(dialog.path_edit.text())
        dialog.path_edit.setText(str(tmp_path / "stick" / "copy.provmap"))
        (tmp_path / "stick").mkdir()
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )

    on_next_modal(back_up)
    window.back_up()
    assert offered == [str(usb / "school-backup-2026-11-23.provmap")]
    assert (tmp_path / "stick" / "copy.provmap").exists()

    opened_in: list[str] = []

    def look(dialog: QWidget) -> None:
        from PySide6.QtWidgets import QFileDialog

        assert isinstance(dialog, QFileDialog)
        opened_in.append(dialog.directory().absolutePath())
        dialog.reject()

    on_next_modal(look)
    window.restore()
    # The backup just written chose the folder the restore dialog opens in.
    assert opened_in == [str(tmp_path / "stick")]
