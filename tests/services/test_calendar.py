"""Teaching days, teaching weeks and planned session dates from the term dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.models import AcademicYear
from provmap_desktop.services.calendar import (
    SchoolCalendar,
    academic_year_for,
    calendar_for_year,
    current_or_latest_year,
    period_range,
    planned_session_dates,
    teaching_days,
    teaching_weeks_in_range,
    term_for,
)

from ..schools.costed import (
    TWELVE_WEEKS,
    YEAR_END,
    YEAR_START,
    make_group,
    make_provision,
    make_year,
)

D = dt.date


def test_the_year_has_190_teaching_days_split_70_55_65(session: Session) -> None:
    year = make_year(session)
    calendar = calendar_for_year(session, year)
    assert calendar.total_days == 190
    assert [calendar.teaching_days(t.start_date, t.end_date) for t in year.terms] == [70, 55, 65]
    # The id and the loaded object give the same calendar.
    assert calendar_for_year(session, year.id).total_days == 190


def test_weekends_half_terms_and_holidays_between_terms_are_not_teaching_days(
    session: Session,
) -> None:
    calendar = calendar_for_year(session, make_year(session))
    assert calendar.teaching_days(D(2026, 10, 26), D(2026, 10, 30)) == 0  # half-term
    assert calendar.teaching_days(D(2026, 12, 19), D(2027, 1, 3)) == 0  # Christmas
    assert calendar.teaching_days(D(2026, 9, 12), D(2026, 9, 13)) == 0  # a weekend
    assert calendar.teaching_days(D(2026, 9, 1), D(2026, 9, 6)) == 0  # before term starts
    assert calendar.teaching_days(D(2026, 10, 19), D(2026, 11, 6)) == 10  # either side of it
    assert calendar.is_teaching_day(D(2026, 10, 23))
    assert not calendar.is_teaching_day(D(2026, 10, 27))
    assert calendar.teaching_days(D(2026, 12, 1), D(2026, 11, 1)) == 0  # an empty range


def test_teaching_days_from_a_session_from_terms_and_from_a_calendar_agree(
    session: Session,
) -> None:
    year = make_year(session)
    start, end = TWELVE_WEEKS
    assert teaching_days(session, start, end) == 60
    assert teaching_days(year.terms, start, end) == 60
    assert teaching_days(calendar_for_year(session, year), start, end) == 60
    # A range running past the end of the year counts only what the year holds.
    assert teaching_days(session, D(2027, 7, 1), D(2027, 9, 30)) == 12


def test_teaching_weeks_are_teaching_days_over_five(session: Session) -> None:
    year = make_year(session)
    start, end = TWELVE_WEEKS
    assert teaching_weeks_in_range(session, start, end) == Decimal(12)
    assert teaching_weeks_in_range(session, YEAR_START, YEAR_END) == Decimal(38)
    autumn = term_for(year, "Autumn")
    assert autumn is not None
    assert teaching_weeks_in_range(session, autumn.start_date, autumn.end_date) == Decimal(14)


def test_teaching_weeks_are_capped_at_the_schools_own_weeks_per_year(session: Session) -> None:
    year = make_year(session, weeks_per_year=37)
    start, end = TWELVE_WEEKS
    # 60 days / 5 = 12 weeks, under any cap; the whole year's 190 days / 5 = 38 weeks,
    # capped at the school's 37.
    assert teaching_weeks_in_range(session, start, end) == Decimal(12)
    assert teaching_weeks_in_range(session, YEAR_START, YEAR_END) == Decimal(37)
    calendar = calendar_for_year(session, year)
    assert teaching_weeks_in_range(calendar, YEAR_START, YEAR_END) == Decimal(38)  # no session
    # Wednesday 09/09 to Friday 11/09/2026: 3 days of a part week are 0.6 of a week.
    assert teaching_weeks_in_range(calendar, D(2026, 9, 9), D(2026, 9, 11)) == Decimal("0.6")


def test_the_end_of_a_run_of_teaching_weeks_skips_holidays(session: Session) -> None:
    year = make_year(session)
    calendar = calendar_for_year(session, year)
    # 12 weeks from Monday 07/09/2026: the 60th teaching day, past the October
    # half-term, is Friday 04/12/2026.
    assert calendar.end_of_teaching_weeks(D(2026, 9, 7), 12, YEAR_END) == D(2026, 12, 4)
    # From Wednesday 02/12/2026: 13 days of Autumn (02/12-18/12), then 47 more from
    # Monday 04/01/2027: 30 to Friday 12/02, the half-term 15/02-19/02 skipped, 15 to
    # Friday 12/03, and 2 more: Tuesday 16/03/2027.
    assert calendar.end_of_teaching_weeks(D(2026, 12, 2), 12, YEAR_END) == D(2027, 3, 16)
    # Too few teaching days left: the run stops at the limit given (the year's end).
    assert calendar.end_of_teaching_weeks(D(2027, 6, 1), 12, YEAR_END) == YEAR_END
    assert calendar.nth_teaching_day(D(2026, 9, 5), 1) == D(2026, 9, 7)  # a Saturday
    assert calendar.term_day_on_or_after(D(2026, 9, 1)) == D(2026, 9, 7)
    assert calendar.term_day_on_or_after(D(2026, 12, 21)) == D(2027, 1, 4)
    assert calendar.term_day_on_or_after(D(2026, 10, 27)) == D(2026, 10, 27)  # half-term


def test_a_year_without_terms_counts_every_weekday(session: Session) -> None:
    year = AcademicYear(label="2027/28", start_date=D(2027, 9, 1), end_date=D(2028, 8, 31))
    session.add(year)
    session.flush()
    calendar = calendar_for_year(session, year.id)
    assert calendar.teaching_days(D(2027, 9, 6), D(2027, 9, 12)) == 5
    assert calendar.total_days == 262


def test_planned_sessions_skip_the_half_term_holiday(session: Session) -> None:
    year = make_year(session)
    group = make_group(session, make_provision(session, "Precision teaching"), year)
    dates = planned_session_dates(group, year.terms)
    assert len(dates) == 36  # Monday, Wednesday and Friday for 12 teaching weeks
    assert not [d for d in dates if D(2026, 10, 26) <= d <= D(2026, 10, 30)]
    assert dates[0] == D(2026, 9, 7)
    assert dates[-1] == D(2026, 12, 4)
    assert {d.weekday() for d in dates} == {0, 2, 4}
    # The last sessions before the holiday and the first after it.
    assert D(2026, 10, 23) in dates
    assert D(2026, 11, 2) in dates


def test_planned_sessions_up_to_a_date(session: Session) -> None:
    year = make_year(session)
    group = make_group(session, make_provision(session, "Precision teaching"), year)
    calendar = calendar_for_year(session, year)
    dates = planned_session_dates(group, calendar, up_to=D(2026, 9, 16))
    assert dates == [D(2026, 9, 7), D(2026, 9, 9), D(2026, 9, 11), D(2026, 9, 14), D(2026, 9, 16)]


def test_two_slots_on_one_weekday_make_one_session_and_weekend_slots_none(
    session: Session,
) -> None:
    year = make_year(session)
    provision = make_provision(session, "Lego therapy")
    group = make_group(session, provision, year, weekdays=(1,))
    group.slots.append(type(group.slots[0])(weekday=1, start_time=dt.time(14, 0)))
    weekend = make_group(session, provision, year, weekdays=(5, 6))
    calendar = calendar_for_year(session, year)
    assert len(planned_session_dates(group, calendar)) == 12
    assert planned_session_dates(weekend, calendar) == []


def test_term_for_and_period_range(session: Session) -> None:
    year = make_year(session)
    spring = term_for(year, "spring")
    assert spring is not None
    assert spring.name == "Spring"
    assert term_for(year, "Michaelmas") is None
    assert period_range(year, "Spring") == (D(2027, 1, 4), D(2027, 3, 26))
    assert period_range(year, None) == (YEAR_START, YEAR_END)
    with pytest.raises(ValueError, match="no Winter term"):
        period_range(year, "Winter")


def test_academic_year_for_a_day(session: Session) -> None:
    year = make_year(session)
    assert academic_year_for(session, D(2027, 2, 1)) is year
    assert academic_year_for(session, D(2027, 8, 31)) is year
    assert academic_year_for(session, D(2027, 9, 1)) is None


def test_the_current_year_else_the_latest(session: Session) -> None:
    assert current_or_latest_year(session, D(2027, 2, 1)) is None
    year = make_year(session)
    earlier = AcademicYear(label="2025/26", start_date=D(2025, 9, 1), end_date=D(2026, 8, 31))
    session.add(earlier)
    session.flush()
    assert current_or_latest_year(session, D(2026, 1, 5)) is earlier
    assert current_or_latest_year(session, D(2027, 2, 1)) is year
    # After every year set up (and before), the latest one stands in.
    assert current_or_latest_year(session, D(2028, 1, 5)) is year
    assert current_or_latest_year(session, D(2020, 1, 5)) is year


def test_an_edited_term_gives_a_new_calendar(session: Session) -> None:
    year = make_year(session)
    before = calendar_for_year(session, year)
    year.terms[2].end_date = D(2027, 7, 23)  # one more week of summer term
    after = calendar_for_year(session, year)
    assert (before.total_days, after.total_days) == (190, 195)
    assert SchoolCalendar.from_terms(year.terms).total_days == 195
