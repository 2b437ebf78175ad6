"""The provision map as a snapshot: provisions × year groups for one period.

``build_map`` reads the period's groups, slots and memberships with a handful of
queries and indexes them in dicts, so the grid, the PDF and the spreadsheet all draw
from one plain structure with no lazy loads behind it. Rows are provisions, ordered
by area of need, then wave, then name; columns are the school's year groups.

A group counts in the period when its dates overlap it; a member counts when their
membership overlaps it. Adult hours per week of a group are
``sessions_per_week × session_minutes / 60`` (the group's own values, else the
provision's). Costs are not worked out here: each row has a ``cost_per_pupil`` slot
that the caller fills from the cost engine.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    GroupMembership,
    GroupSlot,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    Staff,
    YearGroup,
    provision_year_groups,
)
from ..models.vocab import AREA_LABELS, AreaOfNeed
from .calendar import period_range
from .dates import from_iso, from_iso_or_none, groups_in_period, iso_text, memberships_in_period
from .formatting import format_date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_AREA_ORDER = {area.value: i for i, area in enumerate(AreaOfNeed)}
#: The column key for groups with neither a year group nor a class in one.
NO_YEAR_GROUP: None = None


def _frozen(values: Iterable[Any] | None) -> frozenset[Any]:
    return frozenset(values or ())


@dataclass(frozen=True)
class MapFilters:
    """What to show. An empty set means "no filter" on that heading.

    ``areas`` and ``waves`` choose provision rows; ``staff_ids`` chooses groups;
    ``sen_statuses`` and ``class_ids`` choose members, and a group left with no
    member of the chosen kind is hidden (unless the group itself is for a chosen class).
    Archived pupils are left out unless ``include_archived``.
    """

    areas: frozenset[str] = frozenset()
    waves: frozenset[int] = frozenset()
    sen_statuses: frozenset[str] = frozenset()
    class_ids: frozenset[int] = frozenset()
    staff_ids: frozenset[int] = frozenset()
    include_archived: bool = False

    def __post_init__(self) -> None:
        # Accept lists or tuples from callers but keep the dataclass hashable.
        for name in ("areas", "waves", "sen_statuses", "class_ids", "staff_ids"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @property
    def filters_members(self) -> bool:
        return bool(self.sen_statuses or self.class_ids)


@dataclass(frozen=True)
class PupilInfo:
    id: int
    upn: str
    display_name: str
    surname: str
    forename: str
    year_group_id: int | None
    class_id: int | None
    sen_status: str

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.surname.casefold(), self.forename.casefold())


@dataclass(frozen=True)
class MemberInfo:
    """One membership of a group that overlaps the period."""

    membership_id: int
    pupil_id: int
    display_name: str
    join_date: dt.date
    leave_date: dt.date | None


@dataclass
class GroupInfo:
    """A group running in the period, with its members in the period."""

    id: int
    provision_id: int
    year_group_id: int | None
    class_id: int | None
    name: str
    staff_id: int | None
    staff_name: str
    slot_text: str
    start_date: dt.date
    end_date: dt.date
    sessions_per_week: int
    session_minutes: int
    max_size: int
    members: list[MemberInfo] = field(default_factory=list)

    @property
    def adult_minutes_per_week(self) -> int:
        return self.sessions_per_week * self.session_minutes

    @property
    def pupil_ids(self) -> set[int]:
        return {m.pupil_id for m in self.members}

    def joined_late(self, member: MemberInfo, period_start: dt.date) -> bool:
        """Whether the pupil joined after the group started, inside the period.

        A pupil who was there from the group's first day needs no date beside their
        name, however late in the period the group began.
        """
        return member.join_date > max(self.start_date, period_start)

    def left_early(self, member: MemberInfo, period_end: dt.date) -> bool:
        """Whether the pupil's allocation ends before the group does, inside the period."""
        return member.leave_date is not None and member.leave_date < min(self.end_date, period_end)

    def has_ended(self, member: MemberInfo, period_end: dt.date, today: dt.date) -> bool:
        """Whether the pupil has left the group for good by ``today``, before it ended.

        Their history stays on the map of the period; it is shown as ended.
        """
        return (
            self.left_early(member, period_end)
            and member.leave_date is not None
            and member.leave_date <= today
        )

    def end_note(self, member: MemberInfo, period_end: dt.date, today: dt.date) -> str:
        """``ended 23/11/2026`` for a pupil who has left before the group ended,
        ``until 11/12/2026`` for one who will; empty for one who stays to the end."""
        if member.leave_date is None or not self.left_early(member, period_end):
            return ""
        word = "ended" if member.leave_date <= today else "until"
        return f"{word} {format_date(member.leave_date)}"

    def current_members(self, period_end: dt.date, today: dt.date) -> list[MemberInfo]:
        """The members who have not left the group by ``today``."""
        return [m for m in self.members if not self.has_ended(m, period_end, today)]

    def label(self, provision_name: str, column_name: str = "") -> str:
        """The group's name when it tells the reader more than its row and column do.

        Empty for an unnamed group, or one named after its provision, optionally with
        its year group ("Phonics catch-up", "Phonics catch-up – Year 2"); otherwise the
        name as the school wrote it ("Springboard 4", "Incredible Years").
        """
        name = _plain(self.name)
        if not name or name in {
            _plain(provision_name),
            _plain(f"{provision_name} {column_name}"),
        }:
            return ""
        return self.name.strip()


