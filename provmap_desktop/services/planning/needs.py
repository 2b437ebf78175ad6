"""Projected needs by year group: who will be there, their SEN status, areas and types.

A year group with more than one class is followed by a row for each of its classes.

Counts come from the pupils the plan holds (``scope.PlanScope.pupils``): a pupil with
a primary and a secondary need in two areas counts once in each area; need types
count both needs. Needs planned by hand are added up by grade beside them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import PlannedNeed, SchoolClass, YearGroup
from ...models.vocab import AreaOfNeed, SenStatus
from .scope import PlanPupil, PlanScope


@dataclass
class NeedsRow:
    """One year group's projected needs."""

    year_group_id: int | None
    year_group: str
    pupils: int = 0
    sen_support: int = 0
    ehc_plans: int = 0
    by_area: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    planned: Counter[str] = field(default_factory=Counter)  # pupils by grade, by hand

    @property
    def types_text(self) -> str:
        """Need types most common first: "SPLD 3, MLD 2"."""
        ranked = sorted(self.by_type.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{code} {count}" for code, count in ranked)

    @property
    def planned_text(self) -> str:
        """Pupils planned by hand, by grade: "must 4, could 2"."""
        order = ("must", "should", "could")
        return ", ".join(f"{g} {self.planned[g]}" for g in order if self.planned[g])


def planned_needs(session: Session, year_label: str) -> list[PlannedNeed]:
    """The needs planned by hand for the year, by year group then area."""
    query = (
        select(PlannedNeed)
        .join(YearGroup)
        .where(PlannedNeed.academic_year_label == year_label)
        .order_by(YearGroup.sort_order, PlannedNeed.area, PlannedNeed.id)
    )
    return list(session.scalars(query))


def projected_needs(session: Session, scope: PlanScope) -> list[NeedsRow]:
    """One row per year group (in school order) and a last row for the whole school."""
    rows: dict[int | None, NeedsRow] = {
        y.id: NeedsRow(y.id, y.name)
        for y in session.scalars(select(YearGroup).order_by(YearGroup.sort_order))
    }
    total = NeedsRow(None, "Whole school")
    classes: dict[int, NeedsRow] = {}
    names = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
    for pupil in scope.pupils.values():
        row = rows.get(pupil.year_group_id) or rows.setdefault(
            pupil.year_group_id, NeedsRow(None, "No year group")
        )
        _count(row, pupil)
        if pupil.class_id is not None:
            name = f"  {names.get(pupil.class_id, '')}"
            _count(classes.setdefault(pupil.class_id, NeedsRow(pupil.year_group_id, name)), pupil)
    for row in rows.values():
        total.pupils += row.pupils
        total.sen_support += row.sen_support
        total.ehc_plans += row.ehc_plans
        total.by_type.update(row.by_type)
        total.by_area.update(row.by_area)
    for need in planned_needs(session, scope.label):
        for target in (rows.setdefault(need.year_group_id, NeedsRow(None, "?")), total):
            target.planned[need.grade] += need.pupils
        if need.class_id in classes:
            classes[need.class_id].planned[need.grade] += need.pupils
    shown: list[NeedsRow] = []
    for key, row in rows.items():
        if not (row.pupils or row.planned):
            continue
        shown.append(row)
        own = sorted((c for c in classes.values() if c.year_group_id == key),
                     key=lambda c: c.year_group)  # fmt: skip
        if len(own) > 1:
            shown += own
    return [*shown, total]


def _count(row: NeedsRow, pupil: PlanPupil) -> None:
    """Count one pupil in a row."""
    row.pupils += 1
    row.sen_support += pupil.sen_status == SenStatus.SEN_SUPPORT.value
    row.ehc_plans += pupil.sen_status == SenStatus.EHCP.value
    for code in pupil.needs:
        row.by_type[code] += 1
    for area in pupil.areas:
        row.by_area[area] += 1


AREAS: tuple[AreaOfNeed, ...] = tuple(AreaOfNeed)
