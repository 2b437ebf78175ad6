"""Answering modal dialogs the way a user does, from inside the dialog's own event loop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget


def on_next_modal(handle: Callable[[QWidget], None], *, tries: int = 250) -> None:
    """Run ``handle`` on the next modal dialog once it is showing (give up after 5 s)."""

    # A modal left showing by something earlier is not the one awaited.
    already = QApplication.activeModalWidget()

    def look(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or widget is already or not widget.isVisible():
            if left > 0:
                QTimer.singleShot(20, lambda: look(left - 1))
            return
        handle(widget)

    QTimer.singleShot(0, lambda: look(tries))


def click(  # type: ignore[no-untyped-def]
    qtbot, box: QWidget, button: QMessageBox.StandardButton
) -> None:
    """Answer a message box by clicking one of its buttons."""
    assert isinstance(box, QMessageBox), box
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)


def menu_action(window, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    """The action called ``text`` in the menu bar's menu ``menu_title``."""
    (menu,) = [m for m in window.menuBar().findChildren(QMenu) if m.title() == menu_title]
    (action,) = [a for a in menu.actions() if a.text() == text]
    return action


def restore_through_file_menu(  # type: ignore[no-untyped-def]
    window, backup: Path, then: Callable[[QWidget], None]
) -> None:
    """File → Restore…, choose ``backup`` in the file dialog, let ``then`` answer what
    comes next (the password, or the question whether to replace the data)."""

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        on_next_modal(then)
        dialog.selectFile(str(backup))
        dialog.accept()

    on_next_modal(choose)
    menu_action(window, "&File", "&Restore…").trigger()
