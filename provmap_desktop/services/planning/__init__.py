"""Planning a year: projected needs, the gap analysis, cost, deployment and training.

``build_plan(session, "2027/28", today)`` reads the year's pupils and groups at once
(``scope``) and works out the projected needs; each other part (the gap analysis, the
cost against budget, deployment, clashes and training) is worked out the first time it
is asked for, so a screen showing one part does not wait for the others. Each part is
in its own module.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cached_property

from sqlalchemy.orm import Session

from ...models import PlannedNeed
from .budget import PlanCost, plan_cost
from .deployment import Clash, Deployment, TrainingGap, clashes, deployment, training_gaps
from .gaps import GapAnalysis, gap_analysis
from .needs import NeedsRow, planned_needs, projected_needs
from .scope import PlanScope, load_scope


class Plan:
    """The whole plan for one year; parts other than the needs are worked out when used."""

    def __init__(self, session: Session, scope: PlanScope, today: dt.date) -> None:
        self.session = session
        self.scope = scope
        self.today = today
        self.planned: list[PlannedNeed] = planned_needs(session, scope.label)
        self.needs: list[NeedsRow] = projected_needs(session, scope)

    @property
    def label(self) -> str:
        return self.scope.label

    @cached_property
    def gaps(self) -> GapAnalysis:
        by_area: dict[str, int] = defaultdict(int)
        for need in self.planned:
            by_area[need.area] += need.pupils
        return gap_analysis(self.scope, by_area)

    @cached_property
    def cost(self) -> PlanCost:
        return plan_cost(self.session, self.scope, self.today)

    @cached_property
    def deployment(self) -> list[Deployment]:
        return deployment(self.session, self.scope)

    @cached_property
    def clashes(self) -> list[Clash]:
        return clashes(self.scope)

    @cached_property
    def training(self) -> list[TrainingGap]:
        return training_gaps(self.session, self.scope)

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
    """The plan for the year labelled ``year_label`` as it stands on ``today``."""
    return Plan(session, load_scope(session, year_label, today), today)


__all__ = ["Plan", "build_plan"]
