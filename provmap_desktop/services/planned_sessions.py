"""Planned sessions and what was recorded for them: what the register and the Do step read.

A group's **planned sessions** are the teaching days, from its start date to its end
date, that fall on the weekday of one of its slots (``calendar.planned_session_dates``):
none in holidays or half-terms, at most one a day. A **delivery record**
(``DeliverySession``) says what happened to one planned session: delivered (with each
member's attendance) or cancelled (with a reason and a note); a day with no record is
"not recorded". A record made for a day before today is a **late entry**. The records
are written by ``domain.delivery``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import DeliverySession, GroupMembership, ProvisionGroup
from ..models.vocab import CancelReason, SessionStatus
from .calendar import SchoolCalendar, calendar_for_year, planned_session_dates

CANCEL_REASON_LABELS: dict[str, str] = {
    CancelReason.STAFF_ABSENT.value: "staff absent",
    CancelReason.PUPIL_ABSENT.value: "pupil absent",
    CancelReason.TRIP_OR_EVENT.value: "trip or event",
    CancelReason.OTHER.value: "other",
}


@dataclass(frozen=True)
class Member:
    pupil_id: int
    name: str


@dataclass(frozen=True)
class PlannedSession:
    """One planned session of a group on one day, with its record if there is one."""

    day: dt.date
    group_id: int
    group_name: str
    provision_id: int
    provision_name: str
    staff_id: int | None
    staff_name: str
    start_time: dt.time | None
    members: tuple[Member, ...]
    record: DeliverySession | None

    @property
    def status_text(self) -> str:
        return status_text(self.record)


def status_text(record: DeliverySession | None) -> str:
    """'Delivered', 'Cancelled – staff absent' or 'Not recorded', with '(late entry)'."""
    if record is None:
        return "Not recorded"
    if record.status == SessionStatus.DELIVERED.value:
        text = "Delivered"
        absent = sum(1 for a in record.attendance if not a.present)
        if absent:
            text += f", {absent} absent"
    else:
        reason = CANCEL_REASON_LABELS.get(record.cancel_reason or "", "no reason given")
        text = f"Cancelled – {reason}"
    return text + (" (late entry)" if record.late_entry else "")


def group_label(group: ProvisionGroup) -> str:
    """The group's own name, else its provision and year group."""
    if group.name:
        return group.name
    where = group.year_group.name if group.year_group else "whole school"
    return f"{group.provision.name} ({where})"


def _groups_running(session: Session, first: dt.date, last: dt.date) -> list[ProvisionGroup]:
    query = (
        select(ProvisionGroup)
        .where(ProvisionGroup.start_date <= last, ProvisionGroup.end_date >= first)
        .options(
            selectinload(ProvisionGroup.slots),
            selectinload(ProvisionGroup.provision),
            selectinload(ProvisionGroup.staff),
            selectinload(ProvisionGroup.year_group),
            selectinload(ProvisionGroup.memberships).selectinload(GroupMembership.pupil),
        )
    )
    return list(session.scalars(query))


def sessions_for_days(session: Session, first: dt.date, last: dt.date) -> list[PlannedSession]:
    """Every planned session from ``first`` to ``last``, by day, time and provision."""
    groups = _groups_running(session, first, last)
    records: dict[tuple[int, dt.date], DeliverySession] = {
        (r.group_id, r.session_date): r
        for r in session.scalars(
            select(DeliverySession)
            .where(
                DeliverySession.session_date >= first,
                DeliverySession.session_date <= last,
                DeliverySession.group_id.in_([g.id for g in groups]),
            )
            .options(selectinload(DeliverySession.attendance))
        )
    }
    found = []
    # One calendar per academic year, not one query for its terms per group.
    calendars: dict[int, SchoolCalendar] = {}
    for group in groups:
        calendar = calendars.get(group.academic_year_id)
        if calendar is None:
            calendar = calendars[group.academic_year_id] = calendar_for_year(
                session, group.academic_year_id
            )
        for day in planned_session_dates(group, calendar, up_to=last):
            if day < first:
                continue
            times = [s.start_time for s in group.slots if s.weekday == day.weekday()]
            members = tuple(
                sorted(
                    (
                        Member(m.pupil_id, m.pupil.display_name)
                        for m in group.memberships
                        if m.is_current_on(day)
                    ),
                    key=lambda member: member.name,
                )
            )
            found.append(
                PlannedSession(
                    day=day,
                    group_id=group.id,
                    group_name=group_label(group),
                    provision_id=group.provision_id,
                    provision_name=group.provision.name,
                    staff_id=group.staff_id,
                    staff_name=group.staff.name if group.staff else "",
                    start_time=min((t for t in times if t is not None), default=None),
                    members=members,
                    record=records.get((group.id, day)),
                )
            )
    found.sort(key=lambda s: (s.day, s.start_time or dt.time(23, 59), s.provision_name, s.group_id))
    return found


def sessions_for_day(session: Session, day: dt.date) -> list[PlannedSession]:
    """The planned sessions of one day, in time order."""
    return sessions_for_days(session, day, day)


def sessions_for_week(session: Session, monday: dt.date) -> list[PlannedSession]:
    """The planned sessions of the school week starting ``monday`` (any day moves back)."""
    monday -= dt.timedelta(days=monday.weekday())
    return sessions_for_days(session, monday, monday + dt.timedelta(days=4))


def group_sessions(
    session: Session, group_id: int, first: dt.date, last: dt.date
) -> list[tuple[dt.date, DeliverySession | None]]:
    """The group's planned sessions from ``first`` to ``last`` with their records."""
    group = session.get(ProvisionGroup, group_id)
    if group is None:
        return []
    calendar = calendar_for_year(session, group.academic_year_id)
    days = [d for d in planned_session_dates(group, calendar, up_to=last) if d >= first]
    records = {
        r.session_date: r
        for r in session.scalars(
            select(DeliverySession).where(
                DeliverySession.group_id == group_id,
                DeliverySession.session_date >= first,
                DeliverySession.session_date <= last,
            )
        )
    }
    return [(day, records.get(day)) for day in days]
