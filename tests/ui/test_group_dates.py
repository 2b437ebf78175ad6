"""A group's dates as a user sets them: by a drop on the map, and in group details.

The school is ``conftest.small_school`` (today 23/11/2026): Autumn 03/09-18/12/2026 with
a half-term 26/10-30/10, Spring 05/01-26/03/2027 and Summer 12/04-21/07/2027, no other
holidays. Precision Teaching is 3 sessions of 10 minutes a week for 12 weeks in groups
of 4, delivered by a teaching assistant at £18.00 an hour.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from provmap_desktop.models import (
    AcademicYear,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Staff,
    StaffRole,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn
from provmap_desktop.services.costing import cost_map
from provmap_desktop.views.map.mime import pupils_mime

from .conftest import TODAY

D = dt.date


@pytest.fixture
def pt_window(qtbot, school_db):  # type: ignore[no-untyped-def]
    """The main window over the small school with Precision Teaching and five Year 4 pupils."""
    from provmap_desktop.shell.main_window import MainWindow

    with school_db.session_factory() as s:
        ta = s.scalars(select(StaffRole)).one()
        year4 = s.scalars(select(YearGroup).where(YearGroup.name == "Year 4")).one()
        s.add(
            Provision(
                name="Precision Teaching",
                area="CL",
                wave=2,
                delivered_by_role=ta,
                session_minutes=10,
                sessions_per_week=3,
                weeks=12,
                group_size=4,
            )
        )
        for n, name in enumerate(("Adams", "Baker", "Clark", "Dean", "Evans"), start=1):
            s.add(
                Pupil(
                    upn=make_upn("801", "2000", 21, n),
                    forename="Test",
                    surname=name,
                    year_group=year4,
                    sen_status="K",
                )
            )
        s.commit()
    window = MainWindow(school_db, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


def _ids(db, entity, **where):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        query = select(entity.id).order_by(entity.id)
        for name, value in where.items():
            query = query.where(getattr(entity, name) == value)
        return list(s.scalars(query))


def _drop_four_on_precision_teaching(window, db) -> int:  # type: ignore[no-untyped-def]
    """Drop four Year 4 pupils on Precision Teaching with the whole year shown."""
    with db.session_factory() as s:
        year_id = s.scalars(select(AcademicYear.id)).one()
    window.period_bar.select(year_id, None)  # the whole year, as in the report
    window.show_screen("map")
    screen = window.screens["map"]
    screen.group_chooser = lambda *args: pytest.fail("asked to choose a group")
    # A provision with no group yet is hidden until asked for; show it to drop onto it.
    screen.hide_empty_toggle.setChecked(False)
    provision = _ids(db, Provision, name="Precision Teaching")[0]
    model = screen.model
    column = next(i for i, c in enumerate(model.columns) if c.name == "Year 4")
    index = model.index(model.row_of_provision(provision), column)
    pupils = _ids(db, Pupil)[:4]
    assert model.dropMimeData(pupils_mime(pupils), Qt.DropAction.CopyAction, -1, -1, index)
    (group_id,) = _ids(db, ProvisionGroup)
    return group_id


def test_a_dropped_group_runs_the_provisions_12_weeks_and_costs_108_pounds(pt_window, school_db):
    group_id = _drop_four_on_precision_teaching(pt_window, school_db)
    with school_db.session_factory() as s:
        group = s.get(ProvisionGroup, group_id)
        # From the drop day, Monday 23/11/2026, 60 teaching days: 20 to 18/12, 4 from
        # Tuesday 05/01/2027, 35 in the seven weeks to 26/02, and Monday 01/03/2027.
        assert (group.start_date, group.end_date) == (TODAY, D(2027, 3, 1))
        costed = cost_map(s, group.academic_year_id, as_of=TODAY)
        cost = costed.by_group[group_id]
        # £18.00 x 10/60 = £3.00 a session x 3 a week x 12 weeks = £108.00, £27.00 each.
        assert cost.teaching_weeks == 12
        assert cost.planned == Decimal(108), f"the dropped group costs {cost.planned:.2f}"
        assert {share.planned for share in cost.pupil_shares.values()} == {Decimal(27)}


def _dialog(window, group_id):  # type: ignore[no-untyped-def]
    from provmap_desktop.views.map.group_dialog import GroupDialog

    dialog = GroupDialog(window.ctx, group_id, window)
    dialog.show()
    return dialog


def _dates(db, group_id):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        group = s.get(ProvisionGroup, group_id)
        return group.start_date, group.end_date


def test_group_details_show_the_teaching_weeks_and_take_either(pt_window, school_db, qtbot):
    group_id = _drop_four_on_precision_teaching(pt_window, school_db)
    dialog = _dialog(pt_window, group_id)
    weeks = dialog.weeks_edit
    assert weeks.accessibleName() == "Teaching weeks"
    assert weeks.text() == "for 12 teaching weeks"

    # Typing 6 weeks: the 30th teaching day from 23/11/2026 (20 to 18/12, 4 from
    # Tuesday 05/01 to 08/01 and 5 to 15/01 make 29) is Monday 18/01/2027.
    weeks.setFocus()
    weeks.selectAll()
    qtbot.keyClicks(weeks, "6")
    qtbot.keyClick(weeks, Qt.Key.Key_Return)
    assert _dates(school_db, group_id) == (TODAY, D(2027, 1, 18))
    assert dialog.end_edit.date().toPython() == D(2027, 1, 18)

    # Typing a last day: Friday 11/12/2026 is 3 weeks after Monday 23/11/2026.
    dialog.end_edit.setDate(QDate(2026, 12, 11))
    dialog.end_edit.editingFinished.emit()
    assert _dates(school_db, group_id) == (TODAY, D(2026, 12, 11))
    assert weeks.text() == "for 3 teaching weeks"
    # A part week shows its days: to Wednesday 16/12/2026 is 18 days, 3.6 weeks.
    dialog.end_edit.setDate(QDate(2026, 12, 16))
    dialog.end_edit.editingFinished.emit()
    assert weeks.text() == "for 3.6 teaching weeks"
    # A last day before the first is refused in words, and the saved dates stay.
    dialog.end_edit.setDate(QDate(2026, 11, 20))
    dialog.end_edit.editingFinished.emit()
    assert "before the first day, 23/11/2026" in dialog.message.text()
    assert _dates(school_db, group_id) == (TODAY, D(2026, 12, 16))
    assert dialog.end_edit.date().toPython() == D(2026, 12, 16)

    pt_window.undo_action.trigger()
    pt_window.undo_action.trigger()
    assert _dates(school_db, group_id) == (TODAY, D(2027, 1, 18))
    assert weeks.text() == "for 6 teaching weeks"  # the dialog follows the undo


def test_moving_a_groups_start_moves_the_join_dates_with_it(pt_window, school_db):
    group_id = _drop_four_on_precision_teaching(pt_window, school_db)
    late_pupil = _ids(school_db, Pupil)[4]
    with school_db.session_factory() as s:
        s.add(GroupMembership(group_id=group_id, pupil_id=late_pupil, join_date=D(2026, 12, 1)))
        s.commit()
    pt_window.ctx.session.expire_all()
    dialog = _dialog(pt_window, group_id)

    dialog.start_edit.setDate(QDate(2026, 11, 30))
    dialog.start_edit.editingFinished.emit()

    def joins() -> dict[int, dt.date]:
        with school_db.session_factory() as s:
            rows = s.scalars(select(GroupMembership).where(GroupMembership.group_id == group_id))
            return {m.pupil_id: m.join_date for m in rows}

    assert _dates(school_db, group_id)[0] == D(2026, 11, 30)
    first_four = _ids(school_db, Pupil)[:4]
    assert joins() == {**dict.fromkeys(first_four, D(2026, 11, 30)), late_pupil: D(2026, 12, 1)}
    assert dialog.message.text() == ""

    pt_window.undo_action.trigger()
    assert _dates(school_db, group_id)[0] == TODAY
    assert joins() == {**dict.fromkeys(first_four, TODAY), late_pupil: D(2026, 12, 1)}
    assert dialog.start_edit.date().toPython() == TODAY

    # A first day after the last is refused in words, and nothing changes.
    dialog.start_edit.setDate(QDate(2027, 6, 1))
    dialog.start_edit.editingFinished.emit()
    assert "after its last day" in dialog.message.text()
    assert _dates(school_db, group_id)[0] == TODAY
    assert dialog.start_edit.date().toPython() == TODAY


def test_group_details_name_staff_days_and_a_leave_date_are_saved_and_undone(
    pt_window, school_db, qtbot
):
    with school_db.session_factory() as s:
        s.add(Staff(name="Ms Patel", role=s.scalars(select(StaffRole)).one()))
        s.commit()
    group_id = _drop_four_on_precision_teaching(pt_window, school_db)
    pt_window.ctx.session.expire_all()
    dialog = _dialog(pt_window, group_id)

    def saved() -> tuple[str, str | None, list[int], list[dt.date | None]]:
        with school_db.session_factory() as s:
            group = s.get(ProvisionGroup, group_id)
            staff = group.staff.name if group.staff else None
            leaves = [m.leave_date for m in sorted(group.memberships, key=lambda m: m.id)]
            return group.name, staff, [slot.weekday for slot in group.slots], leaves

    before = saved()
    assert before == ("Year 4 group 1", None, [], [None] * 4)

    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Blue group")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    dialog.staff_combo.setCurrentIndex(
        dialog.staff_combo.findText("Ms Patel", Qt.MatchFlag.MatchStartsWith)
    )
    qtbot.mouseClick(dialog.day_boxes[1], Qt.MouseButton.LeftButton)  # Tuesday
    members = dialog.members_model
    assert members.setData(members.index(0, 2), "11/12/2026")
    assert saved() == ("Blue group", "Ms Patel", [1], [D(2026, 12, 11), None, None, None])

    # A leave date before the pupil joined is refused in words; nothing changes.
    assert not members.setData(members.index(1, 2), "20/11/2026")
    assert "before the join date, 23/11/2026" in dialog.message.text()
    assert saved() == ("Blue group", "Ms Patel", [1], [D(2026, 12, 11), None, None, None])

    for _step in range(4):  # leave date, days, staff, name
        pt_window.undo_action.trigger()
    assert saved() == before
    for _step in range(4):
        pt_window.redo_action.trigger()
    assert saved() == ("Blue group", "Ms Patel", [1], [D(2026, 12, 11), None, None, None])
