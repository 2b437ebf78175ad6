"""The cost engine: what provision costs per session, per group, per pupil and in total.

This is the one place costs are worked out. Every figure is ``Decimal`` pounds and is
never rounded here; display code rounds once with ``formatting.round_money``.

Formulas
--------
- **Hourly rate** of a group = its named member of staff's hourly cost (their own
  override, else their role's); with no one named, the hourly cost of the provision's
  "delivered by" role. A provision an external agency charges for by the session
  (an external cost per session) has no hourly rate unless a member of staff is named
  for the group: a £60.00 speech and language therapy session costs £60.00, not
  £60.00 plus the therapist role's hourly rate.
- **Session cost** = hourly rate x session minutes / 60 + the provision's external cost
  per session. Minutes and sessions per week are the group's own where set, else the
  provision's.
- **Teaching weeks** of a group = the teaching days in its dates / 5 (the days of a
  part week count), never more than the school's costed weeks a year
  (``SchoolSettings``, 38 by default). A group that runs 12 weeks of term costs 12
  weeks; whole-year provision costs 38 weeks even in a 39-week calendar.
- **Group cost** = session cost x sessions per week x teaching weeks
  + the provision's resources cost, charged once per group.
  For a period (a term) the group's weeks are shared out by teaching days: weeks x
  the group's teaching days in the period / its teaching days in all (exactly the
  period's days / 5 unless the cap applies), and the resources likewise. The terms of a
  group add up to its year. The provision's catalogue "weeks" sets how long a new group
  runs; after that the group's dates decide its cost.

For example, Precision Teaching, 3 sessions of 10 minutes a week for 12 weeks with a
teaching assistant at £18.00 an hour, in a group of 4: £18.00 x 10 / 60 = £3.00 a
session; £3.00 x 3 x 12 = £108.00 for the group, £27.00 a pupil. A whole year of 1:1
support for 5 hours a week at £18.00 an hour: £18.00 x 5 x 38 = £3,420.00.

Sharing a group's cost among pupils
-----------------------------------
The cost is spread evenly over the group's teaching days, and each day's cost is shared
equally by the pupils who are members that day (pupil-days). So, for a group that costs
£108.00 over its dates:

- four pupils there throughout pay £27.00 each;
- a pupil who joins half-way through (half the group's teaching days) pays half of a
  share, £13.50: a quarter of each day's cost for the days they are in; the three who
  were there from the start pay a third of each day before the join and a quarter after;
- shares add up across periods: a pupil's three term costs sum to their annual cost.

**1:1** (the group's effective size is 1) is not shared: each member bears the full
day cost for each of their own days. A 1:1 group holding two pupils at once costs twice,
because each of them has their own sessions; the costed map says so beside the group
("1:1 group with 3 pupils: each costs the full session").

**Unallocated**: the cost of days on which a group has no members (all of it, for a
group with no members) belongs to no pupil. It is kept in ``GroupCost.unallocated`` and
``CostedMap.unallocated``, counted in the totals by provision, area, wave, funding
stream and staff, and in the year-group and class totals under the group's own year
group and class; it is in no pupil's total. Pupils' shares go to the pupil's own year
group and class (the group's when the pupil has none).

A group whose dates hold no teaching days has no sessions; its resources are charged in
full to the period holding its start date, unallocated.

**Cost to date** (up to ``as_of``, today by default): each delivered ``DeliverySession``
of a group, within its dates and the period, costs one session at the rate of whoever
delivered it (the session's member of staff, else the group's), shared by that day's
members as above; plus the resources pro rata to the group's teaching days so far.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    DeliverySession,
    GroupMembership,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolSettings,
    Staff,
    StaffRole,
)
from ..models.vocab import SessionStatus
from .calendar import (
    DAYS_A_WEEK,
    DEFAULT_TEACHING_WEEKS,
    SchoolCalendar,
    calendar_for_year,
    period_range,
)
from .dates import from_iso, groups_in_period, iso_text

ZERO = Decimal(0)
DEFAULT_THRESHOLD = Decimal("6000.00")
DEFAULT_NEAR_MARGIN = Decimal("500.00")
_DAY = dt.timedelta(days=1)
_OPEN_END = dt.date.max - _DAY  # a membership with no leave date runs on


@dataclass
class Totals:
    """Planned cost and cost to date for one heading."""

    planned: Decimal = ZERO
    to_date: Decimal = ZERO

    def add(self, planned: Decimal, to_date: Decimal) -> None:
        self.planned += planned
        self.to_date += to_date

    def add_from(self, other: Totals) -> None:
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
        return self.staff_cost + self.external_cost + self.resources_cost

    def _share(self, pupil_id: int) -> Totals:
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


class _GroupRow(NamedTuple):
    """The columns of a group the engine reads (a plain tuple: cheap to load and read)."""

    id: int
    provision_id: int
    year_group_id: int | None
    class_id: int | None
    staff_id: int | None
    start_date: dt.date
    end_date: dt.date
    sessions_per_week: int | None
    session_minutes: int | None
    max_size: int | None


class _ProvisionRow(NamedTuple):
    id: int
    area: str
    wave: int
    delivered_by_role_id: int | None
    session_minutes: int
    sessions_per_week: int
    group_size: int
    resources_cost: Decimal
    external_cost_per_session: Decimal
    funding_stream_id: int | None


def _columns(entity: Any, row_type: type[NamedTuple]) -> list[Any]:
    """The entity's columns named by ``row_type``, dates read as ISO text (``iso_text``)."""
    columns = [getattr(entity, name) for name in row_type._fields]
    return [
        iso_text(c) if name.endswith("_date") else c
        for name, c in zip(row_type._fields, columns, strict=True)
    ]


