"""File → Import a provision map…: preview, choose, import, checked in the database file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from sqlalchemy import func, select

from provmap_desktop.models import GroupMembership, Provision, Pupil
from provmap_desktop.services.pupils import TO_COMPLETE
from provmap_desktop.storage import Database
from provmap_desktop.storage.autobackup import list_copies
from provmap_desktop.views.map_import_dialog import MapImportDialog

from ..schools.exemplar import EXPECTED_ALLOCATIONS, write_xlsx
from ..schools.templates import open_school
from .conftest import TODAY


@pytest.fixture
def exemplar_db(tmp_path: Path) -> Iterator[Database]:
    db = open_school("exemplar", tmp_path / "school.provmap")
    yield db
    db.close()


@pytest.fixture
def exemplar_window(qtbot, exemplar_db: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(exemplar_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def open_from_menu(qtbot, window) -> MapImportDialog:  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    (action,) = [a for a in file_menu.actions() if a.text() == "Import a provision &map…"]
    action.trigger()
    dialog = window.map_import_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def counts(db: Database) -> tuple[int, int, int]:
    with db.session_factory() as s:
        return (
            s.scalar(select(func.count(GroupMembership.id))) or 0,
            s.scalar(select(func.count(Provision.id))) or 0,
            s.scalar(select(func.count(Pupil.id))) or 0,
        )


def rows(table) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def test_preview_then_import_with_new_pupils_writes_the_map(
    qtbot, exemplar_window, exemplar_db: Database, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    before = counts(exemplar_db)
    dialog = open_from_menu(qtbot, exemplar_window)
    assert dialog.year_combo.currentText() == "2026/27"
    dialog.term_combo.setFocus()
    qtbot.keyClicks(dialog.term_combo, "Autumn")
    assert dialog.term_combo.currentText() == "Autumn"
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)

    assert dialog.plan is not None
    assert f"{EXPECTED_ALLOCATIONS} allocations" in dialog.summary.text()
    assert len(rows(dialog.tabs.provisions_table)) == 17
    assert rows(dialog.tabs.provisions_table)[5][:2] == ("Talking Partners", "Yes")
    assert rows(dialog.tabs.unmatched_table) == [
        (
            "Wiliam",
            "Year 4",
            "Lunchtime social skills club",
            "Provision map 2026-27, row 25, column H",
            "William Paris (Year 4)",
        )
    ]
    assert rows(dialog.tabs.ambiguous_table) == [
        (
            "Mohammed",
            "Year 5",
            "Primary Strategy Wave 3 materials",
            "Provision map 2026-27, row 12, column I",
            "Mohammed Patel (Year 5), Mohammed Rahman (Year 5)",
        )
    ]
    assert dialog.tabs.tabText(2) == "&Unmatched names (1)"
    # The preview wrote nothing.
    assert counts(exemplar_db) == before

    qtbot.mouseClick(dialog.create_radio, Qt.MouseButton.LeftButton)
    assert dialog.create_radio.isChecked()
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert dialog.imported is not None
    assert "Imported: 15 provisions added, 42 groups" in dialog.outcome.text()
    allocations, provisions, pupils = counts(exemplar_db)
    assert (allocations, provisions, pupils) == (
        before[0] + EXPECTED_ALLOCATIONS + 1,
        before[1] + 15,
        before[2] + 1,
    )
    with exemplar_db.session_factory() as s:
        wiliam = s.scalar(select(Pupil).where(Pupil.forename == "Wiliam"))
        assert wiliam is not None
        assert wiliam.sen_notes.startswith(TO_COMPLETE)
    assert [c.reason for c in list_copies(exemplar_db.path) if c.reason != "daily"] == [
        "before-import"
    ]
    assert not dialog.import_button.isEnabled()
    assert dialog.close_button.text() == "Close"


def test_skipping_unmatched_names_leaves_them_out(
    qtbot, exemplar_window, exemplar_db: Database, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "map.xlsx")
    before = counts(exemplar_db)
    dialog = open_from_menu(qtbot, exemplar_window)
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert dialog.skip_radio.isChecked()
    assert dialog.import_button.isEnabled()
    # The keyboard way: Tab to Import, then Space.
    for _ in range(20):
        if QApplication.focusWidget() is dialog.import_button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.import_button, Qt.Key.Key_Space)
    assert dialog.imported is not None
    assert counts(exemplar_db)[0] == before[0] + EXPECTED_ALLOCATIONS
    assert counts(exemplar_db)[2] == before[2]


def test_a_file_that_is_not_a_map_says_so_and_import_stays_off(
    qtbot, exemplar_window, exemplar_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Some notes\n", encoding="utf-8")
    dialog = open_from_menu(qtbot, exemplar_window)
    qtbot.keyClicks(dialog.path_edit, str(path))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert "no provision map was found" in dialog.summary.text()
    assert "Nothing was written." in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_keyboard_reaches_everything_with_unique_access_keys_and_it_fits(
    qtbot, exemplar_window, tmp_path: Path
) -> None:
    dialog = open_from_menu(qtbot, exemplar_window)
    qtbot.keyClicks(dialog.path_edit, str(write_xlsx(tmp_path / "map.xlsx")))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    dialog.path_edit.setFocus()
    reached: list[QWidget] = []
    for _ in range(30):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is not None and widget not in reached:
            reached.append(widget)
    wanted = [
        dialog.browse_button,
        dialog.year_combo,
        dialog.term_combo,
        dialog.check_button,
        dialog.tabs.tabBar(),
        dialog.tabs.provisions_table,
        dialog.import_button,
        dialog.close_button,
    ]
    for widget in wanted:
        assert widget in reached, widget
    assert dialog.create_radio in reached or dialog.skip_radio in reached

    texts = [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    keys = [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]
    assert len(keys) == len(set(keys)), keys

    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1093
    assert hint.height() <= 614
    assert dialog.width() <= 1093
    assert dialog.height() <= 614
