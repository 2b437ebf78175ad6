"""The cost engine against figures worked out by hand.

The school year in ``_school`` has 190 teaching days = 38 weeks, so a teaching week is
one calendar week, the Autumn term is 14 weeks, Spring 11 and Summer 13. The standard
group runs Monday, Wednesday and Friday for 12 teaching weeks (60 teaching days).

Sharing, as the engine does it: the group's cost is spread evenly over its teaching
days, and each day's cost is split equally among the pupils who are members that day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from provmap_desktop.models import (
    AcademicYear,
    DeliverySession,
    FundingBudget,
    FundingStream,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    YearGroup,
)
from provmap_desktop.services.cost_limits import budget_totals, threshold_totals
from provmap_desktop.services.costing import cost_map
from provmap_desktop.services.formatting import format_money, round_money

from ..schools.costed import (
    YEAR_END,
    YEAR_START,
    School,
    add_member,
    make_group,
    make_provision,
    make_pupil,
    make_role,
    make_school,
    make_staff,
    make_year_group,
)

D = dt.date
M = Decimal
BEFORE_TERM = D(2026, 9, 1)  # an "as of" date with nothing delivered yet
SPRING = (D(2027, 1, 4), D(2027, 3, 26))


@pytest.fixture
def school(session: Session) -> School:
    return make_school(session)


def _ta_group(session: Session, school: School, **provision: object) -> ProvisionGroup:
    """3 x 10-minute sessions a week for 12 weeks, run by the £18.00 TA, for Year 4."""
    return make_group(
        session,
        make_provision(session, "Precision teaching", **provision),
        school.year,
        staff=school.ta,
        year_group=school.year_group,
    )


def _pupils(session: Session, count: int, year_group: YearGroup | None = None) -> list[Pupil]:
    return [make_pupil(session, f"Pupil{i}", year_group) for i in range(count)]


def test_a_ta_group_of_four_costs_108_pounds_and_27_a_pupil(
    session: Session, school: School
) -> None:
    group = _ta_group(session, school)
    pupils = _pupils(session, 4, school.year_group)
    for pupil in pupils:
        add_member(session, group, pupil)

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    cost = costed.by_group[group.id]
    # £18.00 x 10/60 h = £3.00 a session; x 3 a week x 12 weeks = £108.00
    assert cost.session_cost == M(3)
    assert cost.teaching_weeks == M(12)
    assert cost.staff_cost == M(108)
    assert cost.planned == M(108)
    assert {p.id: costed.by_pupil[p.id].planned for p in pupils} == {p.id: M(27) for p in pupils}
    assert costed.total.planned == M(108)
    assert costed.unallocated.planned == 0
    assert format_money(costed.by_pupil[pupils[0].id].planned) == "£27.00"


def test_a_pupil_who_joins_half_way_pays_half_of_a_share(session: Session, school: School) -> None:
    group = _ta_group(session, school)
    first_three = _pupils(session, 3)
    for pupil in first_three:
        add_member(session, group, pupil)
    # Monday of the 7th teaching week: 30 of the group's 60 teaching days are left.
    late = make_pupil(session, "Latecomer")
    add_member(session, group, late, join=D(2026, 10, 19))

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    # Each day costs £1.80. For 30 days three share it (60p each), for 30 days four do
    # (45p each): the latecomer pays 30 x 45p = £13.50, half of the £27.00 a full
    # member of a group of four pays; the first three pay 30 x 60p + 30 x 45p = £31.50.
    assert costed.by_pupil[late.id].planned == M("13.5")
    assert [costed.by_pupil[p.id].planned for p in first_three] == [M("31.5")] * 3
    assert costed.total.planned == M(108)  # the whole cost is shared, none is lost


def test_a_pupil_who_takes_a_leavers_place_each_pay_half_a_share(
    session: Session, school: School
) -> None:
    group = _ta_group(session, school)
    stayers = _pupils(session, 3)
    for pupil in stayers:
        add_member(session, group, pupil)
    leaver, joiner = make_pupil(session, "Leaver"), make_pupil(session, "Joiner")
    add_member(session, group, leaver, leave=D(2026, 10, 16))
    add_member(session, group, joiner, join=D(2026, 10, 19))

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert costed.by_pupil[leaver.id].planned == M("13.5")
    assert costed.by_pupil[joiner.id].planned == M("13.5")
    assert [costed.by_pupil[p.id].planned for p in stayers] == [M(27)] * 3


def test_one_to_one_is_not_shared(session: Session, school: School) -> None:
    # 30 minutes once a week: £9.00 a session x 12 weeks = £108.00 for each pupil.
    group = _ta_group(session, school, group_size=1, session_minutes=30, sessions_per_week=1)
    first, second = _pupils(session, 2)
    add_member(session, group, first)
    add_member(session, group, second)

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    cost = costed.by_group[group.id]
    assert cost.is_one_to_one
    assert costed.by_pupil[first.id].planned == M(108)
    assert costed.by_pupil[second.id].planned == M(108)
    # Two pupils at once in a 1:1 group each have their own sessions: it costs twice.
    assert cost.planned == M(216)
    assert costed.unallocated.planned == 0


def test_one_to_one_pupils_in_turn_each_bear_the_cost_of_their_own_dates(
    session: Session, school: School
) -> None:
    group = _ta_group(session, school, session_minutes=30, sessions_per_week=1)
    group.max_size = 1  # the group, not the provision, makes it 1:1
    first, second = _pupils(session, 2)
    add_member(session, group, first, leave=D(2026, 10, 16))
    add_member(session, group, second, join=D(2026, 10, 19))

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert costed.by_pupil[first.id].planned == M(54)
    assert costed.by_pupil[second.id].planned == M(54)
    assert costed.by_group[group.id].planned == M(108)


def test_a_terms_share_of_a_38_week_year(session: Session, school: School) -> None:
    hlta = make_role(session, "HLTA", "20.00")
    year = school.year
    provision = make_provision(
        session, "Social skills", session_minutes=60, sessions_per_week=1, delivered_by_role=hlta
    )
    group = make_group(session, provision, year, (YEAR_START, YEAR_END), weekdays=(1,))
    all_year, from_spring = _pupils(session, 2)
    add_member(session, group, all_year)
    add_member(session, group, from_spring, join=SPRING[0])

    annual = cost_map(session, year, as_of=BEFORE_TERM)
    terms = {
        name: cost_map(session, year, name, as_of=BEFORE_TERM)
        for name in ("Autumn", "Spring", "Summer")
    }
    # £20.00 an hour, one hour a week: 38 weeks = £760; Autumn 14, Spring 11, Summer 13.
    assert annual.by_group[group.id].planned == M(760)
    assert {n: m.by_group[group.id].planned for n, m in terms.items()} == {
        "Autumn": M(280),
        "Spring": M(220),
        "Summer": M(260),
    }
    assert terms["Autumn"].by_group[group.id].teaching_weeks == M(14)
    # Spring and Summer are shared by two pupils: 280 + 110 + 130 and 110 + 130.
    assert annual.by_pupil[all_year.id].planned == M(520)
    assert annual.by_pupil[from_spring.id].planned == M(240)
    for pupil in (all_year, from_spring):
        by_term = sum(
            (m.by_pupil[pupil.id].planned for m in terms.values() if pupil.id in m.by_pupil),
            M(0),
        )
        assert by_term == annual.by_pupil[pupil.id].planned
    assert terms["Spring"].start == SPRING[0]
    assert terms["Spring"].end == SPRING[1]


def test_external_cost_per_session(session: Session, school: School) -> None:
    year = school.year
    salt = make_role(session, "Speech and language therapist", "65.00")
    agency = make_provision(
        session,
        "Speech and language therapy",
        group_size=1,
        session_minutes=30,
        sessions_per_week=1,
        external_cost_per_session=M("45.00"),
    )
    with_role = make_provision(
        session,
        "SaLT with therapist time",
        group_size=1,
        session_minutes=30,
        sessions_per_week=1,
        external_cost_per_session=M("45.00"),
        delivered_by_role=salt,
    )
    agency_group = make_group(session, agency, year, SPRING, weekdays=(3,))
    # The therapist's time counts only when a therapist is named for the group (with
    # nobody named an agency charge per session is all it costs: see below).
    therapist = make_staff(session, salt, "Ms Reid")
    role_group = make_group(session, with_role, year, SPRING, weekdays=(3,), staff=therapist)

    costed = cost_map(session, year, as_of=BEFORE_TERM)
    # Spring is 11 teaching weeks: 11 x £45.00 = £495.00, and no staff cost.
    agency_cost = costed.by_group[agency_group.id]
    assert (agency_cost.staff_cost, agency_cost.external_cost) == (0, M(495))
    # With the therapist's time too: 11 x (£65.00 x 0.5 h + £45.00) = £852.50.
    role_cost = costed.by_group[role_group.id]
    assert role_cost.session_cost == M("77.5")
    assert role_cost.planned == M("852.5")


def test_resources_are_charged_once_per_group_and_pro_rata_by_term(
    session: Session, school: School
) -> None:
    group = _ta_group(session, school, resources_cost=M("120.00"))
    pupils = _pupils(session, 4)
    for pupil in pupils:
        add_member(session, group, pupil)
    year = school.year
    # 02/11/2026 to 26/02/2027: 35 teaching days in Autumn and 35 in Spring.
    across = make_group(
        session,
        make_provision(
            session, "Phonics catch-up", sessions_per_week=0, resources_cost=M("120.00")
        ),
        year,
        (D(2026, 11, 2), D(2027, 2, 26)),
    )

    annual = cost_map(session, year, as_of=BEFORE_TERM)
    assert annual.by_group[group.id].resources_cost == M(120)
    assert annual.by_group[group.id].planned == M(228)
    assert annual.by_pupil[pupils[0].id].planned == M(57)
    autumn = cost_map(session, year, "Autumn", as_of=BEFORE_TERM)
    spring = cost_map(session, year, "Spring", as_of=BEFORE_TERM)
    assert autumn.by_group[across.id].resources_cost == M(60)
    assert spring.by_group[across.id].resources_cost == M(60)
    assert group.id not in spring.by_group  # the Autumn-only group costs nothing in Spring


def test_staff_rates_override_then_role_then_provision_role(
    session: Session, school: School
) -> None:
    role, year = school.role, school.year
    senior = make_staff(session, role, "Mr Patel", override="24.00")
    provision = make_provision(session, "Reading", delivered_by_role=role)
    own_rate = make_group(session, provision, year, staff=senior)
    nobody_named = make_group(session, provision, year)
    no_rate = make_group(session, make_provision(session, "Quiet reading"), year)

    costed = cost_map(session, year, as_of=BEFORE_TERM)
    # £24.00 x 10/60 h = £4.00 a session x 36 sessions = £144.00
    assert costed.by_group[own_rate.id].hourly_rate == M(24)
    assert costed.by_group[own_rate.id].planned == M(144)
    assert costed.by_group[nobody_named.id].planned == M(108)  # the provision's role
    assert costed.by_group[no_rate.id].planned == 0
    assert costed.by_staff[senior.id].planned == M(144)
    assert costed.by_staff[None].planned == M(108)


def test_a_group_with_no_members_is_unallocated(session: Session, school: School) -> None:
    group = _ta_group(session, school)
    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert costed.by_group[group.id].unallocated.planned == M(108)
    assert costed.unallocated.planned == M(108)
    assert costed.by_pupil == {}
    assert costed.total.planned == M(108)  # still counted in what the school spends
    assert costed.by_year_group[group.year_group_id].planned == M(108)


def test_days_before_anyone_joins_are_unallocated(session: Session, school: School) -> None:
    group = _ta_group(session, school)
    pupil = make_pupil(session, "Only")
    add_member(session, group, pupil, join=D(2026, 10, 19))
    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert costed.by_pupil[pupil.id].planned == M(54)
    assert costed.by_group[group.id].unallocated.planned == M(54)


def test_cost_to_date_from_delivered_sessions(session: Session, school: School) -> None:
    group = _ta_group(session, school, resources_cost=M("120.00"))
    pupils = _pupils(session, 4)
    for pupil in pupils:
        add_member(session, group, pupil)
    senior = make_staff(session, school.role, "Mr Patel", override="24.00")
    recorded = dt.datetime(2026, 9, 21, 15, 0)
    for day, status, staff in [
        (D(2026, 9, 7), "delivered", None),
        (D(2026, 9, 9), "delivered", None),
        (D(2026, 9, 11), "delivered", None),
        (D(2026, 9, 14), "cancelled", None),
        (D(2026, 9, 16), "delivered", senior),
        (D(2026, 9, 21), "delivered", None),  # after the date asked about
    ]:
        session.add(
            DeliverySession(
                group=group,
                session_date=day,
                status=status,
                cancel_reason="staff_absent" if status == "cancelled" else None,
                staff=staff,
                recorded_at=recorded,
            )
        )
    session.flush()

    costed = cost_map(session, school.year, as_of=D(2026, 9, 18))
    cost = costed.by_group[group.id]
    # Three sessions at £3.00, one by Mr Patel at £4.00, and 10 of the 60 teaching
    # days' share of the £120.00 resources (£20.00): £33.00, £8.25 a pupil.
    assert cost.delivered_sessions == 4
    assert cost.to_date == M(33)
    assert costed.by_pupil[pupils[0].id].to_date == M("8.25")
    assert costed.total.to_date == M(33)
    assert cost.planned == M(228)  # the plan is unchanged by what was delivered


def test_totals_by_year_group_class_area_wave_and_stream(session: Session, school: School) -> None:
    year, year4 = school.year, school.year_group
    year5 = make_year_group(session, "Year 5", 5)
    class5 = SchoolClass(name="5B", year_group=year5)
    session.add(class5)
    stream = FundingStream(name="Notional SEN budget", kind="notional_sen")
    session.add(stream)
    reading = make_provision(session, "Reading", area="CL", wave=2, funding_stream=stream)
    talk = make_provision(session, "Talk boost", area="CI", wave=3, group_size=2)
    reading_group = make_group(session, reading, year, staff=school.ta, year_group=year4)
    talk_group = make_group(session, talk, year, staff=school.ta, year_group=year4)
    in_year4 = make_pupil(session, "Four", year4)
    in_year5 = make_pupil(session, "Five", year5)
    in_year5.school_class = class5
    no_year = make_pupil(session, "Unplaced")
    for pupil in (in_year4, in_year5, no_year):
        add_member(session, reading_group, pupil)
    add_member(session, talk_group, in_year4)
    add_member(session, talk_group, in_year5)
    session.flush()

    costed = cost_map(session, year, as_of=BEFORE_TERM)
    # Each group costs £108.00: Reading shared by three (£36.00), Talk by two (£54.00).
    assert costed.by_pupil[in_year4.id].planned == M(90)
    assert costed.by_year_group[year5.id].planned == M(90)
    # The pupil with no year group counts under the group's (Year 4).
    assert costed.by_year_group[year4.id].planned == M(126)
    assert costed.by_class[class5.id].planned == M(90)
    assert set(costed.by_area) == {"CL", "CI"}
    assert costed.by_area["CL"].planned == M(108)
    assert costed.by_area["CI"].planned == M(108)
    assert costed.by_wave[2].planned == costed.by_wave[3].planned == M(108)
    assert costed.by_funding_stream[stream.id].planned == M(108)
    assert costed.by_funding_stream[None].planned == M(108)
    assert costed.by_provision[talk.id].planned == M(108)
    assert costed.by_staff[school.ta.id].planned == M(216)
    shares = {g.group_id: share.planned for g, share in costed.pupil_groups(in_year4.id)}
    assert shares == {reading_group.id: M(36), talk_group.id: M(54)}
    assert round_money(sum((t.planned for t in costed.by_pupil.values()), M(0))) == M(216)


def _annual_external_group(
    session: Session, year: AcademicYear, pupil: Pupil, name: str, **provision: object
) -> None:
    """A 1:1 provision all year, once a week, costing only what ``provision`` sets."""
    values: dict[str, object] = {"group_size": 1, "session_minutes": 0, "sessions_per_week": 1}
    values.update(provision)
    group = make_group(
        session, make_provision(session, name, **values), year, (YEAR_START, YEAR_END)
    )
    add_member(session, group, pupil)


def test_threshold_flags_over_near_and_under(session: Session, school: School) -> None:
    year = school.year
    over, near, under, exact = (make_pupil(session, n) for n in ("Over", "Near", "Under", "Exact"))
    no_provision = make_pupil(session, "Waiting")
    no_sen = make_pupil(session, "Nosen", sen_status="N")
    archived = make_pupil(session, "Left")
    archived.archived = True
    # 38 sessions a year at £160, £150 and £100; and £6,000.00 of resources.
    _annual_external_group(session, year, over, "A", external_cost_per_session=M(160))
    _annual_external_group(session, year, near, "B", external_cost_per_session=M(150))
    _annual_external_group(session, year, under, "C", external_cost_per_session=M(100))
    _annual_external_group(session, year, exact, "D", sessions_per_week=0, resources_cost=M(6000))
    _annual_external_group(session, year, archived, "E", external_cost_per_session=M(200))

    report = threshold_totals(session, year)
    assert report.threshold == M(6000)
    assert report.margin == M(500)
    rows = {row.pupil_id: row for row in report.rows}
    assert set(rows) == {over.id, near.id, under.id, exact.id, no_provision.id}
    assert no_sen.id not in rows
    assert archived.id not in rows
    assert (rows[over.id].annual_total, rows[over.id].over_by) == (M(6080), M(80))
    assert rows[over.id].at_or_above
    assert not rows[over.id].near
    assert rows[exact.id].at_or_above
    assert rows[exact.id].difference == 0
    assert rows[near.id].near
    assert not rows[near.id].at_or_above
    assert rows[near.id].under_by == M(300)
    assert not rows[under.id].near
    assert rows[under.id].under_by == M(2200)
    assert rows[no_provision.id].annual_total == 0
    assert [r.pupil_id for r in report.at_or_above] == [over.id, exact.id]
    assert [r.pupil_id for r in report.near] == [near.id]
    assert report.rows[0].pupil_id == over.id  # highest total first

    narrow = threshold_totals(session, year, margin=M(200))
    assert narrow.near == []


def test_budget_totals_and_over_spend(session: Session, school: School) -> None:
    year = school.year
    sen = FundingStream(
        name="Notional SEN budget",
        kind="notional_sen",
        budgets=[FundingBudget(academic_year=year, amount=M("5000.00"))],
    )
    premium = FundingStream(
        name="Pupil premium",
        kind="pupil_premium",
        budgets=[FundingBudget(academic_year=year, amount=M("100.00"))],
    )
    high_needs = FundingStream(name="High needs top-up", kind="high_needs")
    session.add_all([sen, premium, high_needs])
    session.flush()
    make_group(
        session, make_provision(session, "Reading", funding_stream=sen), year, staff=school.ta
    )
    make_group(
        session, make_provision(session, "Maths", funding_stream=premium), year, staff=school.ta
    )
    make_group(
        session, make_provision(session, "Writing", funding_stream=premium), year, staff=school.ta
    )
    make_group(session, make_provision(session, "Unfunded"), year, staff=school.ta)

    report = budget_totals(session, year)
    rows = {row.name: row for row in report.rows}
    assert list(rows) == [
        "High needs top-up",
        "Notional SEN budget",
        "Pupil premium",
        "No funding stream",
    ]
    assert rows["Notional SEN budget"].planned == M(108)
    assert rows["Notional SEN budget"].remaining == M(4892)
    assert not rows["Notional SEN budget"].overspent
    assert rows["Pupil premium"].planned == M(216)
    assert rows["Pupil premium"].remaining == M(-116)
    assert rows["Pupil premium"].overspent
    assert rows["High needs top-up"].budget is None
    assert rows["High needs top-up"].planned == 0
    assert not rows["High needs top-up"].overspent
    assert rows["No funding stream"].planned == M(108)
    assert report.total_budget == M(5100)
    assert report.total_planned == M(432)
    assert report.any_overspent


# -- costed weeks: teaching days / 5, capped at the school's weeks a year ---------------


def _add_a_summer_week(year: AcademicYear) -> None:
    """Summer term to 23/07/2027: 195 teaching days (39 weeks), like the default calendar."""
    year.terms[2].end_date = D(2027, 7, 23)


def test_a_twelve_week_group_costs_twelve_weeks_in_a_195_day_year(
    session: Session, school: School
) -> None:
    _add_a_summer_week(school.year)
    group = _ta_group(session, school)
    pupils = _pupils(session, 4, school.year_group)
    for pupil in pupils:
        add_member(session, group, pupil)

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    cost = costed.by_group[group.id]
    # 07/09-04/12/2026 holds 60 teaching days = 12 weeks, whatever the year's length:
    # £18.00 x 10/60 h = £3.00 a session x 3 a week x 12 weeks = £108.00, £27.00 each.
    # (Pro rata by the year's days it was 38 x 60 / 195 = 11.69 weeks, £105.23.)
    assert cost.teaching_weeks == M(12)
    assert cost.planned == M(108)
    assert {costed.by_pupil[p.id].planned for p in pupils} == {M(27)}
    assert format_money(cost.planned) == "£108.00"


def test_days_in_a_part_week_count(session: Session, school: School) -> None:
    _add_a_summer_week(school.year)
    # Wednesday 09/09/2026 to Friday 04/12/2026: the first week has 3 teaching days,
    # so 58 days = 11.6 weeks; £3.00 x 3 x 11.6 = £104.40.
    group = make_group(
        session,
        make_provision(session, "Precision teaching"),
        school.year,
        (D(2026, 9, 9), D(2026, 12, 4)),
        staff=school.ta,
    )
    cost = cost_map(session, school.year, as_of=BEFORE_TERM).by_group[group.id]
    assert cost.teaching_weeks == M("11.6")
    assert cost.planned == M("104.40")


def _key_adult(session: Session, school: School, dates: tuple[dt.date, dt.date]) -> ProvisionGroup:
    """1:1 for 5 hours a week (an hour a day) with the £18.00 TA."""
    provision = make_provision(
        session, f"Key adult {dates[0]}", group_size=1, session_minutes=60, sessions_per_week=5
    )
    group = make_group(session, provision, school.year, dates, staff=school.ta)
    add_member(session, group, make_pupil(session, f"Key{dates[0]:%d%m}"))
    return group


def test_whole_year_provision_is_capped_at_the_schools_costed_weeks(
    session: Session, school: School
) -> None:
    _add_a_summer_week(school.year)
    whole_year = _key_adult(session, school, (YEAR_START, YEAR_END))
    # From 14/09/2026: the year's 195 days less the first week's 5 = 190 days = 38 weeks.
    from_second_week = _key_adult(session, school, (D(2026, 9, 14), YEAR_END))

    annual = cost_map(session, school.year, as_of=BEFORE_TERM)
    # 195 days = 39 weeks, capped at the school's 38: £18.00 x 5 h x 38 = £3,420.00.
    assert annual.by_group[whole_year.id].teaching_weeks == M(38)
    assert annual.by_group[whole_year.id].planned == M(3420)
    # 38 real teaching weeks cost 38 weeks, £3,420.00 too (pro rata by the year's days
    # it was 38 x 190 / 195 = 37.03 weeks, £3,332.31).
    assert annual.by_group[from_second_week.id].teaching_weeks == M(38)
    assert annual.by_group[from_second_week.id].planned == M(3420)
    # The capped year's terms share its 38 weeks by teaching days (70, 55 and 70 of
    # 195) and add up to the year: £1,227.69 + £964.62 + £1,227.69 = £3,420.00.
    terms = [
        cost_map(session, school.year, name, as_of=BEFORE_TERM).by_group[whole_year.id].planned
        for name in ("Autumn", "Spring", "Summer")
    ]
    assert [round_money(t) for t in terms] == [M("1227.69"), M("964.62"), M("1227.69")]
    assert round_money(sum(terms, M(0))) == M("3420.00")


def test_the_cap_is_the_schools_own_weeks_a_year(session: Session) -> None:
    from ..schools.costed import make_year

    year = make_year(session, weeks_per_year=39)
    _add_a_summer_week(year)
    role = make_role(session)
    school = School(year, make_year_group(session), role, make_staff(session, role))
    group = _key_adult(session, school, (YEAR_START, YEAR_END))
    # A school that costs 39 weeks a year: 195 days = 39 weeks, £18.00 x 5 x 39 = £3,510.00.
    assert cost_map(session, year, as_of=BEFORE_TERM).by_group[group.id].planned == M(3510)


# -- external agencies ----------------------------------------------------------------


def test_an_agency_charged_per_session_costs_its_charge_only(
    session: Session, school: School
) -> None:
    year = school.year
    salt = make_role(session, "Speech and language therapist", "65.00")
    therapist = make_staff(session, salt, "Ms Reid")
    provision = make_provision(
        session,
        "Speech and language therapy",
        group_size=1,
        session_minutes=30,
        sessions_per_week=1,
        delivered_by_role=salt,
        external_cost_per_session=M("60.00"),
    )
    agency_only = make_group(session, provision, year, SPRING, weekdays=(3,))
    with_therapist = make_group(session, provision, year, SPRING, weekdays=(3,), staff=therapist)

    costed = cost_map(session, year, as_of=BEFORE_TERM)
    # Nobody named: the agency's £60.00 a session only (not £65.00 x 0.5 h + £60.00 =
    # £92.50); Spring's 11 weeks cost 11 x £60.00 = £660.00.
    agency = costed.by_group[agency_only.id]
    assert (agency.hourly_rate, agency.session_cost) == (0, M(60))
    assert (agency.staff_cost, agency.external_cost, agency.planned) == (0, M(660), M(660))
    # A member of staff named for the group adds their time: £32.50 + £60.00 = £92.50
    # a session, 11 x £92.50 = £1,017.50.
    named = costed.by_group[with_therapist.id]
    assert named.session_cost == M("92.5")
    assert named.planned == M("1017.5")


# -- 1:1 groups holding several pupils at once ----------------------------------------


def test_a_one_to_one_group_records_how_many_pupils_it_holds_at_once(
    session: Session, school: School
) -> None:
    crowded = _ta_group(session, school, group_size=1)
    for pupil in _pupils(session, 3):
        add_member(session, crowded, pupil)
    in_turn = make_group(session, make_provision(session, "Reading", group_size=1), school.year)
    first, second = _pupils(session, 2)
    add_member(session, in_turn, first, leave=D(2026, 10, 16))
    add_member(session, in_turn, second, join=D(2026, 10, 19))

    costed = cost_map(session, school.year, as_of=BEFORE_TERM)
    assert costed.by_group[crowded.id].most_pupils_at_once == 3
    assert costed.by_group[in_turn.id].most_pupils_at_once == 1
