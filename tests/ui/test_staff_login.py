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
from sqlalchemy import create_engine, func, select

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
    # One line of words above the map, not a band that pushes the map down.
    lines = screen.read_only_note.height() / screen.read_only_note.fontMetrics().lineSpacing()
    assert lines < 3
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
    # Nor is a "+ new group" place drawn under a cell's groups.
    from provmap_desktop.views.map.chips import CELL_ROLE, layout_cell

    view = screen.view
    metrics = view.fontMetrics()
    drawn = [
        placed.kind
        for i in cells
        if i.data(CELL_ROLE) is not None and i.data(CELL_ROLE).groups
        for placed in layout_cell(view.visualRect(i), i.data(CELL_ROLE), metrics)
    ]
    assert "chip" in drawn
    assert "new_group" not in drawn
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


# -- the whole window for a member of staff: only what the login may do --------------

#: The screens' tab titles, in order, as the shell shows them to the SENCO.
EVERY_TAB = [
    "Provision map",
    "Pupils",
    "Provisions",
    "Register",
    "Reviews",
    "Costs",
    "Planning",
    "Reports",
    "Settings",
]


def _shown_tabs(window) -> list[str]:  # type: ignore[no-untyped-def]
    tabs = window.tabs
    return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]


def _menu_action(window, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    """The command ``text`` of the menu bar's menu ``menu_title`` (access keys ignored)."""
    menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title
    )
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_staff_are_offered_the_map_and_the_register_only(staff_window, qtbot) -> None:
    window = staff_window
    assert _shown_tabs(window) == ["Provision map", "Register"]
    assert list(window.screens) == ["map", "register"]

    # Every screen that edits is out of reach: its View command is greyed out and says why.
    pupils_why = (
        "Pupils is for the SENCO's login. Your login may read the map and record "
        "delivery and attendance; only the SENCO's login may change the map."
    )
    view_pupils = _menu_action(window, "View", "Pupils")
    assert not view_pupils.isEnabled()
    assert view_pupils.toolTip() == pupils_why
    assert view_pupils.statusTip() == pupils_why
    for title in ("Provisions", "Reviews", "Costs", "Planning", "Reports", "Settings"):
        action = _menu_action(window, "View", title)
        assert not action.isEnabled(), title
        assert action.toolTip().startswith(f"{title} is for the SENCO's login. "), title
    for title in ("Provision map", "Register"):
        assert _menu_action(window, "View", title).isEnabled(), title

    # The File and Pupil commands that write are disabled, with the reason as their tips.
    for menu, text in (
        ("File", "Import a provision map…"),
        ("File", "Start a new academic year…"),
    ):
        action = _menu_action(window, menu, text)
        assert not action.isEnabled(), text
        assert action.toolTip() == STAFF_REASON
        assert action.statusTip() == STAFF_REASON
    for text in ("New pupil…", "Print profile…", "Evidence pack (PDF)…"):
        action = _menu_action(window, "Pupil", text)
        assert not action.isEnabled(), text
        assert action.statusTip().endswith(STAFF_REASON), text
    reports = next(a for a in window.menuBar().actions() if a.text() == "Reports")
    assert not reports.isEnabled()
    # Reading stays: print the map, find a pupil, undo one's own register entries.
    assert _menu_action(window, "File", "Print…").isEnabled()
    assert _menu_action(window, "Edit", "Find pupil").isEnabled()

    # Ctrl+Tab goes from the map to the register and back, past the hidden tabs.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.tabBar().setFocus()
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Right)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Register"
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Right)
    assert window.tabs.tabText(window.tabs.currentIndex()) in ("Register", "Provision map")

    # Asked for in code (a status-strip link, say), an editing screen is not shown
    # and never built: the map is shown, and the status bar says why.
    window.open_link("costs#threshold")
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Provision map"
    assert window.statusBar().currentMessage() == (
        "Costs is for the SENCO's login. Your login may read the map and record "
        "delivery and attendance; only the SENCO's login may change the map."
    )
    assert window.screens.get("costs") is None
    assert set(window.screens.built()) <= {"map", "register"}
    # Nor does the status strip link to what it cannot open.
    window.refresh_attention()
    assert all(item.screen in ("map", "register") for item in window.attention_items)


