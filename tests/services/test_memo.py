"""Figures kept once per state of the data: reused while nothing changes, never stale."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event, update

from provmap_desktop.domain import groups
from provmap_desktop.models import SchoolSettings
from provmap_desktop.services.delivery import rag
from provmap_desktop.services.memo import per_change, year_costs

from ..schools.costed import D, add_member, make_group, make_provision, make_pupil, make_school

TODAY = D(2026, 11, 23)


def _counter(session):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, lambda: per_change(session, "figure", compute)


def test_a_figure_is_worked_out_once_while_nothing_changes(session) -> None:  # type: ignore[no-untyped-def]
    make_school(session)
    session.commit()
    calls, figure = _counter(session)
    assert figure() == 1
    assert figure() == 1
    assert len(calls) == 1


def test_a_write_a_commit_or_a_rollback_drops_what_was_kept(session) -> None:  # type: ignore[no-untyped-def]
    school = make_school(session)
    session.commit()
    _calls, figure = _counter(session)
    figure()
    settings = session.get(SchoolSettings, 1)
    settings.rag_green = 85
    session.flush()  # a write inside the transaction
    assert figure() == 2
    session.commit()
    assert figure() == 3
    session.execute(update(SchoolSettings).values(rag_amber=70))  # a write without the ORM
    assert figure() == 4
    session.rollback()
    assert figure() == 5
    assert figure() == 5
    assert school.year.id is not None


def test_rag_reads_the_settings_once_and_follows_an_edit(session) -> None:  # type: ignore[no-untyped-def]
    make_school(session)
    session.commit()
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        words = [rag(0.8, session)[0] for _ in range(50)]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert words == ["Amber"] * 50  # 90 % green, 75 % amber by default
    assert sum("school_settings" in s for s in statements) <= 1
    session.get(SchoolSettings, 1).rag_amber = 85
    session.commit()
    assert rag(0.8, session)[0] == "Red"


def test_the_years_costs_follow_an_edit_to_a_group(session) -> None:  # type: ignore[no-untyped-def]
    school = make_school(session)
    provision = make_provision(session, "Precision Teaching")
    group = make_group(session, provision, school.year, staff=school.ta, name="PT group A")
    add_member(session, group, make_pupil(session, "Ahmed", school.year_group))
    session.commit()
    before = year_costs(session, school.year.id, TODAY)
    assert year_costs(session, school.year.id, TODAY) is before
    # Three sessions a week (its slots) for twelve weeks cost £108.00; six cost twice that.
    assert before.by_group[group.id].planned == Decimal("108.00")
    groups.update(session, group.id, "sessions_per_week", 6)
    session.commit()
    after = year_costs(session, school.year.id, TODAY)
    assert after is not before
    assert after.by_group[group.id].planned == Decimal("216.00")
