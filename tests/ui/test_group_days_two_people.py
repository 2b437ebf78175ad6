"""A group's weekdays in group details, with someone else at work on the same school.

The SENCO ticks a weekday in the group details dialog, then presses Ctrl+Z and
Ctrl+Shift+Z (or Ctrl+Y) there. A TA, with her own copy of the app on the same
database, may change the group in between. Every test runs on a school file and on a
PostgreSQL database. The school is ``whole_year_costs`` (tests/schools/small.py):
Eve's 1:1 TA support group has no weekdays yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select
from sqlalchemy.orm import Session

from provmap_desktop.domain import groups
from provmap_desktop.models import GroupSlot, Provision, ProvisionGroup
from provmap_desktop.storage import Database, open_database
from provmap_desktop.storage.database import make_engine
from provmap_desktop.storage.lock import DatabaseLock

from ..engines import ENGINES
from ..schools.templates import TODAY, open_school
from .conftest import close_window_first

pytestmark = pytest.mark.parametrize("db_engine", ENGINES, indirect=True)

MONDAY, WEDNESDAY, THURSDAY = 0, 2, 3
NINE = dt.time(9, 0)  # the start time the dialog offers for a group with no slot yet
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
STALE_UNDO = (
    "Someone else changed this group since your edit, so it was not undone; "
    "the screen has been reloaded."
)
STALE_EDIT = "Someone else changed this group since you opened it; the screen has been reloaded."


@pytest.fixture
def two_dbs(db_engine: str, tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """The school opened twice, as two copies of the app open it: the SENCO's, the TA's."""
    first = open_school("whole_year_costs", tmp_path / "school.provmap")
    if first.path is not None:
        second = Database(first.path, make_engine(first.path), DatabaseLock(first.path))
    else:
        second = open_database(str(first.address), create=False)
    yield first, second
    second.engine.dispose()
    first.close()


@pytest.fixture
def senco(qtbot, two_dbs):  # type: ignore[no-untyped-def]
    """The SENCO's main window, closed before its database is."""
    from provmap_desktop.shell.main_window import MainWindow

    window = MainWindow(two_dbs[0], today=TODAY)
    window.show()
    yield window
    close_window_first(window)


def _support(db: Database) -> int:
    with Session(db.engine) as session:
        provision = select(Provision.id).where(Provision.name == "1:1 TA support")
        query = select(ProvisionGroup.id).where(
            ProvisionGroup.provision_id == provision.scalar_subquery()
        )
        return int(session.scalars(query).one())


def _saved_days(db: Database, group_id: int) -> list[tuple[int, dt.time | None]]:
    with Session(db.engine) as session:
        query = select(GroupSlot.weekday, GroupSlot.start_time).where(
            GroupSlot.group_id == group_id
        )
        return sorted((int(day), time) for day, time in session.execute(query))


def _dialog(qtbot, window, group_id: int):  # type: ignore[no-untyped-def]
    from provmap_desktop.views.map.group_dialog import GroupDialog

    dialog = GroupDialog(window.ctx, group_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # as ``exec`` from the map leaves it: the window in use
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _ticked(dialog) -> list[int]:  # type: ignore[no-untyped-def]
    return [number for number, box in enumerate(dialog.day_boxes) if box.isChecked()]


def _keys(qtbot, dialog, key: Qt.Key, modifiers) -> None:  # type: ignore[no-untyped-def]
    """Press ``key`` with ``modifiers`` on the Wednesday box, as the SENCO left it."""
    box = dialog.day_boxes[WEDNESDAY]
    box.setFocus()
    qtbot.keyClick(box, key, modifiers)


def _senco_ticks_wednesday(qtbot, db: Database, senco):  # type: ignore[no-untyped-def]
    """The SENCO opens Eve's support group's details and ticks Wednesday (saved at once)."""
    support = _support(db)
    dialog = _dialog(qtbot, senco, support)
    qtbot.mouseClick(dialog.day_boxes[WEDNESDAY], Qt.MouseButton.LeftButton)
    return support, dialog


def _ta_sets_thursdays(db: Database, group_id: int) -> None:
    """The TA, in her own copy of the app, moves the group to Thursdays."""
    with db.session_factory() as session:
        groups.set_days(session, group_id, [THURSDAY], None)
        session.commit()


def test_ctrl_z_and_redo_in_group_details_take_a_weekday_back_and_again(
    qtbot, two_dbs, senco
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_dbs
    support, dialog = _senco_ticks_wednesday(qtbot, first, senco)
    assert _saved_days(second, support) == [(WEDNESDAY, NINE)]

    _keys(qtbot, dialog, Qt.Key.Key_Z, CTRL)
    assert _saved_days(second, support) == []
    assert _ticked(dialog) == []
    assert dialog.message.text() == "Undid change group slot."

    _keys(qtbot, dialog, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _saved_days(second, support) == [(WEDNESDAY, NINE)]
    assert _ticked(dialog) == [WEDNESDAY]
    assert dialog.message.text() == "Redid change group slot."

    # Undone again after F5 in the main window, then redone with Ctrl+Y.
    senco.reload_data()
    _keys(qtbot, dialog, Qt.Key.Key_Z, CTRL)
    assert _saved_days(second, support) == []
    _keys(qtbot, dialog, Qt.Key.Key_Y, CTRL)
    assert _saved_days(second, support) == [(WEDNESDAY, NINE)]
    assert _ticked(dialog) == [WEDNESDAY]


def test_ctrl_z_after_the_ta_changed_the_weekdays_is_refused_and_hers_kept(
    qtbot, two_dbs, senco
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_dbs
    support, dialog = _senco_ticks_wednesday(qtbot, first, senco)
    _ta_sets_thursdays(second, support)
    # F5 in the main window: the SENCO's copy now holds the TA's Thursday row as it is
    # saved, so the database's own check of the row's version cannot refuse the undo
    # (and on SQLite her new row may even have the Wednesday row's id and version).
    senco.reload_data()
    assert _ticked(dialog) == [THURSDAY]

    _keys(qtbot, dialog, Qt.Key.Key_Z, CTRL)  # would take away the TA's Thursdays

    assert dialog.message.text() == STALE_UNDO
    assert _saved_days(first, support) == [(THURSDAY, None)]
    assert _ticked(dialog) == [THURSDAY]  # still what is saved
    qtbot.waitUntil(lambda: senco.ctx.undo_stack.count() == 0)


def test_a_weekday_ticked_on_a_stale_dialog_is_refused_and_the_tas_kept(
    qtbot, two_dbs, senco
) -> None:  # type: ignore[no-untyped-def]
    first, second = two_dbs
    support = _support(first)
    dialog = _dialog(qtbot, senco, support)  # open on a group with no weekdays
    _ta_sets_thursdays(second, support)

    qtbot.mouseClick(dialog.day_boxes[MONDAY], Qt.MouseButton.LeftButton)

    assert dialog.message.text() == STALE_EDIT
    assert _saved_days(first, support) == [(THURSDAY, None)]
    assert _ticked(dialog) == [THURSDAY]
    assert senco.ctx.undo_stack.count() == 0
