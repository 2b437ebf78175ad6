"""The EHC plan domain: the plan, its Section E outcomes and its Section F items.

Removals are undone with the rows' own ids (a plan with its children), so a test
checks the ids and links a second session reads from the file.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from provmap_desktop.domain import ehcp
from provmap_desktop.domain.change import DomainError
from provmap_desktop.models import (
    Ehcp,
    EhcpOutcome,
    EhcpProvisionItem,
    GroupMembership,
    Provision,
)

from ._pupil_file import School, school_fixture

__all__ = ["school_fixture"]


def _plan_for(school: School, name: str = "Ava") -> int:
    change = ehcp.add_plan(school.session, school.ids[name], "LA/123")
    school.session.commit()
    return change.row_id


def _ids(school: School, model: type) -> list[int]:
    with school.fresh() as s:
        return list(s.scalars(select(model.id).order_by(model.id)))  # type: ignore[attr-defined]


def _current_membership(school: School, name: str = "Ava") -> int:
    with school.fresh() as s:
        return s.scalars(
            select(GroupMembership.id)
            .where(GroupMembership.pupil_id == school.ids[name])
            .order_by(GroupMembership.join_date.desc())
        ).first()  # type: ignore[return-value]


def _provision(school: School) -> int:
    with school.fresh() as s:
        return s.scalars(select(Provision.id)).one()


# -- the plan -------------------------------------------------------------------------


def test_add_plan_then_undo_then_redo_keeps_its_id(school: School) -> None:
    change = ehcp.add_plan(school.session, school.ids["Cal"])
    school.session.commit()
    plan_id = change.row_id
    with school.fresh() as s:
        assert s.get(Ehcp, plan_id).pupil_id == school.ids["Cal"]  # type: ignore[union-attr]
    change.undo(school.session)
    school.session.commit()
    assert _ids(school, Ehcp) == []
    change.redo(school.session)
    school.session.commit()
    assert _ids(school, Ehcp) == [plan_id]


def test_a_second_plan_for_the_same_pupil_is_refused(school: School) -> None:
    _plan_for(school)
    with pytest.raises(DomainError, match="already has an EHC plan"):
        ehcp.add_plan(school.session, school.ids["Ava"])
    school.session.commit()
    assert len(_ids(school, Ehcp)) == 1


def test_plan_dates_are_saved_and_a_review_before_issue_is_refused(school: School) -> None:
    plan_id = _plan_for(school)
    ehcp.update_plan(school.session, plan_id, "issued_date", dt.date(2026, 3, 1))
    school.session.commit()
    with pytest.raises(DomainError, match="cannot be before the plan was issued"):
        ehcp.update_plan(school.session, plan_id, "next_review_date", dt.date(2026, 2, 1))
    school.session.commit()
    with school.fresh() as s:
        plan = s.get(Ehcp, plan_id)
        assert plan is not None
        assert (plan.issued_date, plan.next_review_date) == (dt.date(2026, 3, 1), None)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("la_reference", "R" * 41, "at most 40"),
        ("issued_date", "soon", "must be a date"),
        ("pupil_id", 1, "cannot be changed here"),
    ],
)
def test_a_wrong_plan_value_is_refused_and_the_plan_kept(
    school: School, field: str, value: object, words: str
) -> None:
    plan_id = _plan_for(school)
    with pytest.raises(DomainError, match=words):
        ehcp.update_plan(school.session, plan_id, field, value)
    school.session.commit()
    with school.fresh() as s:
        plan = s.get(Ehcp, plan_id)
        assert plan is not None
        assert (plan.la_reference, plan.issued_date) == ("LA/123", None)
        assert plan.pupil_id == school.ids["Ava"]


def test_remove_plan_then_undo_brings_back_the_plan_and_its_children(school: School) -> None:
    plan_id = _plan_for(school)
    outcome = ehcp.add_outcome(school.session, plan_id, "Read 50 common words")
    item = ehcp.add_item(school.session, plan_id, "Precision teaching", 60, _provision(school))
    ehcp.update_item(school.session, item.row_id, "membership_id", _current_membership(school))
    school.session.commit()

    removed = ehcp.remove_plan(school.session, plan_id)
    school.session.commit()
    assert _ids(school, Ehcp) == []
    assert _ids(school, EhcpOutcome) == []
    assert _ids(school, EhcpProvisionItem) == []

    removed.undo(school.session)
    school.session.commit()
    assert _ids(school, Ehcp) == [plan_id]
    assert _ids(school, EhcpOutcome) == [outcome.row_id]
    with school.fresh() as s:
        back = s.get(EhcpProvisionItem, item.row_id)
        assert back is not None
        assert back.ehcp_id == plan_id
        assert (back.minutes_per_week, back.membership_id) == (60, _current_membership(school))

    removed.redo(school.session)
    school.session.commit()
    assert _ids(school, Ehcp) == []
    assert _ids(school, EhcpProvisionItem) == []


# -- Section E ------------------------------------------------------------------------


def test_outcomes_are_added_in_order_edited_and_never_blank(school: School) -> None:
    plan_id = _plan_for(school)
    first = ehcp.add_outcome(school.session, plan_id)
    second = ehcp.add_outcome(school.session, plan_id, "Write a sentence")
    ehcp.update_outcome(school.session, first.row_id, "  Read 50 common words ")
    school.session.commit()
    with pytest.raises(DomainError, match="needs some words"):
        ehcp.update_outcome(school.session, second.row_id, "   ")
    school.session.commit()
    with school.fresh() as s:
        plan = s.get(Ehcp, plan_id)
        assert plan is not None
        assert [o.text for o in plan.outcomes] == ["Read 50 common words", "Write a sentence"]


def test_remove_outcome_then_undo_brings_it_back_with_its_id(school: School) -> None:
    plan_id = _plan_for(school)
    kept = ehcp.add_outcome(school.session, plan_id, "First")
    gone = ehcp.add_outcome(school.session, plan_id, "Second")
    school.session.commit()
    removed = ehcp.remove_outcome(school.session, gone.row_id)
    school.session.commit()
    assert _ids(school, EhcpOutcome) == [kept.row_id]
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        back = s.get(EhcpOutcome, gone.row_id)
        assert back is not None
        assert (back.text, back.sort_order) == ("Second", 2)


# -- Section F ------------------------------------------------------------------------


def test_remove_item_then_undo_brings_it_back_with_its_id_and_links(school: School) -> None:
    plan_id = _plan_for(school)
    membership = _current_membership(school)
    item = ehcp.add_item(school.session, plan_id, "3 x 20 minutes reading", 60, _provision(school))
    ehcp.update_item(school.session, item.row_id, "membership_id", membership)
    school.session.commit()

    removed = ehcp.remove_item(school.session, item.row_id)
    school.session.commit()
    assert _ids(school, EhcpProvisionItem) == []
    removed.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        back = s.get(EhcpProvisionItem, item.row_id)
        assert back is not None
        assert (back.text, back.membership_id) == ("3 x 20 minutes reading", membership)
    removed.redo(school.session)
    school.session.commit()
    assert _ids(school, EhcpProvisionItem) == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("text", "  ", "needs some words"),
        ("minutes_per_week", -5, "not a whole number"),
        ("minutes_per_week", "lots", "not a whole number"),
        ("provision_id", 9999, "no longer in the catalogue"),
        ("membership_id", 9999, "no longer in the database"),
        ("sort_order", 7, "cannot be changed here"),
    ],
)
def test_a_wrong_item_value_is_refused_and_the_item_kept(
    school: School, field: str, value: object, words: str
) -> None:
    plan_id = _plan_for(school)
    item = ehcp.add_item(school.session, plan_id, "Speech therapy", 30)
    school.session.commit()
    with pytest.raises(DomainError, match=words):
        ehcp.update_item(school.session, item.row_id, field, value)
    school.session.commit()
    with school.fresh() as s:
        kept = s.get(EhcpProvisionItem, item.row_id)
        assert kept is not None
        assert (kept.text, kept.minutes_per_week, kept.provision_id) == ("Speech therapy", 30, None)
        assert (kept.membership_id, kept.sort_order) == (None, 1)


def test_an_item_cannot_be_met_by_another_pupils_allocation(school: School) -> None:
    plan_id = _plan_for(school, "Ben")
    item = ehcp.add_item(school.session, plan_id)
    school.session.commit()
    with pytest.raises(DomainError, match="another pupil's"):
        ehcp.update_item(school.session, item.row_id, "membership_id", _current_membership(school))
    school.session.commit()
    with school.fresh() as s:
        assert s.get(EhcpProvisionItem, item.row_id).membership_id is None  # type: ignore[union-attr]


def test_an_item_edit_undoes_and_redoes(school: School) -> None:
    plan_id = _plan_for(school)
    item = ehcp.add_item(school.session, plan_id, "Speech therapy", 30)
    school.session.commit()
    change = ehcp.update_item(school.session, item.row_id, "minutes_per_week", 45)
    school.session.commit()
    change.undo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(EhcpProvisionItem, item.row_id).minutes_per_week == 30  # type: ignore[union-attr]
    change.redo(school.session)
    school.session.commit()
    with school.fresh() as s:
        assert s.get(EhcpProvisionItem, item.row_id).minutes_per_week == 45  # type: ignore[union-attr]
