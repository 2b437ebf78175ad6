"""The provision map screen driven as a user would, checked in the database afterwards."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from provmap_desktop.models import GroupMembership, Provision, ProvisionGroup, Pupil, YearGroup
from provmap_desktop.storage import Database
from provmap_desktop.views.map.chips import CELL_ROLE, CellContent, layout_cell
from provmap_desktop.views.map.screen import NEW_GROUP

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def map_screen(qtbot, demo_db):  # type: ignore[no-untyped-def]
    from provmap_desktop.shell.main_window import MainWindow

    window = MainWindow(demo_db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    window.show_screen("map")
    screen = window.screens["map"]
    screen.window_ = window

    def unexpected(choices, index, allow_new):  # type: ignore[no-untyped-def]
        raise AssertionError(f"asked to choose among {len(choices)} groups")

    screen.group_chooser = unexpected  # a menu would block the test
    return screen


def ids_of(db: Database, year_group: str, count: int, *, not_in: int | None = None) -> list[int]:
    """Pupils of a year group, none already allocated to provision ``not_in``."""
    with db.session_factory() as s:
        taken = set()
        if not_in is not None:
            taken = set(
                s.scalars(
                    select(GroupMembership.pupil_id)
                    .join(ProvisionGroup)
                    .where(ProvisionGroup.provision_id == not_in)
                )
            )
        query = (
            select(Pupil.id)
            .join(YearGroup)
            .where(YearGroup.name == year_group, Pupil.archived.is_(False))
            .order_by(Pupil.surname)
        )
        return [p for p in s.scalars(query) if p not in taken][:count]


def provision_id(db: Database, name: str) -> int:
    with db.session_factory() as s:
        return s.scalars(select(Provision.id).where(Provision.name == name)).one()


def cell_index(screen, provision: int, year_group_name: str) -> QModelIndex:  # type: ignore[no-untyped-def]
    model = screen.model
    column = next(i for i, c in enumerate(model.columns) if c.name == year_group_name)
    row = model.row_of_provision(provision)
    assert row is not None, "provision row not shown"
    return model.index(row, column)


def memberships(db: Database, provision: int, year_group_name: str) -> list[GroupMembership]:
    with db.session_factory() as s:
        query = (
            select(GroupMembership)
            .join(ProvisionGroup)
            .join(YearGroup, ProvisionGroup.year_group_id == YearGroup.id)
            .where(ProvisionGroup.provision_id == provision, YearGroup.name == year_group_name)
            .order_by(GroupMembership.id)
        )
        return list(s.scalars(query))


def dragged_from_tray(screen, year_group_name: str, pupil_ids: list[int]) -> QMimeData:  # type: ignore[no-untyped-def]
    """Select the pupils in the tray, as a user does, and take what dragging them carries."""
    tray = screen.tray
    tray.year_filter.setCurrentIndex(tray.year_filter.findText(year_group_name))
    tray.sen_filter.setCurrentIndex(tray.sen_filter.findText("All pupils"))
    selection = tray.list.selectionModel()
    selection.clearSelection()
    for row, pupil in enumerate(tray.model.pupils):
        if pupil.id in pupil_ids:
            selection.select(tray.model.index(row), selection.SelectionFlag.Select)
    assert sorted(tray.selected_pupil_ids()) == sorted(pupil_ids)
    return tray.model.mimeData(selection.selectedIndexes())


def dragged_chip(screen, qtbot, monkeypatch, membership_id: int) -> QMimeData:  # type: ignore[no-untyped-def]
    """Press on the chip in the grid and move the mouse: what the drag it starts carries."""
    from provmap_desktop.views.map import grid_view

    view, model = screen.view, screen.model
    found = None
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            content = index.data(CELL_ROLE)
            if isinstance(content, CellContent) and any(
                c.membership_id == membership_id for b in content.groups for c in b.chips
            ):
                found = index
    assert found is not None, "the chip is not on the map"
    view.scrollTo(found)
    metrics = QFontMetrics(view.font())
    placed = next(
        p
        for p in layout_cell(view.visualRect(found), found.data(CELL_ROLE), metrics)
        if p.chip is not None and p.chip.membership_id == membership_id
    )
    carried: list[QMimeData] = []

    class Drag:  # the real QDrag would run the platform's drag loop
        def __init__(self, _source: object) -> None:
            pass

        def setMimeData(self, data: QMimeData) -> None:
            carried.append(data)

        def exec(self, *_actions: object) -> Qt.DropAction:
            return Qt.DropAction.MoveAction

    monkeypatch.setattr(grid_view, "QDrag", Drag)
    start = placed.rect.center()
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    end = QPointF(start + QPoint(QApplication.startDragDistance() + 5, 0))
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        end,
        QPointF(viewport.mapToGlobal(end.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end.toPoint())
    assert len(carried) == 1, "no drag started from the chip"
    return carried[0]


def test_drop_three_pupils_creates_a_group_then_undo_and_redo(map_screen, demo_db):
    screen = map_screen
    zones = provision_id(demo_db, "Zones of Regulation")
    pupils = ids_of(demo_db, "Year 6", 3, not_in=zones)
    assert memberships(demo_db, zones, "Year 6") == []
    index = cell_index(screen, zones, "Year 6")
    data = dragged_from_tray(screen, "Year 6", pupils)

    assert screen.model.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)
    assert screen.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)

    saved = memberships(demo_db, zones, "Year 6")
    assert sorted(m.pupil_id for m in saved) == sorted(pupils)
    assert all(m.join_date == TODAY and m.leave_date is None for m in saved)
    shown = cell_index(screen, zones, "Year 6").data(Qt.ItemDataRole.DisplayRole)
    with demo_db.session_factory() as s:
        for pupil_id in pupils:
            assert s.get(Pupil, pupil_id).display_name in shown
    assert "allocate 3 pupils" in screen.window_.undo_action.text()

    screen.window_.undo_action.trigger()
    assert memberships(demo_db, zones, "Year 6") == []
    assert cell_index(screen, zones, "Year 6").data(Qt.ItemDataRole.DisplayRole) == ""

    screen.window_.redo_action.trigger()
    again = memberships(demo_db, zones, "Year 6")
    assert [m.id for m in again] == [m.id for m in saved]


def test_warnings_are_shown_where_the_drop_happened(map_screen, demo_db):
    screen = map_screen
    zones = provision_id(demo_db, "Zones of Regulation")  # SEMH
    pupils = ids_of(demo_db, "Year 6", 7, not_in=zones)
    index = cell_index(screen, zones, "Year 6")
    data = dragged_from_tray(screen, "Year 6", pupils)
    assert screen.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)
    text = screen.feedback.text()
    assert text.startswith("⚠ Allocated 7 pupils.")
    assert "Group of 6: now 7 pupils" in text


def _shown_member(screen, db, provision, year_group_name):  # type: ignore[no-untyped-def]
    """The allocation of the first chip drawn in the cell."""
    content = cell_index(screen, provision, year_group_name).data(CELL_ROLE)
    chip = content.groups[0].chips[0]
    with db.session_factory() as s:
        membership = s.get(GroupMembership, chip.membership_id)
        s.expunge(membership)
        return membership


def _year_group_of(db, membership_id):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        membership = s.get(GroupMembership, membership_id)
        return membership.group.year_group.name, membership.leave_date


def test_moving_a_chip_to_another_cell_keeps_history(map_screen, demo_db, qtbot, monkeypatch):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    moving = _shown_member(screen, demo_db, phonics, "Year 1")
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)
    target = cell_index(screen, phonics, "Year 2")
    assert screen.model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    assert screen.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)

    in_year2 = [
        m
        for m in memberships(demo_db, phonics, "Year 2")
        if m.pupil_id == moving.pupil_id and m.join_date == TODAY
    ]
    assert len(in_year2) == 1
    assert _year_group_of(demo_db, moving.id) == ("Year 1", TODAY - dt.timedelta(days=1))
    assert "Moved" in screen.feedback.text()

    screen.window_.undo_action.trigger()
    assert _year_group_of(demo_db, moving.id) == ("Year 1", None)
    assert not [
        m
        for m in memberships(demo_db, phonics, "Year 2")
        if m.pupil_id == moving.pupil_id and m.join_date == TODAY
    ]


def test_moving_a_chip_to_an_empty_cell_starts_a_group_there(
    map_screen, demo_db, qtbot, monkeypatch
):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    moving = _shown_member(screen, demo_db, phonics, "Year 1")
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)
    target = cell_index(screen, phonics, "Year 3")
    assert screen.model.cell_groups(target) == []
    assert screen.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, target)
    year3 = memberships(demo_db, phonics, "Year 3")
    assert [m.pupil_id for m in year3] == [moving.pupil_id]
    assert len(screen.model.cell_groups(cell_index(screen, phonics, "Year 3"))) == 1
    screen.window_.undo_action.trigger()
    assert memberships(demo_db, phonics, "Year 3") == []
    assert _year_group_of(demo_db, moving.id) == ("Year 1", None)


def test_split_a_group_by_moving_a_chip_to_a_new_group(map_screen, demo_db, qtbot, monkeypatch):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    moving = next(m for m in memberships(demo_db, phonics, "Year 2") if m.leave_date is None)
    screen.group_chooser = lambda choices, index, allow_new: NEW_GROUP
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)
    index = cell_index(screen, phonics, "Year 2")
    assert screen.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    with demo_db.session_factory() as s:
        groups = s.scalars(
            select(ProvisionGroup)
            .join(YearGroup, ProvisionGroup.year_group_id == YearGroup.id)
            .where(ProvisionGroup.provision_id == phonics, YearGroup.name == "Year 2")
        ).all()
        assert len(groups) == 2
    shown = screen.model.cell_groups(cell_index(screen, phonics, "Year 2"))
    assert len(shown) == 2
    new_group = next(g for g in shown if g.name == "Group B")
    assert [m.pupil_id for m in new_group.members] == [moving.pupil_id]


def test_delete_in_the_cell_panel_ends_the_allocation_and_undo_restores(map_screen, demo_db, qtbot):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    index = cell_index(screen, phonics, "Year 2")
    screen.view.setCurrentIndex(index)
    tree = screen.panel.tree
    group_item = tree.topLevelItem(0)
    assert group_item is not None
    assert group_item.childCount() >= 1
    first = group_item.child(0)
    tree.setCurrentItem(first)
    membership_id = first.data(0, Qt.ItemDataRole.UserRole + 2)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    with demo_db.session_factory() as s:
        assert s.get(GroupMembership, membership_id).leave_date == TODAY
    assert "Ended the allocation" in screen.feedback.text()
    screen.window_.undo_action.trigger()
    with demo_db.session_factory() as s:
        assert s.get(GroupMembership, membership_id).leave_date is None


def test_dragging_a_chip_back_to_the_tray_ends_it(map_screen, demo_db, qtbot, monkeypatch):
    from PySide6.QtGui import QDropEvent

    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    moving = next(m for m in memberships(demo_db, phonics, "Year 2") if m.leave_date is None)
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    screen.tray.list.dropEvent(drop)
    assert drop.isAccepted()
    with demo_db.session_factory() as s:
        assert s.get(GroupMembership, moving.id).leave_date == TODAY


def test_allocate_by_keyboard_through_the_dialog(map_screen, demo_db, qtbot):
    from provmap_desktop.views.map.allocate_dialog import AllocateDialog

    screen = map_screen
    zones = provision_id(demo_db, "Zones of Regulation")
    pupils = ids_of(demo_db, "Year 6", 2, not_in=zones)
    tray = screen.tray
    tray.year_filter.setCurrentIndex(tray.year_filter.findText("Year 6"))
    tray.sen_filter.setCurrentIndex(tray.sen_filter.findText("All pupils"))
    selection = tray.list.selectionModel()
    for row, pupil in enumerate(tray.model.pupils):
        if pupil.id in pupils:
            selection.select(tray.model.index(row), selection.SelectionFlag.Select)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AllocateDialog):
            QTimer.singleShot(20, answer)  # not open yet
            return
        qtbot.keyClicks(dialog.search, "zones")
        assert dialog.provision.currentData() == zones
        assert dialog.year_group.currentText() == "Year 6"
        dialog.accept()

    QTimer.singleShot(0, answer)
    screen.window_.activateWindow()
    qtbot.waitUntil(screen.window_.isActiveWindow)
    tray.list.setFocus()
    assert sorted(tray.selected_pupil_ids()) == sorted(pupils)
    qtbot.keyClick(tray.list, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert sorted(m.pupil_id for m in memberships(demo_db, zones, "Year 6")) == sorted(pupils), (
        screen.feedback.text()
    )


def test_several_groups_ask_which_one(map_screen, demo_db, qtbot, monkeypatch):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    moving = next(m for m in memberships(demo_db, phonics, "Year 2") if m.leave_date is None)
    screen.group_chooser = lambda choices, index, allow_new: NEW_GROUP
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)
    index = cell_index(screen, phonics, "Year 2")
    assert screen.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, index)
    asked: list[int] = []

    def choose(choices, index, allow_new):  # type: ignore[no-untyped-def]
        asked.append(len(choices))
        return choices[-1].group_id

    screen.group_chooser = choose
    newcomer = ids_of(demo_db, "Year 2", 40, not_in=phonics)[0]
    data = dragged_from_tray(screen, "Year 2", [newcomer])
    assert screen.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)
    assert asked == [2]
    assert newcomer in [m.pupil_id for m in memberships(demo_db, phonics, "Year 2")]


def test_cells_have_accessible_text_and_totals(map_screen, demo_db):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    index = cell_index(screen, phonics, "Year 2")
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Phonics catch-up, Year 2: ")
    empty = cell_index(screen, phonics, "Year 6").data(Qt.ItemDataRole.AccessibleTextRole)
    assert "no group" in empty
    model = screen.model
    total_row = model.rowCount() - 1
    grand = model.index(total_row, model.columnCount() - 1).data()
    assert "pupils" in grand
    assert "h/wk" in grand
    heading = model.headerData(index.row(), Qt.Orientation.Vertical)
    assert "W2" in heading
    assert "/pupil" in heading


def test_filters_and_collapsing(map_screen, demo_db, qtbot):
    screen = map_screen
    rows_before = screen.model.rowCount()
    screen.area_filter.setCurrentIndex(screen.area_filter.findData("SEMH"))
    names = [e.row.name for e in screen.model.entries if e.row is not None]
    assert names
    assert all(
        p.area == "SEMH"
        for p in (
            screen.model.snapshot.row(e.row.provision_id) for e in screen.model.entries if e.row
        )
    )
    assert "Phonics catch-up" not in names
    screen.area_filter.setCurrentIndex(0)
    assert screen.model.rowCount() == rows_before
    # Enter on an area's heading folds it away; a click on its row heading opens it again.
    view = screen.view
    view.setFocus()
    view.setCurrentIndex(screen.model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    folded = screen.model.rowCount()
    assert folded < rows_before
    header = view.verticalHeader()
    middle = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, middle))
    assert screen.model.rowCount() == rows_before


def test_flipped_layout_shows_each_pupils_allocations(map_screen, demo_db):
    screen = map_screen
    screen.flip_toggle.setChecked(True)
    model = screen.flipped_model
    assert model.rowCount() > 0
    assert model.columnCount() > 0
    phonics = provision_id(demo_db, "Phonics catch-up")
    member = next(m for m in memberships(demo_db, phonics, "Year 2") if m.leave_date is None)
    row = next(i for i, r in enumerate(model.flipped.rows) if r.provision_id == phonics)
    column = next(i for i, p in enumerate(model.flipped.pupils) if p.id == member.pupil_id)
    text = model.index(row, column).data()
    # The pupil's delivery rate for the provision so far, in figures, symbol and word.
    assert re.fullmatch(r"✓ \d+% (● Green|▲ Amber|■ Red)", text), text


def test_status_strip_lists_what_needs_attention_and_links_to_it(map_screen):
    window = map_screen.window_
    window.refresh_attention()
    texts = [item.text for item in window.attention_items]
    screens = {item.screen for item in window.attention_items}
    assert any("review" in t for t in texts)
    assert any("Section F item" in t for t in texts)  # the demo's unmatched OT item
    assert any("£6,000.00" in t for t in texts)  # two demo pupils are over it
    assert {"reviews", "pupils", "costs"} <= screens
    window.attention_label.linkActivated.emit("costs")
    assert window.current_screen() is window.screens["costs"]


def test_groups_show_their_delivery_rate_in_words(map_screen, demo_db):
    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    index = cell_index(screen, phonics, "Year 1")
    content = index.data(Qt.ItemDataRole.UserRole + 10)  # CELL_ROLE
    heading = content.groups[0].heading
    assert "%" in heading
    assert any(w in heading for w in ("Green", "Amber", "Red"))
    assert any("Key:" in label.text() for label in screen.findChildren(QLabel))


def test_move_by_keyboard_from_the_cell_panel(map_screen, demo_db, qtbot):
    from provmap_desktop.views.map.allocate_dialog import AllocateDialog

    screen = map_screen
    phonics = provision_id(demo_db, "Phonics catch-up")
    screen.view.setCurrentIndex(cell_index(screen, phonics, "Year 1"))
    tree = screen.panel.tree
    chip = tree.topLevelItem(0).child(0)
    membership_id = chip.data(0, Qt.ItemDataRole.UserRole + 2)
    tree.setCurrentItem(chip)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AllocateDialog):
            QTimer.singleShot(20, answer)
            return
        assert dialog.provision.currentData() == phonics  # starts on the chip's own
        dialog.year_group.setCurrentIndex(dialog.year_group.findText("Year 2"))
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(screen.panel.move_button, Qt.MouseButton.LeftButton)
    assert _year_group_of(demo_db, membership_id)[1] == TODAY - dt.timedelta(days=1)
    with demo_db.session_factory() as s:
        pupil = s.get(GroupMembership, membership_id).pupil_id
    assert any(
        m.pupil_id == pupil and m.join_date == TODAY
        for m in memberships(demo_db, phonics, "Year 2")
    )


def test_the_grid_and_tray_models_keep_the_model_rules(map_screen, demo_db, qtmodeltester, qtbot):
    screen = map_screen
    qtmodeltester.check(screen.model)
    qtmodeltester.check(screen.tray.model)
    # and again after an allocation, a fold and the unused provisions shown
    zones = provision_id(demo_db, "Zones of Regulation")
    pupils = ids_of(demo_db, "Year 6", 2, not_in=zones)
    data = dragged_from_tray(screen, "Year 6", pupils)
    assert screen.model.dropMimeData(
        data, Qt.DropAction.CopyAction, -1, -1, cell_index(screen, zones, "Year 6")
    )
    screen.hide_empty_toggle.setChecked(False)
    screen.view.setCurrentIndex(screen.model.index(0, 0))
    qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    qtmodeltester.check(screen.model)
