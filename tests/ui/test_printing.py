"""File → Print…: the system print dialog and the preview print the report's own PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QLineEdit

from provmap_desktop.reports.map_pdf import write_map_pdf

TODAY = dt.date(2026, 11, 23)


def _answer_print_dialog(out: Path, seen: list[str]) -> None:
    """Act as the user in the print dialog: print to a PDF file, press Print."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, QPrintDialog):
        QTimer.singleShot(50, lambda: _answer_print_dialog(out, seen))
        return
    seen.append(dialog.windowTitle())
    # No printer on a test machine: the dialog offers printing to a file; name it.
    name = dialog.findChild(QLineEdit, "filename")
    assert name is not None
    name.setText(str(out))
    dialog.accept()


def test_ctrl_p_from_the_search_box_prints_the_map_as_its_pdf(demo_window, qtbot, tmp_path):
    demo_window.show_screen("map")
    search = demo_window.period_bar.search
    search.setFocus()  # not the grid: Ctrl+P works anywhere in the window
    out = tmp_path / "printed.pdf"
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer_print_dialog(out, seen))
    qtbot.keyClick(search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Print provision map"]
    # The same pages as the map's own PDF, landscape like it.
    ctx = demo_window.ctx
    saved = write_map_pdf(
        ctx.session,
        tmp_path / "saved.pdf",
        academic_year_id=ctx.academic_year_id,
        term_name=ctx.term_name,
        page_size="A4",
        filters=demo_window.screens["map"].filters,
    )
    printed_pages = PdfReader(out).pages
    saved_pages = PdfReader(saved).pages
    assert len(printed_pages) == len(saved_pages) >= 1
    box = printed_pages[0].mediabox
    assert box.width > box.height
    assert "printer" in demo_window.statusBar().currentMessage()


def test_print_preview_shows_every_page_of_the_pupils_profile(demo_window, qtbot):
    demo_window.show_screen("pupils")
    screen = demo_window.screens["pupils"]
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    assert screen.pane.pupil() is not None
    file_menu = demo_window.menuBar().actions()[0].menu()
    preview = next(a for a in file_menu.actions() if a.text() == "Print pre&view…")
    preview.trigger()
    dialog = demo_window.preview_dialog
    assert dialog is not None
    assert dialog.isVisible()
    widget = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: widget.pageCount() >= 1)
    assert widget.pageCount() == 1  # a one-page profile
    assert "profile of" in dialog.windowTitle()
    dialog.close()


def test_print_on_a_screen_with_nothing_to_print_says_so(demo_window, qtbot):
    demo_window.show_screen("settings")
    demo_window.print_action.trigger()
    assert "Nothing to print" in demo_window.statusBar().currentMessage()
