"""Start-up builds only the screen shown; the others are built when first opened."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from provmap_desktop.models import Pupil, YearGroup
from provmap_desktop.ui.screens import SCREENS

from .conftest import TODAY


def _window(qtbot, school_db, last: str):  # type: ignore[no-untyped-def]
    from provmap_desktop.ui.main_window import MainWindow

    QSettings().setValue("last_screen", last)
    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def test_only_the_last_opened_screen_is_built_at_start(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "reviews")
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Reviews"
    assert set(window.screens.built()) == {"reviews"}
    assert window.tabs.currentWidget() is window.screens["reviews"]
    # Every tab is there to click, in order, before any other screen is built.
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        s.title for s in SCREENS
    ]


def test_a_screen_is_built_when_its_tab_is_first_opened(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "map")
    assert set(window.screens.built()) == {"map"}
    index = [s.key for s in SCREENS].index("costs")
    qtbot.mouseClick(
        window.tabs.tabBar(),
        Qt.MouseButton.LeftButton,
        pos=window.tabs.tabBar().tabRect(index).center(),
    )
    assert window.tabs.currentIndex() == index
    assert set(window.screens.built()) == {"map", "costs"}
    assert window.tabs.currentWidget() is window.screens["costs"]
    assert QSettings().value("last_screen") == "costs"


def test_a_pupil_chosen_before_a_screen_is_built_is_chosen_there(qtbot, school_db):  # type: ignore[no-untyped-def]
    window = _window(qtbot, school_db, "map")
    with school_db.session_factory() as s:
        year = s.scalars(select(YearGroup)).first()
        pupil = Pupil(upn="A123456789012", forename="Ava", surname="Adams", year_group_id=year.id)
        s.add(pupil)
        s.commit()
        pupil_id = pupil.id
    window.ctx.pupil_selected.emit(pupil_id)
    window.show_screen("reports")
    QApplication.processEvents()
    reports = window.screens["reports"]
    assert "Ava Adams" in reports.pupil_label.text()
    assert all(b.isEnabled() for b in reports.pupil_buttons)
