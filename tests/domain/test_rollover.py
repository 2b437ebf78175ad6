"""The year-end rollover on a small hand-built school (see ``_rollover_school``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provmap_desktop.domain import funding, groups, rollover
from provmap_desktop.domain.change import DomainError
from provmap_desktop.domain.rollover_apply import apply
from provmap_desktop.models import (
    AcademicYear,
    EhcpProvisionItem,
    GroupMembership,
    ProvisionGroup,
    Pupil,
    PupilYear,
    Review,
    SchoolClass,
)
from provmap_desktop.services.projection import next_year_pupils

from . import _rollover_school

D = dt.date
TODAY = D(2027, 7, 20)


@pytest.fixture
def ids(session: Session) -> dict[str, Any]:
    return _rollover_school.build(session)


def _pupil(session: Session, pupil_id: int) -> Pupil:
    pupil = session.get(Pupil, pupil_id)
    assert pupil is not None
    return pupil


def _year_group_names(session: Session) -> dict[str, str]:
    names = {}
    for pupil in session.scalars(select(Pupil)):
        names[pupil.forename] = pupil.year_group.name if pupil.year_group else ""
    return names


def test_next_years_pupils_are_moved_up_without_leavers_and_with_the_intake(session, ids):
    projection = next_year_pupils(session, "2027/28")
    assert projection.start == D(2027, 9, 1)
    assert [(p.name, p.year_group_name) for p in projection.moving_up] == [
        ("Ava Adams", "Year 1"),
        ("Ben Brook", "Year 2"),
        ("Finn Ford", "Year 2"),
    ]
    assert [p.name for p in projection.leavers] == ["Cal Cross", "Dan Dale"]
    assert [(p.name, p.year_group_name, p.primary_need) for p in projection.intake] == [
        ("Eve Evans", "Reception", "SLCN")
    ]
    assert [p.has_ehcp for p in projection.moving_up] == [False, True, False]


def test_the_preview_says_what_will_happen_and_changes_nothing(session, ids):
    before = session.scalar(select(func.count()).select_from(ProvisionGroup))
    plan = rollover.preview(session, "2027/28")
    assert plan.from_label == "2026/27"
    assert [(m.pupil.name, m.from_year_group, m.pupil.year_group_name) for m in plan.moving_up] == [
        ("Ava Adams", "Reception", "Year 1"),
        ("Ben Brook", "Year 1", "Year 2"),
        ("Finn Ford", "Year 1", "Year 2"),
    ]
    assert [p.name for p in plan.leavers] == ["Cal Cross", "Dan Dale"]
    # Lego ended in the autumn, so only the groups of the summer term are offered.
    offered = {g.name: (g.pupils, g.carry_by_default) for g in plan.groups}
    assert offered == {
        "Phonics Y1": (("Finn Ford",), False),
        "Speech Y1": (("Ben Brook",), True),  # Dan leaves; Ben's EHC plan names it
    }
    # This year's terms moved on 52 weeks: Thursday 03/09/2026 -> Thursday 02/09/2027.
    assert plan.autumn_start == D(2027, 9, 2)
    assert [(t.name, t.start, t.end) for t in plan.terms] == [
        ("Autumn", D(2027, 9, 2), D(2027, 12, 17)),
        ("Spring", D(2028, 1, 4), D(2028, 3, 24)),
        ("Summer", D(2028, 4, 10), D(2028, 7, 19)),
    ]
    assert plan.staff_rates == [("Mrs Ahmed", "Teaching assistant", "£18.00")]
    text = "\n".join(plan.lines())
    assert "Ben Brook: Year 1 -> Year 2" in text
    assert "EHC plan provision for Ben Brook" in text
    assert not session.new
    assert not any(session.is_modified(r) for r in session.dirty)
    session.commit()
    assert session.scalar(select(func.count()).select_from(ProvisionGroup)) == before
    assert session.scalar(select(func.count()).select_from(AcademicYear)) == 1


def test_rollover_moves_pupils_up_archives_leavers_and_keeps_the_intake(session, ids):
    apply(session, rollover.preview(session, "2027/28"), today=TODAY)
    session.commit()
    assert _year_group_names(session) == {
        "Ava": "Year 1",
        "Ben": "Year 2",
        "Cal": "Year 2",  # left from Year 2, kept where he was
        "Dan": "Year 1",
        "Eve": "Reception",  # the intake is not moved up
        "Finn": "Year 2",
    }
    archived = {p.forename: p.leaving_date for p in session.scalars(select(Pupil)) if p.archived}
    assert archived == {"Cal": D(2027, 8, 31), "Dan": D(2027, 7, 16)}
    places = {
        (_pupil(session, r.pupil_id).forename, r.year_group_id, r.left)
        for r in session.scalars(select(PupilYear))
    }
    assert places == {
        ("Ava", ids["reception"], False),
        ("Ben", ids["year1"], False),
        ("Cal", ids["year2"], True),
        ("Dan", ids["year1"], True),
        ("Finn", ids["year1"], False),
    }  # Eve was not on roll in 2026/27
    old = session.get(AcademicYear, ids["year"])
    assert old is not None
    assert old.closed_on == TODAY


def test_ehc_plan_provision_carries_on_into_the_new_year(session, ids):
    apply(session, rollover.preview(session, "2027/28"), today=TODAY)
    session.commit()
    new = session.scalars(select(AcademicYear).where(AcademicYear.label == "2027/28")).one()
    carried = session.scalars(
        select(ProvisionGroup).where(ProvisionGroup.academic_year_id == new.id)
    ).all()
    assert [(g.name, g.year_group_id, g.staff_id) for g in carried] == [
        ("Speech Y1", ids["year2"], ids["ahmed"])
    ]
    (group,) = carried
    assert (group.start_date, group.end_date) == (D(2027, 9, 2), D(2028, 7, 19))
    assert [(s.weekday, s.start_time) for s in group.slots] == [(1, dt.time(10, 0))]
    assert [(m.pupil_id, m.join_date, m.leave_date) for m in group.memberships] == [
        (ids["ben"], D(2027, 9, 2), None)
    ]
    item = session.get(EhcpProvisionItem, ids["item"])
    assert item is not None
    assert item.membership_id == group.memberships[0].id
    # Last year's group is as it was: Ben and Dan, to 16/07/2027.
    old_group = session.get(ProvisionGroup, ids["speech_group"])
    assert old_group is not None
    assert len(old_group.memberships) == 2


def test_the_school_chooses_which_groups_carry_on(session, ids):
    plan = rollover.preview(session, "2027/28")
    apply(session, plan, today=TODAY, carry={ids["phonics_group"]})
    session.commit()
    new_groups = session.scalars(
        select(ProvisionGroup).join(AcademicYear).where(AcademicYear.label == "2027/28")
    ).all()
    (phonics,) = new_groups
    assert phonics.name == "Phonics Y1"
    assert phonics.year_group_id == ids["year2"]
    # A summer-term group (13 teaching weeks less a half-term) runs as long from the autumn.
    assert phonics.start_date == D(2027, 9, 2)
    assert [m.pupil_id for m in phonics.memberships] == [ids["finn"]]
    item = session.get(EhcpProvisionItem, ids["item"])
    assert item is not None
    assert item.membership_id == ids["ben_speech"]


def test_classes_kept_with_their_year_group_take_the_pupils_moving_up(session, ids):
    apply(session, rollover.preview(session, "2027/28", classes="keep"), today=TODAY)
    session.commit()
    classes = {
        p.forename: p.school_class.name for p in session.scalars(select(Pupil)) if p.school_class
    }
    assert classes == {
        "Ava": "Owls",
        "Ben": "Eagles",
        "Finn": "Eagles",
        "Cal": "Eagles",
        "Dan": "Owls",
    }
    years = {c.name: c.year_group_id for c in session.scalars(select(SchoolClass))}
    assert years == {"Robins": ids["reception"], "Owls": ids["year1"], "Eagles": ids["year2"]}


def test_classes_moving_up_take_their_pupils_with_them(session, ids):
    apply(session, rollover.preview(session, "2027/28", classes="move"), today=TODAY)
    session.commit()
    classes = {
        p.forename: p.school_class.name
        for p in session.scalars(select(Pupil))
        if p.school_class and not p.archived
    }
    assert classes == {"Ava": "Robins", "Ben": "Owls", "Finn": "Owls"}
    years = {c.name: c.year_group_id for c in session.scalars(select(SchoolClass))}
    # Eagles, emptied by the leavers, takes Reception for the intake.
    assert years == {"Robins": ids["year1"], "Owls": ids["year2"], "Eagles": ids["reception"]}


def test_a_second_rollover_into_the_same_year_is_refused(session, ids):
    apply(session, rollover.preview(session, "2027/28"), today=TODAY)
    session.commit()
    with pytest.raises(DomainError, match=r"already moved on from 2026/27 into 2027/28"):
        rollover.preview(session, "2027/28")


def test_a_year_the_school_does_not_have_cannot_be_moved_on_from(session, ids):
    with pytest.raises(DomainError, match="no academic year 2029/30"):
        rollover.preview(session, "2030/31")
    with pytest.raises(DomainError, match="write it as 2027/28"):
        rollover.preview(session, "2027-28")


def test_an_autumn_start_on_a_saturday_is_refused(session, ids):
    with pytest.raises(DomainError, match="weekday in September 2027"):
        rollover.preview(session, "2027/28", autumn_start=D(2027, 9, 4))
    plan = rollover.preview(session, "2027/28", autumn_start=D(2027, 9, 6))
    assert plan.terms[0].start == D(2027, 9, 6)
    assert plan.terms[1].start == D(2028, 1, 4)  # 52 whole weeks on (368 days, rounded down)


def _closed(session: Session, ids: dict[str, Any]) -> None:
    apply(session, rollover.preview(session, "2027/28"), today=TODAY)
    session.commit()


def test_every_write_into_a_closed_year_is_refused_in_plain_words(session, ids):
    _closed(session, ids)
    refusals = [
        lambda: groups.update(session, ids["speech_group"], "name", "Speech"),
        lambda: session.add(
            GroupMembership(
                group_id=ids["phonics_group"], pupil_id=ids["ava"], join_date=D(2027, 5, 4)
            )
        ),
        lambda: session.delete(session.get(ProvisionGroup, ids["lego_group"])),
        lambda: funding.set_budget(
            session, funding.add_stream(session, "Top-up", "other").rows[0].id, ids["year"], 100
        ),
    ]
    for write in refusals:

        def write_and_flush(write=write) -> None:  # type: ignore[no-untyped-def]
            write()
            session.flush()

        with pytest.raises(DomainError, match=r"2026/27 is closed: the school has moved on"):
            write_and_flush()
        session.rollback()
    old = session.get(ProvisionGroup, ids["speech_group"])
    assert old is not None
    assert old.name == "Speech Y1"


def test_the_new_year_and_the_pupils_can_still_be_changed(session, ids):
    _closed(session, ids)
    new_group = session.scalars(
        select(ProvisionGroup).join(AcademicYear).where(AcademicYear.label == "2027/28")
    ).one()
    groups.update(session, new_group.id, "name", "Speech Y2")
    _pupil(session, ids["ben"]).sen_notes = "Moved up well."
    # A review started last year and due this year can still be finished.
    session.add(
        Review(pupil_id=ids["ben"], baseline_date=D(2027, 6, 1), review_date=D(2027, 10, 1))
    )
    session.commit()
    assert new_group.name == "Speech Y2"
