"""Planning a year: projected needs, the gap analysis, cost, deployment and training.

``build_plan(session, "2027/28", today)`` works the whole plan out at once for the
Planning screen and the printed plan; each part is in its own module.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...models import PlannedNeed
from .budget import PlanCost, plan_cost
from .deployment import Clash, Deployment, TrainingGap, clashes, deployment, training_gaps
from .gaps import GapAnalysis, gap_analysis
from .needs import NeedsRow, planned_needs, projected_needs
from .scope import PlanScope, load_scope


@dataclass
class Plan:
    """The whole plan for one year."""

    scope: PlanScope
    needs: list[NeedsRow]
    planned: list[PlannedNeed]
    gaps: GapAnalysis
    cost: PlanCost
    deployment: list[Deployment]
    clashes: list[Clash]
    training: list[TrainingGap]

    @property
    def label(self) -> str:
        return self.scope.label

    @property
    def groups_text(self) -> str:
        """Where the planned groups come from, in a sentence."""
        count = len(self.scope.groups)
        if self.scope.copied_forward and self.scope.current is not None:
            return (
                f"{count} groups copied forward from {self.scope.current.label} "
                "(those still running at its last half-term), with the pupils who stay."
            )
        return f"{count} groups planned for {self.label}."


def build_plan(session: Session, year_label: str, today: dt.date) -> Plan:
    """Work out the plan for the year labelled ``year_label`` as it stands on ``today``."""
    scope = load_scope(session, year_label, today)
    planned = planned_needs(session, year_label)
    by_area: dict[str, int] = defaultdict(int)
    for need in planned:
        by_area[need.area] += need.pupils
    return Plan(
        scope=scope,
        needs=projected_needs(session, scope),
        planned=planned,
        gaps=gap_analysis(scope, by_area),
        cost=plan_cost(session, scope, today),
        deployment=deployment(session, scope),
        clashes=clashes(scope),
        training=training_gaps(session, scope),
    )


__all__ = ["Plan", "build_plan"]