def _plain(text: str) -> str:
    """Letters and digits only, folded: how two names are compared for sameness."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True)
class MapTotals:
    """Distinct pupils and adult time per week over some groups."""

    pupils: int = 0
    adult_minutes_per_week: int = 0

    @property
    def adult_hours_per_week(self) -> Decimal:
        return Decimal(self.adult_minutes_per_week) / 60


def _totals(groups: Iterable[GroupInfo]) -> MapTotals:
    pupils: set[int] = set()
    minutes = 0
    for group in groups:
        pupils |= group.pupil_ids
        minutes += group.adult_minutes_per_week
    return MapTotals(len(pupils), minutes)


@dataclass
class MapRow:
    """A provision: its header facts and its cells keyed by year group id."""

    provision_id: int
    name: str
    area: str
    wave: int
    retired: bool
    session_minutes: int
    sessions_per_week: int
    group_size: int
    suitable_year_group_ids: frozenset[int]
    cells: dict[int | None, list[GroupInfo]] = field(default_factory=dict)
    #: Filled by the caller from the cost engine; None until then.
    cost_per_pupil: Decimal | None = None

    @property
    def frequency_text(self) -> str:
        """``3×10 min``: sessions a week × minutes a session."""
        return f"{self.sessions_per_week}×{self.session_minutes} min"

    @property
    def area_label(self) -> str:
        return AREA_LABELS.get(AreaOfNeed(self.area), self.area)

    def groups(self) -> list[GroupInfo]:
        return [g for cell in self.cells.values() for g in cell]

    @property
    def totals(self) -> MapTotals:
        return _totals(self.groups())


@dataclass(frozen=True)
class YearGroupColumn:
    id: int | None
    name: str
    sort_order: int


@dataclass
class MapSnapshot:
    """The map of one period, ready to show, print or export."""

    academic_year_id: int
    academic_year_label: str
    term_name: str | None
    period_start: dt.date
    period_end: dt.date
    filters: MapFilters
    columns: list[YearGroupColumn]
    rows: list[MapRow]
    pupils: dict[int, PupilInfo]
    groups: dict[int, GroupInfo]

    @property
    def period_text(self) -> str:
        term = f"{self.term_name} term " if self.term_name else ""
        return f"{term}{self.academic_year_label}"

    def row(self, provision_id: int) -> MapRow | None:
        return next((r for r in self.rows if r.provision_id == provision_id), None)

    def cell(self, provision_id: int, year_group_id: int | None) -> list[GroupInfo]:
        row = self.row(provision_id)
        return row.cells.get(year_group_id, []) if row else []

    def sections(self) -> list[tuple[str, list[tuple[int, list[MapRow]]]]]:
        """Rows by area of need, then by wave: ``[(area, [(wave, rows)])]``."""
        out: list[tuple[str, list[tuple[int, list[MapRow]]]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.area:
                out.append((row.area, []))
            waves = out[-1][1]
            if not waves or waves[-1][0] != row.wave:
                waves.append((row.wave, []))
            waves[-1][1].append(row)
        return out

    def column_totals(self, year_group_id: int | None) -> MapTotals:
        return _totals(g for row in self.rows for g in row.cells.get(year_group_id, []))

    @property
    def grand_totals(self) -> MapTotals:
        return _totals(self.groups.values())


def slot_text(slots: Iterable[tuple[int, dt.time | None]]) -> str:
    """``Tue, Thu 09:10`` when the slots share a time, else ``Mon 09:00, Wed 13:15``."""
    ordered = sorted(slots, key=lambda s: (s[0], s[1] or dt.time()))
    if not ordered:
        return ""
    times = {t for _, t in ordered}
    if len(times) == 1:
        days = ", ".join(dict.fromkeys(WEEKDAYS[d] for d, _ in ordered))
        (time,) = times
        return f"{days} {time:%H:%M}" if time else days
    return ", ".join(WEEKDAYS[d] + (f" {t:%H:%M}" if t else "") for d, t in ordered)


def _year_groups(session: Session) -> tuple[list[YearGroupColumn], dict[int, int | None]]:
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


def _load_groups(
    session: Session,
    year_id: int,
    start: dt.date,
    end: dt.date,
    filters: MapFilters,
    only: Collection[int] | None = None,
    known_provisions: dict[int, Any] | None = None,
) -> tuple[dict[int, GroupInfo], dict[int, Any]]:
    """The period's groups with their slot text, and the provision rows they belong to."""
    provision_query = select(
        Provision.id,
        Provision.name,
        Provision.area,
        Provision.wave,
        Provision.retired,
        Provision.session_minutes,
        Provision.sessions_per_week,
        Provision.group_size,
    )
    staff_query = select(Staff.id, Staff.name)
    if only is not None:
        # Reloading a few groups after an edit: read just their provisions and staff.
        chosen = select(ProvisionGroup.provision_id).where(ProvisionGroup.id.in_(list(only)))
        provision_query = provision_query.where(Provision.id.in_(chosen))
        staff_query = staff_query.where(
            Staff.id.in_(select(ProvisionGroup.staff_id).where(ProvisionGroup.id.in_(list(only))))
        )
    if known_provisions is not None:
        provisions = known_provisions  # the snapshot's rows already hold these figures
    else:
        provisions = {row.id: row for row in session.execute(provision_query)}
    staff_names: dict[int, str] = dict(session.execute(staff_query).all())  # type: ignore[arg-type]
    in_period = groups_in_period(year_id, start, end)
    if only is not None:
        in_period = (*in_period, ProvisionGroup.id.in_(list(only)))
    slots: dict[int, list[tuple[int, dt.time | None]]] = defaultdict(list)
    for group_id, weekday, start_time in session.execute(
        select(GroupSlot.group_id, GroupSlot.weekday, GroupSlot.start_time)
        .join(ProvisionGroup)
        .where(*in_period)
    ):
        slots[group_id].append((weekday, start_time))
    groups: dict[int, GroupInfo] = {}
    for row in session.execute(
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
        ).where(*in_period)
    ):
        g_id, p_id, yg_id, cls_id, name, staff_id, first, last, per_week, mins, size = row
        provision = provisions.get(p_id)
        if provision is None:  # a provision the snapshot does not show
            continue
        if filters.areas and provision.area not in filters.areas:
            continue
        if filters.waves and provision.wave not in filters.waves:
            continue
        if filters.staff_ids and staff_id not in filters.staff_ids:
            continue
        groups[g_id] = GroupInfo(
            id=g_id,
            provision_id=p_id,
            year_group_id=yg_id,
            class_id=cls_id,
            name=name,
            staff_id=staff_id,
            staff_name=staff_names.get(staff_id, "") if staff_id is not None else "",
            slot_text=slot_text(slots.get(g_id, ())),
            start_date=from_iso(first),
            end_date=from_iso(last),
            sessions_per_week=provision.sessions_per_week if per_week is None else per_week,
            session_minutes=provision.session_minutes if mins is None else mins,
            max_size=provision.group_size if size is None else size,
        )
    return groups, provisions


