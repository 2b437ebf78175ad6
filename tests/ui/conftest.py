"""Fixtures for widget tests: a real database file and a main window over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from provmap_desktop.storage import Database

from ..schools.small import small_school
from ..schools.templates import TODAY, open_school

__all__ = ["TODAY", "small_school"]
_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/ui as ``gui``: it drives real Qt widgets."""
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def school_db(tmp_path: Path) -> Iterator[Database]:
    """A copy of the widget tests' school (``tests.schools.small.small_school``), open."""
    db = open_school("calendar", tmp_path / "school.provmap")
    yield db
    db.close()


@pytest.fixture
def window(qtbot, school_db: Database):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def close_window_first(window) -> None:  # type: ignore[no-untyped-def]
    """Close a main window and let it go before its database is closed or dropped.

    Everything the window has queued (timers, lazy screens) runs while the database is
    still there; then its session is closed and the window deleted.
    """
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    window.close()
    QApplication.processEvents()
    if window.ctx is not None:
        window.ctx.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    """The demo school (Oakfield Primary) built as of ``TODAY`` in a real file."""
    db = open_school("demo", tmp_path / "demo.provmap")
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

    What is kept is then frozen (``gc.freeze``): the collector no longer walks it. Without
    that, every later collection walked all the windows kept so far, and the teardown
    of a widget test grew to over ten seconds by the end of the run.
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
    gc.freeze()
