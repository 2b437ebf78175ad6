"""The demo school: its size and spread, its integrity, and that it is deterministic."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from provmap_desktop.models import (
    AcademicYear,
    AuditEntry,
    Base,
    DeliverySession,
    Ehcp,
    FundingBudget,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    Review,
    SchoolSettings,
    SessionAttendance,
    Staff,
)
from provmap_desktop.models.vocab import NEED_TO_AREA
from provmap_desktop.rules.upn import is_valid_upn
from provmap_desktop.services.calendar import SchoolCalendar
from provmap_desktop.services.cost_limits import threshold_totals
from provmap_desktop.services.demo import build_demo_school
from provmap_desktop.storage.audit import AUDIT_OFF, install_audit
from tests.schools.templates import SPRING_DAY, load_into
from tests.test_layers import row_writes

TODAY = SPRING_DAY  # a Wednesday in the spring term of 2026/27


def _fresh_session() -> Iterator[Session]:
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _fk_on(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit(factory)
    with factory() as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="module")
def demo() -> Iterator[Session]:
    """One demo school for the read-only tests in this module.

    It is ``build_demo_school(today=TODAY)`` built once per run into a template (through
    the app's own audited sessions) and loaded here; a test below builds it again in
    this process and compares the two.
    """
    for session in _fresh_session():
        load_into(session, "demo_spring")
        yield session


def _current_year(session: Session) -> AcademicYear:
    return session.scalars(select(AcademicYear).where(AcademicYear.label == "2026/27")).one()


def test_school_details(demo: Session) -> None:
    settings = demo.get(SchoolSettings, 1)
    assert settings is not None
    assert (settings.name, settings.la_number, settings.urn) == (
        "Oakfield Primary School",
        "801",
        "100001",
    )
    labels = demo.scalars(select(AcademicYear.label).order_by(AcademicYear.start_date)).all()
    assert labels == ["2025/26", "2026/27"]


def _on_roll(query):  # type: ignore[no-untyped-def]
    """Pupils on roll today: next September's intake is recorded but not here yet."""
    return query.where(Pupil.on_roll_date <= TODAY)


def test_pupils_fill_reception_to_year_6(demo: Session) -> None:
    pupils = demo.scalars(_on_roll(select(Pupil))).all()
    assert 200 <= len(pupils) <= 220
    by_year = Counter(p.year_group.name for p in pupils if p.year_group)
    assert set(by_year) == {"Reception", *(f"Year {n}" for n in range(1, 7))}
    assert all(27 <= n <= 33 for n in by_year.values())
    assert all(p.school_class is not None for p in pupils)
    assert {p.gender for p in pupils} == {"M", "F"}


def test_dates_of_birth_fit_year_groups(demo: Session) -> None:
    for pupil in demo.scalars(select(Pupil)):
        assert pupil.year_group is not None
        assert pupil.date_of_birth is not None
        # Born between 1 September and 31 August of the cohort's year.
        cohort_start = 2026 - 5 - pupil.year_group.sort_order
        assert (
            dt.date(cohort_start, 9, 1) <= pupil.date_of_birth <= dt.date(cohort_start + 1, 8, 31)
        )


def test_upns_are_valid_and_unique(demo: Session) -> None:
    upns = demo.scalars(select(Pupil.upn)).all()
    assert all(is_valid_upn(u) for u in upns)
    assert len(set(upns)) == len(upns)
    assert all(u[1:8] == "8012000" for u in upns)


def test_flags_at_realistic_rates(demo: Session) -> None:
    pupils = demo.scalars(select(Pupil)).all()
    share = {flag: sum(getattr(p, flag) for p in pupils) / len(pupils) for flag in ("eal", "fsm")}
    assert 0.1 <= share["eal"] <= 0.35
    assert 0.12 <= share["fsm"] <= 0.4
    assert all(p.pupil_premium for p in pupils if p.fsm or p.cla)
    assert 1 <= sum(p.cla for p in pupils) <= 4


def test_sen_register_size_and_spread(demo: Session) -> None:
    register = demo.scalars(_on_roll(select(Pupil).where(Pupil.sen_status != "N"))).all()
    assert 40 <= len(register) <= 50
    statuses = Counter(p.sen_status for p in register)
    assert 5 <= statuses["E"] <= 8
    needs = Counter(p.primary_need for p in register)
    most_common = {need for need, _count in needs.most_common(5)}
    assert most_common == {"SLCN", "SEMH", "SPLD", "MLD", "ASD"}
    assert {"HI", "VI", "PD"} <= set(needs)
    assert {NEED_TO_AREA[n] for n in needs if n in NEED_TO_AREA} == set(NEED_TO_AREA.values())
    assert sum(1 for p in register if p.secondary_need) >= 5
    assert all(p.profile is not None and p.profile.how_to_support for p in register)
    assert all(p.sen_start_date is not None and p.sen_start_date <= TODAY for p in register)
    nobody_else = demo.scalars(select(Pupil).where(Pupil.sen_status == "N")).all()
    assert all(p.primary_need is None for p in nobody_else)


def test_ehcps_have_outcomes_and_section_f_with_a_gap(demo: Session) -> None:
    plans = demo.scalars(_on_roll(select(Ehcp).join(Pupil))).all()
    assert len(plans) >= 5
    assert all(p.pupil.sen_status == "E" for p in plans)
    linked = unmatched = 0
    for plan in plans:
        assert plan.issued_date is not None
        assert plan.issued_date <= TODAY
        assert plan.next_review_date is not None
        assert plan.next_review_date >= plan.issued_date
        assert 2 <= len(plan.outcomes) <= 3
        assert 2 <= len(plan.provision_items) <= 4
        for item in plan.provision_items:
            if item.membership_id is None:
                unmatched += 1
                continue
            linked += 1
            membership = demo.get(GroupMembership, item.membership_id)
            assert membership is not None
            assert membership.pupil_id == plan.pupil_id
            assert membership.is_current_on(TODAY)
            assert item.provision_id == membership.group.provision_id
    assert linked >= len(plans)
    assert unmatched >= 1


def test_staff_have_roles_and_some_own_rates(demo: Session) -> None:
    staff = demo.scalars(select(Staff)).all()
    assert 10 <= len(staff) <= 16
    roles = Counter(s.role.name for s in staff)
    assert roles["Teaching assistant"] >= 5
    assert roles["HLTA"] >= 1
    assert roles["SENCO"] == 1
    assert sum(1 for s in staff if s.hourly_cost_override is not None) >= 2


def test_catalogue_spans_areas_and_waves(demo: Session) -> None:
    provisions = demo.scalars(select(Provision)).all()
    assert len(provisions) >= 25
    assert {p.area for p in provisions} == {"CI", "CL", "SEMH", "SP"}
    assert {p.wave for p in provisions} == {1, 2, 3}


def test_groups_this_year_have_pupils_staff_and_slots_in_terms(demo: Session) -> None:
    year = _current_year(demo)
    groups = demo.scalars(select(ProvisionGroup).where(ProvisionGroup.academic_year == year)).all()
    assert len(groups) >= 30
    calendar = SchoolCalendar.from_terms(year.terms)
    for group in groups:
        assert group.memberships
        assert group.staff is not None
        assert 1 <= len(group.slots) <= 5
        assert calendar.is_teaching_day(group.start_date)
        assert year.start_date <= group.start_date <= group.end_date <= year.end_date
        for member in group.memberships:
            assert group.start_date <= member.join_date <= group.end_date
    areas = {g.provision.area for g in groups}
    assert areas == {"CI", "CL", "SEMH", "SP"}
    history = demo.scalar(
        select(func.count(ProvisionGroup.id)).where(ProvisionGroup.academic_year != year)
    )
    assert history
    assert history >= 5
    leavers = demo.scalar(
        select(func.count(GroupMembership.id)).where(GroupMembership.leave_date.is_not(None))
    )
    assert leavers
    assert leavers >= 2


def test_delivery_records_only_on_planned_days_before_today(demo: Session) -> None:
    sessions = demo.scalars(select(DeliverySession)).all()
    assert len(sessions) > 500
    statuses = Counter(s.status for s in sessions)
    assert statuses["delivered"] / len(sessions) > 0.85
    assert statuses["cancelled"] > 10
    assert all(s.cancel_reason for s in sessions if s.status == "cancelled")
    calendars: dict[int, SchoolCalendar] = {}
    for s in sessions:
        group = s.group
        calendar = calendars.setdefault(
            group.academic_year_id, SchoolCalendar.from_terms(group.academic_year.terms)
        )
        assert s.session_date < TODAY
        assert calendar.is_teaching_day(s.session_date)
        assert s.session_date.weekday() in {slot.weekday for slot in group.slots}
        assert group.start_date <= s.session_date <= group.end_date
    absent = demo.scalar(
        select(func.count(SessionAttendance.id)).where(SessionAttendance.present.is_(False))
    )
    assert absent
    assert absent > 5


def test_attendance_only_for_members_on_the_day(demo: Session) -> None:
    rows = demo.execute(
        select(DeliverySession.session_date, GroupMembership)
        .join(SessionAttendance, SessionAttendance.session_id == DeliverySession.id)
        .join(
            GroupMembership,
            (GroupMembership.group_id == DeliverySession.group_id)
            & (GroupMembership.pupil_id == SessionAttendance.pupil_id),
        )
    ).all()
    total = demo.scalar(select(func.count(SessionAttendance.id)))
    assert len(rows) == total
    assert all(membership.is_current_on(day) for day, membership in rows)


def test_reviews_completed_due_and_overdue(demo: Session) -> None:
    reviews = demo.scalars(select(Review)).all()
    completed = [r for r in reviews if r.completed_on is not None]
    assert len(completed) >= 5
    assert all(r.decision and r.target_met and r.outcome_value for r in completed)
    assert {r.decision for r in completed} >= {"continue", "modify", "escalate"}
    open_ = [r for r in reviews if r.completed_on is None and r.review_date is not None]
    assert any(r.review_date < TODAY for r in open_)  # overdue
    assert any(TODAY <= r.review_date <= TODAY + dt.timedelta(days=14) for r in open_)


def test_maya_follows_the_worked_example(demo: Session) -> None:
    maya = demo.scalars(select(Pupil).where(Pupil.forename == "Maya")).one()
    assert maya.primary_need == "SPLD"
    assert maya.sen_status == "K"
    reviews = demo.scalars(
        select(Review).where(Review.pupil_id == maya.id).order_by(Review.review_date)
    ).all()
    pt = [
        r
        for r in reviews
        if r.membership and r.membership.group.provision.name == "Precision Teaching"
    ]
    assert [r.decision for r in pt] == ["modify", "escalate"]
    group = pt[0].membership.group  # type: ignore[union-attr]
    assert group.year_group is not None
    assert group.year_group.name == "Year 4"
    assert len(group.memberships) == 4
    assert group.effective_sessions_per_week == 3
    assert group.effective_session_minutes == 10
    calendar = SchoolCalendar.from_terms(group.academic_year.terms)
    assert calendar.teaching_days(group.start_date, group.end_date) == 60  # 12 weeks

    def months(value: str) -> int:
        years, months_ = value.replace("y", "").replace("m", "").split()
        return int(years) * 12 + int(months_)

    final = pt[1]
    assert months(final.target_value) - months(final.baseline_value) == 6
    assert months(final.outcome_value) - months(final.baseline_value) == 4
    assert final.baseline_type == "reading_age"
    assert final.target_met == "partly"
    wave3 = [r for r in reviews if r.membership and r.membership.group.provision.wave == 3]
    assert any(r.membership.group.academic_year.label == "2026/27" for r in wave3)  # type: ignore[union-attr]


def test_budgets_for_the_current_year(demo: Session) -> None:
    year = _current_year(demo)
    budgets = demo.scalars(select(FundingBudget).where(FundingBudget.academic_year == year)).all()
    assert {b.stream.name for b in budgets} == {
        "Notional SEN budget",
        "Pupil premium",
        "High-needs top-up",
        "Other",
    }
    assert all(b.amount > 0 for b in budgets)


def test_build_leaves_no_audit_trail(demo: Session) -> None:
    assert demo.scalar(select(func.count(AuditEntry.id))) == 0


def _snapshot(session: Session) -> tuple[object, ...]:
    pupils = session.execute(
        select(
            Pupil.upn, Pupil.forename, Pupil.surname, Pupil.date_of_birth, Pupil.sen_status
        ).order_by(Pupil.id)
    ).all()
    groups = session.execute(
        select(ProvisionGroup.name, ProvisionGroup.start_date, ProvisionGroup.end_date).order_by(
            ProvisionGroup.id
        )
    ).all()
    members = session.execute(
        select(
            GroupMembership.group_id, GroupMembership.pupil_id, GroupMembership.join_date
        ).order_by(GroupMembership.id)
    ).all()
    delivered = session.execute(
        select(
            DeliverySession.group_id, DeliverySession.session_date, DeliverySession.status
        ).order_by(DeliverySession.id)
    ).all()
    reviews = session.execute(
        select(Review.pupil_id, Review.review_date, Review.decision).order_by(Review.id)
    ).all()
    return tuple(map(tuple, (pupils, groups, members, delivered, reviews)))


def test_same_today_builds_the_same_school_and_restores_the_audit_switch(
    demo: Session,
) -> None:
    for session in _fresh_session():
        build_demo_school(session, today=TODAY)
        assert _snapshot(session) == _snapshot(demo)
        assert AUDIT_OFF not in session.info
        assert session.scalar(select(func.count(AuditEntry.id))) == 0


def test_pupils_do_not_shift_with_today_in_the_same_year(demo: Session) -> None:
    for session in _fresh_session():
        load_into(session, "demo")  # built as of 23/11/2026, in the autumn term
        first, again = _snapshot(demo)[0], _snapshot(session)[0]
        assert first == again
        assert session.scalar(select(func.count(DeliverySession.id))) < demo.scalar(
            select(func.count(DeliverySession.id))
        )


def test_refuses_a_database_that_already_has_a_school(demo: Session) -> None:
    with pytest.raises(ValueError, match="already holds a school"):
        build_demo_school(demo, today=TODAY)
    assert demo.scalar(select(func.count(Pupil.id))) == 213  # 210 on roll and 3 starting


def test_some_plans_pass_the_threshold_and_one_comes_close(demo: Session) -> None:
    report = threshold_totals(demo, _current_year(demo))
    assert len(report.at_or_above) >= 2
    assert len(report.near) >= 1


DEMO_MODULES = sorted(
    (Path(__file__).resolve().parents[2] / "provmap_desktop" / "services").glob("demo*.py")
)


def test_the_demo_is_split_into_its_modules() -> None:
    names = {p.stem for p in DEMO_MODULES}
    assert {"demo", "demo_school", "demo_pupils", "demo_activity", "demo_reviews"} <= names


@pytest.mark.parametrize("path", DEMO_MODULES, ids=lambda p: p.name)
def test_the_demo_writes_only_through_the_domain(path: Path) -> None:
    """A script can build a whole school through the domain writes: the demo does."""
    assert row_writes(path.read_text(encoding="utf-8")) == []


def test_plans_reviewed_three_times_and_meetings_with_an_overdue_action(demo: Session) -> None:
    from provmap_desktop.models import LearningPlan, Meeting
    from provmap_desktop.services.plans import actions_due, plans_due

    versions = Counter(demo.scalars(select(LearningPlan.pupil_id)))
    assert sum(1 for count in versions.values() if count == 4) == 6  # three reviews each
    assert len(versions) == 24
    maya = demo.scalars(select(Pupil).where(Pupil.forename == "Maya")).one()
    assert versions[maya.id] == 4
    # Every EHC plan holder on roll has a SEN support plan too (next September's
    # starters come with their EHC plan; the school writes their plan when they arrive).
    holders = demo.scalars(
        select(Pupil.id).where(
            Pupil.sen_status == "E",
            or_(Pupil.on_roll_date.is_(None), Pupil.on_roll_date <= TODAY),
        )
    ).all()
    assert all(versions[pupil_id] for pupil_id in holders)
    assert demo.scalar(select(func.count(Meeting.id))) == 8
    due = actions_due(demo, TODAY)
    assert [d.overdue(TODAY) for d in due] == [True, False]
    assert plans_due(demo, TODAY)  # some plans wait for this term's review


def test_next_years_plan_is_believable(demo: Session) -> None:
    """Some gaps, one clash, one person over her hours, one training need."""
    from provmap_desktop.services.planning import build_plan

    plan = build_plan(demo, "2027/28", TODAY)
    assert [c.text for c in plan.clashes] == [
        "Mr Tom Riley: Pre-teaching vocabulary – Year 3 and Emotional check-in with key adult "
        "– Year 3, Monday 08:50-08:55"
    ]
    # Mrs Doyle: sensory circuits 15 min x 5, and key adult to two pupils 180 min x 5
    # each: 75 + 900 + 900 = 1,875 minutes against her 1,800: over by 75 minutes.
    over = [(p.name, p.planned, p.status) for p in plan.deployment if (p.difference or 0) > 0]
    assert over == [("Mrs Karen Doyle", 1875, "over by 1 h 15 min")]
    assert [(t.staff_name, t.training) for t in plan.training] == [
        ("Miss Chloe Brennan", "Lego-based therapy")
    ]
    unmet = {name for line in plan.gaps.unmet for name in line.names}
    assert {"Isla Grant", "Noah Pearce"} <= unmet  # two of the intake, not yet provided for
    assert [line.names for line in plan.gaps.ehcp_unmatched if line.year_group == "Reception"] == [
        ("Noah Pearce",)
    ]