def _load_members(
    session: Session,
    year_id: int,
    start: dt.date,
    end: dt.date,
    groups: dict[int, GroupInfo],
    filters: MapFilters,
    only: Collection[int] | None = None,
) -> dict[int, PupilInfo]:
    """Attach the period's members to ``groups``; return the pupils seen."""
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
            Pupil.year_group_id,
            Pupil.class_id,
            Pupil.sen_status,
        )
        .join(ProvisionGroup, GroupMembership.group_id == ProvisionGroup.id)
        .join(Pupil, GroupMembership.pupil_id == Pupil.id)
        .where(
            *groups_in_period(year_id, start, end),
            memberships_in_period(start, end),
        )
    )
    if not filters.include_archived:
        query = query.where(Pupil.archived.is_(False))
    if only is not None:
        query = query.where(GroupMembership.group_id.in_(list(only)))
    pupils: dict[int, PupilInfo] = {}
    for row in session.execute(query):
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
    columns, class_year = _year_groups(session)
    groups, provisions = _load_groups(session, year.id, start, end, filters)
    pupils = _load_members(session, year.id, start, end, groups, filters)
    if filters.filters_members:
        # A member filter hides groups with no chosen members, unless the group is
        # itself for a chosen class.
        groups = {
            g_id: g
            for g_id, g in groups.items()
            if g.members or (g.class_id is not None and g.class_id in filters.class_ids)
        }
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
    has_loose = False
    for group in sorted(groups.values(), key=lambda g: (g.start_date, g.name, g.id)):
        group.members.sort(key=lambda m: (pupils[m.pupil_id].sort_key, m.join_date))
        column = _column_of(group, class_year)
        has_loose = has_loose or column is None
        rows[group.provision_id].cells.setdefault(column, []).append(group)
    if has_loose:
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


