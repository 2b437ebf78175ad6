"""Delivery rates: delivered out of planned sessions, and their RAG colour.

Rules, in one place (planned sessions and records are described in
``services.planned_sessions``; the records are written by ``domain.delivery``):

- **Delivery rate** = delivered ÷ planned sessions up to a date (``as_of``, inclusive):
  for a group, its own sessions; for a provision, the sum over its groups; for a pupil,
  the planned sessions of their groups on days they were a member, against the delivered
  sessions at which they were marked present.
- **RAG**: green when the rate is at least ``SchoolSettings.rag_green`` per cent, amber
  when at least ``rag_amber``, red below that (defaults 90 and 75).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    DeliverySession,
    GroupMembership,
    GroupSlot,
    ProvisionGroup,
    SchoolSettings,
    SessionAttendance,
)
from ..models.vocab import SessionStatus
from .calendar import SchoolCalendar, calendar_for_year
from .dates import from_iso, iso_text, weekday_of
from .memo import per_change
from .planned_sessions import group_sessions

DEFAULT_GREEN = 90
DEFAULT_AMBER = 75


@dataclass(frozen=True)
class Rate:
    """Delivered out of planned sessions."""

    delivered: int
    planned: int

    @property
    def value(self) -> float | None:
        """The fraction delivered, or None when nothing was planned yet."""
        return self.delivered / self.planned if self.planned else None

    @property
    def percent_text(self) -> str:
        if not self.planned:
            return "–"
        return f"{round(100 * self.delivered / self.planned)}%"

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.delivered + other.delivered, self.planned + other.planned)


def _thresholds(settings: SchoolSettings | Session | None) -> tuple[int, int]:
    if isinstance(settings, Session):
        session = settings
        # Kept until the data changes: the session keeps no loaded row alive by itself,
        # so a plain ``get`` read the settings again for every rate coloured.
        settings = per_change(session, "school settings", lambda: session.get(SchoolSettings, 1))
    if settings is None:
        return DEFAULT_GREEN, DEFAULT_AMBER
    return settings.rag_green, settings.rag_amber


def rag(rate: Rate | float | None, settings: SchoolSettings | Session | None) -> tuple[str, str]:
    """The rate's colour word and a symbol that tells the colours apart without colour.

    ``rate`` is a ``Rate`` or a fraction (0.85 for 85 %). Green at or above the school's
    green threshold, amber at or above its amber threshold, red below; a rate with no
    planned sessions yet gives ("No sessions yet", "○").
    """
    green, amber = _thresholds(settings)
    if isinstance(rate, Rate):
        if not rate.planned:
            return "No sessions yet", "○"
        # Whole numbers only, so 90 % of 10 sessions is exactly green.
        hundredths = rate.delivered * 100
        is_green, is_amber = hundredths >= green * rate.planned, hundredths >= amber * rate.planned
    elif rate is None:
        return "No sessions yet", "○"
    else:
        percent = rate * 100
        is_green, is_amber = percent >= green - 1e-9, percent >= amber - 1e-9
    if is_green:
        return "Green", "●"
    if is_amber:
        return "Amber", "▲"
    return "Red", "■"


def rate_text(rate: Rate, settings: SchoolSettings | Session | None) -> str:
    """'92% ● Green (11 of 12)': the percentage, the symbol, the word and the counts."""
    word, symbol = rag(rate, settings)
    if not rate.planned:
        return word
    return f"{rate.percent_text} {symbol} {word} ({rate.delivered} of {rate.planned})"


@dataclass
class DeliveryRates:
    """Every delivery rate of one academic year up to ``as_of``."""

    academic_year_id: int
    as_of: dt.date
    by_group: dict[int, Rate] = field(default_factory=dict)
    by_provision: dict[int, Rate] = field(default_factory=dict)
    by_pupil: dict[int, Rate] = field(default_factory=dict)
    #: (pupil id, group id) -> the pupil's rate in that group
    by_pupil_group: dict[tuple[int, int], Rate] = field(default_factory=dict)
    #: (pupil id, provision id) -> the pupil's rate across that provision's groups
    by_pupil_provision: dict[tuple[int, int], Rate] = field(default_factory=dict)


class _WeekdayCounter:
    """Teaching days on given weekdays in any date range, in O(1) per weekday."""

    def __init__(self, calendar: SchoolCalendar) -> None:
        self.first = calendar.first
        span = (calendar.last - calendar.first).days + 1 if calendar.terms else 0
        self.span = span
        self.prefix: list[list[int]] = []
        for weekday in range(7):
            running, prefix = 0, [0] * (span + 1)
            for offset in range(span):
                day = self.first + dt.timedelta(days=offset)
                if day.weekday() == weekday and calendar.is_teaching_day(day):
                    running += 1
                prefix[offset + 1] = running
            self.prefix.append(prefix)

    def count(self, weekdays: Iterable[int], start: dt.date, end: dt.date) -> int:
        """Teaching days from ``start`` to ``end`` inclusive on any of ``weekdays``."""
        lo = max((start - self.first).days, 0)
        hi = min((end - self.first).days + 1, self.span)
        if hi <= lo:
            return 0
        prefix = self.prefix
        total = 0
        for weekday in weekdays:  # a set: each weekday once
            row = prefix[weekday]
            total += row[hi] - row[lo]
        return total


@lru_cache(maxsize=16)
def _counter(calendar: SchoolCalendar) -> _WeekdayCounter:
    # Calendars are cached per set of term dates, so this is built once per year.
    return _WeekdayCounter(calendar)


def _monday_weekday(column: Any) -> Any:
    """The weekday of a date column with 0 = Monday, as slots count (``weekday_of``)."""
    return weekday_of(column)


#: group id -> (provision id, first day, last day counted)
_GroupDates = dict[int, tuple[int, dt.date, dt.date]]


def _groups_of_year(
    session: Session, academic_year_id: int, as_of: dt.date
) -> tuple[_GroupDates, dict[int, set[int]]]:
    """Each group of the year with its dates (cut at ``as_of``) and its slot weekdays."""
    in_year = ProvisionGroup.academic_year_id == academic_year_id
    groups = {
        g_id: (p_id, from_iso(start), min(from_iso(end), as_of))
        for g_id, p_id, start, end in session.execute(
            select(
                ProvisionGroup.id,
                ProvisionGroup.provision_id,
                iso_text(ProvisionGroup.start_date),
                iso_text(ProvisionGroup.end_date),
            ).where(in_year)
        )
    }
    weekdays: dict[int, set[int]] = defaultdict(set)
    for group_id, weekday in session.execute(
        select(GroupSlot.group_id, GroupSlot.weekday).join(ProvisionGroup).where(in_year)
    ):
        weekdays[group_id].add(weekday)
    return groups, weekdays


def _on_planned_day(academic_year_id: int, as_of: dt.date) -> Any:
    """A delivered record counts when it is on a planned day: within the group's dates,
    up to ``as_of``, on one of its slot weekdays (records are only made on teaching days)."""
    return and_(
        DeliverySession.status == SessionStatus.DELIVERED.value,
        DeliverySession.session_date >= ProvisionGroup.start_date,
        DeliverySession.session_date <= ProvisionGroup.end_date,
        DeliverySession.session_date <= as_of,
        select(GroupSlot.id)
        .where(
            GroupSlot.group_id == DeliverySession.group_id,
            GroupSlot.weekday == _monday_weekday(DeliverySession.session_date),
        )
        .exists(),
        ProvisionGroup.academic_year_id == academic_year_id,
    )


def _delivered_and_attended(
    session: Session, on_planned_day: Any
) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """Sessions delivered per group, and per (pupil, group) those the pupil was present at
    on a day they were a member."""
    delivered = dict(
        session.execute(
            select(DeliverySession.group_id, func.count(DeliverySession.id))
            .join(ProvisionGroup)
            .where(on_planned_day)
            .group_by(DeliverySession.group_id)
        ).all()  # type: ignore[arg-type]
    )
    attended: dict[tuple[int, int], int] = {
        (pupil_id, group_id): n
        for pupil_id, group_id, n in session.execute(
            select(SessionAttendance.pupil_id, DeliverySession.group_id, func.count())
            .join(DeliverySession, SessionAttendance.session_id == DeliverySession.id)
            .join(ProvisionGroup, DeliverySession.group_id == ProvisionGroup.id)
            # Only the days the pupil was a member count (a join date may be moved later).
            .join(
                GroupMembership,
                and_(
                    GroupMembership.group_id == DeliverySession.group_id,
                    GroupMembership.pupil_id == SessionAttendance.pupil_id,
                    GroupMembership.join_date <= DeliverySession.session_date,
                    or_(
                        GroupMembership.leave_date.is_(None),
                        GroupMembership.leave_date >= DeliverySession.session_date,
                    ),
                ),
            )
            .where(on_planned_day, SessionAttendance.present.is_(True))
            .group_by(SessionAttendance.pupil_id, DeliverySession.group_id)
        )
    }
    return delivered, attended


def _pupil_rates(
    session: Session,
    rates: DeliveryRates,
    counter: _WeekdayCounter,
    groups: _GroupDates,
    weekdays: dict[int, set[int]],
    attended: dict[tuple[int, int], int],
) -> None:
    """Fill the rates of each pupil, of each pupil in each group and in each provision."""
    planned_for: dict[tuple[int, int], int] = {}
    for group_id, pupil_id, join, leave in session.execute(
        select(
            GroupMembership.group_id,
            GroupMembership.pupil_id,
            iso_text(GroupMembership.join_date),
            iso_text(GroupMembership.leave_date),
        )
        .join(ProvisionGroup)
        .where(ProvisionGroup.academic_year_id == rates.academic_year_id)
    ):
        _, start, end = groups[group_id]
        first = max(start, from_iso(join))
        last = min(end, from_iso(leave)) if leave else end
        planned = counter.count(weekdays[group_id], first, last)
        key = (pupil_id, group_id)
        planned_for[key] = planned_for.get(key, 0) + planned
    _sum_pupil_rates(rates, groups, planned_for, attended)


def _sum_pupil_rates(
    rates: DeliveryRates,
    groups: _GroupDates,
    planned_for: dict[tuple[int, int], int],
    attended: dict[tuple[int, int], int],
) -> None:
    """Each pupil's rate in each group, over all their groups and in each provision."""
    pupil_done: dict[int, int] = {}
    pupil_planned: dict[int, int] = {}
    pair_done: dict[tuple[int, int], int] = {}
    pair_planned: dict[tuple[int, int], int] = {}
    by_pupil_group = rates.by_pupil_group
    for key, planned in planned_for.items():
        pupil_id, group_id = key
        # Present at more sessions than planned can only come from odd old data; cap it.
        done = min(attended.get(key, 0), planned)
        by_pupil_group[key] = Rate(done, planned)
        pupil_done[pupil_id] = pupil_done.get(pupil_id, 0) + done
        pupil_planned[pupil_id] = pupil_planned.get(pupil_id, 0) + planned
        pair = (pupil_id, groups[group_id][0])
        pair_done[pair] = pair_done.get(pair, 0) + done
        pair_planned[pair] = pair_planned.get(pair, 0) + planned
    rates.by_pupil = {p: Rate(d, pupil_planned[p]) for p, d in pupil_done.items()}
    rates.by_pupil_provision = {k: Rate(d, pair_planned[k]) for k, d in pair_done.items()}


