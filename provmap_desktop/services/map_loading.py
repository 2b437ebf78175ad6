"""Loading the map's groups, slots and members: a handful of queries, plain rows.

Each table is read once for the whole map (or, after an edit, for just the groups
named in ``only``), and the rows are indexed in dicts for ``map_building``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Executable, Select, bindparam, select
from sqlalchemy.orm import Session

from ..models import (
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    YearGroup,
)
from .dates import from_iso, from_iso_or_none, groups_in_period, iso_text, memberships_in_period
from .past_places import CLASS_THEN, ON_ROLL_THEN, YEAR_GROUP_THEN, with_places
from .provision_map import GroupInfo, MapFilters, MemberInfo, PupilInfo, YearGroupColumn, slot_text

Slots = dict[int, list[tuple[int, dt.time | None]]]


def year_groups(session: Session) -> tuple[list[YearGroupColumn], dict[int, int | None]]:
    """The school's year groups in order, and the year group of each class."""
    columns = [
        YearGroupColumn(yg_id, name, order)
        for yg_id, name, order in session.execute(
            select(YearGroup.id, YearGroup.name, YearGroup.sort_order).order_by(
                YearGroup.sort_order
            )
        )
    ]
    class_year = dict(session.execute(select(SchoolClass.id, SchoolClass.year_group_id)).all())
    return columns, class_year  # type: ignore[return-value]


def _provisions(session: Session, only: Collection[int] | None) -> dict[int, Any]:
    """The provision rows the groups need (all, or those of the groups in ``only``)."""
    query = select(
        Provision.id,
        Provision.name,
        Provision.area,
        Provision.wave,
        Provision.retired,
        Provision.session_minutes,
        Provision.sessions_per_week,
        Provision.group_size,
    )
    if only is not None:
        # Reloading a few groups after an edit: read just their provisions.
        chosen = select(ProvisionGroup.provision_id).where(ProvisionGroup.id.in_(list(only)))
        query = query.where(Provision.id.in_(chosen))
    return {row.id: row for row in session.execute(query)}


#: The period's bounds and the groups asked for, as bound parameters: the map's
#: statements are built once (building a statement costs more than running it).
_YEAR: BindParameter[Any] = bindparam("year_id")
_FIRST: BindParameter[Any] = bindparam("first")
_LAST: BindParameter[Any] = bindparam("last")
_ONLY: BindParameter[Any] = bindparam("only", expanding=True)


_AREAS: BindParameter[Any] = bindparam("areas", expanding=True)
_WAVES: BindParameter[Any] = bindparam("waves", expanding=True)


def _period_params(
    year_id: int,
    start: dt.date,
    end: dt.date,
    only: Collection[int] | None,
    filters: MapFilters | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"year_id": year_id, "first": start, "last": end}
    if only is not None:
        params["only"] = list(only)
    if filters is not None and filters.areas:
        params["areas"] = sorted(filters.areas)
    if filters is not None and filters.waves:
        params["waves"] = sorted(filters.waves)
    return params


def _shape(params: dict[str, Any]) -> tuple[bool, bool, bool]:
    """Which of the optional parameters (groups named, areas, waves) ``params`` holds."""
    return ("only" in params, "areas" in params, "waves" in params)


def _groups_chosen(
    only: bool, areas: bool = False, waves: bool = False
) -> tuple[ColumnElement[bool], ...]:
    """The period's groups: those named in ``only``, of provisions in ``areas`` and
    ``waves`` when the map is filtered by them (a filtered map reads only what it shows)."""
    chosen = groups_in_period(_YEAR, _FIRST, _LAST)  # type: ignore[arg-type]
    if only:
        chosen = (*chosen, ProvisionGroup.id.in_(_ONLY))
    if areas or waves:
        kinds = select(Provision.id)
        if areas:
            kinds = kinds.where(Provision.area.in_(_AREAS))
        if waves:
            kinds = kinds.where(Provision.wave.in_(_WAVES))
        chosen = (*chosen, ProvisionGroup.provision_id.in_(kinds))
    return chosen


@cache
def _slots_query(only: bool, areas: bool, waves: bool) -> Executable:
    return (
        select(GroupSlot.group_id, GroupSlot.weekday, GroupSlot.start_time)
        .join(ProvisionGroup)
        .where(*_groups_chosen(only, areas, waves))
    )


def _slots(session: Session, params: dict[str, Any]) -> Slots:
    """The weekday and start time of each slot of the chosen groups, by group id."""
    slots: Slots = defaultdict(list)
    query = _slots_query(*_shape(params))
    for group_id, weekday, start_time in session.execute(query, params):
        slots[group_id].append((weekday, start_time))
    return slots


def _shows_group(provision: Any, staff_id: int | None, filters: MapFilters) -> bool:
    """Whether the filters let a group of this provision and member of staff show."""
    if filters.areas and provision.area not in filters.areas:
        return False
    if filters.waves and provision.wave not in filters.waves:
        return False
    return not (filters.staff_ids and staff_id not in filters.staff_ids)


