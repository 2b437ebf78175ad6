"""The demo school's delivery records: every planned session before today, through the
register's own writes (``domain.delivery``).

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

from ..domain import delivery
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
    session: Session,
    rng: random.Random,
    group: ProvisionGroup,
    day: dt.date,
    present: list[int],
    cover: Sequence[int],
) -> None:
    """Record one session of ``group`` on ``day`` for the members ``present`` that day."""
    reason, note = _cancellation(rng, group.effective_max_size == 1)
    staff_id = group.staff_id
    if reason is None and rng.random() < 0.03:
        staff_id = rng.choice(cover)
    late = rng.random() < 0.04
    made_on = day + _DAY if late else day  # a record made after the day is a late entry
    recorded_at = dt.datetime.combine(day, RECORDED_AT)
    if reason is not None:
        delivery.mark_cancelled(
            session,
            group.id,
            day,
            reason,
            note,
            today=made_on,
            staff_id=staff_id,
            recorded_at=recorded_at,
        )
        return
    absences = {
        pupil_id: rng.choice(("Ill", "Medical appointment"))
        for pupil_id in present
        if rng.random() < 0.04
    }
    delivery.mark_delivered(
        session,
        group.id,
        day,
        absent_pupil_ids=absences,
        staff_id=staff_id,
        today=made_on,
        recorded_at=recorded_at,
    )
    for pupil_id, why in absences.items():
        delivery.set_attendance(session, group.id, day, pupil_id, False, reason=why, today=made_on)


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
    for group in groups:
        calendar = calendars[group.academic_year_id]
        last = min(group.end_date, today - _DAY)
        weekdays = [s.weekday for s in group.slots]
        for day in calendar.dates_on_weekdays(weekdays, group.start_date, last):
            present = [m.pupil_id for m in group.memberships if m.is_current_on(day)]
            if present:
                _record(session, rng, group, day, present, cover)
