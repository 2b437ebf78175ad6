"""The provision catalogue screen, driven through its widgets."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from provmap_desktop.models import Provision


def read_provision(db, name):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        row = s.query(Provision).filter_by(name=name).one_or_none()
        if row is not None:
            _ = [y.name for y in row.suitable_year_groups]
        return row


def test_add_edit_and_undo_a_provision(window, qtbot, school_db):
    window.show_screen("provisions")
    screen = window.screens["provisions"]
    screen.add_provision()
    added = read_provision(school_db, "New provision 1")
    assert added is not None

    model = screen.model
    row = next(i for i, p in enumerate(model.rows) if p.name == "New provision 1")
    assert model.setData(model.index(row, 0), "Precision Teaching")
    assert model.setData(model.index(row, 5), "10")  # minutes
    assert model.setData(model.index(row, 6), "3")  # sessions per week
    assert model.setData(model.index(row, 9), "£12.50")  # resources
    saved = read_provision(school_db, "Precision Teaching")
    assert (saved.session_minutes, saved.sessions_per_week) == (10, 3)
    assert saved.resources_cost == Decimal("12.50")

    assert not model.setData(model.index(row, 8), "0")  # a group of nobody is refused
    assert read_provision(school_db, "Precision Teaching").group_size == 1
    assert "group size must be a whole number of 1 or more" in screen.message.text()

    window.undo_action.trigger()  # resources
    assert read_provision(school_db, "Precision Teaching").resources_cost == Decimal("0.00")
    for _step in range(3):  # sessions, minutes, the name
        window.undo_action.trigger()
    assert read_provision(school_db, "New provision 1").session_minutes == 30
    window.undo_action.trigger()  # the provision itself
    assert read_provision(school_db, "New provision 1") is None
    window.redo_action.trigger()
    assert read_provision(school_db, "New provision 1").id == added.id


def test_suitable_year_groups_and_criteria_from_the_detail_panel(window, qtbot, school_db):
    window.show_screen("provisions")
    screen = window.screens["provisions"]
    screen.add_provision()
    box = screen.year_boxes[next(iter(screen.year_boxes))]
    name = box.text()
    box.click()
    assert [y.name for y in read_provision(school_db, "New provision 1").suitable_year_groups] == [
        name
    ]
    window.undo_action.trigger()
    assert read_provision(school_db, "New provision 1").suitable_year_groups == []

    edit = screen.long_edits["entry_criteria"]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "Reading age two years below chronological age")
    assert read_provision(school_db, "New provision 1").entry_criteria == ""  # not yet left
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # leaving the box saves what was typed
    qtbot.waitUntil(lambda: not edit.hasFocus())
    saved = read_provision(school_db, "New provision 1").entry_criteria
    assert saved == "Reading age two years below chronological age"
    window.undo_action.trigger()
    assert read_provision(school_db, "New provision 1").entry_criteria == ""


def test_retired_provisions_are_hidden_until_asked_for(window, school_db):
    screen = window.screens["provisions"]
    screen.add_provision()
    model = screen.model
    row = next(i for i, p in enumerate(model.rows) if p.name == "New provision 1")
    assert model.setData(
        model.index(row, 12), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    assert read_provision(school_db, "New provision 1").retired
    assert all(p.name != "New provision 1" for p in model.rows)
    screen.show_retired.setChecked(True)
    assert any(p.name == "New provision 1" for p in model.rows)
