"""Every screen and dialog can be walked with Tab and Shift+Tab; no Alt+letter clashes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from provmap_desktop.models import Ehcp
from provmap_desktop.services.demo import build_demo_school
from provmap_desktop.storage import Database, open_database
from provmap_desktop.ui.screens import SCREENS

from .keywalk import mnemonic_clashes, walk

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("demo") / "demo.provmap"
    db = open_database(path)
    with db.session_factory() as s:
        build_demo_school(s, today=TODAY)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "demo.provmap"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    yield db
    db.close()


@pytest.fixture
def demo_window(qtbot, demo_db):  # type: ignore[no-untyped-def]
    from provmap_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


#: Each screen, and on Pupils each tab of the pupil pane (a pupil with an EHC plan).
VIEWS = [(spec.key, None) for spec in SCREENS] + [("pupils", tab) for tab in range(1, 5)]


def show(window, key: str, pane_tab: int | None) -> None:  # type: ignore[no-untyped-def]
    """Open a screen as a user would find it, with a pupil chosen where that shows more."""
    window.show_screen(key)
    if key == "pupils":
        screen = window.screens["pupils"]
        with window.database.session_factory() as s:
            pupil_id = s.scalars(select(Ehcp.pupil_id).order_by(Ehcp.id)).first()
        screen.select_pupil(pupil_id)
        screen.pane.tabs.setCurrentIndex(pane_tab or 0)


@pytest.mark.parametrize(("key", "pane_tab"), VIEWS)
def test_tab_and_shift_tab_reach_every_control_of_each_screen(demo_window, qtbot, key, pane_tab):
    show(demo_window, key, pane_tab)
    qtbot.wait(10)
    problems = walk(qtbot, demo_window).problems()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("key", "pane_tab"), VIEWS)
def test_no_access_key_is_used_twice_on_a_screen(demo_window, qtbot, key, pane_tab):
    show(demo_window, key, pane_tab)
    clashes = mnemonic_clashes(demo_window)
    assert not clashes, "\n".join(f"Alt+{k.upper()}: {v}" for k, v in clashes.items())
