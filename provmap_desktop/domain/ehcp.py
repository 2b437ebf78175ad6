"""EHC plans: the plan's dates, its Section E outcomes and its Section F provision.

Each function takes the session first, checks what it is given, changes the session
without committing and returns a ``Change``. Removing a plan, an outcome or an item can
be undone: the rows come back with their ids (a plan with its outcomes and items), so
links to them still hold.

    plan = ehcp.add_plan(session, pupil_id)
    item = ehcp.add_item(session, plan.row_id, "1:1 reading, 3 x 20 minutes a week", 60)
    ehcp.update_item(session, item.row_id, "provision_id", provision_id)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..models import Ehcp, EhcpOutcome, EhcpProvisionItem, GroupMembership, Provision, Pupil
from .change import (
    Change,
    Changed,
    ChildRowsAdded,
    ChildRowsRemoved,
    DomainError,
    FieldRule,
    Kind,
)
from .change import set_field as _set_field

PUPILS = Changed.of(Kind.PUPILS)
#: The longest LA reference the plan holds.
MAX_LA_REFERENCE = 40


def _settle(session: Session, rows: Sequence[Any]) -> None:
    """Let the plan and pupil rows see children added or removed (no stale lists)."""
    for row in rows:
        if isinstance(row, Ehcp):
            owner: Any = session.get(Pupil, row.pupil_id)
            names = ["ehcp"]
        else:
            owner = session.get(Ehcp, row.ehcp_id)
            names = ["outcomes", "provision_items", "annual_reviews"]
        if owner is not None and inspect(owner).persistent:
            session.expire(owner, names)


def _get(session: Session, model: type, key: int, what: str) -> Any:
    row = session.get(model, key)
    if row is None:
        raise DomainError(f"That {what} is no longer in the database.")
    return row


def _remove(session: Session, rows: list[Any]) -> Change:
    change = ChildRowsRemoved(rows, PUPILS, _settle)
    change.redo(session)
    return change


def _add(session: Session, row: Any) -> ChildRowsAdded:
    session.add(row)
    session.flush()
    _settle(session, [row])
    return ChildRowsAdded([row], PUPILS, _settle)


# -- the plan -------------------------------------------------------------------------


def _date_or_none(label: str) -> FieldRule:
    def rule(_session: Session, _row: Any, value: Any) -> Any:
        if value is not None and not isinstance(value, dt.date):
            raise DomainError(f"The {label} must be a date.")
        return value

    return rule


def _issued(session: Session, plan: Ehcp, value: Any) -> Any:
    value = _date_or_none("issue date")(session, plan, value)
    review = plan.next_review_date
    if value is not None and review is not None and review < value:
        raise DomainError(
            f"The plan cannot be issued after its next annual review ({review:%d/%m/%Y})."
        )
    return value


def _next_review(session: Session, plan: Ehcp, value: Any) -> Any:
    value = _date_or_none("next annual review")(session, plan, value)
    issued = plan.issued_date
    if value is not None and issued is not None and value < issued:
        raise DomainError(
            f"The next annual review cannot be before the plan was issued ({issued:%d/%m/%Y})."
        )
    return value


def _la_reference(_session: Session, _plan: Ehcp, value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_LA_REFERENCE:
        raise DomainError(
            f"The LA reference is {len(text)} characters long; it can have at most "
            f"{MAX_LA_REFERENCE}."
        )
    return text


#: The fields of a plan ``update_plan`` may set, each with its rule.
PLAN_RULES: dict[str, FieldRule] = {
    "issued_date": _issued,
    "next_review_date": _next_review,
    "la_reference": _la_reference,
    "notes": lambda _s, _r, value: str(value or ""),
}


def add_plan(session: Session, pupil_id: int, la_reference: str = "") -> ChildRowsAdded:
    """Record that the pupil has an EHC plan (empty, to fill in); one plan per pupil."""
    pupil = _get(session, Pupil, pupil_id, "pupil")
    if pupil.ehcp is not None:
        raise DomainError(f"{pupil.display_name} already has an EHC plan.")
    plan = Ehcp(pupil_id=pupil_id, la_reference="", notes="")
    plan.la_reference = _la_reference(session, plan, la_reference)
    return _add(session, plan)


def update_plan(session: Session, plan_id: int, field_name: str, value: Any) -> Change:
    """Set one field of the plan (dates, LA reference, notes) through its rule."""
    return _set_field(session, Ehcp, plan_id, field_name, value, PLAN_RULES, PUPILS)


def remove_plan(session: Session, plan_id: int) -> Change:
    """Remove the plan with its outcomes, Section F items and annual reviews; undo brings
    them all back."""
    plan = _get(session, Ehcp, plan_id, "EHC plan")
    return _remove(session, [plan, *plan.outcomes, *plan.provision_items, *plan.annual_reviews])


# -- Section E: outcomes --------------------------------------------------------------


def _outcome_text(_session: Session, _row: Any, value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise DomainError("An outcome needs some words; remove it rather than leave it blank.")
    return text


def add_outcome(session: Session, plan_id: int, text: str = "New outcome") -> ChildRowsAdded:
    """Add a Section E outcome at the end of the plan's list."""
    plan = _get(session, Ehcp, plan_id, "EHC plan")
    order = max((o.sort_order for o in plan.outcomes), default=0) + 1
    words = _outcome_text(session, None, text)
    return _add(session, EhcpOutcome(ehcp_id=plan_id, text=words, sort_order=order))


