"""The "+ new group" zone in a map cell: dropping a chip there starts a group like the
one it came from (staff, slot and dates), as one undoable edit; pupils dropped there
from the tray join a new group like the cell's."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDropEvent, QFontMetrics
from sqlalchemy import select

from provmap_desktop.models import GroupMembership, ProvisionGroup
from provmap_desktop.storage import Database
from provmap_desktop.views.map.chips import CELL_ROLE, layout_cell

from .conftest import TODAY
from .test_map import (
    cell_index,
    dragged_chip,
    dragged_from_tray,
    ids_of,
    map_screen,
    memberships,
    provision_id,
)

__all__ = ["map_screen"]
PROVISION = "Pre-teaching vocabulary"


def _drop_on_new_group_zone(screen, index: QModelIndex, data: QMimeData) -> QDropEvent:  # type: ignore[no-untyped-def]
    """Drop ``data`` on the cell's "+ new group" zone, as the mouse would let it go there."""
    view = screen.view
    view.scrollTo(index)
    metrics = QFontMetrics(view.font())
    (zone,) = [
        p
        for p in layout_cell(view.visualRect(index), index.data(CELL_ROLE), metrics)
        if p.kind == "new_group"
    ]
    assert "new" in zone.text or zone.text == "+"
    drop = QDropEvent(
        QPointF(zone.rect.center()),
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(drop)
    assert drop.isAccepted()
    return drop


def _group_facts(db: Database, group_id: int) -> tuple[object, ...]:
    with db.session_factory() as s:
        g = s.get(ProvisionGroup, group_id)
        slots = sorted((slot.weekday, slot.start_time) for slot in g.slots)
        return (g.provision_id, g.year_group_id, g.staff_id, g.start_date, g.end_date, slots)


def test_a_chip_dropped_on_new_group_starts_a_group_like_its_own(
    map_screen, demo_db, qtbot, monkeypatch
):
    screen = map_screen
    provision = provision_id(demo_db, PROVISION)
    before = [m for m in memberships(demo_db, provision, "Year 3") if m.leave_date is None]
    (source,) = {m.group_id for m in before}
    assert len(before) == 4
    moving = before[0]
    data = dragged_chip(screen, qtbot, monkeypatch, moving.id)  # what the grid's drag carries
    _drop_on_new_group_zone(screen, cell_index(screen, provision, "Year 3"), data)

    with demo_db.session_factory() as s:
        groups = s.scalars(
            select(ProvisionGroup.id).where(
                ProvisionGroup.provision_id == provision, ProvisionGroup.id != source
            )
        ).all()
        (new_group,) = groups
        members = s.scalars(
            select(GroupMembership).where(GroupMembership.group_id == new_group)
        ).all()
        assert [(m.pupil_id, m.join_date) for m in members] == [(moving.pupil_id, TODAY)]
        staying = s.scalars(
            select(GroupMembership.pupil_id).where(
                GroupMembership.group_id == source, GroupMembership.leave_date.is_(None)
            )
        ).all()
        assert len(staying) == 3
    # The same staff, the same timetable slot and the same dates as the group it left.
    assert _group_facts(demo_db, new_group) == _group_facts(demo_db, source)
    assert _group_facts(demo_db, source)[2] is not None
    assert len(_group_facts(demo_db, source)[5]) == 2  # type: ignore[arg-type]
    assert "new group" in screen.feedback.text()

    # One undo takes it all back: no new group, the pupil in the old one.
    screen.window_.undo_action.trigger()
    with demo_db.session_factory() as s:
        assert s.get(ProvisionGroup, new_group) is None
        back = s.get(GroupMembership, moving.id)
        assert back.group_id == source
        assert back.leave_date is None


def test_pupils_dropped_from_the_tray_on_new_group_join_a_new_group(map_screen, demo_db):
    screen = map_screen
    provision = provision_id(demo_db, PROVISION)
    (source,) = {m.group_id for m in memberships(demo_db, provision, "Year 3")}
    pupils = ids_of(demo_db, "Year 3", 2, not_in=provision)
    data = dragged_from_tray(screen, "Year 3", pupils)  # what the tray's drag carries
    _drop_on_new_group_zone(screen, cell_index(screen, provision, "Year 3"), data)

    with demo_db.session_factory() as s:
        (new_group,) = s.scalars(
            select(ProvisionGroup.id).where(
                ProvisionGroup.provision_id == provision, ProvisionGroup.id != source
            )
        ).all()
        joined = s.scalars(
            select(GroupMembership.pupil_id).where(GroupMembership.group_id == new_group)
        ).all()
        assert sorted(joined) == sorted(pupils)
    assert _group_facts(demo_db, new_group) == _group_facts(demo_db, source)
    screen.window_.undo_action.trigger()
    with demo_db.session_factory() as s:
        assert s.get(ProvisionGroup, new_group) is None


def test_a_drop_elsewhere_in_the_cell_joins_its_group_as_before(map_screen, demo_db):
    screen = map_screen
    provision = provision_id(demo_db, PROVISION)
    (source,) = {m.group_id for m in memberships(demo_db, provision, "Year 3")}
    pupils = ids_of(demo_db, "Year 3", 1, not_in=provision)
    data = dragged_from_tray(screen, "Year 3", pupils)
    index = cell_index(screen, provision, "Year 3")
    screen.view.scrollTo(index)
    top = screen.view.visualRect(index).topLeft() + QPointF(8, 4).toPoint()
    drop = QDropEvent(
        QPointF(top),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    screen.view.dropEvent(drop)
    with demo_db.session_factory() as s:
        member = s.scalars(
            select(GroupMembership).where(GroupMembership.pupil_id == pupils[0])
        ).all()
        assert [m.group_id for m in member if m.group_id == source] == [source]