@dataclass
class _Context:
    """What costing one group needs besides the group itself."""

    calendar: SchoolCalendar
    weeks_per_year: int
    start: dt.date
    end: dt.date
    as_of: dt.date
    role_rate: dict[int, Decimal]
    staff_rate: dict[int, Decimal]

    def rate(self, staff_id: int | None, role_id: int | None) -> Decimal:
        if staff_id is not None and staff_id in self.staff_rate:
            return self.staff_rate[staff_id]
        if role_id is not None:
            return self.role_rate.get(role_id, ZERO)
        return ZERO


# (first day, last day, pupil ids who are members on every day of it)
_Segment = tuple[dt.date, dt.date, tuple[int, ...]]


def _segments(
    first: dt.date, last: dt.date, spans: Sequence[tuple[int, dt.date, dt.date]]
) -> list[_Segment]:
    """Split [first, last] into runs of days with the same members."""
    cuts = {first, last + _DAY}
    for _, join, leave in spans:
        cuts.update((join, leave + _DAY))
    points = sorted(c for c in cuts if first <= c <= last + _DAY)
    segments = []
    for lo, hi in pairwise(points):
        # dict.fromkeys keeps one share per pupil even if their memberships overlap.
        members = tuple(
            dict.fromkeys(p for p, join, leave in spans if join <= lo and leave >= hi - _DAY)
        )
        segments.append((lo, hi - _DAY, members))
    return segments


