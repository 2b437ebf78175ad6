"""Next year's intake, recorded ahead, is not on this year's map, lists or counts.

The demo school (seen on 23/11/2026, in 2026/27) has three Reception starters joining
on 01/09/2027: Arlo Bennett, Isla Grant (SEN support, speech and language) and Noah
Pearce (EHC plan, one Section F item). They are planned for in 2027/28 only.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from provmap_desktop.models import GroupMembership, Pupil, YearGroup

from .conftest import TODAY

INTAKE = {"Arlo Bennett", "Isla Grant", "Noah Pearce"}


def _reception(demo_db, joined) -> set[int]:  # type: ignore[no-untyped-def]
    """Reception pupils on roll whose joining date passes ``joined``, read from the file."""
    with demo_db.session_factory() as s:
        return set(
            s.scalars(
                select(Pupil.id)
                .join(YearGroup, Pupil.year_group_id == YearGroup.id)
                .where(YearGroup.name == "Reception", Pupil.archived.is_(False), joined)
            )
        )


def test_the_map_tray_holds_this_years_pupils_and_not_the_intake(demo_window, demo_db) -> None:
    demo_window.show_screen("map")
    tray = demo_window.screens["map"].tray
    tray.sen_filter.setCurrentIndex(tray.sen_filter.findText("All pupils"))
    tray.year_filter.setCurrentIndex(tray.year_filter.findText("Reception"))
    shown = {p.id for p in tray.model.pupils}
    on_roll = _reception(demo_db, Pupil.on_roll_date <= dt.date(2027, 8, 31))
    intake = _reception(demo_db, Pupil.on_roll_date == dt.date(2027, 9, 1))
    assert len(on_roll) >= 27
    assert len(intake) == 3
    assert shown == on_roll
    assert tray.count.text() == f"{len(on_roll)} pupils"


def test_the_pupil_list_keeps_the_intake_apart_and_search_finds_them(demo_window, qtbot) -> None:
    demo_window.show_screen("pupils")
    screen = demo_window.screens["pupils"]
    listed = {"Bennett, Arlo", "Grant, Isla", "Pearce, Noah"}  # as the list shows them
    names = lambda: {row.name for row in screen.model.rows}  # noqa: E731
    assert screen.roll.currentText() == "On roll"
    assert len(names()) > 200
    assert not names() & listed
    screen.roll.setCurrentIndex(screen.roll.findText("Next year's intake"))
    assert names() == listed
    assert screen.count.text() == "Showing 3 of 3 pupils"
    # Ctrl+F, "Pearce", Enter: no pupil on roll is called that, so the intake is searched.
    qtbot.keyClick(demo_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(demo_window.period_bar.search, "Pearce")
    qtbot.keyClick(demo_window.period_bar.search, Qt.Key.Key_Return)
    assert screen.roll.currentText() == "Next year's intake"
    assert names() == {"Pearce, Noah"}


def test_the_intake_is_in_no_count_of_this_year(demo_db) -> None:
    from provmap_desktop.services.calendar import academic_year_for
    from provmap_desktop.services.cost_limits import threshold_totals
    from provmap_desktop.services.planning import build_plan
    from provmap_desktop.services.plans import plans_due
    from provmap_desktop.services.pupils import section_f_gaps

    with demo_db.session_factory() as s:
        year = academic_year_for(s, TODAY)
        assert year is not None
        assert year.label == "2026/27"
        assert "Noah Pearce" not in {g.pupil.display_name for g in section_f_gaps(s, TODAY)}
        assert not {p.pupil.display_name for p in plans_due(s, TODAY)} & INTAKE
        listed = {row.name for row in threshold_totals(s, year).rows}
        assert listed
        assert not listed & INTAKE
        this_year = build_plan(s, "2026/27", TODAY)
        next_year = build_plan(s, "2027/28", TODAY)
        assert not {p.name for p in this_year.scope.pupils.values()} & INTAKE
        assert {p.name for p in next_year.scope.pupils.values()} >= INTAKE
        starters = select(Pupil.id).where(Pupil.on_roll_date > year.end_date)
        assert len(s.scalars(starters).all()) == 3
        in_groups = select(func.count()).where(GroupMembership.pupil_id.in_(starters))
        assert s.scalar(in_groups) == 0
