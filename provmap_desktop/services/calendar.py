"""The school calendar: which days are teaching days, and how many teaching weeks a range holds.

Rules, in one place:

- A **teaching day** is a Monday to Friday inside a term (``Term.start_date`` to
  ``Term.end_date`` inclusive) and outside that term's half-term holiday
  (``half_term_start`` to ``half_term_end`` inclusive). Days between terms are holidays.
- An academic year with no terms entered yet is treated as one long term from its start
  to its end, so a school that has not typed its term dates still sees sensible figures.
- **Teaching weeks in a range** = teaching days in the range / 5 (the days of a part
  week count: three days are 0.6 of a week), never more than the school's costed weeks
  a year (``SchoolSettings.teaching_weeks_per_year``, 38 by default). So a group that
  runs 12 weeks of term costs 12 weeks in any calendar, and a 39-week calendar does not
  make whole-year provision cost more than the school's 38.
- **A run of N teaching weeks** from a day ends on the (5 x N)th teaching day counted
  from it, holidays skipped (``SchoolCalendar.end_of_teaching_weeks``).
- **Planned session dates** of a group are the dates of its weekly slots
  (``GroupSlot.weekday``, 0 = Monday) from its start date to its end date that are
  teaching days. One date holds at most one session, as a delivery record is per day.

A ``SchoolCalendar`` is built once per set of term dates (cached) and answers
teaching-day counts in constant time from a prefix sum over the days it spans.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, SchoolSettings, Term
from .year_rows import year_row_for

DEFAULT_TEACHING_WEEKS = 38
DAYS_A_WEEK = 5


def costed_weeks(days: int, weeks_per_year: int = DEFAULT_TEACHING_WEEKS) -> Decimal:
    """Teaching days as weeks of five days, capped at the school's weeks a year."""
    return min(Decimal(days) / DAYS_A_WEEK, Decimal(weeks_per_year))


# (term start, term end, half-term start, half-term end): the hashable form of a term.
TermKey = tuple[dt.date, dt.date, dt.date | None, dt.date | None]


class TermDates(Protocol):
    """Anything with a term's four dates: a ``Term`` row or a plain stand-in."""

    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date: ...

    @property
    def half_term_start(self) -> dt.date | None: ...

    @property
    def half_term_end(self) -> dt.date | None: ...


class _Slot(Protocol):
    @property
    def weekday(self) -> int: ...


class SlottedGroup(Protocol):
    """What ``planned_session_dates`` reads from a group (a ``ProvisionGroup`` fits)."""

    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date: ...

    @property
    def slots(self) -> Sequence[_Slot]: ...