def _cost_group(
    group: _GroupRow,
    provision: _ProvisionRow,
    spans: Sequence[tuple[int, dt.date, dt.date]],
    delivered: Sequence[tuple[dt.date, int | None]],
    ctx: _Context,
) -> GroupCost:
    cal = ctx.calendar
    minutes = (
        group.session_minutes if group.session_minutes is not None else provision.session_minutes
    )
    per_week = (
        group.sessions_per_week
        if group.sessions_per_week is not None
        else provision.sessions_per_week
    )
    size = group.max_size if group.max_size is not None else provision.group_size
    external = provision.external_cost_per_session
    # An agency charged by the session brings its own people: the role's rate counts
    # only through a member of staff named for the group.
    role_id = provision.delivered_by_role_id if not external else None
    rate = ctx.rate(group.staff_id, role_id)
    resources = provision.resources_cost
    first, last = max(group.start_date, ctx.start), min(group.end_date, ctx.end)
    group_days = cal.teaching_days(group.start_date, group.end_date)
    # The group's costed weeks as a fraction of its teaching days: days x weeks_days /
    # (5 x group_days) weeks, where weeks_days is the days the cap allows.
    weeks_days = min(group_days, DAYS_A_WEEK * ctx.weeks_per_year)
    cost = GroupCost(
        group_id=group.id,
        provision_id=group.provision_id,
        year_group_id=group.year_group_id,
        class_id=group.class_id,
        staff_id=group.staff_id,
        is_one_to_one=size == 1,
        hourly_rate=rate,
        session_cost=rate * minutes / 60 + external,
        sessions_per_week=per_week,
        teaching_weeks=(
            Decimal(cal.teaching_days(first, last) * weeks_days) / (DAYS_A_WEEK * group_days)
            if group_days
            else ZERO
        ),
    )
    clipped = [(p, max(j, first), min(lv, last)) for p, j, lv in spans if j <= last and lv >= first]
    segments = _segments(first, last, clipped)
    to_date_end = min(last, ctx.as_of)

    def share_out(members: tuple[int, ...], planned: Decimal, to_date: Decimal) -> int:
        """Charge a run of days to its members; return how many times the group pays it."""
        if not members:
            cost.unallocated.add(planned, to_date)
            return 1
        if cost.is_one_to_one:
            for pupil_id in members:
                cost._share(pupil_id).add(planned, to_date)
            return len(members)
        count = len(members)
        for pupil_id in members:
            cost._share(pupil_id).add(planned / count, to_date / count)
        return 1

    for lo, hi, members in segments:
        days = cal.teaching_days(lo, hi)
        if not days:
            continue
        cost.most_pupils_at_once = max(cost.most_pupils_at_once, len(members))
        # Multiply before dividing so whole-penny answers stay exact.
        staff = rate * minutes * per_week * days * weeks_days / (60 * DAYS_A_WEEK * group_days)
        ext = external * per_week * days * weeks_days / (DAYS_A_WEEK * group_days)
        res = resources * days / group_days
        res_done = resources * cal.teaching_days(lo, min(hi, to_date_end)) / group_days
        times = share_out(members, staff + ext + res, res_done)
        cost.staff_cost += staff * times
        cost.external_cost += ext * times
        cost.resources_cost += res * times
        cost.to_date += res_done * times

    if group_days == 0 and ctx.start <= group.start_date <= ctx.end:
        cost.resources_cost += resources
        cost.unallocated.planned += resources
        if group.start_date <= ctx.as_of:
            cost.to_date += resources
            cost.unallocated.to_date += resources

    starts = [seg[0] for seg in segments]
    for day, staff_id in delivered:
        if not first <= day <= to_date_end:
            continue
        session_rate = ctx.rate(staff_id, None) if staff_id in ctx.staff_rate else rate
        members = segments[bisect_right(starts, day) - 1][2]
        amount = session_rate * minutes / 60 + external
        cost.delivered_sessions += 1
        cost.to_date += amount * share_out(members, ZERO, amount)
    return cost


def _settings(session: Session) -> Any:
    return session.execute(
        select(
            SchoolSettings.teaching_weeks_per_year,
            SchoolSettings.sen_threshold,
            SchoolSettings.near_threshold_margin,
        )
    ).first()


def _year(session: Session, academic_year: AcademicYear | int) -> AcademicYear:
    if isinstance(academic_year, AcademicYear):
        return academic_year
    year = session.get(AcademicYear, academic_year)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year}.")
    return year


