"""A member of staff's login on the server sees the map read-only, and is told why.

Through the real grants on the test server (``provmap grant-roles``), a login in
provmap_staff opens the group school; the SENCO's login, the same school, can edit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import create_engine, select

from provmap_desktop.cli import EXIT_OK, main
from provmap_desktop.models import GroupMembership, Pupil
from provmap_desktop.storage import Database
from provmap_desktop.storage.lock import DatabaseLock
from provmap_desktop.storage.roles import STAFF_REASON

from ..pg_schools import admin_engine, school_on_server
from .conftest import TODAY


@pytest.fixture
def school_url(pg_server_url: str) -> str:
    url = school_on_server(pg_server_url, "group", f"gui_roles_{uuid.uuid4().hex[:10]}")
    assert main(["--db", url, "grant-roles"]) == EXIT_OK
    return url


def _database(school_url: str, role: str, tmp_path: Path) -> Database:
    """The school opened with a new login in ``role`` (as the server set-up makes one)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"{role.removeprefix('provmap_')}_{uuid.uuid4().hex[:8]}"
    admin = admin_engine(school_url)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN IN ROLE {role}"))
    admin.dispose()
    url = make_url(school_url).set(username=name)
    # No lock file guards a server database: the server itself keeps two people apart.
    return Database(tmp_path / "server", create_engine(url), DatabaseLock(tmp_path / "server"))


@pytest.fixture
def staff_window(qtbot, school_url: str, tmp_path: Path) -> Iterator[object]:
    from provmap_desktop.shell.main_window import MainWindow

    db = _database(school_url, "provmap_staff", tmp_path)
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("map")
    yield window
    _close(window, db)


def _close(window, db: Database) -> None:  # type: ignore[no-untyped-def]
    """Close the window and its connections while the test's server still runs."""
    window.attention_timer.stop()
    window.close()
    window.ctx.close()
    db.engine.dispose()


def test_the_map_is_read_only_for_staff_and_says_why(staff_window, school_url: str) -> None:
    screen = staff_window.screens["map"]
    assert screen.read_only_note.isVisibleTo(staff_window)
    assert screen.read_only_note.text() == STAFF_REASON
    for button in (
        screen.filter_bar.allocate_button,
        screen.panel.end_button,
        screen.panel.move_button,
        screen.panel.split_button,
    ):
        assert not button.isEnabled()
        assert button.toolTip() == STAFF_REASON
    assert not screen.tray.list.dragEnabled()

    # A drop that reached the grid anyway is not taken, and nothing is written.
    model = screen.model
    cells = [model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())]
    assert not any(model.flags(i) & Qt.ItemFlag.ItemIsDropEnabled for i in cells)
    owner = create_engine(school_url)
    with owner.connect() as conn:
        pupil_ids = list(conn.scalars(select(Pupil.id)))
        members_before = conn.scalars(select(GroupMembership.id)).all()
    from provmap_desktop.views.map.mime import pupils_mime

    data = pupils_mime(pupil_ids)
    assert not any(model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, i) for i in cells)
    # The editor itself refuses too, saying why.
    screen.editor.end_allocations(list(members_before))
    assert screen.feedback.text() == STAFF_REASON
    with owner.connect() as conn:
        assert conn.scalars(select(GroupMembership.id)).all() == members_before
        assert conn.scalars(select(GroupMembership.leave_date)).all() == [None] * len(
            members_before
        )
    owner.dispose()


def test_the_sencos_login_sees_the_map_editable(qtbot, school_url: str, tmp_path) -> None:
    from provmap_desktop.shell.main_window import MainWindow

    db = _database(school_url, "provmap_senco", tmp_path)
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("map")
    screen = window.screens["map"]
    assert not screen.read_only_note.isVisibleTo(window)
    assert screen.filter_bar.allocate_button.isEnabled()
    assert screen.tray.list.dragEnabled()
    _close(window, db)
