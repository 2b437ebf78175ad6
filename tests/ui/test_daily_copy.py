"""The first open of the day's copy is taken once the window is on screen, not before."""

from __future__ import annotations

import argparse
from pathlib import Path

from provmap_desktop.app import choose_database, take_todays_copy
from provmap_desktop.shell.main_window import MainWindow
from provmap_desktop.storage.autobackup import list_copies

from ..schools.templates import copy_school
from .conftest import TODAY


def _daily(path: Path) -> list[Path]:
    return [c.path for c in list_copies(path) if c.reason == "daily"]


def test_opening_leaves_the_days_copy_until_the_window_is_shown(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    school = tmp_path / "school.provmap"
    copy_school("calendar", school)
    database = choose_database(argparse.Namespace(db=school, demo=False), TODAY)
    assert database is not None
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    try:
        assert _daily(school) == []  # opened and built, not yet copied
        window.show()
        first = take_todays_copy(window, database)
        assert first is not None
        assert _daily(school) == [first]
        assert take_todays_copy(window, database) is None  # once a day
        assert _daily(school) == [first]
    finally:
        window.close()


def test_a_copy_that_cannot_be_made_is_reported_and_the_work_goes_on(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    school = tmp_path / "school.provmap"
    copy_school("calendar", school)
    (tmp_path / "Backups").write_text("a file where the copies' folder belongs")
    database = choose_database(argparse.Namespace(db=school, demo=False), TODAY)
    assert database is not None
    window = MainWindow(database, today=TODAY)
    qtbot.addWidget(window)
    try:
        window.show()
        assert take_todays_copy(window, database) is None
        assert "automatic copy" in window.statusBar().currentMessage()
        assert window.isVisible()
    finally:
        window.close()