def update_outcome(session: Session, outcome_id: int, text: str) -> Change:
    """Change the words of a Section E outcome (never to nothing)."""
    rules = {"text": _outcome_text}
    return _set_field(session, EhcpOutcome, outcome_id, "text", text, rules, PUPILS)


def remove_outcome(session: Session, outcome_id: int) -> Change:
    """Remove a Section E outcome; undo brings it back with its id and place."""
    return _remove(session, [_get(session, EhcpOutcome, outcome_id, "outcome")])


# -- Section F: provision items -------------------------------------------------------


def _item_text(_session: Session, _row: Any, value: Any) -> str:
    text = str(value or "")
    if not text.strip():
        raise DomainError("A Section F item needs some words; remove it rather than blank it.")
    return text


def _minutes(_session: Session, _row: Any, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(f"Minutes a week: {value!r} is not a whole number of minutes.")
    return value


def _provision(session: Session, _row: Any, value: Any) -> int | None:
    if value is not None and session.get(Provision, value) is None:
        raise DomainError("That provision is no longer in the catalogue.")
    return value


def _membership(session: Session, item: EhcpProvisionItem, value: Any) -> int | None:
    if value is None:
        return None
    membership = session.get(GroupMembership, value)
    if membership is None:
        raise DomainError("That allocation is no longer in the database.")
    plan = session.get(Ehcp, item.ehcp_id)
    if plan is None or membership.pupil_id != plan.pupil_id:
        raise DomainError("That allocation is another pupil's, not this plan's pupil.")
    return value


#: The fields of a Section F item ``update_item`` may set, each with its rule.
ITEM_RULES: dict[str, FieldRule] = {
    "text": _item_text,
    "minutes_per_week": _minutes,
    "provision_id": _provision,
    "membership_id": _membership,
}


def add_item(
    session: Session,
    plan_id: int,
    text: str = "New Section F item",
    minutes_per_week: int | None = None,
    provision_id: int | None = None,
) -> ChildRowsAdded:
    """Add a Section F item at the end of the plan's list (link it with ``update_item``)."""
    plan = _get(session, Ehcp, plan_id, "EHC plan")
    order = max((i.sort_order for i in plan.provision_items), default=0) + 1
    item = EhcpProvisionItem(
        ehcp_id=plan_id,
        text=_item_text(session, None, text),
        minutes_per_week=_minutes(session, None, minutes_per_week),
        provision_id=_provision(session, None, provision_id),
        sort_order=order,
    )
    return _add(session, item)


def update_item(session: Session, item_id: int, field_name: str, value: Any) -> Change:
    """Set one field of a Section F item (text, minutes, provision, allocation)."""
    return _set_field(session, EhcpProvisionItem, item_id, field_name, value, ITEM_RULES, PUPILS)


def remove_item(session: Session, item_id: int) -> Change:
    """Remove a Section F item; undo brings it back with its id, text and links."""
    return _remove(session, [_get(session, EhcpProvisionItem, item_id, "Section F item")])