def test_staff_find_pupils_in_the_maps_tray(staff_window, qtbot) -> None:
    window = staff_window
    window.focus_search()
    qtbot.keyClicks(window.period_bar.search, "Brown")
    qtbot.keyClick(window.period_bar.search, Qt.Key.Key_Return)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Provision map"
    tray = window.screens["map"].tray
    assert tray.search.text() == "Brown"
    shown = [tray.model.index(r, 0).data() for r in range(tray.model.rowCount())]
    assert len(shown) == 1
    assert "Brown" in shown[0]
    assert window.screens.get("pupils") is None


def test_staff_record_delivery_and_attendance_in_the_register(
    staff_window, qtbot, school_url: str
) -> None:
    """Monday 23/11/2026: PT group A (Ahmed, Brown, Cole) meets at 9:10; the TA marks it
    delivered and unticks Brown, through the staff grants, and the audit trail has it."""
    from provmap_desktop.models import AuditEntry, DeliverySession, SessionAttendance

    window = staff_window
    owner = create_engine(school_url)
    with owner.connect() as conn:
        audit_before = conn.scalar(select(func.count()).select_from(AuditEntry))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_2, ctrl)  # View → Pupils: not offered
    assert window.screens.get("pupils") is None
    qtbot.keyClick(window, Qt.Key.Key_4, ctrl)  # View → Register
    register = window.screens["register"]
    assert window.current_screen() is register
    assert register.table.rowCount() == 1
    register.table.selectRow(0)
    qtbot.mouseClick(register.delivered_button, Qt.MouseButton.LeftButton)
    brown = next(
        register.attendance.item(i)
        for i in range(register.attendance.count())
        if "Brown" in register.attendance.item(i).text()
    )
    brown.setCheckState(Qt.CheckState.Unchecked)
    assert register.table.item(0, 6).text() == "Delivered, 1 absent"

    with owner.connect() as conn:
        record = conn.execute(
            select(DeliverySession.id, DeliverySession.status, DeliverySession.session_date)
        ).one()
        assert (record.status, record.session_date) == ("delivered", TODAY)
        present = dict(
            conn.execute(
                select(Pupil.surname, SessionAttendance.present)
                .join(Pupil, Pupil.id == SessionAttendance.pupil_id)
                .where(SessionAttendance.session_id == record.id)
            ).all()
        )
        assert present == {"Ahmed": True, "Brown": False, "Cole": True}
        tables = set(
            conn.scalars(select(AuditEntry.table_name).order_by(AuditEntry.id).offset(audit_before))
        )
        assert tables == {"delivery_sessions", "session_attendance"}

    # Her own entry is hers to undo.
    window.undo_action.trigger()
    with owner.connect() as conn:
        assert (
            conn.scalar(
                select(SessionAttendance.present)
                .join(Pupil, Pupil.id == SessionAttendance.pupil_id)
                .where(Pupil.surname == "Brown")
            )
            is True
        )
    owner.dispose()


