"""Cost against budget for the planned year, from the cost engine.

When the year has its own groups, their costs come from ``costing.cost_map`` of that
year and the budgets are that year's (``cost_limits.budget_totals``). When the plan is
this year's groups copied forward, each group costs what it costs this year (its
annual cost from this year's costed map), and each funding stream's budget is the
planned year's where set, else this year's (the plan says which).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import FundingBudget, FundingStream
from ..cost_limits import BudgetRow, budget_totals
from ..cost_records import ZERO
from ..costing import cost_map
from .scope import PlanScope


@dataclass(frozen=True)
class PlanCost:
    """Each funding stream's planned cost against its budget, and whose budgets they are."""

    rows: list[BudgetRow]
    budget_year: str
    group_costs: dict[int, Decimal]

    @property
    def total_planned(self) -> Decimal:
        return sum((r.planned for r in self.rows), ZERO)

    @property
    def total_budget(self) -> Decimal:
        return sum((r.budget for r in self.rows if r.budget is not None), ZERO)


def _budgets(session: Session, year_id: int) -> dict[int, Decimal]:
    query = select(FundingBudget.funding_stream_id, FundingBudget.amount).where(
        FundingBudget.academic_year_id == year_id
    )
    return dict(session.execute(query).all())  # type: ignore[arg-type]


def plan_cost(session: Session, scope: PlanScope, today: dt.date) -> PlanCost:
    """The plan's cost by funding stream against the budgets."""
    if not scope.copied_forward:
        if scope.year is None:
            return PlanCost([], scope.label, {})
        costed = cost_map(session, scope.year, as_of=today)
        totals = budget_totals(session, scope.year, costed=costed)
        costs = {g.id: costed.by_group[g.id].planned for g in scope.groups
                 if g.id in costed.by_group}  # fmt: skip
        return PlanCost(totals.rows, scope.label, costs)
    assert scope.current is not None
    costed = cost_map(session, scope.current, as_of=today)
    costs = {g.id: costed.by_group[g.id].planned for g in scope.groups}
    by_stream: dict[int | None, Decimal] = defaultdict(Decimal)
    for group in scope.groups:
        by_stream[group.funding_stream_id] += costs[group.id]
    budgets = _budgets(session, scope.year.id) if scope.year is not None else {}
    budget_year = scope.label
    if not any(budgets.values()):
        budgets, budget_year = _budgets(session, scope.current.id), scope.current.label
    rows = [
        BudgetRow(stream_id, name, kind, budgets.get(stream_id), by_stream.get(stream_id, ZERO),
                  ZERO)
        for stream_id, name, kind in session.execute(
            select(FundingStream.id, FundingStream.name, FundingStream.kind).order_by(
                FundingStream.name
            )
        )
    ]  # fmt: skip
    if by_stream.get(None):
        rows.append(BudgetRow(None, "No funding stream", "", None, by_stream[None], ZERO))
    return PlanCost(rows, budget_year, costs)
