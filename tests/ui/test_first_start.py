"""First start: the demo school, or a new school from the short wizard."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWizard
from sqlalchemy import select

from provmap_desktop.app import _create_school, ensure_demo
from provmap_desktop.models import AcademicYear, SchoolSettings, YearGroup
from provmap_desktop.shell.first_start import NewSchoolWizard


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
            assert names[0] == "Reception"
            assert names[-1] == "Year 6"
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


def _type_autumn_day(qtbot, wizard: NewSchoolWizard, day: str) -> None:  # type: ignore[no-untyped-def]
    """Select the day in the date box with the keyboard and type over it."""
    edit = wizard.autumn_start
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    for _ in range(2):
        qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, day)


def test_terms_are_built_from_the_autumn_start_typed_in_the_wizard(qtbot, tmp_path):
    wizard = NewSchoolWizard(today=dt.date(2026, 8, 20))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.name_edit, "Brookside Primary")
    assert wizard.autumn_start.text() == "03/09/2026"  # the suggestion
    _type_autumn_day(qtbot, wizard, "10")
    assert wizard.autumn_start.text() == "10/09/2026"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QDialog.DialogCode.Accepted
    db = _create_school(tmp_path / "new.provmap", wizard.result_school())
    try:
        with db.session_factory() as s:
            year = s.scalars(select(AcademicYear)).one()
            assert year.label == "2026/27"
            terms = {t.name: t for t in year.terms}
            # The school's own first day, a Thursday; the rest follow the usual pattern:
            # autumn ends on the Friday on or before Sunday 20/12/2026, half-term is the
            # week of the last Monday in October (26/10/2026); spring runs from Monday
            # 04/01/2027 to the last Friday in March (26/03/2027); summer starts 17 days
            # after spring ends, Monday 12/04/2027.
            autumn = terms["Autumn"]
            assert autumn.start_date == dt.date(2026, 9, 10)
            assert autumn.end_date == dt.date(2026, 12, 18)
            assert (autumn.half_term_start, autumn.half_term_end) == (
                dt.date(2026, 10, 26),
                dt.date(2026, 10, 30),
            )
            assert terms["Spring"].start_date == dt.date(2027, 1, 4)
            assert terms["Spring"].end_date == dt.date(2027, 3, 26)
            assert terms["Summer"].start_date == dt.date(2027, 4, 12)
    finally:
        db.close()


def test_an_autumn_start_outside_september_is_refused_with_a_reason(qtbot):
    wizard = NewSchoolWizard(today=dt.date(2026, 8, 20))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.name_edit, "Brookside Primary")
    edit = wizard.autumn_start
    edit.setFocus()
    # Day 03, then the month: select "09" and type "08" (03/08/2026, still the summer).
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    for _ in range(3):
        qtbot.keyClick(edit, Qt.Key.Key_Right)
    for _ in range(2):
        qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "08")
    assert edit.text() == "03/08/2026"
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.isVisible()
    assert wizard.result() != QDialog.DialogCode.Accepted
    assert "September" in wizard.date_message.text()


def test_the_suggested_autumn_start_is_a_weekday_the_wizard_accepts(qtbot):
    # 3 September 2028 is a Sunday: the suggestion is Monday 04/09/2028.
    wizard = NewSchoolWizard(today=dt.date(2028, 8, 20))
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.autumn_start.text() == "04/09/2028"
    qtbot.keyClicks(wizard.name_edit, "Brookside Primary")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.result_school().autumn_start == dt.date(2028, 9, 4)
