"""The records the cost engine hands out: totals, one group's costs, the costed map.

How the figures are worked out is told in ``costing``; these are plain holders of
``Decimal`` pounds, never rounded here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass
class Totals:
    """Planned cost and cost to date for one heading."""

    planned: Decimal = ZERO
    to_date: Decimal = ZERO

    def add(self, planned: Decimal, to_date: Decimal) -> None:
        """Add a planned cost and a cost to date."""
        self.planned += planned
        self.to_date += to_date

    def add_from(self, other: Totals) -> None:
        """Add another heading's totals."""
        self.planned += other.planned
        self.to_date += other.to_date


@dataclass
class GroupCost:
    """One group's costs over the period, with the parts they are made of."""

    group_id: int
    provision_id: int
    year_group_id: int | None
    class_id: int | None
    staff_id: int | None
    is_one_to_one: bool
    hourly_rate: Decimal
    session_cost: Decimal
    sessions_per_week: int
    teaching_weeks: Decimal
    staff_cost: Decimal = ZERO
    external_cost: Decimal = ZERO
    resources_cost: Decimal = ZERO
    to_date: Decimal = ZERO
    delivered_sessions: int = 0
    #: The most pupils who are members on one teaching day of the period.
    most_pupils_at_once: int = 0
    unallocated: Totals = field(default_factory=Totals)
    pupil_shares: dict[int, Totals] = field(default_factory=dict)

    @property
    def planned(self) -> Decimal:
        """Staff, external and resources costs together."""
        return self.staff_cost + self.external_cost + self.resources_cost

    def _share(self, pupil_id: int) -> Totals:
        """The pupil's share, made empty on first use."""
        return self.pupil_shares.setdefault(pupil_id, Totals())


@dataclass
class CostedMap:
    """Every cost of one academic year, or of one term of it, by each heading."""

    academic_year_id: int
    term_name: str | None
    start: dt.date
    end: dt.date
    as_of: dt.date
    weeks_per_year: int
    by_group: dict[int, GroupCost]
    by_pupil: dict[int, Totals]
    by_provision: dict[int, Totals]
    by_year_group: dict[int | None, Totals]
    by_class: dict[int | None, Totals]
    by_area: dict[str, Totals]
    by_wave: dict[int, Totals]
    by_funding_stream: dict[int | None, Totals]
    by_staff: dict[int | None, Totals]
    total: Totals
    unallocated: Totals

    def pupil_groups(self, pupil_id: int) -> list[tuple[GroupCost, Totals]]:
        """The groups a pupil is costed in, with their share of each."""
        return [
            (group, group.pupil_shares[pupil_id])
            for group in self.by_group.values()
            if pupil_id in group.pupil_shares
        ]
