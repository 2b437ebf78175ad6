"""The costed map as labelled rows: what the Costs screen, the costed PDF and the
spreadsheet export show.

``costed_summary`` lays out the cost engine's figures (``services.costing.cost_map``)
by group, provision, pupil and every heading; nothing here works a cost out again.

Scope
-----
- The whole school for an academic year, or one term of it.
- One year group: each group's cost counts as the year group's part of it, that is the
  shares of pupils in the year group (a pupil with no year group counts under the
  group's) plus the unallocated cost of groups set up for the year group. So the
  year group's total equals the engine's total for that year group. A group's staff,
  external and resources costs are still the whole group's.

"Cost per pupil" is the average pupil's share: the cost shared by pupils (planned less
unallocated) divided by the number of pupils costed.

A group's ``note`` tells the reader what the figures alone would hide: a 1:1 group
holding several pupils at once ("1:1 group with 3 pupils: each costs the full session").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    FundingStream,
    Provision,
    ProvisionGroup,
    Pupil,
    SchoolClass,
    SchoolSettings,
    Staff,
    YearGroup,
)
from ..models.vocab import AREA_LABELS, AreaOfNeed, SenStatus
from .calendar import period_range
from .cost_limits import BudgetTotals, ThresholdTotals, budget_totals, threshold_totals
from .costing import ZERO, CostedMap, Totals, cost_map
from .formatting import format_money, round_money

AREA_ORDER = {area.value: n for n, area in enumerate(AreaOfNeed)}


def area_label(code: str) -> str:
    try:
        return AREA_LABELS[AreaOfNeed(code)]
    except ValueError:
        return code


def threshold_difference_words(total: Decimal, threshold: Decimal) -> str:
    """``'over by £412.00'``, ``'£1,234.56 under'`` or ``'at the threshold'`` (to the penny)."""
    difference = round_money(total - threshold)
    if difference > 0:
        return f"over by {format_money(difference)}"
    if difference < 0:
        return f"{format_money(-difference)} under"
    return "at the threshold"


def threshold_line(total: Decimal, threshold: Decimal) -> str:
    """``'£6,000.00 threshold: £1,234.56 under'`` or ``'£6,000.00 threshold: over by …'``."""
    return f"{format_money(threshold)} threshold: {threshold_difference_words(total, threshold)}"


@dataclass(frozen=True)
class GroupLine:
    """One group's costing; ``planned``/``to_date`` are the scope's part of it."""

    group_id: int
    provision: str
    group: str
    area: str
    wave: int
    year_group: str
    class_name: str
    staff: str
    funding_stream: str
    start: dt.date
    end: dt.date
    sessions_per_week: int
    session_minutes: int
    hourly_rate: Decimal
    session_cost: Decimal
    teaching_weeks: Decimal
    staff_cost: Decimal
    external_cost: Decimal
    resources_cost: Decimal
    delivered_sessions: int
    pupils: int
    allocated: Decimal  # the part of ``planned`` shared by pupils
    planned: Decimal
    to_date: Decimal
    one_to_one: bool = False
    most_pupils_at_once: int = 0

    @property
    def cost_per_pupil(self) -> Decimal | None:
        """The average pupil's share: allocated cost / pupils costed."""
        return self.allocated / self.pupils if self.pupils else None

    @property
    def note(self) -> str:
        """What a reader must know about the group's cost, or ``""``."""
        if self.one_to_one and self.most_pupils_at_once > 1:
            return f"1:1 group with {self.most_pupils_at_once} pupils: each costs the full session"
        return ""


@dataclass(frozen=True)
class ProvisionLine:
    provision_id: int
    name: str
    area: str
    wave: int
    funding_stream: str
    groups: int
    pupils: int
    allocated: Decimal
    planned: Decimal
    to_date: Decimal

    @property
    def cost_per_pupil(self) -> Decimal | None:
        return self.allocated / self.pupils if self.pupils else None


@dataclass(frozen=True)
class PupilLine:
    pupil_id: int
    upn: str
    name: str
    year_group: str
    class_name: str
    sen_status: str
    planned: Decimal
    to_date: Decimal


@dataclass(frozen=True)
class TotalLine:
    heading: str
    planned: Decimal
    to_date: Decimal


@dataclass
class CostedSummary:
    """The costed map of one period and scope, as rows ready to show."""

    school_name: str
    year_label: str
    term_name: str | None
    year_group_name: str | None
    start: dt.date
    end: dt.date
    as_of: dt.date
    weeks_per_year: int
    planned: Decimal
    to_date: Decimal
    unallocated: Decimal
    groups: list[GroupLine]
    provisions: list[ProvisionLine]
    pupils: list[PupilLine]
    by_year_group: list[TotalLine]
    by_area: list[TotalLine]
    by_wave: list[TotalLine]
    by_funding_stream: list[TotalLine]
    by_staff: list[TotalLine]
    threshold: ThresholdTotals
    budget: BudgetTotals | None
    costed: CostedMap
    annual: CostedMap  # the whole year's map (the same object when no term is chosen)

    @property
    def period_label(self) -> str:
        term = f", {self.term_name} term" if self.term_name else ""
        return f"{self.year_label}{term}"

    @property
    def scope_label(self) -> str:
        return self.year_group_name or "Whole school"

    @property
    def pupils_costed(self) -> int:
        return len(self.pupils)


