"""The costed map's lines: one group, one provision, one pupil, one heading's totals,
and the whole ``CostedSummary`` that holds them, with the words put beside a total.

``costed_tables.costed_summary`` fills these from the cost engine's figures; the Costs
screen, the costed PDF and the spreadsheet export show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..models.vocab import AREA_LABELS, AreaOfNeed
from .cost_limits import BudgetTotals, ThresholdTotals
from .costing import CostedMap
from .formatting import format_money, round_money

AREA_ORDER = {area.value: n for n, area in enumerate(AreaOfNeed)}


def area_label(code: str) -> str:
    """The area of need's name for its code; an unknown code as it is."""
    try:
        return AREA_LABELS[AreaOfNeed(code)]
    except ValueError:
        return code


def threshold_difference_words(total: Decimal, threshold: Decimal) -> str:
    """``'over by £412.00'``, ``'£1,234.56 under'`` or ``'at the threshold'`` (to the penny)."""
    difference = round_money(total - threshold)
    if difference > 0:
        return f"over by {format_money(difference)}"
    if difference < 0:
        return f"{format_money(-difference)} under"
    return "at the threshold"


def threshold_line(total: Decimal, threshold: Decimal) -> str:
    """``'£6,000.00 threshold: £1,234.56 under'`` or ``'£6,000.00 threshold: over by …'``."""
    return f"{format_money(threshold)} threshold: {threshold_difference_words(total, threshold)}"


@dataclass(frozen=True)
class GroupLine:
    """One group's costing; ``planned``/``to_date`` are the scope's part of it."""

    group_id: int
    provision: str
    group: str
    area: str
    wave: int
    year_group: str
    class_name: str
    staff: str
    funding_stream: str
    start: dt.date
    end: dt.date
    sessions_per_week: int
    session_minutes: int
    hourly_rate: Decimal
    session_cost: Decimal
    teaching_weeks: Decimal
    staff_cost: Decimal
    external_cost: Decimal
    resources_cost: Decimal
    delivered_sessions: int
    pupils: int
    allocated: Decimal  # the part of ``planned`` shared by pupils
    planned: Decimal
    to_date: Decimal
    one_to_one: bool = False
    most_pupils_at_once: int = 0

    @property
    def cost_per_pupil(self) -> Decimal | None:
        """The average pupil's share: allocated cost / pupils costed."""
        return self.allocated / self.pupils if self.pupils else None

    @property
    def note(self) -> str:
        """What a reader must know about the group's cost, or ``""``."""
        if self.one_to_one and self.most_pupils_at_once > 1:
            return f"1:1 group with {self.most_pupils_at_once} pupils: each costs the full session"
        return ""


@dataclass(frozen=True)
class ProvisionLine:
    provision_id: int
    name: str
    area: str
    wave: int
    funding_stream: str
    groups: int
    pupils: int
    allocated: Decimal
    planned: Decimal
    to_date: Decimal

    @property
    def cost_per_pupil(self) -> Decimal | None:
        return self.allocated / self.pupils if self.pupils else None


@dataclass(frozen=True)
class PupilLine:
    pupil_id: int
    upn: str
    name: str
    year_group: str
    class_name: str
    sen_status: str
    planned: Decimal
    to_date: Decimal


@dataclass(frozen=True)
class TotalLine:
    heading: str
    planned: Decimal
    to_date: Decimal


@dataclass
class CostedSummary:
    """The costed map of one period and scope, as rows ready to show."""

    school_name: str
    year_label: str
    term_name: str | None
    year_group_name: str | None
    start: dt.date
    end: dt.date
    as_of: dt.date
    weeks_per_year: int
    planned: Decimal
    to_date: Decimal
    unallocated: Decimal
    groups: list[GroupLine]
    provisions: list[ProvisionLine]
    pupils: list[PupilLine]
    by_year_group: list[TotalLine]
    by_area: list[TotalLine]
    by_wave: list[TotalLine]
    by_funding_stream: list[TotalLine]
    by_staff: list[TotalLine]
    threshold: ThresholdTotals
    budget: BudgetTotals | None
    costed: CostedMap
    annual: CostedMap  # the whole year's map (the same object when no term is chosen)

    @property
    def period_label(self) -> str:
        term = f", {self.term_name} term" if self.term_name else ""
        return f"{self.year_label}{term}"

    @property
    def scope_label(self) -> str:
        return self.year_group_name or "Whole school"

    @property
    def pupils_costed(self) -> int:
        return len(self.pupils)