def _group_info(row: Any, provision: Any, slots: Slots) -> GroupInfo:
    """One group's record from its row, its provision's defaults filling the gaps."""
    g_id, p_id, yg_id, cls_id, name, staff_id, first, last, per_week, mins, size, staff = row
    return GroupInfo(
        id=g_id,
        provision_id=p_id,
        year_group_id=yg_id,
        class_id=cls_id,
        name=name,
        staff_id=staff_id,
        staff_name=staff or "",
        slot_text=slot_text(slots.get(g_id, ())),
        start_date=from_iso(first),
        end_date=from_iso(last),
        sessions_per_week=provision.sessions_per_week if per_week is None else per_week,
        session_minutes=provision.session_minutes if mins is None else mins,
        max_size=provision.group_size if size is None else size,
    )


def load_groups(
    session: Session,
    year_id: int,
    start: dt.date,
    end: dt.date,
    filters: MapFilters,
    only: Collection[int] | None = None,
    known_provisions: dict[int, Any] | None = None,
) -> tuple[dict[int, GroupInfo], dict[int, Any]]:
    """The period's groups with their slot text, and the provision rows they belong to.

    Each group's row comes with its member of staff's name; the slots are read only
    when there are groups to hold them.
    """
    provisions = known_provisions if known_provisions is not None else _provisions(session, only)
    params = _period_params(year_id, start, end, only, filters)
    rows = session.execute(_groups_query(*_shape(params)), params).all()
    groups: dict[int, GroupInfo] = {}
    if not rows:
        return groups, provisions
    slots = _slots(session, params)
    for row in rows:
        provision = provisions.get(row[1])
        if provision is None:  # a provision the snapshot does not show
            continue
        if _shows_group(provision, row[5], filters):
            groups[row[0]] = _group_info(row, provision, slots)
    return groups, provisions


@cache
def _groups_query(only: bool, areas: bool, waves: bool) -> Select[Any]:
    """The period's groups, each with its member of staff's name."""
    return (
        select(
            ProvisionGroup.id,
            ProvisionGroup.provision_id,
            ProvisionGroup.year_group_id,
            ProvisionGroup.class_id,
            ProvisionGroup.name,
            ProvisionGroup.staff_id,
            iso_text(ProvisionGroup.start_date),
            iso_text(ProvisionGroup.end_date),
            ProvisionGroup.sessions_per_week,
            ProvisionGroup.session_minutes,
            ProvisionGroup.max_size,
            Staff.name,
        )
        .outerjoin(Staff, Staff.id == ProvisionGroup.staff_id)
        .where(*_groups_chosen(only, areas, waves))
    )


@cache
def _members_query(include_archived: bool, only: bool, areas: bool, waves: bool) -> Select[Any]:
    """The period's memberships with their pupils' facts, as one query."""
    query = (
        select(
            GroupMembership.id,
            GroupMembership.group_id,
            iso_text(GroupMembership.join_date),
            iso_text(GroupMembership.leave_date),
            Pupil.id,
            Pupil.upn,
            Pupil.surname,
            Pupil.forename,
            Pupil.preferred_name,
            YEAR_GROUP_THEN,
            CLASS_THEN,
            Pupil.sen_status,
        )
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .join(Pupil, GroupMembership.pupil_id == Pupil.id)
        .where(
            *_groups_chosen(False, areas, waves),
            memberships_in_period(_FIRST, _LAST),  # type: ignore[arg-type]
        )
    )
    # A closed year shows each pupil where they were then, leavers included.
    query = with_places(query, _YEAR)  # type: ignore[arg-type]
    if not include_archived:
        query = query.where(ON_ROLL_THEN)
    if only:
        query = query.where(GroupMembership.group_id.in_(_ONLY))
    return query


def load_members(
    session: Session,
    year_id: int,
    start: dt.date,
    end: dt.date,
    groups: dict[int, GroupInfo],
    filters: MapFilters,
    only: Collection[int] | None = None,
) -> dict[int, PupilInfo]:
    """Attach the period's members to ``groups``; return the pupils seen."""
    pupils: dict[int, PupilInfo] = {}
    params = _period_params(year_id, start, end, only, filters)
    query = _members_query(filters.include_archived, *_shape(params))
    for row in session.execute(query, params):
        m_id, g_id, join, leave, p_id, upn, surname, forename, preferred, yg, cls, sen = row
        group = groups.get(g_id)
        if group is None:
            continue
        if filters.sen_statuses and sen not in filters.sen_statuses:
            continue
        if filters.class_ids and cls not in filters.class_ids:
            continue
        pupil = pupils.get(p_id)
        if pupil is None:
            name = f"{preferred or forename} {surname}"
            pupil = PupilInfo(p_id, upn, name, surname, forename, yg, cls, sen)
            pupils[p_id] = pupil
        group.members.append(
            MemberInfo(
                m_id,
                p_id,
                pupil.display_name,
                from_iso_or_none(join) or start,
                from_iso_or_none(leave),
            )
        )
    return pupils
