"""Maps kept per filter choice never show data older than the last edit."""

from __future__ import annotations

from PySide6.QtCore import Qt

from provmap_desktop.models import Pupil
from tests.ui import test_map
from tests.ui.test_map import cell_index, dragged_from_tray, ids_of, memberships, provision_id

#: The map screen of the demo school in the main window, as the map tests open it.
map_screen = test_map.map_screen


def _shown(screen, provision: int) -> str:  # type: ignore[no-untyped-def]
    return str(cell_index(screen, provision, "Year 6").data(Qt.ItemDataRole.DisplayRole) or "")


def _switch(screen, area: str | None) -> None:  # type: ignore[no-untyped-def]
    combo = screen.area_filter
    combo.setCurrentIndex(0 if area is None else combo.findData(area))


def test_switching_filters_back_shows_edits_made_in_between(map_screen, demo_db):  # type: ignore[no-untyped-def]
    screen = map_screen
    zones = provision_id(demo_db, "Zones of Regulation")
    pupils = ids_of(demo_db, "Year 6", 2, not_in=zones)
    with demo_db.session_factory() as s:
        names = [s.get(Pupil, p).display_name for p in pupils]
    # Both choices seen once, so a map is kept for each.
    _switch(screen, "SEMH")
    _switch(screen, None)
    assert not any(n in _shown(screen, zones) for n in names)

    data = dragged_from_tray(screen, "Year 6", pupils)
    index = cell_index(screen, zones, "Year 6")
    assert screen.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index)
    assert sorted(m.pupil_id for m in memberships(demo_db, zones, "Year 6")) == sorted(pupils)

    for area in ("SEMH", None, "SEMH", None):
        _switch(screen, area)
        shown = _shown(screen, zones)
        assert all(n in shown for n in names), (area, shown)

    screen.window_.undo_action.trigger()
    assert memberships(demo_db, zones, "Year 6") == []
    for area in ("SEMH", None):
        _switch(screen, area)
        shown = _shown(screen, zones)
        assert not any(n in shown for n in names), (area, shown)


def test_a_map_filter_leaves_the_tray_as_it_was(map_screen):  # type: ignore[no-untyped-def]
    screen = map_screen
    tray = screen.tray
    tray.year_filter.setCurrentIndex(tray.year_filter.findText("Year 6"))
    before = [p.id for p in tray.model.pupils]
    count = tray.count.text()
    _switch(screen, "SEMH")
    assert [p.id for p in tray.model.pupils] == before
    assert tray.count.text() == count
    _switch(screen, None)
    assert [p.id for p in tray.model.pupils] == before
