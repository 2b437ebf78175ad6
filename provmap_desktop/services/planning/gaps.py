"""The gap analysis: needs against the provision planned for them.

Rules, each over the plan's pupils and groups (``scope.PlanScope``):

- **Unmet need**: a pupil with a need in an area (primary or secondary need) who is in
  no planned group of a provision in that area.
- **Possible overuse**: a provision whose planned groups hold pupils but none of them
  has a need in the provision's area.
- **Overlap**: a pupil in three or more planned groups in the same area.
- **Capacity**: for each area, the places in its planned groups (each group's size)
  against the pupils needing it (pupils with a need in the area, plus needs planned
  by hand in it).
- **Not suitable**: a member of a planned group whose year group is not one the
  provision is suitable for (a provision naming no year groups suits all).
- **EHC plan Section F not matched**: an item of a plan of a pupil who will be there
  with no planned group of its provision (or, with no provision named, no allocation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ...models.vocab import AREA_LABELS, AreaOfNeed
from .scope import PlanScope


@dataclass(frozen=True)
class GapLine:
    """One finding: the heading it belongs to, the names it is about, and what it says."""

    year_group: str
    area: str
    names: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class CapacityLine:
    area: str
    places: int
    needing: int

    @property
    def text(self) -> str:
        """Short or spare in words."""
        if self.needing > self.places:
            return f"short by {self.needing - self.places}"
        if self.places > self.needing:
            return f"{self.places - self.needing} spare"
        return "just enough"


@dataclass
class GapAnalysis:
    unmet: list[GapLine]
    overuse: list[GapLine]
    overlap: list[GapLine]
    capacity: list[CapacityLine]
    unsuitable: list[GapLine]
    ehcp_unmatched: list[GapLine]


def _name(scope: PlanScope, pupil_id: int) -> str:
    return scope.pupils[pupil_id].name


def _year_group(scope: PlanScope, pupil_id: int) -> str:
    year_group_id = scope.pupils[pupil_id].year_group_id
    return scope.year_group_names.get(year_group_id or 0, "")


def _sorted_ids(scope: PlanScope, ids: set[int]) -> list[int]:
    return sorted(ids, key=lambda i: (scope.pupils[i].surname, _name(scope, i)))


def unmet_needs(scope: PlanScope) -> list[GapLine]:
    """Pupils with a need in an area and no planned provision in it, by year group."""
    missing: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pupil_id in scope.pupils:
        covered = {g.area for g in scope.groups_of(pupil_id)}
        for area in scope.areas_of(pupil_id) - covered:
            missing[(_year_group(scope, pupil_id), area)].add(pupil_id)
    lines = []
    for (year_group, area), ids in sorted(missing.items()):
        names = tuple(_name(scope, i) for i in _sorted_ids(scope, ids))
        label = AREA_LABELS[AreaOfNeed(area)]
        lines.append(GapLine(year_group, area, names, f"no provision in {label}"))
    return lines


def possible_overuse(scope: PlanScope) -> list[GapLine]:
    """Provisions whose planned pupils have no need in the provision's area."""
    members: dict[int, set[int]] = defaultdict(set)
    names: dict[int, tuple[str, str]] = {}
    for group in scope.groups:
        members[group.provision_id] |= group.member_ids
        names[group.provision_id] = (group.provision_name, group.area)
    lines = []
    for provision_id, ids in members.items():
        name, area = names[provision_id]
        if ids and not any(area in scope.areas_of(i) for i in ids):
            pupils = tuple(_name(scope, i) for i in _sorted_ids(scope, ids))
            text = f"{name}: no pupil in it has a need in {AREA_LABELS[AreaOfNeed(area)]}"
            lines.append(GapLine("", area, pupils, text))
    return sorted(lines, key=lambda line: line.text)


def overlaps(scope: PlanScope, at_least: int = 3) -> list[GapLine]:
    """Pupils in ``at_least`` or more planned groups in one area."""
    lines = []
    for pupil_id in _sorted_ids(scope, set(scope.pupils)):
        by_area: dict[str, list[str]] = defaultdict(list)
        for group in scope.groups_of(pupil_id):
            by_area[group.area].append(group.label)
        for area, labels in sorted(by_area.items()):
            if len(labels) >= at_least:
                text = f"{len(labels)} provisions in {AREA_LABELS[AreaOfNeed(area)]}: " + (
                    ", ".join(sorted(labels))
                )
                year_group = _year_group(scope, pupil_id)
                lines.append(GapLine(year_group, area, (_name(scope, pupil_id),), text))
    return lines


def capacity(scope: PlanScope, planned_by_hand: dict[str, int]) -> list[CapacityLine]:
    """Places in planned groups against pupils needing them, area by area."""
    places: dict[str, int] = defaultdict(int)
    for group in scope.groups:
        places[group.area] += group.max_size
    needing: dict[str, int] = defaultdict(int)
    for pupil_id in scope.pupils:
        for area in scope.areas_of(pupil_id):
            needing[area] += 1
    return [
        CapacityLine(
            area.value, places[area.value], needing[area.value] + planned_by_hand.get(area, 0)
        )
        for area in AreaOfNeed
    ]


def unsuitable(scope: PlanScope) -> list[GapLine]:
    """Pupils in a planned group whose provision does not suit their year group."""
    lines = []
    for group in scope.groups:
        suits = group.suits
        if not suits:
            continue
        ids = {i for i in group.member_ids if scope.pupils[i].year_group_id not in suits}
        if ids:
            allowed = group.suits_names
            pupils = tuple(
                f"{_name(scope, i)} ({_year_group(scope, i)})" for i in _sorted_ids(scope, ids)
            )
            text = f"{group.label} is for {allowed}"
            lines.append(GapLine("", group.area, pupils, text))
    return lines


def ehcp_unmatched(scope: PlanScope) -> list[GapLine]:
    """Section F items of pupils who will be there, not met by a planned group."""
    lines = []
    for pupil_id in _sorted_ids(scope, set(scope.pupils)):
        items = scope.pupils[pupil_id].section_f
        groups = scope.groups_of(pupil_id)
        provisions = {g.provision_id for g in groups}
        for item in items:
            met = (
                item.provision_id in provisions
                if item.provision_id
                else bool(groups) and (item.membership_id is not None)
            )
            if not met:
                minutes = f" ({item.minutes_per_week} min a week)" if item.minutes_per_week else ""
                lines.append(
                    GapLine(
                        _year_group(scope, pupil_id),
                        "",
                        (_name(scope, pupil_id),),
                        f"{item.text}{minutes}",
                    )
                )
    return lines


def gap_analysis(scope: PlanScope, planned_by_hand: dict[str, int]) -> GapAnalysis:
    """Every rule above over the plan."""
    return GapAnalysis(
        unmet=unmet_needs(scope),
        overuse=possible_overuse(scope),
        overlap=overlaps(scope),
        capacity=capacity(scope, planned_by_hand),
        unsuitable=unsuitable(scope),
        ehcp_unmatched=ehcp_unmatched(scope),
    )
