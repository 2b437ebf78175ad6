"""The map shows what is true after an edit: an ended allocation is drawn as ended, in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from provmap_desktop.models import GroupMembership, Provision
from provmap_desktop.storage import Database
from provmap_desktop.views.map.cell_panel import MEMBERSHIP_ROLE
from provmap_desktop.views.map.chips import CELL_ROLE, CellContent, layout_cell, short_name

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def window(qtbot, demo_db):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    win = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(win)
    win.resize(1280, 760)  # a laptop's full-screen window; the test screen is smaller
    win.show()
    win.show_screen("map")
    return win


def _cell(screen, provision_name: str, year_group: str, db: Database) -> QModelIndex:  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        provision = s.scalars(select(Provision.id).where(Provision.name == provision_name)).one()
    model = screen.model
    column = next(i for i, c in enumerate(model.columns) if c.name == year_group)
    row = model.row_of_provision(provision)
    assert row is not None, f"{provision_name} is not on the map"
    return model.index(row, column)


def _drawn_text(screen, index: QModelIndex, membership_id: int) -> str:  # type: ignore[no-untyped-def]
    """What the grid draws for one pupil's chip in the cell, or "" if it draws none."""
    content = index.data(CELL_ROLE)
    assert isinstance(content, CellContent)
    rect = screen.view.visualRect(index)
    metrics = QFontMetrics(screen.view.font())
    placed = layout_cell(rect, content, metrics)
    return " ".join(
        p.text for p in placed if p.chip is not None and p.chip.membership_id == membership_id
    )


def _names(name: str) -> set[str]:
    return {name, short_name(name)}


def _heading(content: CellContent, group_id: int) -> str:
    return next(b.heading for b in content.groups if b.group_id == group_id)


def test_delete_in_the_cell_panel_shows_the_chip_as_ended_and_ctrl_z_restores_it(
    window, demo_db, qtbot
):
    screen = window.screens["map"]
    assert screen.model.snapshot.term_name == "Autumn"  # today's term
    index = _cell(screen, "Phonics catch-up", "Year 2", demo_db)
    screen.view.setCurrentIndex(index)
    tree = screen.panel.tree
    group_item = tree.topLevelItem(0)
    child = group_item.child(0)
    membership_id = child.data(0, MEMBERSHIP_ROLE)
    name = child.text(0)
    with demo_db.session_factory() as s:
        membership = s.get(GroupMembership, membership_id)
        assert membership.leave_date is None
        group_id = membership.group_id
    before = index.data(CELL_ROLE)
    found = re.search(r" · (\d+)/(\d+)", _heading(before, group_id))  # "· 4/6"
    assert found is not None
    current, size = int(found[1]), int(found[2])
    # A narrow column shows the short form of the name ("Freya J.").
    assert _names(name) & {_drawn_text(screen, index, membership_id)}
    assert "ended" not in _drawn_text(screen, index, membership_id)

    tree.setCurrentItem(child)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    qtbot.wait(10)  # the panel follows in the next turn of the event loop

    with demo_db.session_factory() as s:
        assert s.get(GroupMembership, membership_id).leave_date == TODAY
    # On the map: the chip now says the allocation ended, in words, and the group
    # counts one pupil fewer.
    index = _cell(screen, "Phonics catch-up", "Year 2", demo_db)
    drawn = _drawn_text(screen, index, membership_id)
    # A narrow column breaks the note and leaves out the year: "ended" / "23/11".
    assert drawn == "" or ("ended" in drawn and "23/11" in drawn)
    assert f"{name} (ended 23/11/2026)" in index.data(Qt.ItemDataRole.DisplayRole)
    after = index.data(CELL_ROLE)
    assert f"{current - 1}/{size}" in _heading(after, group_id)
    # The cell panel says so too.
    panel_child = next(
        screen.panel.tree.topLevelItem(0).child(n)
        for n in range(screen.panel.tree.topLevelItem(0).childCount())
        if screen.panel.tree.topLevelItem(0).child(n).data(0, MEMBERSHIP_ROLE) == membership_id
    )
    assert "ended" in panel_child.text(0) or panel_child.text(2) == "23/11/2026"

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    with demo_db.session_factory() as s:
        assert s.get(GroupMembership, membership_id).leave_date is None
    index = _cell(screen, "Phonics catch-up", "Year 2", demo_db)
    assert "ended" not in _drawn_text(screen, index, membership_id)
    # A narrow column shows the short form of the name ("Freya J.").
    assert _names(name) & {_drawn_text(screen, index, membership_id)}
    assert f"{current}/{size}" in _heading(index.data(CELL_ROLE), group_id)
