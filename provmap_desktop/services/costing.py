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
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, SchoolSettings
from .calendar import DEFAULT_TEACHING_WEEKS, calendar_for_year, period_range
from .cost_records import CostedMap, GroupCost, Totals
from .cost_rows import CostRows, Delivered, GroupRow, ProvisionRow, Span, load_cost_rows
from .group_costing import CostContext, cost_group

DEFAULT_THRESHOLD = Decimal("6000.00")
DEFAULT_NEAR_MARGIN = Decimal("500.00")

#: ``session.info`` key: recent costing contexts, each with its groups' costs.
KEPT_COSTS = "provmap_group_costs"
#: How many costing contexts (a period, a day and the rates) keep their groups' costs.
CONTEXTS_KEPT = 8

#: Everything ``cost_group`` reads of one group: its row, its provision's, its
#: memberships and its delivered sessions.
GroupInputs = tuple[GroupRow, ProvisionRow, tuple[Span, ...], tuple[Delivered, ...]]


def _settings(session: Session) -> Any:
    """The school's costed weeks a year and its high-needs threshold settings."""
    return session.execute(
        select(
            SchoolSettings.teaching_weeks_per_year,
            SchoolSettings.sen_threshold,
            SchoolSettings.near_threshold_margin,
        )
    ).first()


def _year(session: Session, academic_year: AcademicYear | int) -> AcademicYear:
    """The academic year given, or the one with the id given."""
    if isinstance(academic_year, AcademicYear):
        return academic_year
    year = session.get(AcademicYear, academic_year)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year}.")
    return year


def _by() -> defaultdict[Any, Totals]:
    """A heading's totals, one per key, made on first use."""
    return defaultdict(Totals)


@dataclass
class _Tally:
    """The running totals by every heading while the groups are costed."""

    by_group: dict[int, GroupCost] = field(default_factory=dict)
    by_pupil: defaultdict[int, Totals] = field(default_factory=_by)
    by_provision: defaultdict[int, Totals] = field(default_factory=_by)
    by_staff: defaultdict[int | None, Totals] = field(default_factory=_by)
    by_year_group: defaultdict[int | None, Totals] = field(default_factory=_by)
    by_class: defaultdict[int | None, Totals] = field(default_factory=_by)
    by_area: defaultdict[str, Totals] = field(default_factory=_by)
    by_wave: defaultdict[int, Totals] = field(default_factory=_by)
    by_stream: defaultdict[int | None, Totals] = field(default_factory=_by)
    total: Totals = field(default_factory=Totals)
    unallocated: Totals = field(default_factory=Totals)

    def add_group(self, group: GroupRow, cost: GroupCost, rows: CostRows) -> None:
        """Count one group's cost under its own headings and its pupils'."""
        self.by_group[group.id] = cost
        self.by_provision[group.provision_id].add(cost.planned, cost.to_date)
        self.by_staff[group.staff_id].add(cost.planned, cost.to_date)
        self.unallocated.add_from(cost.unallocated)
        self.by_year_group[group.year_group_id].add_from(cost.unallocated)
        self.by_class[group.class_id].add_from(cost.unallocated)
        for pupil_id, share in cost.pupil_shares.items():
            self.by_pupil[pupil_id].add_from(share)
            # A pupil with no year group or class of their own counts under the group's.
            year_group_id, class_id = rows.pupil_place.get(pupil_id, (None, None))
            if year_group_id is None:
                self.by_year_group[group.year_group_id].add_from(share)
            if class_id is None:
                self.by_class[group.class_id].add_from(share)

    def add_pupil_places(self, rows: CostRows) -> None:
        """Count each pupil's total under their own year group and class."""
        for pupil_id, totals in self.by_pupil.items():
            year_group_id, class_id = rows.pupil_place.get(pupil_id, (None, None))
            if year_group_id is not None:
                self.by_year_group[year_group_id].add_from(totals)
            if class_id is not None:
                self.by_class[class_id].add_from(totals)

    def add_provision_headings(self, rows: CostRows) -> None:
        """Area, wave, funding stream and the grand total, from the provisions alone."""
        for provision_id, totals in self.by_provision.items():
            provision = rows.provisions[provision_id]
            for heading in (
                self.by_area[provision.area],
                self.by_wave[provision.wave],
                self.by_stream[provision.funding_stream_id],
                self.total,
            ):
                heading.add_from(totals)


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
    rows = load_cost_rows(session, year.id, start, end, as_of)
    ctx = CostContext(
        calendar_for_year(session, year), weeks, start, end, as_of, rows.role_rate, rows.staff_rate
    )
    tally = _Tally()
    for group, cost in _group_costs(session, rows, ctx):
        tally.add_group(group, cost, rows)
    tally.add_pupil_places(rows)
    tally.add_provision_headings(rows)
    return CostedMap(
        academic_year_id=year.id,
        term_name=term_name,
        start=start,
        end=end,
        as_of=as_of,
        weeks_per_year=weeks,
        by_group=tally.by_group,
        by_pupil=dict(tally.by_pupil),
        by_provision=dict(tally.by_provision),
        by_year_group=dict(tally.by_year_group),
        by_class=dict(tally.by_class),
        by_area=dict(tally.by_area),
        by_wave=dict(tally.by_wave),
        by_funding_stream=dict(tally.by_stream),
        by_staff=dict(tally.by_staff),
        total=tally.total,
        unallocated=tally.unallocated,
    )


def _context_key(ctx: CostContext) -> Hashable:
    """What a group's cost depends on besides the group's own inputs."""
    return (
        ctx.calendar.terms,
        ctx.weeks_per_year,
        ctx.start,
        ctx.end,
        ctx.as_of,
        frozenset(ctx.role_rate.items()),
        frozenset(ctx.staff_rate.items()),
    )


def _group_costs(
    session: Session, rows: CostRows, ctx: CostContext
) -> list[tuple[GroupRow, GroupCost]]:
    """Each group's cost, worked out again only where what it is made of has changed.

    The rows are read afresh every time; a group whose row, provision, memberships and
    delivered sessions are the same as the last time the same period was costed, at
    the same rates on the same day, keeps the cost worked out then. So after an edit
    only the groups it touched are costed again, whoever made the change: nothing is
    kept by what changed, only by what was read. The costs kept are read-only.
    """
    kept_by_context: dict[Hashable, dict[GroupInputs, GroupCost]] = session.info.setdefault(
        KEPT_COSTS, {}
    )
    context = _context_key(ctx)
    kept = kept_by_context.pop(context, {})
    fresh: dict[GroupInputs, GroupCost] = {}
    costs = []
    for group in rows.groups:
        inputs = (
            group,
            rows.provisions[group.provision_id],
            tuple(rows.spans.get(group.id, ())),
            tuple(rows.delivered.get(group.id, ())),
        )
        cost = kept.get(inputs)
        if cost is None:
            cost = cost_group(*inputs, ctx)
        fresh[inputs] = cost
        costs.append((group, cost))
    kept_by_context[context] = fresh  # the most recent last
    while len(kept_by_context) > CONTEXTS_KEPT:
        del kept_by_context[next(iter(kept_by_context))]
    return costs
