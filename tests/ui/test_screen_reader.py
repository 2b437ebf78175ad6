"""What a screen reader is given: values, map cells, announced messages, chart tables."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel

from provmap_desktop.shell.screens import SCREENS
from provmap_desktop.views.map.mime import pupils_mime

from .test_map import TODAY, cell_index, ids_of, map_screen, provision_id

__all__ = ["map_screen"]  # a fixture shared with the map tests


def _plain(text: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", text)
    text = re.sub(r"<[^>]+>", "", text).replace("&nbsp;", " ").replace("&amp;", "&")
    return " ".join(text.split())


def test_every_label_that_shows_something_lets_a_screen_reader_hear_it(map_screen, qtbot):
    window = map_screen.window_
    window.refresh_attention()
    hidden = []
    for spec in SCREENS:
        window.show_screen(spec.key)
        qtbot.wait(5)
        for label in window.findChildren(QLabel):
            shown = _plain(label.text())
            if not label.isVisible() or not shown or label.buddy() is not None:
                continue
            # What Qt gives a screen reader for a label: its accessible name if one is
            # set, else its text, then its accessible description.
            name = label.accessibleName() or shown
            heard = f"{name} {label.accessibleDescription()}"
            if shown not in " ".join(heard.split()):
                hidden.append(f"{spec.key}: shows {shown[:40]!r}, reader hears {heard[:40]!r}")
    assert not hidden, "\n".join(hidden)


def test_a_map_cell_says_everything_a_sighted_user_sees(map_screen, demo_db):
    phonics = provision_id(demo_db, "Phonics catch-up")
    index = cell_index(map_screen, phonics, "Year 1")
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    (group,) = map_screen.model.cell_groups(index)
    current = map_screen.model.current_members(group)
    assert group.name in spoken
    assert group.staff_name in spoken
    assert group.slot_text in spoken
    assert f"{len(current)} of {group.max_size} pupils" in spoken
    assert re.search(r"delivered \d+% of planned sessions, (green|amber|red)", spoken), spoken
    assert "●" not in spoken
    assert "▲" not in spoken
    for member in group.members:
        assert member.display_name in spoken


def test_an_over_size_group_is_said_to_be_over_size(map_screen, demo_db):
    zones = provision_id(demo_db, "Zones of Regulation")
    index = cell_index(map_screen, zones, "Year 6")
    map_screen.model.dropMimeData(
        pupils_mime(ids_of(demo_db, "Year 6", 12, not_in=zones)),
        Qt.DropAction.CopyAction,
        -1,
        -1,
        index,
    )
    spoken = cell_index(map_screen, zones, "Year 6").data(Qt.ItemDataRole.AccessibleTextRole)
    assert "over size" in spoken, spoken


def test_messages_after_an_edit_and_an_undo_are_announced(map_screen, demo_db, monkeypatch):
    heard: list[str] = []
    real = QAccessible.updateAccessibility

    def listen(event):  # type: ignore[no-untyped-def]
        if event.type() == QAccessible.Event.Announcement:
            heard.append(event.message())
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(listen))
    zones = provision_id(demo_db, "Zones of Regulation")
    index = cell_index(map_screen, zones, "Year 6")
    pupils = ids_of(demo_db, "Year 6", 1, not_in=zones)
    map_screen.model.dropMimeData(pupils_mime(pupils), Qt.DropAction.CopyAction, -1, -1, index)
    assert any(text.startswith("Allocated") for text in heard), heard
    map_screen.window_.undo_action.trigger()
    assert any(text.startswith("Undid allocate") for text in heard), heard
    map_screen.window_.redo_action.trigger()
    assert any(text.startswith("Redid allocate") for text in heard), heard
    assert map_screen.window_.statusBar().currentMessage().startswith("Redid allocate")


def test_each_chart_tells_a_screen_reader_its_figures(map_screen):
    window = map_screen.window_
    window.show_screen("costs")
    costs = window.screens["costs"]
    from provmap_desktop.views.costs_panels import ChartPanel

    panels = costs.findChildren(ChartPanel)
    assert panels
    for panel in panels:
        description = panel.chart_view.accessibleDescription()
        for row in panel.model.rows[:3]:
            assert row[0] in description, (panel.title, description)
            assert row[1] in description, (panel.title, description)


assert TODAY