def delivery_rates(session: Session, academic_year_id: int, as_of: dt.date) -> DeliveryRates:
    """Delivery rates of every group, provision and pupil of the year, up to ``as_of``.

    Five queries and arithmetic on plain tuples, so the map can call it on every refresh.
    A pupil who is twice in one group at once (overlapping memberships) counts twice.
    """
    counter = _counter(calendar_for_year(session, academic_year_id))
    groups, weekdays = _groups_of_year(session, academic_year_id, as_of)
    delivered, attended = _delivered_and_attended(session, _on_planned_day(academic_year_id, as_of))
    rates = DeliveryRates(academic_year_id, as_of)
    # Plain integers in the loops; Rate objects are made once at the end.
    provision_sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for group_id, (provision_id, start, end) in groups.items():
        planned = counter.count(weekdays[group_id], start, end)
        done = delivered.get(group_id, 0)
        rates.by_group[group_id] = Rate(done, planned)
        sums = provision_sums[provision_id]
        sums[0] += done
        sums[1] += planned
    rates.by_provision = {p: Rate(d, n) for p, (d, n) in provision_sums.items()}
    _pupil_rates(session, rates, counter, groups, weekdays, attended)
    return rates


def membership_rate(
    session: Session, membership: GroupMembership, first: dt.date, last: dt.date
) -> Rate:
    """One pupil's delivery rate in one group between two dates (their own days only)."""
    first = max(first, membership.join_date)
    if membership.leave_date is not None:
        last = min(last, membership.leave_date)
    delivered = planned = 0
    for _planned_day, record in group_sessions(session, membership.group_id, first, last):
        planned += 1
        if record is not None and record.status == SessionStatus.DELIVERED.value:
            delivered += any(
                a.pupil_id == membership.pupil_id and a.present for a in record.attendance
            )
    return Rate(delivered, planned)
