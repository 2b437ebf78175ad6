"""Funding streams (notional SEN, pupil premium, high-needs top-up, other) and the
budget of each stream for each academic year.

A stream's name is required and unique and its kind one of ``FundingKind``. A budget is
money to the penny, never negative; a year has at most one budget per stream.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, FundingBudget, FundingStream
from ..models.vocab import FundingKind
from .change import Change, DomainError, FieldRule, NoChange, RowsAdded, set_field, unused_name_in
from .school import SETTINGS, money, text


def _unique_stream_name(session: Session, stream: FundingStream, value: Any) -> str:
    """A stream's name: required, at most 80 characters, no other stream's."""
    name = text("funding stream's name", 80, required=True)(session, stream, value)
    clash = session.scalar(
        select(FundingStream.id).where(FundingStream.name == name, FundingStream.id != stream.id)
    )
    if clash is not None:
        raise DomainError(f"There is already a funding stream called {name}.")
    return name


def _known_kind(_session: Session, _stream: FundingStream, value: Any) -> str:
    """A stream's kind: one of ``FundingKind``."""
    try:
        return FundingKind(value).value
    except ValueError:
        raise DomainError(f"'{value}' is not a kind of funding.") from None


STREAM_RULES: dict[str, FieldRule] = {"name": _unique_stream_name, "kind": _known_kind}
BUDGET_RULES: dict[str, FieldRule] = {"amount": money("budget")}


def add_stream(
    session: Session, name: str | None = None, kind: FundingKind | str = FundingKind.OTHER
) -> Change:
    """Add a funding stream; with no name it is "New funding stream 1" (or the next free)."""
    stream = FundingStream(name="")
    chosen = (
        name
        if name is not None
        else unused_name_in(session, FundingStream.name, "New funding stream")
    )
    stream.name = _unique_stream_name(session, stream, chosen)
    stream.kind = _known_kind(session, stream, kind)
    session.add(stream)
    session.flush()
    return RowsAdded([stream], SETTINGS)


def update_stream(session: Session, stream_id: int, field: str, value: Any) -> Change:
    """Set a funding stream's name or kind by its rule."""
    return set_field(session, FundingStream, stream_id, field, value, STREAM_RULES, SETTINGS)


def update_budget(session: Session, budget_id: int, field: str, value: Any) -> Change:
    """Set one field of an existing budget row (its ``amount``) by its rule."""
    return set_field(session, FundingBudget, budget_id, field, value, BUDGET_RULES, SETTINGS)


def _checked_year(session: Session, academic_year_id: int) -> None:
    """Refuse an academic year that is not in the database."""
    if session.get(AcademicYear, academic_year_id) is None:
        raise DomainError("That academic year no longer exists.")


def set_budget(
    session: Session, stream_id: int, academic_year_id: int, amount: Decimal | int | str
) -> Change:
    """Set the stream's budget for the year, making the budget row if it has none."""
    stream = session.get(FundingStream, stream_id)
    if stream is None:
        raise DomainError("That funding stream no longer exists.")
    _checked_year(session, academic_year_id)
    budget = session.scalar(
        select(FundingBudget).where(
            FundingBudget.funding_stream_id == stream_id,
            FundingBudget.academic_year_id == academic_year_id,
        )
    )
    if budget is not None:
        return update_budget(session, budget.id, "amount", amount)
    value = BUDGET_RULES["amount"](session, None, amount)
    budget = FundingBudget(
        funding_stream_id=stream_id, academic_year_id=academic_year_id, amount=value
    )
    session.add(budget)
    session.flush()
    return RowsAdded([budget], SETTINGS)


def add_missing_budgets(session: Session, academic_year_id: int) -> Change:
    """Give every stream without a budget for the year a budget of nothing (£0.00).

    A budget of nothing is the truthful default, and a row to type the amount into.
    """
    _checked_year(session, academic_year_id)
    have = set(
        session.scalars(
            select(FundingBudget.funding_stream_id).where(
                FundingBudget.academic_year_id == academic_year_id
            )
        )
    )
    streams = session.scalars(select(FundingStream.id).order_by(FundingStream.name))
    made = [
        FundingBudget(funding_stream_id=s, academic_year_id=academic_year_id, amount=Decimal(0))
        for s in streams
        if s not in have
    ]
    if not made:
        return NoChange()
    session.add_all(made)
    session.flush()
    return RowsAdded(made, SETTINGS)