def cost_map(
    session: Session,
    academic_year: AcademicYear | int,
    term_name: str | None = None,
    *,
    as_of: dt.date | None = None,
) -> CostedMap:
    """Cost every group of the year (or of one term of it) and total by every heading.

    Reads each table once; ``as_of`` (default today) bounds the cost to date.
    """
    year = _year(session, academic_year)
    start, end = period_range(year, term_name)
    start, end = max(start, year.start_date), min(end, year.end_date)
    as_of = as_of or dt.date.today()
    settings = _settings(session)
    weeks = settings.teaching_weeks_per_year if settings else DEFAULT_TEACHING_WEEKS
    in_year = ProvisionGroup.academic_year_id == year.id

    role_rate: dict[int, Decimal] = dict(
        session.execute(select(StaffRole.id, StaffRole.hourly_cost)).all()  # type: ignore[arg-type]
    )
    staff_rate = {
        staff_id: override if override is not None else role_rate.get(role_id, ZERO)
        for staff_id, override, role_id in session.execute(
            select(Staff.id, Staff.hourly_cost_override, Staff.role_id)
        )
    }
    # Plain tuples, not ORM objects: they load and read far faster on a big school.
    provisions = {
        row[0]: _ProvisionRow(*row)
        for row in session.execute(select(*_columns(Provision, _ProvisionRow)))
    }
    group_rows = session.execute(
        select(*_columns(ProvisionGroup, _GroupRow)).where(*groups_in_period(year.id, start, end))
    )
    groups = [
        _GroupRow(
            g_id, p_id, yg_id, cls_id, st_id, from_iso(first), from_iso(last), per_wk, mins, size
        )
        for g_id, p_id, yg_id, cls_id, st_id, first, last, per_wk, mins, size in group_rows
    ]
    spans: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
    for group_id, pupil_id, join, leave in session.execute(
        select(
            GroupMembership.group_id,
            GroupMembership.pupil_id,
            iso_text(GroupMembership.join_date),
            iso_text(GroupMembership.leave_date),
        )
        .join(ProvisionGroup)
        .where(in_year)
    ):
        spans[group_id].append((pupil_id, from_iso(join), from_iso(leave) if leave else _OPEN_END))
    pupil_place: dict[int, tuple[int | None, int | None]] = {
        pid: (yg, cls)
        for pid, yg, cls in session.execute(
            select(Pupil.id, Pupil.year_group_id, Pupil.class_id).where(
                Pupil.id.in_(select(GroupMembership.pupil_id).join(ProvisionGroup).where(in_year))
            )
        )
    }
    delivered: dict[int, list[tuple[dt.date, int | None]]] = defaultdict(list)
    for group_id, day, staff_id in session.execute(
        select(DeliverySession.group_id, DeliverySession.session_date, DeliverySession.staff_id)
        .join(ProvisionGroup)
        .where(
            in_year,
            DeliverySession.status == SessionStatus.DELIVERED.value,
            DeliverySession.session_date >= start,
            DeliverySession.session_date <= min(end, as_of),
        )
    ):
        delivered[group_id].append((day, staff_id))

    ctx = _Context(
        calendar_for_year(session, year), weeks, start, end, as_of, role_rate, staff_rate
    )
    by_group: dict[int, GroupCost] = {}
    by_pupil: defaultdict[int, Totals] = defaultdict(Totals)
    by_provision: defaultdict[int, Totals] = defaultdict(Totals)
    by_staff: defaultdict[int | None, Totals] = defaultdict(Totals)
    by_year_group: defaultdict[int | None, Totals] = defaultdict(Totals)
    by_class: defaultdict[int | None, Totals] = defaultdict(Totals)
    unallocated = Totals()
    for group in groups:
        cost = _cost_group(
            group,
            provisions[group.provision_id],
            spans.get(group.id, ()),
            delivered.get(group.id, ()),
            ctx,
        )
        by_group[group.id] = cost
        by_provision[group.provision_id].add(cost.planned, cost.to_date)
        by_staff[group.staff_id].add(cost.planned, cost.to_date)
        unallocated.add_from(cost.unallocated)
        by_year_group[group.year_group_id].add_from(cost.unallocated)
        by_class[group.class_id].add_from(cost.unallocated)
        for pupil_id, share in cost.pupil_shares.items():
            by_pupil[pupil_id].add_from(share)
            # A pupil with no year group or class of their own counts under the group's.
            year_group_id, class_id = pupil_place.get(pupil_id, (None, None))
            if year_group_id is None:
                by_year_group[group.year_group_id].add_from(share)
            if class_id is None:
                by_class[group.class_id].add_from(share)
    for pupil_id, totals in by_pupil.items():
        year_group_id, class_id = pupil_place.get(pupil_id, (None, None))
        if year_group_id is not None:
            by_year_group[year_group_id].add_from(totals)
        if class_id is not None:
            by_class[class_id].add_from(totals)
    # Area, wave and funding stream follow from the provision alone.
    by_area: defaultdict[str, Totals] = defaultdict(Totals)
    by_wave: defaultdict[int, Totals] = defaultdict(Totals)
    by_stream: defaultdict[int | None, Totals] = defaultdict(Totals)
    total = Totals()
    for provision_id, totals in by_provision.items():
        provision = provisions[provision_id]
        for heading in (
            by_area[provision.area],
            by_wave[provision.wave],
            by_stream[provision.funding_stream_id],
            total,
        ):
            heading.add_from(totals)

    return CostedMap(
        academic_year_id=year.id,
        term_name=term_name,
        start=start,
        end=end,
        as_of=as_of,
        weeks_per_year=weeks,
        by_group=by_group,
        by_pupil=dict(by_pupil),
        by_provision=dict(by_provision),
        by_year_group=dict(by_year_group),
        by_class=dict(by_class),
        by_area=dict(by_area),
        by_wave=dict(by_wave),
        by_funding_stream=dict(by_stream),
        by_staff=dict(by_staff),
        total=total,
        unallocated=unallocated,
    )
