"""The register driven through its widgets: deliver, absences, cancel, late entry, undo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from provmap_desktop.models import (
    AcademicYear,
    DeliverySession,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    Staff,
    YearGroup,
)
from provmap_desktop.rules.upn import make_upn

from .conftest import TODAY  # Monday 23/11/2026


def add_group(db) -> int:  # type: ignore[no-untyped-def]
    """Precision Teaching for three Year 4 pupils, Mon/Wed/Fri 9:10, all autumn term."""
    with db.session_factory() as s:
        year = s.query(AcademicYear).one()
        year4 = s.query(YearGroup).filter_by(name="Year 4").one()
        pupils = [
            Pupil(upn=make_upn("801", "2000", 20, n), surname=name, forename=first,
                  year_group=year4, sen_status="K")
            for n, (first, name) in enumerate(
                [("Maya", "Adams"), ("Ben", "Brook"), ("Cal", "Cross")], start=1
            )
        ]  # fmt: skip
        provision = Provision(name="Precision Teaching", area="CL", session_minutes=10,
                              sessions_per_week=3, group_size=4)  # fmt: skip
        group = ProvisionGroup(
            provision=provision, academic_year=year, year_group=year4, name="PT Year 4",
            staff=s.query(Staff).one(), start_date=dt.date(2026, 9, 7),
            end_date=dt.date(2026, 12, 4),
            slots=[GroupSlot(weekday=d, start_time=dt.time(9, 10)) for d in (0, 2, 4)],
            memberships=[GroupMembership(pupil=p, join_date=dt.date(2026, 9, 7)) for p in pupils],
        )  # fmt: skip
        s.add(group)
        s.commit()
        return group.id


@pytest.fixture
def register(qtbot, school_db):  # type: ignore[no-untyped-def]
    """The register screen on its own over a shared context (the shell is not needed)."""
    from provmap_desktop.ui.context import AppContext
    from provmap_desktop.views.register import RegisterScreen

    group_id = add_group(school_db)
    ctx = AppContext(school_db)
    ctx.today = TODAY
    screen = RegisterScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    yield ctx.undo_stack, screen, group_id
    ctx.close()


def read(db, group_id, day):  # type: ignore[no-untyped-def]
    with db.session_factory() as s:
        record = s.query(DeliverySession).filter_by(group_id=group_id, session_date=day).first()
        if record is None:
            return None
        names = {p.id: p.forename for p in s.query(Pupil)}
        return (
            record.status,
            record.cancel_reason,
            record.note,
            record.late_entry,
            {names[a.pupil_id]: a.present for a in record.attendance},
        )


def test_enter_marks_todays_session_delivered_and_unticking_marks_absent(
    register, qtbot, school_db
):
    win, screen, group_id = register
    assert screen.table.rowCount() == 1
    assert screen.table.item(0, 6).text() == "Not recorded"
    assert screen.table.item(0, 1).text() == "09:10"
    screen.table.selectRow(0)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert read(school_db, group_id, TODAY) == (
        "delivered",
        None,
        "",
        False,
        {"Maya": True, "Ben": True, "Cal": True},
    )
    assert screen.table.item(0, 6).text() == "Delivered"

    ben = next(
        screen.attendance.item(i)
        for i in range(3)
        if screen.attendance.item(i).text() == "Ben Brook"
    )
    ben.setCheckState(Qt.CheckState.Unchecked)
    assert read(school_db, group_id, TODAY)[4] == {"Maya": True, "Ben": False, "Cal": True}
    assert screen.table.item(0, 6).text() == "Delivered, 1 absent"

    win.undo()  # Ben present again
    assert read(school_db, group_id, TODAY)[4]["Ben"] is True
    win.undo()  # no record at all
    assert read(school_db, group_id, TODAY) is None
    assert screen.table.item(0, 6).text() == "Not recorded"
    win.redo()
    assert read(school_db, group_id, TODAY)[0] == "delivered"


def test_cancel_with_reason_and_note_through_the_dialog(register, qtbot, school_db):
    _win, screen, group_id = register
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    dialog = screen.cancel_dialog
    dialog.reason.setCurrentIndex(dialog.reason.findData("staff_absent"))
    dialog.note.setText("Mrs Ahmed on a course")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert read(school_db, group_id, TODAY)[:4] == (
        "cancelled",
        "staff_absent",
        "Mrs Ahmed on a course",
        False,
    )
    assert screen.table.item(0, 6).text() == "Cancelled – staff absent"


def test_week_view_and_late_entry_for_an_earlier_day(register, qtbot, school_db):
    _win, screen, group_id = register
    screen.week_mode.setChecked(True)
    assert screen.table.rowCount() == 3  # Mon, Wed, Fri
    assert not screen.table.isColumnHidden(0)

    screen.day_mode.setChecked(True)
    friday = dt.date(2026, 11, 20)
    screen.set_day(friday)
    assert screen.table.rowCount() == 1
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.delivered_button, Qt.MouseButton.LeftButton)
    assert read(school_db, group_id, friday)[3] is True
    assert screen.table.item(0, 6).text() == "Delivered (late entry)"

    screen.set_day(dt.date(2026, 10, 28))  # half-term
    assert screen.table.rowCount() == 0
    assert screen.empty.text() == "No sessions are planned for 28/10/2026."


def test_ticking_attendance_by_keyboard_keeps_the_place_in_the_list(register, qtbot, school_db):
    """Space unticks the pupil under the keyboard; the next Down arrow goes to the next one."""
    _win, screen, group_id = register
    screen.table.selectRow(0)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # delivered, all present
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    names = [screen.attendance.item(i).text().split()[0] for i in range(3)]
    screen.attendance.setFocus()
    screen.attendance.setCurrentRow(0)
    qtbot.keyClick(screen.attendance, Qt.Key.Key_Down)
    qtbot.keyClick(screen.attendance, Qt.Key.Key_Space)
    expected = dict.fromkeys(names, True)
    expected[names[1]] = False
    assert read(school_db, group_id, TODAY)[4] == expected
    assert screen.attendance.hasFocus()
    assert screen.attendance.currentRow() == 1
    qtbot.keyClick(screen.attendance, Qt.Key.Key_Down)
    qtbot.keyClick(screen.attendance, Qt.Key.Key_Space)
    expected[names[2]] = False
    assert read(school_db, group_id, TODAY)[4] == expected
    assert screen.attendance.currentRow() == 2
