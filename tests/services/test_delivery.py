"""Planned sessions, delivery records with exact undo, and delivery rates with RAG."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from provmap_desktop.domain import DomainError
from provmap_desktop.domain.delivery import (
    clear_record,
    mark_cancelled,
    mark_delivered,
    record_state,
    set_attendance,
)
from provmap_desktop.models import DeliverySession, SchoolSettings, SessionAttendance
from provmap_desktop.services.delivery import Rate, delivery_rates, membership_rate, rag
from provmap_desktop.services.planned_sessions import (
    group_sessions,
    sessions_for_day,
    sessions_for_week,
    status_text,
)

from ..schools.costed import D, add_member, make_group, make_provision, make_pupil, make_school

TODAY = D(2026, 11, 23)


@pytest.fixture
def school(session):  # type: ignore[no-untyped-def]
    school = make_school(session)
    provision = make_provision(session, "Precision Teaching")
    group = make_group(session, provision, school.year, staff=school.ta, name="PT group A")
    pupils = [make_pupil(session, name, school.year_group) for name in ("Ahmed", "Brown", "Cole")]
    members = [add_member(session, group, p) for p in pupils]
    return school, group, pupils, members


def test_planned_sessions_skip_the_half_term_holiday(session, school):
    _, group, _, _ = school
    days = [d for d, _ in group_sessions(session, group.id, D(2026, 10, 19), D(2026, 11, 6))]
    # Mon/Wed/Fri: the week before half-term, none in 26-30 October, the week after.
    assert days == [
        D(2026, 10, 19), D(2026, 10, 21), D(2026, 10, 23),
        D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 6),
    ]  # fmt: skip
    assert sessions_for_day(session, D(2026, 10, 28)) == []
    assert sessions_for_week(session, D(2026, 10, 26)) == []
    # A Tuesday has no slot; a Wednesday in term has one session with its three members.
    assert sessions_for_day(session, D(2026, 11, 3)) == []
    (planned,) = sessions_for_day(session, D(2026, 11, 4))
    assert planned.group_name == "PT group A"
    assert planned.staff_name == "Ms Jones"
    assert planned.start_time == dt.time(9, 0)
    assert [m.name for m in planned.members] == ["Test Ahmed", "Test Brown", "Test Cole"]
    assert planned.status_text == "Not recorded"
    assert len(sessions_for_week(session, D(2026, 11, 4))) == 3  # Wednesday moves to Monday


def test_members_are_those_current_that_day(session, school):
    _, _group, pupils, members = school
    members[2].leave_date = D(2026, 11, 3)
    (planned,) = sessions_for_day(session, D(2026, 11, 4))
    assert [m.pupil_id for m in planned.members] == [pupils[0].id, pupils[1].id]


def test_mark_delivered_with_an_absence_and_undo_exactly(session, school):
    _, group, pupils, _ = school
    day = D(2026, 11, 20)
    change = mark_delivered(session, group.id, day, absent_pupil_ids=[pupils[1].id], today=TODAY)
    assert change.before is None
    record = session.scalar(select(DeliverySession))
    assert record.status == "delivered"
    assert record.late_entry
    assert record.staff_id == group.staff_id
    present = {a.pupil_id: a.present for a in record.attendance}
    assert present == {pupils[0].id: True, pupils[1].id: False, pupils[2].id: True}
    assert status_text(record) == "Delivered, 1 absent (late entry)"

    after = record_state(session, group.id, day)
    assert change.after == after
    change.undo(session)
    assert session.scalar(select(func.count(DeliverySession.id))) == 0
    assert session.scalar(select(func.count(SessionAttendance.id))) == 0
    change.redo(session)
    assert record_state(session, group.id, day) == after


def test_same_day_entry_is_not_late_and_attendance_can_change(session, school):
    _, group, pupils, _ = school
    mark_delivered(session, group.id, TODAY, today=TODAY)
    assert not record_state(session, group.id, TODAY).late_entry
    change = set_attendance(session, group.id, TODAY, pupils[0].id, False, today=TODAY)
    state = record_state(session, group.id, TODAY)
    assert (pupils[0].id, False, "") in state.attendance
    change.undo(session)
    assert all(present for _, present, _ in record_state(session, group.id, TODAY).attendance)


def test_cancel_with_reason_then_clear(session, school):
    _, group, _, _ = school
    day = D(2026, 11, 18)
    mark_delivered(session, group.id, day, today=TODAY)
    change = mark_cancelled(session, group.id, day, "staff_absent", "Ms Jones ill", today=TODAY)
    record = session.scalar(select(DeliverySession))
    assert status_text(record) == "Cancelled – staff absent (late entry)"
    assert record.note == "Ms Jones ill"
    assert record.attendance == []
    change.undo(session)
    assert record_state(session, group.id, day).status == "delivered"
    assert len(record_state(session, group.id, day).attendance) == 3
    clear_record(session, group.id, day)
    assert record_state(session, group.id, day) is None
    with pytest.raises(DomainError, match="'not a reason' is not a reason a session is cancelled"):
        mark_cancelled(session, group.id, day, "not a reason")


def test_no_record_on_a_day_with_no_planned_session(session, school):
    _, group, _, _ = school
    with pytest.raises(DomainError, match="PT group A has no session planned on 28/10/2026"):
        mark_delivered(session, group.id, D(2026, 10, 28), today=TODAY)  # half-term
    with pytest.raises(DomainError, match="no session planned on 03/11/2026"):
        mark_delivered(session, group.id, D(2026, 11, 3), today=TODAY)  # a Tuesday


def test_delivery_rates_by_group_provision_and_pupil(session, school):
    _, group, pupils, members = school
    planned = [d for d, _ in group_sessions(session, group.id, group.start_date, D(2026, 10, 2))]
    assert len(planned) == 12  # four weeks of Mon/Wed/Fri
    for day in planned[:10]:
        absent = [pupils[0].id] if day in planned[:3] else []
        mark_delivered(session, group.id, day, absent_pupil_ids=absent, today=TODAY)
    mark_cancelled(session, group.id, planned[10], "trip_or_event")
    members[2].join_date = D(2026, 9, 21)  # Cole joined for the last 6 planned sessions
    session.flush()

    rates = delivery_rates(session, group.academic_year_id, D(2026, 10, 2))
    assert rates.by_group[group.id] == Rate(10, 12)
    assert rates.by_provision[group.provision_id] == Rate(10, 12)
    assert rates.by_pupil[pupils[0].id] == Rate(7, 12)
    assert rates.by_pupil[pupils[1].id] == Rate(10, 12)
    assert rates.by_pupil[pupils[2].id] == Rate(4, 6)
    assert rates.by_pupil_provision[(pupils[1].id, group.provision_id)] == Rate(10, 12)
    assert membership_rate(session, members[0], group.start_date, D(2026, 10, 2)) == Rate(7, 12)

    assert rag(rates.by_group[group.id], None) == ("Amber", "▲")  # 83 %
    assert rag(rates.by_pupil[pupils[0].id], None) == ("Red", "■")  # 58 %
    assert rag(Rate(9, 10), None) == ("Green", "●")  # exactly 90 % is green
    assert rag(Rate(0, 0), None)[0] == "No sessions yet"


def test_rag_follows_the_school_thresholds(session, school):
    settings = session.get(SchoolSettings, 1)
    settings.rag_green, settings.rag_amber = 80, 60
    assert rag(Rate(10, 12), settings)[0] == "Green"
    assert rag(0.65, session)[0] == "Amber"
    assert rag(0.55, settings)[0] == "Red"


def test_a_days_sessions_take_the_same_queries_for_many_groups_as_for_one(session, school):
    """The Register opens on a day of a big school: its queries do not grow per group."""
    from sqlalchemy import event

    school_, _group, pupils, _members = school
    day = D(2026, 11, 4)

    def queries() -> int:
        count = [0]

        def counted(*_args: object) -> None:
            count[0] += 1

        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", counted)
        try:
            session.expire_all()
            found = sessions_for_day(session, day)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        assert all(len(planned.members) == 3 for planned in found)
        return count[0]

    one_group = queries()
    provision = make_provision(session, "Lego therapy")
    for number in range(6):
        group = make_group(
            session, provision, school_.year, staff=school_.ta, name=f"Lego {number}"
        )
        for pupil in pupils:
            add_member(session, group, pupil)
    session.flush()
    assert len(sessions_for_day(session, day)) == 7
    assert queries() == one_group
