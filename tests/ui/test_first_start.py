"""First start: the demo school, or a new school from the short wizard."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from provmap_desktop.app import _create_school, ensure_demo
from provmap_desktop.models import AcademicYear, SchoolSettings, YearGroup
from provmap_desktop.ui.first_start import NewSchoolWizard


def test_new_school_from_the_wizard(qtbot, tmp_path):
    wizard = NewSchoolWizard(today=dt.date(2026, 11, 23))
    qtbot.addWidget(wizard)
    qtbot.keyClicks(wizard.name_edit, "Brookside Primary")
    wizard.phase_combo.setCurrentText("primary")
    choice = wizard.result_school()
    assert choice.start_year == 2026
    db = _create_school(tmp_path / "new.provmap", choice)
    try:
        with db.session_factory() as s:
            assert s.get(SchoolSettings, 1).name == "Brookside Primary"
            names = list(s.scalars(select(YearGroup.name).order_by(YearGroup.sort_order)))
            assert names[0] == "Reception" and names[-1] == "Year 6"
            year = s.scalars(select(AcademicYear)).one()
            assert year.label == "2026/27"
            assert [t.name for t in year.terms] == ["Autumn", "Spring", "Summer"]
    finally:
        db.close()


def test_demo_is_built_once_and_then_reopened(tmp_path):
    path = tmp_path / "demo.provmap"
    db = ensure_demo(path, dt.date(2026, 11, 23))
    with db.session_factory() as s:
        assert s.get(SchoolSettings, 1).name == "Oakfield Primary School"
    db.close()
    again = ensure_demo(path, dt.date(2026, 11, 24))  # an existing demo is not rebuilt
    assert not again.is_empty()
    again.close()
