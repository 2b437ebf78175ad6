"""Costing one group over a period: planned cost, cost to date and each pupil's share.

The formulas are told in ``costing``. Every figure is ``Decimal`` pounds, unrounded.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import NamedTuple

from .calendar import DAYS_A_WEEK, SchoolCalendar
from .cost_records import ZERO, GroupCost
from .cost_rows import Delivered, GroupRow, ProvisionRow, Span

_DAY = dt.timedelta(days=1)

# (first day, last day, pupil ids who are members on every day of it)
Segment = tuple[dt.date, dt.date, tuple[int, ...]]


@dataclass
class CostContext:
    """What costing one group needs besides the group itself."""

    calendar: SchoolCalendar
    weeks_per_year: int
    start: dt.date
    end: dt.date
    as_of: dt.date
    role_rate: dict[int, Decimal]
    staff_rate: dict[int, Decimal]

    def rate(self, staff_id: int | None, role_id: int | None) -> Decimal:
        """The hourly rate of the member of staff, else of the role, else nothing."""
        if staff_id is not None and staff_id in self.staff_rate:
            return self.staff_rate[staff_id]
        if role_id is not None:
            return self.role_rate.get(role_id, ZERO)
        return ZERO


class _Plan(NamedTuple):
    """How one group runs in the period: its own values where set, else its provision's."""

    minutes: int
    per_week: int
    size: int
    external: Decimal
    rate: Decimal
    resources: Decimal
    first: dt.date  # the group's first day in the period
    last: dt.date  # and its last
    group_days: int  # teaching days over all the group's dates
    weeks_days: int  # of those, the days the school's costed weeks allow


def segments(first: dt.date, last: dt.date, spans: Sequence[Span]) -> list[Segment]:
    """Split [first, last] into runs of days with the same members."""
    cuts = {first, last + _DAY}
    for _, join, leave in spans:
        cuts.update((join, leave + _DAY))
    points = sorted(c for c in cuts if first <= c <= last + _DAY)
    runs = []
    for lo, hi in pairwise(points):
        # dict.fromkeys keeps one share per pupil even if their memberships overlap.
        members = tuple(
            dict.fromkeys(p for p, join, leave in spans if join <= lo and leave >= hi - _DAY)
        )
        runs.append((lo, hi - _DAY, members))
    return runs


def _plan(group: GroupRow, provision: ProvisionRow, ctx: CostContext) -> _Plan:
    """The group's sessions, rate and dates as costing uses them."""
    external = provision.external_cost_per_session
    # An agency charged by the session brings its own people: the role's rate counts
    # only through a member of staff named for the group.
    role_id = provision.delivered_by_role_id if not external else None
    group_days = ctx.calendar.teaching_days(group.start_date, group.end_date)
    return _Plan(
        minutes=(
            group.session_minutes
            if group.session_minutes is not None
            else provision.session_minutes
        ),
        per_week=(
            group.sessions_per_week
            if group.sessions_per_week is not None
            else provision.sessions_per_week
        ),
        size=group.max_size if group.max_size is not None else provision.group_size,
        external=external,
        rate=ctx.rate(group.staff_id, role_id),
        resources=provision.resources_cost,
        first=max(group.start_date, ctx.start),
        last=min(group.end_date, ctx.end),
        group_days=group_days,
        # The group's costed weeks as a fraction of its teaching days: days x
        # weeks_days / (5 x group_days) weeks.
        weeks_days=min(group_days, DAYS_A_WEEK * ctx.weeks_per_year),
    )


def _new_cost(group: GroupRow, plan: _Plan, ctx: CostContext) -> GroupCost:
    """The group's cost record before any day is charged."""
    days_in_period = ctx.calendar.teaching_days(plan.first, plan.last)
    return GroupCost(
        group_id=group.id,
        provision_id=group.provision_id,
        year_group_id=group.year_group_id,
        class_id=group.class_id,
        staff_id=group.staff_id,
        is_one_to_one=plan.size == 1,
        hourly_rate=plan.rate,
        session_cost=plan.rate * plan.minutes / 60 + plan.external,
        sessions_per_week=plan.per_week,
        teaching_weeks=(
            Decimal(days_in_period * plan.weeks_days) / (DAYS_A_WEEK * plan.group_days)
            if plan.group_days
            else ZERO
        ),
    )


def _share_out(
    cost: GroupCost, members: tuple[int, ...], planned: Decimal, to_date: Decimal
) -> int:
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


def _charge_days(cost: GroupCost, plan: _Plan, runs: list[Segment], ctx: CostContext) -> None:
    """Charge the planned cost (and resources to date) of each run of days."""
    teaching_days = ctx.calendar.teaching_days
    rate, minutes, per_week = plan.rate, plan.minutes, plan.per_week
    external, resources = plan.external, plan.resources
    group_days, weeks_days = plan.group_days, plan.weeks_days
    to_date_end = min(plan.last, ctx.as_of)
    for lo, hi, members in runs:
        days = teaching_days(lo, hi)
        if not days:
            continue
        cost.most_pupils_at_once = max(cost.most_pupils_at_once, len(members))
        # Multiply before dividing so whole-penny answers stay exact.
        staff = rate * minutes * per_week * days * weeks_days / (60 * DAYS_A_WEEK * group_days)
        ext = external * per_week * days * weeks_days / (DAYS_A_WEEK * group_days)
        res = resources * days / group_days
        res_done = resources * teaching_days(lo, min(hi, to_date_end)) / group_days
        times = _share_out(cost, members, staff + ext + res, res_done)
        cost.staff_cost += staff * times
        cost.external_cost += ext * times
        cost.resources_cost += res * times
        cost.to_date += res_done * times


def _charge_dateless(cost: GroupCost, group: GroupRow, plan: _Plan, ctx: CostContext) -> None:
    """A group with no teaching days: its resources, unallocated, in its start's period."""
    if plan.group_days == 0 and ctx.start <= group.start_date <= ctx.end:
        cost.resources_cost += plan.resources
        cost.unallocated.planned += plan.resources
        if group.start_date <= ctx.as_of:
            cost.to_date += plan.resources
            cost.unallocated.to_date += plan.resources


def _charge_delivered(
    cost: GroupCost,
    plan: _Plan,
    runs: list[Segment],
    delivered: Sequence[Delivered],
    ctx: CostContext,
) -> None:
    """Add each delivered session to the cost to date, shared by that day's members."""
    to_date_end = min(plan.last, ctx.as_of)
    starts = [run[0] for run in runs]
    for day, staff_id in delivered:
        if not plan.first <= day <= to_date_end:
            continue
        session_rate = ctx.rate(staff_id, None) if staff_id in ctx.staff_rate else plan.rate
        members = runs[bisect_right(starts, day) - 1][2]
        amount = session_rate * plan.minutes / 60 + plan.external
        cost.delivered_sessions += 1
        cost.to_date += amount * _share_out(cost, members, ZERO, amount)


def cost_group(
    group: GroupRow,
    provision: ProvisionRow,
    spans: Sequence[Span],
    delivered: Sequence[Delivered],
    ctx: CostContext,
) -> GroupCost:
    """One group's costs over the context's period, shared among its members."""
    plan = _plan(group, provision, ctx)
    cost = _new_cost(group, plan, ctx)
    first, last = plan.first, plan.last
    clipped = [(p, max(j, first), min(lv, last)) for p, j, lv in spans if j <= last and lv >= first]
    runs = segments(first, last, clipped)
    _charge_days(cost, plan, runs, ctx)
    _charge_dateless(cost, group, plan, ctx)
    _charge_delivered(cost, plan, runs, delivered, ctx)
    return cost
