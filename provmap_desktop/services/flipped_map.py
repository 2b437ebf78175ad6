"""The provision map turned round: provisions as rows, the pupils in them as columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from .map_building import build_map
from .provision_map import GroupInfo, MapFilters, MapRow, MapSnapshot, MemberInfo, PupilInfo


@dataclass
class FlippedCell:
    """A pupil's allocation(s) to one provision in the period."""

    provision_id: int
    pupil_id: int
    allocations: list[tuple[GroupInfo, MemberInfo]] = field(default_factory=list)
    #: Delivered / planned sessions to date, filled later by the delivery service.
    delivery_rate: Decimal | None = None


@dataclass
class FlippedMap:
    """Provisions × pupils: the pupils with at least one allocation in the period."""

    snapshot: MapSnapshot
    rows: list[MapRow]
    pupils: list[PupilInfo]
    cells: dict[tuple[int, int], FlippedCell]

    def cell(self, provision_id: int, pupil_id: int) -> FlippedCell | None:
        """The pupil's allocations to the provision, if any."""
        return self.cells.get((provision_id, pupil_id))


def flipped_map(
    source: MapSnapshot | Session,
    academic_year_id: int | None = None,
    term_name: str | None = None,
    *,
    filters: MapFilters | None = None,
) -> FlippedMap:
    """The map turned round: provisions with members as rows, their pupils as columns.

    Pass a snapshot, or a session with the arguments of ``build_map``. Pupils are
    ordered by year group, then surname and forename.
    """
    if isinstance(source, MapSnapshot):
        snapshot = source
    else:
        if academic_year_id is None:
            raise ValueError("An academic year is needed to build the map.")
        snapshot = build_map(source, academic_year_id, term_name, filters=filters)
    order = {c.id: c.sort_order for c in snapshot.columns}
    cells: dict[tuple[int, int], FlippedCell] = {}
    rows: list[MapRow] = []
    for row in snapshot.rows:
        members = [(g, m) for g in row.groups() for m in g.members]
        if members:
            rows.append(row)
        for group, member in members:
            key = (row.provision_id, member.pupil_id)
            cell = cells.setdefault(key, FlippedCell(row.provision_id, member.pupil_id))
            cell.allocations.append((group, member))
    for cell in cells.values():
        cell.allocations.sort(key=lambda a: (a[1].join_date, a[0].id))
    pupils = sorted(
        snapshot.pupils.values(),
        key=lambda p: (order.get(p.year_group_id, 9_999), *p.sort_key, p.id),
    )
    return FlippedMap(snapshot, rows, pupils, cells)