class SchoolCalendar:
    """The teaching days of a set of terms, counted in O(1) for any date range."""

    __slots__ = ("_flags", "_prefix", "first", "last", "terms")

    def __init__(self, terms: Sequence[TermKey]) -> None:
        self.terms = tuple(sorted(terms))
        if not self.terms:
            self.first = self.last = dt.date.min
            self._flags = bytearray()
            self._prefix = [0]
            return
        self.first = min(t[0] for t in self.terms)
        self.last = max(t[1] for t in self.terms)
        span = (self.last - self.first).days + 1
        flags = bytearray(span)
        for start, end, half_start, half_end in self.terms:
            for offset in range((start - self.first).days, (end - self.first).days + 1):
                day = self.first + dt.timedelta(days=offset)
                in_half_term = (
                    half_start is not None
                    and half_end is not None
                    and half_start <= day <= half_end
                )
                if day.weekday() < 5 and not in_half_term:
                    flags[offset] = 1
        prefix = [0] * (span + 1)
        running = 0
        for offset, flag in enumerate(flags):
            running += flag
            prefix[offset + 1] = running
        self._flags = flags
        self._prefix = prefix

    @classmethod
    def from_terms(cls, terms: Iterable[TermDates]) -> SchoolCalendar:
        """The (cached) calendar for these terms' dates."""
        return _cached_calendar(tuple(sorted(_term_key(t) for t in terms)))

    @property
    def total_days(self) -> int:
        """Teaching days in all the calendar's terms (the academic year's count)."""
        return self._prefix[-1]

    def teaching_days(self, start: dt.date, end: dt.date) -> int:
        """Teaching days from ``start`` to ``end`` inclusive; 0 for an empty range."""
        if not self.terms:
            return 0
        start = max(start, self.first)
        end = min(end, self.last)
        if end < start:
            return 0
        return self._prefix[(end - self.first).days + 1] - self._prefix[(start - self.first).days]

    def is_teaching_day(self, day: dt.date) -> bool:
        if not self.terms or not self.first <= day <= self.last:
            return False
        return bool(self._flags[(day - self.first).days])

    def teaching_weeks(
        self, start: dt.date, end: dt.date, weeks_per_year: int = DEFAULT_TEACHING_WEEKS
    ) -> Decimal:
        """Teaching days in the range / 5, at most ``weeks_per_year``; unrounded."""
        return costed_weeks(self.teaching_days(start, end), weeks_per_year)

    def nth_teaching_day(self, start: dt.date, count: int) -> dt.date | None:
        """The ``count``-th teaching day on or after ``start`` (the first is 1), or None
        when the calendar runs out first."""
        if not self.terms or count < 1:
            return None
        before = self.teaching_days(self.first, start - dt.timedelta(days=1))
        wanted = before + count
        if wanted > self.total_days:
            return None
        # The first offset whose running count reaches ``wanted``.
        return self.first + dt.timedelta(days=bisect_left(self._prefix, wanted) - 1)

    def end_of_teaching_weeks(
        self, start: dt.date, weeks: Decimal | int, limit: dt.date
    ) -> dt.date:
        """The last day of ``weeks`` teaching weeks from ``start`` (5 teaching days a
        week, holidays skipped, a part week rounded to whole days), at most ``limit``."""
        days = int((Decimal(weeks) * DAYS_A_WEEK).to_integral_value(ROUND_HALF_UP))
        day = self.nth_teaching_day(start, days)
        if day is None or day > limit:
            return limit
        return max(day, start)

    def term_day_on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it falls within a term; else the first day of the next term (or
        ``day`` itself when no term follows)."""
        for start, end, _half_start, _half_end in self.terms:
            if start <= day <= end:
                return day
            if day < start:
                return start
        return day

    def dates_on_weekdays(
        self, weekdays: Iterable[int], start: dt.date, end: dt.date
    ) -> list[dt.date]:
        """Teaching days from ``start`` to ``end`` that fall on any of ``weekdays``."""
        found: set[dt.date] = set()
        for weekday in set(weekdays):
            day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
            while day <= end:
                if self.is_teaching_day(day):
                    found.add(day)
                day += dt.timedelta(days=7)
        return sorted(found)


@lru_cache(maxsize=64)
def _cached_calendar(key: tuple[TermKey, ...]) -> SchoolCalendar:
    # Keyed by the dates themselves, so editing a term simply builds a new calendar.
    return SchoolCalendar(key)


def _term_key(term: TermDates) -> TermKey:
    return (term.start_date, term.end_date, term.half_term_start, term.half_term_end)


def calendar_for_year(session: Session, academic_year: AcademicYear | int) -> SchoolCalendar:
    """The calendar of one academic year (a loaded object or its id).

    A year with no terms counts every weekday from its start to its end.
    """
    if isinstance(academic_year, AcademicYear):
        keys = [_term_key(t) for t in academic_year.terms]
        bounds = (academic_year.start_date, academic_year.end_date)
    else:
        rows = session.execute(
            select(Term.start_date, Term.end_date, Term.half_term_start, Term.half_term_end).where(
                Term.academic_year_id == academic_year
            )
        ).all()
        keys = [(r[0], r[1], r[2], r[3]) for r in rows]
        bounds = None
        if not keys:
            year = session.get(AcademicYear, academic_year)
            bounds = (year.start_date, year.end_date) if year else None
    if not keys and bounds is not None:
        keys = [(bounds[0], bounds[1], None, None)]
    return _cached_calendar(tuple(sorted(keys)))


def teaching_weeks_per_year(session: Session) -> int:
    """The school's setting, or 38 before the settings row exists."""
    weeks = session.scalar(select(SchoolSettings.teaching_weeks_per_year))
    return weeks if weeks is not None else DEFAULT_TEACHING_WEEKS