def _names(session: Session, entity: Any) -> dict[int, str]:
    return dict(session.execute(select(entity.id, entity.name)).all())  # type: ignore[arg-type]


def _year(session: Session, academic_year_id: int) -> AcademicYear:
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    return year


def school_name(session: Session) -> str:
    name = session.scalar(select(SchoolSettings.name))
    return name or "School"


def costed_summary(
    session: Session,
    academic_year_id: int,
    term_name: str | None = None,
    *,
    year_group_id: int | None = None,
    margin: Decimal | None = None,
    as_of: dt.date | None = None,
) -> CostedSummary:
    """Cost the period with the engine and lay its figures out by every heading.

    With ``year_group_id`` only that year group's part of each cost is counted (see the
    module docstring). The threshold list is always annual; ``margin`` overrides the
    school's "near the threshold" margin.
    """
    year = _year(session, academic_year_id)
    costed = cost_map(session, year, term_name, as_of=as_of)
    annual = costed if term_name is None else cost_map(session, year, as_of=as_of)
    year_groups = {
        yg_id: (name, order)
        for yg_id, name, order in session.execute(
            select(YearGroup.id, YearGroup.name, YearGroup.sort_order)
        )
    }
    classes, staff, streams = (
        _names(session, SchoolClass),
        _names(session, Staff),
        _names(session, FundingStream),
    )
    provisions = {p.id: p for p in session.execute(select(Provision)).scalars()}
    groups = {
        g.id: g
        for g in session.scalars(
            select(ProvisionGroup).where(ProvisionGroup.id.in_(costed.by_group))
        )
    }
    pupils = {
        row.id: row
        for row in session.execute(
            select(
                Pupil.id,
                Pupil.upn,
                Pupil.forename,
                Pupil.preferred_name,
                Pupil.surname,
                Pupil.year_group_id,
                Pupil.class_id,
                Pupil.sen_status,
            ).where(Pupil.id.in_(set(costed.by_pupil) | set(annual.by_pupil)))
        )
    }

    def in_scope(pupil_id: int, group_year_group: int | None) -> bool:
        if year_group_id is None:
            return True
        own = pupils[pupil_id].year_group_id if pupil_id in pupils else None
        return (own if own is not None else group_year_group) == year_group_id

    group_lines: list[GroupLine] = []
    by_provision: dict[int, list[GroupLine]] = defaultdict(list)
    pupil_totals: dict[int, Totals] = defaultdict(Totals)
    provision_pupils: dict[int, set[int]] = defaultdict(set)
    for cost in costed.by_group.values():
        group, provision = groups[cost.group_id], provisions[cost.provision_id]
        part, allocated, members = Totals(), ZERO, 0
        for pupil_id, share in cost.pupil_shares.items():
            if in_scope(pupil_id, cost.year_group_id):
                part.add_from(share)
                allocated += share.planned
                members += 1
                pupil_totals[pupil_id].add_from(share)
                provision_pupils[cost.provision_id].add(pupil_id)
        if year_group_id is None or cost.year_group_id == year_group_id:
            part.add_from(cost.unallocated)
        if year_group_id is not None and not members and cost.year_group_id != year_group_id:
            continue
        line = GroupLine(
            group_id=cost.group_id,
            provision=provision.name,
            group=group.name,
            area=area_label(provision.area),
            wave=provision.wave,
            year_group=year_groups.get(cost.year_group_id, ("", 0))[0]
            if cost.year_group_id
            else "",
            class_name=classes.get(cost.class_id, "") if cost.class_id else "",
            staff=staff.get(cost.staff_id, "") if cost.staff_id else "",
            funding_stream=streams.get(provision.funding_stream_id, "")
            if provision.funding_stream_id
            else "",
            start=group.start_date,
            end=group.end_date,
            sessions_per_week=cost.sessions_per_week,
            session_minutes=group.effective_session_minutes,
            hourly_rate=cost.hourly_rate,
            session_cost=cost.session_cost,
            teaching_weeks=cost.teaching_weeks,
            staff_cost=cost.staff_cost,
            external_cost=cost.external_cost,
            resources_cost=cost.resources_cost,
            delivered_sessions=cost.delivered_sessions,
            pupils=members,
            allocated=allocated,
            planned=part.planned,
            to_date=part.to_date,
            one_to_one=cost.is_one_to_one,
            most_pupils_at_once=cost.most_pupils_at_once,
        )
        group_lines.append(line)
        by_provision[cost.provision_id].append(line)

    def provision_key(provision_id: int) -> tuple[int, int, str]:
        p = provisions[provision_id]
        return (AREA_ORDER.get(p.area, 99), p.wave, p.name.lower())

    group_lines.sort(key=lambda g: (g.provision.lower(), g.year_group, g.start, g.group_id))
    provision_lines = []
    for provision_id in sorted(by_provision, key=provision_key):
        p, lines = provisions[provision_id], by_provision[provision_id]
        provision_lines.append(
            ProvisionLine(
                provision_id=provision_id,
                name=p.name,
                area=area_label(p.area),
                wave=p.wave,
                funding_stream=lines[0].funding_stream,
                groups=len(lines),
                pupils=len(provision_pupils[provision_id]),
                allocated=sum((g.allocated for g in lines), ZERO),
                planned=sum((g.planned for g in lines), ZERO),
                to_date=sum((g.to_date for g in lines), ZERO),
            )
        )

    def heading_totals(key_of: Any, label_of: Any, order_of: Any) -> list[TotalLine]:
        sums: dict[Any, Totals] = defaultdict(Totals)
        for provision_id, lines in by_provision.items():
            for line in lines:
                sums[key_of(provisions[provision_id], line)].add(line.planned, line.to_date)
        return [
            TotalLine(label_of(key), sums[key].planned, sums[key].to_date)
            for key in sorted(sums, key=order_of)
        ]

    def yg_order(key: int | None) -> tuple[int, int]:
        return (1, 0) if key is None else (0, year_groups[key][1])

    if year_group_id is None:
        yg_totals = costed.by_year_group
    else:
        yg_totals = {year_group_id: Totals(*_sum_lines(group_lines))}
    by_year_group = [
        TotalLine(
            year_groups[key][0] if key is not None else "No year group",
            yg_totals[key].planned,
            yg_totals[key].to_date,
        )
        for key in sorted(yg_totals, key=yg_order)
    ]
    by_area = heading_totals(
        lambda p, _line: p.area, area_label, lambda code: AREA_ORDER.get(code, 99)
    )
    by_wave = heading_totals(lambda p, _line: p.wave, lambda w: f"Wave {w}", lambda w: w)
    by_stream = heading_totals(
        lambda p, _line: p.funding_stream_id,
        lambda key: streams.get(key, "") if key else "No funding stream",
        lambda key: (key is None, streams.get(key, "") if key else ""),
    )
    by_staff = heading_totals(
        lambda _p, line: line.staff or None,
        lambda name: name or "No one named",
        lambda name: (name is None, name or ""),
    )

    pupil_lines = []
    for pupil_id, totals in pupil_totals.items():
        row = pupils[pupil_id]
        pupil_lines.append(
            PupilLine(
                pupil_id=pupil_id,
                upn=row.upn,
                name=f"{row.preferred_name or row.forename} {row.surname}",
                year_group=year_groups[row.year_group_id][0] if row.year_group_id else "",
                class_name=classes.get(row.class_id, "") if row.class_id else "",
                sen_status=SenStatus(row.sen_status).label,
                planned=totals.planned,
                to_date=totals.to_date,
            )
        )
    pupil_lines.sort(key=lambda p: (-p.planned, p.name))

    threshold = threshold_totals(session, year, margin, costed=annual)
    if year_group_id is not None:
        ours = set(session.scalars(select(Pupil.id).where(Pupil.year_group_id == year_group_id)))
        threshold.rows = [row for row in threshold.rows if row.pupil_id in ours]
    planned, to_date = _sum_lines(group_lines)
    unallocated = planned - sum((g.allocated for g in group_lines), ZERO)
    start, end = period_range(year, term_name)
    return CostedSummary(
        school_name=school_name(session),
        year_label=year.label,
        term_name=term_name,
        year_group_name=year_groups[year_group_id][0] if year_group_id is not None else None,
        start=max(start, year.start_date),
        end=min(end, year.end_date),
        as_of=costed.as_of,
        weeks_per_year=costed.weeks_per_year,
        planned=planned,
        to_date=to_date,
        unallocated=unallocated,
        groups=group_lines,
        provisions=provision_lines,
        pupils=pupil_lines,
        by_year_group=by_year_group,
        by_area=by_area,
        by_wave=by_wave,
        by_funding_stream=by_stream,
        by_staff=by_staff,
        threshold=threshold,
        budget=budget_totals(session, year, costed=annual) if year_group_id is None else None,
        costed=costed,
        annual=annual,
    )


def _sum_lines(lines: Sequence[GroupLine]) -> tuple[Decimal, Decimal]:
    return sum((g.planned for g in lines), ZERO), sum((g.to_date for g in lines), ZERO)


def threshold_with_margin(
    session: Session, summary: CostedSummary, margin: Decimal
) -> ThresholdTotals:
    """The summary's threshold list again with another "near" margin, same pupils."""
    pupils = {row.pupil_id for row in summary.threshold.rows}
    report = threshold_totals(
        session, summary.annual.academic_year_id, margin, costed=summary.annual
    )
    report.rows = [row for row in report.rows if row.pupil_id in pupils]
    return report