def test_the_sencos_login_is_offered_every_screen_and_command(
    qtbot, school_url: str, tmp_path
) -> None:
    from provmap_desktop.shell.main_window import MainWindow

    db = _database(school_url, "provmap_senco", tmp_path)
    window = MainWindow(db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    assert _shown_tabs(window) == EVERY_TAB
    for title in EVERY_TAB:
        assert _menu_action(window, "View", title).isEnabled(), title
    for menu, text in (
        ("File", "Import a provision map…"),
        ("File", "Start a new academic year…"),
        ("Pupil", "New pupil…"),
        ("Pupil", "Print profile…"),
    ):
        action = _menu_action(window, menu, text)
        assert action.isEnabled(), text
        assert action.statusTip() == "", text
    window.show_screen("costs")
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Costs"
    window.show_screen("settings")
    assert window.current_screen() is window.screens["settings"]
    _close(window, db)


def test_staff_read_a_groups_details_but_cannot_change_them(
    staff_window, qtbot, school_url: str
) -> None:
    from provmap_desktop.models import ProvisionGroup
    from provmap_desktop.views.map.group_dialog import GroupDialog

    window = staff_window
    owner = create_engine(school_url)
    with owner.connect() as conn:
        group_id, name = conn.execute(select(ProvisionGroup.id, ProvisionGroup.name)).one()
    dialog = GroupDialog(window.ctx, group_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message.text() == STAFF_REASON
    assert dialog.name_edit.text() == "PT group A"
    assert dialog.name_edit.isReadOnly()
    assert dialog.start_edit.isReadOnly()
    assert dialog.start_edit.toolTip() == STAFF_REASON
    assert not dialog.staff_combo.isEnabled()
    assert not any(box.isEnabled() for box in dialog.day_boxes)
    # Typed over anyway: nothing changes, on screen or on the server.
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "XYZ")
    dialog.name_edit.editingFinished.emit()
    assert dialog.name_edit.text() == "PT group A"
    with owner.connect() as conn:
        assert conn.scalar(select(ProvisionGroup.name)) == name == "PT group A"
    owner.dispose()
    dialog.close()


def test_opening_the_sencos_login_after_a_staffs_offers_everything_again(
    staff_window, school_url: str, tmp_path
) -> None:
    window = staff_window
    assert not _menu_action(window, "File", "Import a provision map…").isEnabled()
    senco = _database(school_url, "provmap_senco", tmp_path / "senco")
    window.load_database(senco)
    assert _shown_tabs(window) == EVERY_TAB
    for menu, text in (
        ("File", "Import a provision map…"),
        ("File", "Start a new academic year…"),
        ("Pupil", "New pupil…"),
        ("View", "Costs"),
    ):
        action = _menu_action(window, menu, text)
        assert action.isEnabled(), text
        assert action.statusTip() == "", text
    window.ctx.close()
    senco.engine.dispose()


@pytest.mark.parametrize("key", ["map", "register"])
def test_staff_walk_each_screen_by_tab_with_no_access_key_twice(
    staff_window, qtbot, key: str
) -> None:
    from .keywalk import mnemonic_clashes, walk

    staff_window.show_screen(key)
    qtbot.wait(10)
    problems = walk(qtbot, staff_window).problems()
    assert not problems, "\n".join(problems)
    clashes = mnemonic_clashes(staff_window)
    assert not clashes, "\n".join(f"Alt+{k.upper()}: {v}" for k, v in clashes.items())


def test_staff_walk_a_groups_read_only_details_by_tab(staff_window, qtbot) -> None:
    from provmap_desktop.models import ProvisionGroup
    from provmap_desktop.views.map.group_dialog import GroupDialog

    from .keywalk import mnemonic_clashes, walk

    group_id = staff_window.ctx.session.scalar(select(ProvisionGroup.id))
    dialog = GroupDialog(staff_window.ctx, group_id, staff_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(10)
    problems = walk(qtbot, dialog).problems()
    assert not problems, "\n".join(problems)
    assert not mnemonic_clashes(dialog)
    dialog.close()


def test_staff_are_not_offered_the_demo_or_a_new_school_on_an_empty_database(
    qtbot, pg_server_url: str, monkeypatch
) -> None:
    """A server database made and granted, but with no school in it yet."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from provmap_desktop import app
    from provmap_desktop.models import SchoolSettings
    from provmap_desktop.shell.first_start import FirstStartDialog

    from ..pg_schools import fresh_database

    url = fresh_database(pg_server_url, f"gui_empty_{uuid.uuid4().hex[:10]}")
    assert main(["--db", url, "grant-roles"]) == EXIT_OK
    name = f"staff_{uuid.uuid4().hex[:8]}"
    admin = admin_engine(url)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN IN ROLE provmap_staff"))
    admin.dispose()
    staff_url = make_url(url).set(username=name).render_as_string(hide_password=False)
    said: list[str] = []
    monkeypatch.setattr(
        app.QMessageBox, "information", lambda _parent, _title, text: said.append(text)
    )

    def offered(_dialog: object) -> int:
        raise AssertionError("the demo and a new school were offered to a staff login")

    monkeypatch.setattr(FirstStartDialog, "exec", offered)
    assert app._choose_on_server(staff_url, TODAY) is None
    assert said == [
        "This database has no school in it yet, and your login may not set one up: ask "
        "the SENCO to open it with their login first. Nothing was changed. " + STAFF_REASON
    ]
    owner = create_engine(url)
    with owner.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SchoolSettings)) == 0
    owner.dispose()


def test_staff_are_not_shown_a_new_schools_checklist(staff_window) -> None:
    from provmap_desktop.shell.setup_checklist import is_pending, mark_new_school

    window = staff_window
    mark_new_school(window.database.location)  # as if the SENCO had just set it up here
    assert is_pending(window.database.location)
    window.setup_checklist.refresh()
    assert not window.setup_checklist.isVisibleTo(window)
