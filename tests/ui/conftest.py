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
    from provmap_desktop.ui.main_window import MainWindow

    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture(autouse=True)
def _collect_after_each_test():  # type: ignore[no-untyped-def]
    """Free each test's widgets while the application still runs.

    A Qt object freed late, during the interpreter's own shutdown, can crash the run
    after every test has passed; collecting here pins any such fault to its test.
    """
    yield
    import gc

    gc.collect()
