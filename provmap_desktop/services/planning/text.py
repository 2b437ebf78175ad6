"""The plan laid out as text rows and sections, the same on screen and on paper.

Status is always in words ("short by 2", "over by 1 h 30 min"), never by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...models import PlannedNeed
from ...models.vocab import AREA_LABELS, NEED_TYPES, AreaOfNeed
from ..cost_limits import BudgetRow
from ..formatting import format_money, round_money
from . import Plan
from .deployment import WEEKDAYS, Deployment, format_minutes
from .gaps import GapLine

AREA_SHORT: dict[str, str] = {"CI": "C&I", "CL": "C&L", "SEMH": "SEMH", "SP": "S&P"}

NEEDS_HEADERS: tuple[str, ...] = (
    "Year group", "Pupils", "SEN support", "EHC plans", *AREA_SHORT.values(),
    "Need types", "Planned by hand",
)  # fmt: skip
COST_HEADERS: tuple[str, ...] = ("Funding stream", "Budget", "Planned cost", "Difference")
STAFF_HEADERS: tuple[str, ...] = (
    "Member of staff", "Contracted", *(d[:3] for d in WEEKDAYS), "Not on a day", "Planned",
    "Against contract",
)  # fmt: skip


@dataclass(frozen=True)
class Section:
    """A heading, what it means, and its lines (none: "None found.")."""

    heading: str
    about: str
    lines: list[str]


def needs_rows(plan: Plan) -> list[list[object]]:
    """One row per year group and the whole school, as ``NEEDS_HEADERS``."""
    return [
        [
            row.year_group, row.pupils, row.sen_support, row.ehc_plans,
            *(row.by_area[a] for a in AREA_SHORT), row.types_text, row.planned_text,
        ]
        for row in plan.needs
    ]  # fmt: skip


def difference(budget: Decimal | None, planned: Decimal) -> str:
    """The budget against the planned cost in words."""
    if budget is None:
        return "no budget set"
    gap = round_money(budget) - round_money(planned)
    if gap < 0:
        return f"over budget by {format_money(-gap)}"
    return f"{format_money(gap)} left" if gap else "on budget"


def cost_rows(plan: Plan) -> list[list[str]]:
    """Each funding stream and the total, as ``COST_HEADERS``."""
    rows: list[BudgetRow] = plan.cost.rows
    lines = [
        [r.name, format_money(r.budget, blank="none set"), format_money(r.planned),
         difference(r.budget, r.planned)]
        for r in rows
    ]  # fmt: skip
    budgets_set = any(r.budget is not None for r in rows)
    total_budget = plan.cost.total_budget if budgets_set else None
    lines.append(
        [
            "Total",
            format_money(total_budget, blank="none set"),
            format_money(plan.cost.total_planned),
            difference(total_budget, plan.cost.total_planned),
        ]
    )
    return lines


def cost_note(plan: Plan) -> str:
    """Where the figures come from, in a sentence or two."""
    note = plan.groups_text
    if plan.cost.budget_year != plan.label:
        note += (
            f" No budgets are set for {plan.label} yet: the budgets shown are "
            f"{plan.cost.budget_year}'s."
        )
    return note


def _hours(minutes: int | None) -> str:
    return "not set" if minutes is None else format_minutes(minutes)


def staff_row(person: Deployment) -> list[str]:
    """One person's row, as ``STAFF_HEADERS``."""
    return [
        person.name, _hours(person.contracted),
        *(format_minutes(m) if m else "" for m in person.by_day),
        format_minutes(person.unplaced) if person.unplaced else "",
        format_minutes(person.planned), person.status,
    ]  # fmt: skip


def _count(number: int, noun: str) -> str:
    """ "1 place", "3 places"."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _gap(line: GapLine) -> str:
    where = f"{line.year_group}: " if line.year_group else ""
    names = ", ".join(line.names)
    return f"{where}{line.text}: {names}" if names else f"{where}{line.text}"


def gap_sections(plan: Plan) -> list[Section]:
    """The gap analysis, rule by rule."""
    gaps = plan.gaps
    capacity = [
        f"{AREA_LABELS[AreaOfNeed(c.area)]}: {_count(c.places, 'place')} for "
        f"{_count(c.needing, 'pupil')} needing: {c.text}"
        for c in gaps.capacity
    ]
    return [
        Section("Needs with no provision",
                "Pupils with a need in an area and no planned provision in it.",
                [_gap(g) for g in gaps.unmet]),
        Section("Possible overuse",
                "Provision none of whose pupils has a need in its area.",
                [_gap(g) for g in gaps.overuse]),
        Section("Overlap",
                "Pupils with three or more provisions in the same area.",
                [_gap(g) for g in gaps.overlap]),
        Section("Capacity",
                "Places in the planned groups against the pupils needing them "
                "(including needs planned by hand).", capacity),
        Section("Not suitable for the year group",
                "Pupils in provision meant for other year groups.",
                [_gap(g) for g in gaps.unsuitable]),
        Section("EHC plan provision not matched",
                "Section F items with no planned provision: carried into the year.",
                [_gap(g) for g in gaps.ehcp_unmatched]),
    ]  # fmt: skip


def over_hours_line(person: Deployment) -> str:
    """ "Mrs Doyle: 31 h 15 min planned against 30 h: over by 1 h 15 min"."""
    assert person.contracted is not None
    return (
        f"{person.name}: {format_minutes(person.planned)} planned against "
        f"{format_minutes(person.contracted)}: {person.status}"
    )


def staff_sections(plan: Plan) -> list[Section]:
    """Who is over their hours, the timetable clashes and the training the plan needs."""
    over = [p for p in plan.deployment if p.difference is not None and p.difference > 0]
    return [
        Section("Over contracted hours",
                "People planned for more intervention time a week than they are contracted for.",
                [over_hours_line(p) for p in over]),
        Section("Timetable clashes",
                "Two groups at the same time that need the same adult, or the same pupil "
                "in two places.",
                [c.text for c in plan.clashes]),
        Section("Training needed",
                "Groups led by someone not trained for them: who needs what.",
                [f"{t.staff_name}: {t.training} (for {', '.join(t.groups)})"
                 for t in plan.training]),
    ]  # fmt: skip


def planned_need_line(need: PlannedNeed) -> str:
    """A planned need in a line: "Year 3: 4 pupils, Cognition and learning, must: note"."""
    where = need.year_group.name + (f" ({need.school_class.name})" if need.school_class else "")
    kind = AREA_LABELS[AreaOfNeed(need.area)]
    if need.need_type:
        kind += f", {NEED_TYPES[need.need_type]}"
    note = f": {need.note}" if need.note else ""
    return f"{where}: {need.pupils} pupil{'s' * (need.pupils != 1)}, {kind}, {need.grade}{note}"
