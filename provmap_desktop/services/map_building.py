"""Building the provision map of a period, and bringing groups up to date after an edit.

``build_map`` reads the period's groups, slots and memberships with a handful of
queries (``map_loading``) and lays them out in the plain records of ``provision_map``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, provision_year_groups
from ..models.vocab import AreaOfNeed
from .calendar import period_range
from .map_loading import load_groups, load_members, year_groups
from .provision_map import (
    NO_YEAR_GROUP,
    GroupInfo,
    MapFilters,
    MapRow,
    MapSnapshot,
    PupilInfo,
    YearGroupColumn,
)

_AREA_ORDER = {area.value: i for i, area in enumerate(AreaOfNeed)}


def _group_order(group: GroupInfo) -> tuple[dt.date, str, int]:
    """Groups in a cell run by start date, then name."""
    return (group.start_date, group.name, group.id)


def _column_of(group: GroupInfo, class_year: dict[int, int | None]) -> int | None:
    """The year group column of a group: its own, else its class's."""
    if group.year_group_id is None and group.class_id is not None:
        return class_year.get(group.class_id)
    return group.year_group_id


def _shown_groups(groups: dict[int, GroupInfo], filters: MapFilters) -> dict[int, GroupInfo]:
    """The groups a member filter leaves: those with a chosen member or for a chosen class."""
    if not filters.filters_members:
        return groups
    return {
        g_id: g
        for g_id, g in groups.items()
        if g.members or (g.class_id is not None and g.class_id in filters.class_ids)
    }


def _map_rows(
    session: Session, provisions: dict[int, Any], filters: MapFilters
) -> dict[int, MapRow]:
    """An empty row for each provision the area and wave filters let show."""
    suitable: dict[int, set[int]] = defaultdict(set)
    for p_id, yg_id in session.execute(select(provision_year_groups)):
        suitable[p_id].add(yg_id)
    rows: dict[int, MapRow] = {}
    for p in provisions.values():
        if filters.areas and p.area not in filters.areas:
            continue
        if filters.waves and p.wave not in filters.waves:
            continue
        rows[p.id] = MapRow(
            provision_id=p.id,
            name=p.name,
            area=p.area,
            wave=p.wave,
            retired=p.retired,
            session_minutes=p.session_minutes,
            sessions_per_week=p.sessions_per_week,
            group_size=p.group_size,
            suitable_year_group_ids=frozenset(suitable.get(p.id, ())),
        )
    return rows


def _place_groups(
    rows: dict[int, MapRow],
    groups: dict[int, GroupInfo],
    pupils: dict[int, PupilInfo],
    class_year: dict[int, int | None],
) -> bool:
    """Put each group, its members sorted, in its cell; say if any has no year group."""
    has_loose = False
    for group in sorted(groups.values(), key=_group_order):
        group.members.sort(key=lambda m: (pupils[m.pupil_id].sort_key, m.join_date))
        column = _column_of(group, class_year)
        has_loose = has_loose or column is None
        rows[group.provision_id].cells.setdefault(column, []).append(group)
    return has_loose


def build_map(
    session: Session,
    academic_year_id: int,
    term_name: str | None = None,
    *,
    filters: MapFilters | None = None,
) -> MapSnapshot:
    """The map of a term (or of the whole year when ``term_name`` is None).

    Rows: every provision that passes the area and wave filters and is not retired,
    plus retired ones that still have groups in the period. A cell holds that
    provision's groups for that year group (a class-only group goes under its class's
    year group; a group with neither goes in a trailing "No year group" column).
    Members within a group are sorted by surname. Raises ``ValueError`` for an
    unknown year or term.
    """
    filters = filters or MapFilters()
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    start, end = period_range(year, term_name)
    columns, class_year = year_groups(session)
    groups, provisions = load_groups(session, year.id, start, end, filters)
    pupils = load_members(session, year.id, start, end, groups, filters)
    groups = _shown_groups(groups, filters)
    rows = _map_rows(session, provisions, filters)
    if _place_groups(rows, groups, pupils, class_year):
        columns.append(YearGroupColumn(NO_YEAR_GROUP, "No year group", 10_000))
    kept = [r for r in rows.values() if not r.retired or r.cells]
    kept.sort(key=lambda r: (_AREA_ORDER.get(r.area, 99), r.wave, r.name.casefold()))
    return MapSnapshot(
        academic_year_id=year.id,
        academic_year_label=year.label,
        term_name=term_name,
        period_start=start,
        period_end=end,
        filters=filters,
        columns=columns,
        rows=kept,
        pupils=pupils,
        groups=groups,
    )


def _take_out(snapshot: MapSnapshot, ids: set[int]) -> set[int]:
    """Remove the groups from the snapshot; return the provisions whose rows lost one."""
    changed: set[int] = set()
    for group_id in ids:
        old = snapshot.groups.pop(group_id, None)
        if old is None:
            continue
        changed.add(old.provision_id)
        row = snapshot.row(old.provision_id)
        if row is None:
            continue
        for cell in row.cells.values():
            if old in cell:
                cell.remove(old)
        row.cells = {k: v for k, v in row.cells.items() if v}
    return changed


def _put_in(
    snapshot: MapSnapshot, fresh: dict[int, GroupInfo], class_year: dict[int, int | None]
) -> set[int]:
    """Put the fresh groups in their cells; return the provisions whose rows gained one."""
    changed: set[int] = set()
    for group in sorted(fresh.values(), key=_group_order):
        row = snapshot.row(group.provision_id)
        if row is None:
            continue
        group.members.sort(key=lambda m: (snapshot.pupils[m.pupil_id].sort_key, m.join_date))
        cell = row.cells.setdefault(_column_of(group, class_year), [])
        cell.append(group)
        cell.sort(key=_group_order)
        snapshot.groups[group.id] = group
        changed.add(group.provision_id)
    return changed


def reload_groups(session: Session, snapshot: MapSnapshot, group_ids: Collection[int]) -> set[int]:
    """Bring the given groups of ``snapshot`` up to date in place, after an edit.

    Groups that no longer run in the period (or no longer exist) are taken out; new
    ones are put in their cell. Returns the ids of the provisions whose rows changed.
    A group that lands in a provision row or column the snapshot does not show is left
    out; the caller rebuilds the whole map when it needs that row.
    """
    ids = set(group_ids)
    if not ids:
        return set()
    filters = snapshot.filters
    start, end, year_id = snapshot.period_start, snapshot.period_end, snapshot.academic_year_id
    shown = {row.provision_id: row for row in snapshot.rows}
    fresh, _ = load_groups(session, year_id, start, end, filters, only=ids, known_provisions=shown)
    snapshot.pupils.update(load_members(session, year_id, start, end, fresh, filters, only=ids))
    fresh = _shown_groups(fresh, filters)
    changed = _take_out(snapshot, ids)
    _, class_year = (
        year_groups(session) if any(g.year_group_id is None for g in fresh.values()) else ([], {})
    )
    return changed | _put_in(snapshot, fresh, class_year)