def _column_of(group: GroupInfo, class_year: dict[int, int | None]) -> int | None:
    if group.year_group_id is None and group.class_id is not None:
        return class_year.get(group.class_id)
    return group.year_group_id


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
    start, end = snapshot.period_start, snapshot.period_end
    shown = {row.provision_id: row for row in snapshot.rows}
    fresh, _ = _load_groups(
        session,
        snapshot.academic_year_id,
        start,
        end,
        filters,
        only=ids,
        known_provisions=shown,
    )
    pupils = _load_members(session, snapshot.academic_year_id, start, end, fresh, filters, only=ids)
    snapshot.pupils.update(pupils)
    if filters.filters_members:
        fresh = {
            g_id: g
            for g_id, g in fresh.items()
            if g.members or (g.class_id is not None and g.class_id in filters.class_ids)
        }
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
    _, class_year = (
        _year_groups(session) if any(g.year_group_id is None for g in fresh.values()) else ([], {})
    )
    for group in sorted(fresh.values(), key=lambda g: (g.start_date, g.name, g.id)):
        row = snapshot.row(group.provision_id)
        if row is None:
            continue
        group.members.sort(key=lambda m: (snapshot.pupils[m.pupil_id].sort_key, m.join_date))
        cell = row.cells.setdefault(_column_of(group, class_year), [])
        cell.append(group)
        cell.sort(key=lambda g: (g.start_date, g.name, g.id))
        snapshot.groups[group.id] = group
        changed.add(group.provision_id)
    return changed


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
