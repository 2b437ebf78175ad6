"""The demo school's delivery records: every planned session before today, through the
register's history write (``domain.delivery_history``).

Part of ``services.demo``. Most sessions were delivered, with a pupil now and then
absent; some were cancelled (staff absent, a trip, the room needed) and a few were
covered by another adult or recorded late. Each record was made at half past three on
the day of the session.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..domain.delivery_history import PastSession, record_past_sessions
from ..models import ProvisionGroup
from .calendar import SchoolCalendar

_DAY = dt.timedelta(days=1)
RECORDED_AT = dt.time(15, 30)


def _cancellation(rng: random.Random, one_to_one: bool) -> tuple[str | None, str]:
    """Why the session was cancelled and a note, or (None, "") when it went ahead."""
    roll = rng.random()
    if roll < 0.05:
        return "staff_absent", "Adult absent; no cover available"
    if roll < 0.07:
        return "trip_or_event", rng.choice(("Class trip", "Assembly rehearsal"))
    if roll < 0.08:
        return "other", "Room needed for assessments"
    if one_to_one and roll < 0.11:
        return "pupil_absent", "Pupil absent from school"
    return None, ""


def _record(
    rng: random.Random,
    group: ProvisionGroup,
    day: dt.date,
    present: list[int],
    cover: Sequence[int],
) -> PastSession:
    """One session of ``group`` on ``day``, for the members ``present`` that day."""
    reason, note = _cancellation(rng, group.effective_max_size == 1)
    staff_id = group.staff_id
    if reason is None and rng.random() < 0.03:
        staff_id = rng.choice(cover)
    late = rng.random() < 0.04
    absences = {}
    if reason is None:
        absences = {
            pupil_id: rng.choice(("Ill", "Medical appointment"))
            for pupil_id in present
            if rng.random() < 0.04
        }
    return PastSession(
        group_id=group.id,
        day=day,
        recorded_at=dt.datetime.combine(day, RECORDED_AT),
        staff_id=staff_id,
        cancel_reason=reason,
        note=note,
        absences=absences,
        late_entry=late,
    )


def add_deliveries(
    session: Session,
    rng: random.Random,
    today: dt.date,
    groups: Sequence[ProvisionGroup],
    calendars: dict[int, SchoolCalendar],
    cover: Sequence[int],
) -> None:
    """Delivery records for every planned session of ``groups`` before ``today``.

    ``cover`` are the staff who now and then deliver a session in another's place.
    """
    records: list[PastSession] = []
    for group in groups:
        calendar = calendars[group.academic_year_id]
        last = min(group.end_date, today - _DAY)
        weekdays = [s.weekday for s in group.slots]
        for day in calendar.dates_on_weekdays(weekdays, group.start_date, last):
            present = [m.pupil_id for m in group.memberships if m.is_current_on(day)]
            if present:
                records.append(_record(rng, group, day, present, cover))
    record_past_sessions(session, records)
