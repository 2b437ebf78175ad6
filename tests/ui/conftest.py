"""Fixtures for widget tests: a real database file and a main window over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from provmap_desktop.models import (
    AcademicYear,
    SchoolSettings,
    Staff,
    StaffRole,
    Term,
    YearGroup,
)
from provmap_desktop.storage import Database, open_database

TODAY = dt.date(2026, 11, 23)


def small_school(db: Database) -> None:
    with db.session_factory() as s:
        s.add(SchoolSettings(name="Test Primary"))
        year = AcademicYear(
            label="2026/27", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 8, 31)
        )
        year.terms = [
            Term(
                name="Autumn",
                start_date=dt.date(2026, 9, 3),
                end_date=dt.date(2026, 12, 18),
                half_term_start=dt.date(2026, 10, 26),
                half_term_end=dt.date(2026, 10, 30),
            ),
            Term(name="Spring", start_date=dt.date(2027, 1, 5), end_date=dt.date(2027, 3, 26)),
            Term(name="Summer", start_date=dt.date(2027, 4, 12), end_date=dt.date(2027, 7, 21)),
        ]
        s.add(year)
        s.add_all(YearGroup(name=f"Year {n}", sort_order=n) for n in range(1, 7))
        ta = StaffRole(name="Teaching assistant", hourly_cost=Decimal("18.00"))
        s.add(Staff(name="Mrs Ahmed", role=ta))
        s.commit()


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def school_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "school.provmap")
    small_school(db)
    yield db
    db.close()


@pytest.fixture
def window(qtbot, school_db: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    """The demo school (Oakfield Primary) built as of ``TODAY`` in a real file."""
    from provmap_desktop.services.demo import build_demo_school

    db = open_database(tmp_path / "demo.provmap")
    with db.session_factory() as s:
        build_demo_school(s, today=TODAY)
    yield db
    db.close()


@pytest.fixture
def demo_window(qtbot, demo_db: Database):  # type: ignore[no-untyped-def]
    """The main window over the demo school, shown and active."""
    from provmap_desktop.shell.main_window import MainWindow

    window = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


#: Cyclic garbage found after widget tests, kept until the process ends (see below).
_KEPT_GARBAGE: list[object] = []


@pytest.fixture(autouse=True)
def _keep_widget_garbage():  # type: ignore[no-untyped-def]
    """Collect each test's cyclic garbage, but keep it instead of freeing it.

    Closed windows and screens replaced by a reload leave Python wrappers in reference
    cycles. With PySide6 6.11, freeing some of those wrappers from the cycle collector,
    at a random later moment, crashed the test process after every test had passed
    (a segmentation fault in garbage collection). Keeping them alive until the process
    ends made the run finish cleanly; the cause is not yet pinned down.
    """
    yield
    import gc

    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        _KEPT_GARBAGE.extend(gc.garbage)
        gc.garbage.clear()
    finally:
        gc.set_debug(0)
    # What is kept never changes again: out of later collections' way, so each test's
    # collection looks at that test's objects only, not at every earlier test's.
    gc.freeze()