def _years_overlapping(
    session: Session, start: dt.date, end: dt.date
) -> list[tuple[int, dt.date, dt.date]]:
    rows = session.execute(
        select(AcademicYear.id, AcademicYear.start_date, AcademicYear.end_date)
        .where(AcademicYear.start_date <= end, AcademicYear.end_date >= start)
        .order_by(AcademicYear.start_date)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def teaching_days(
    source: Session | SchoolCalendar | Iterable[TermDates], start: dt.date, end: dt.date
) -> int:
    """Monday-Friday school days inside terms and outside half-terms, in [start, end].

    ``source`` is a session (every academic year the range touches is counted), a
    calendar, or the terms themselves.
    """
    if isinstance(source, Session):
        return sum(
            calendar_for_year(source, year_id).teaching_days(max(start, y_start), min(end, y_end))
            for year_id, y_start, y_end in _years_overlapping(source, start, end)
        )
    calendar = source if isinstance(source, SchoolCalendar) else SchoolCalendar.from_terms(source)
    return calendar.teaching_days(start, end)


def teaching_weeks_in_range(
    source: Session | SchoolCalendar,
    start: dt.date,
    end: dt.date,
    weeks_per_year: int | None = None,
) -> Decimal:
    """Teaching weeks in [start, end]: teaching days / 5, at most the weeks a year.

    With a session, ``weeks_per_year`` defaults to the school's setting and a range that
    crosses academic years counts each year in turn (each capped). With a calendar it
    defaults to 38.
    """
    if isinstance(source, SchoolCalendar):
        return source.teaching_weeks(start, end, weeks_per_year or DEFAULT_TEACHING_WEEKS)
    weeks = weeks_per_year or teaching_weeks_per_year(source)
    total = Decimal(0)
    for year_id, y_start, y_end in _years_overlapping(source, start, end):
        calendar = calendar_for_year(source, year_id)
        total += calendar.teaching_weeks(max(start, y_start), min(end, y_end), weeks)
    return total


def planned_session_dates(
    group: SlottedGroup,
    source: SchoolCalendar | Iterable[TermDates],
    up_to: dt.date | None = None,
) -> list[dt.date]:
    """The dates of the group's weekly slots, start to end (and ``up_to``), on teaching days.

    ``source`` is the calendar of the group's academic year (see ``calendar_for_year``)
    or that year's terms. Two slots on the same weekday give one date.
    """
    calendar = source if isinstance(source, SchoolCalendar) else SchoolCalendar.from_terms(source)
    end = group.end_date if up_to is None else min(group.end_date, up_to)
    weekdays = [slot.weekday for slot in group.slots]
    return calendar.dates_on_weekdays(weekdays, group.start_date, end)


def term_for(academic_year: AcademicYear, name: str) -> Term | None:
    """The year's term of that name (any letter case), or None."""
    wanted = name.strip().casefold()
    return next((t for t in academic_year.terms if t.name.casefold() == wanted), None)


def period_range(academic_year: AcademicYear, term_name: str | None) -> tuple[dt.date, dt.date]:
    """The first and last day of a term, or of the whole year when ``term_name`` is None.

    Raises ``ValueError`` for a term the year does not have.
    """
    if term_name is None:
        return academic_year.start_date, academic_year.end_date
    term = term_for(academic_year, term_name)
    if term is None:
        raise ValueError(f"{academic_year.label} has no {term_name} term.")
    return term.start_date, term.end_date


def academic_year_for(session: Session, day: dt.date) -> AcademicYear | None:
    """The academic year whose dates include ``day``, or None (the years are read once
    per transaction: ``services.year_rows``)."""
    row = year_row_for(session, day)
    return session.get(AcademicYear, row.id) if row is not None else None


def current_or_latest_year(session: Session, today: dt.date) -> AcademicYear | None:
    """The academic year holding ``today``, else the latest one set up, else None.

    A year already closed at the rollover gives way to the first open year after it:
    after moving on in July, the school works in the new year.
    """
    year = academic_year_for(session, today)
    if year is not None and year.closed_on is not None:
        later = session.scalar(
            select(AcademicYear)
            .where(AcademicYear.start_date > year.start_date, AcademicYear.closed_on.is_(None))
            .order_by(AcademicYear.start_date)
            .limit(1)
        )
        year = later or year
    return year or session.scalar(
        select(AcademicYear).order_by(AcademicYear.start_date.desc()).limit(1)
    )
