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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AcademicYear,
    Pupil,
    SchoolSettings,
)
from ..models.vocab import SenStatus
from .calendar import period_range
from .cost_limits import ThresholdTotals, budget_totals, threshold_totals
from .cost_records import ZERO, CostedMap, GroupCost, Totals
from .costed_lines import (
    AREA_ORDER,
    CostedSummary,
    GroupLine,
    ProvisionLine,
    PupilLine,
    TotalLine,
    area_label,
)
from .costed_lookups import Lookups, read_lookups
from .costing import cost_map
from .memo import year_costs


def _year(session: Session, academic_year_id: int) -> AcademicYear:
    """The academic year with this id; a plain ValueError when there is none."""
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise ValueError(f"No academic year with id {academic_year_id}.")
    return year


def school_name(session: Session) -> str:
    """The school's name from its settings, or "School" before one is entered."""
    name = session.scalar(select(SchoolSettings.name))
    return name or "School"


@dataclass
class _GroupLayout:
    """The scope's group lines and what the other tables are built from."""

    lines: list[GroupLine] = field(default_factory=list)
    by_provision: dict[int, list[GroupLine]] = field(default_factory=lambda: defaultdict(list))
    pupil_totals: dict[int, Totals] = field(default_factory=lambda: defaultdict(Totals))
    provision_pupils: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _group_line(
    cost: GroupCost, look: Lookups, part: Totals, allocated: Decimal, members: int
) -> GroupLine:
    """One group's line: its labels, the parts of its cost and the scope's share."""
    group, provision = look.groups[cost.group_id], look.provisions[cost.provision_id]
    stream_id = provision.funding_stream_id
    return GroupLine(
        group_id=cost.group_id,
        provision=provision.name,
        group=group.name,
        area=area_label(provision.area),
        wave=provision.wave,
        year_group=look.year_groups.get(cost.year_group_id, ("", 0))[0]
        if cost.year_group_id
        else "",
        class_name=look.classes.get(cost.class_id, "") if cost.class_id else "",
        staff=look.staff.get(cost.staff_id, "") if cost.staff_id else "",
        funding_stream=look.streams.get(stream_id, "") if stream_id else "",
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


def _lay_out_groups(costed: CostedMap, look: Lookups, year_group_id: int | None) -> _GroupLayout:
    """Each costed group's line holding the scope's part of its cost, sorted by provision.

    In a year group's scope a pupil counts under their own year group (the group's when
    they have none), and a group with none of its pupils and set up for another year
    group is left out.
    """

    def in_scope(pupil_id: int, group_year_group: int | None) -> bool:
        """Whether the pupil's share counts in the chosen year group."""
        if year_group_id is None:
            return True
        own = look.pupils[pupil_id].year_group_id if pupil_id in look.pupils else None
        return (own if own is not None else group_year_group) == year_group_id

    layout = _GroupLayout()
    for cost in costed.by_group.values():
        part, allocated, members = Totals(), ZERO, 0
        for pupil_id, share in cost.pupil_shares.items():
            if in_scope(pupil_id, cost.year_group_id):
                part.add_from(share)
                allocated += share.planned
                members += 1
                layout.pupil_totals[pupil_id].add_from(share)
                layout.provision_pupils[cost.provision_id].add(pupil_id)
        if year_group_id is None or cost.year_group_id == year_group_id:
            part.add_from(cost.unallocated)
        if year_group_id is not None and not members and cost.year_group_id != year_group_id:
            continue
        line = _group_line(cost, look, part, allocated, members)
        layout.lines.append(line)
        layout.by_provision[cost.provision_id].append(line)
    layout.lines.sort(key=lambda g: (g.provision.lower(), g.year_group, g.start, g.group_id))
    return layout


def _provision_lines(look: Lookups, layout: _GroupLayout) -> list[ProvisionLine]:
    """One line per provision with groups in scope, by area of need, wave and name."""

    def provision_key(provision_id: int) -> tuple[int, int, str]:
        """Area of need, wave, then name."""
        p = look.provisions[provision_id]
        return (AREA_ORDER.get(p.area, 99), p.wave, p.name.lower())

    provision_lines = []
    for provision_id in sorted(layout.by_provision, key=provision_key):
        p, lines = look.provisions[provision_id], layout.by_provision[provision_id]
        provision_lines.append(
            ProvisionLine(
                provision_id=provision_id,
                name=p.name,
                area=area_label(p.area),
                wave=p.wave,
                funding_stream=lines[0].funding_stream,
                groups=len(lines),
                pupils=len(layout.provision_pupils[provision_id]),
                allocated=sum((g.allocated for g in lines), ZERO),
                planned=sum((g.planned for g in lines), ZERO),
                to_date=sum((g.to_date for g in lines), ZERO),
            )
        )
    return provision_lines


def _heading_totals(
    look: Lookups, layout: _GroupLayout, key_of: Any, label_of: Any, order_of: Any
) -> list[TotalLine]:
    """The group lines summed under the heading ``key_of(provision, line)`` names."""
    sums: dict[Any, Totals] = defaultdict(Totals)
    for provision_id, lines in layout.by_provision.items():
        for line in lines:
            sums[key_of(look.provisions[provision_id], line)].add(line.planned, line.to_date)
    return [
        TotalLine(label_of(key), sums[key].planned, sums[key].to_date)
        for key in sorted(sums, key=order_of)
    ]


def _year_group_totals(
    costed: CostedMap, look: Lookups, layout: _GroupLayout, year_group_id: int | None
) -> list[TotalLine]:
    """The engine's totals by year group, or the one year group's when scoped to it."""
    if year_group_id is None:
        totals = costed.by_year_group
    else:
        totals = {year_group_id: Totals(*_sum_lines(layout.lines))}

    def order(key: int | None) -> tuple[int, int]:
        """Year groups in school order, no year group last."""
        return (1, 0) if key is None else (0, look.year_groups[key][1])

    return [
        TotalLine(
            look.year_groups[key][0] if key is not None else "No year group",
            totals[key].planned,
            totals[key].to_date,
        )
        for key in sorted(totals, key=order)
    ]


def _pupil_lines(look: Lookups, layout: _GroupLayout) -> list[PupilLine]:
    """Each costed pupil's line, the costliest first."""
    pupil_lines = []
    for pupil_id, totals in layout.pupil_totals.items():
        row = look.pupils[pupil_id]
        pupil_lines.append(
            PupilLine(
                pupil_id=pupil_id,
                upn=row.upn,
                name=f"{row.preferred_name or row.forename} {row.surname}",
                year_group=look.year_groups[row.year_group_id][0] if row.year_group_id else "",
                class_name=look.classes.get(row.class_id, "") if row.class_id else "",
                sen_status=SenStatus(row.sen_status).label,
                planned=totals.planned,
                to_date=totals.to_date,
            )
        )
    pupil_lines.sort(key=lambda p: (-p.planned, p.name))
    return pupil_lines


def _scoped_threshold(
    session: Session,
    year: AcademicYear,
    margin: Decimal | None,
    annual: CostedMap,
    year_group_id: int | None,
) -> ThresholdTotals:
    """The annual threshold list, kept to the year group's own pupils when scoped."""
    threshold = threshold_totals(session, year, margin, costed=annual)
    if year_group_id is not None:
        ours = set(session.scalars(select(Pupil.id).where(Pupil.year_group_id == year_group_id)))
        threshold.rows = [row for row in threshold.rows if row.pupil_id in ours]
    return threshold


def _totals_by_heading(look: Lookups, layout: _GroupLayout) -> dict[str, list[TotalLine]]:
    """Totals by area of need, wave, funding stream and member of staff."""
    streams = look.streams
    return {
        "area": _heading_totals(
            look, layout, lambda p, _line: p.area, area_label, lambda c: AREA_ORDER.get(c, 99)
        ),
        "wave": _heading_totals(
            look, layout, lambda p, _line: p.wave, lambda w: f"Wave {w}", lambda w: w
        ),
        "stream": _heading_totals(
            look,
            layout,
            lambda p, _line: p.funding_stream_id,
            lambda key: streams.get(key, "") if key else "No funding stream",
            lambda key: (key is None, streams.get(key, "") if key else ""),
        ),
        "staff": _heading_totals(
            look,
            layout,
            lambda _p, line: line.staff or None,
            lambda name: name or "No one named",
            lambda name: (name is None, name or ""),
        ),
    }


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
    # The whole year's costs are shared (until the next change) with the status strip's
    # checks, which need the same figures.
    annual = year_costs(session, year.id, as_of or dt.date.today())
    costed = annual if term_name is None else cost_map(session, year, term_name, as_of=as_of)
    look = read_lookups(session, costed, annual)
    layout = _lay_out_groups(costed, look, year_group_id)
    by_heading = _totals_by_heading(look, layout)
    planned, to_date = _sum_lines(layout.lines)
    start, end = period_range(year, term_name)
    return CostedSummary(
        school_name=school_name(session),
        year_label=year.label,
        term_name=term_name,
        year_group_name=look.year_groups[year_group_id][0] if year_group_id is not None else None,
        start=max(start, year.start_date),
        end=min(end, year.end_date),
        as_of=costed.as_of,
        weeks_per_year=costed.weeks_per_year,
        planned=planned,
        to_date=to_date,
        unallocated=planned - sum((g.allocated for g in layout.lines), ZERO),
        groups=layout.lines,
        provisions=_provision_lines(look, layout),
        pupils=_pupil_lines(look, layout),
        by_year_group=_year_group_totals(costed, look, layout, year_group_id),
        by_area=by_heading["area"],
        by_wave=by_heading["wave"],
        by_funding_stream=by_heading["stream"],
        by_staff=by_heading["staff"],
        threshold=_scoped_threshold(session, year, margin, annual, year_group_id),
        budget=budget_totals(session, year, costed=annual) if year_group_id is None else None,
        costed=costed,
        annual=annual,
    )


def _sum_lines(lines: Sequence[GroupLine]) -> tuple[Decimal, Decimal]:
    """The planned cost and cost to date of ``lines`` together."""
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
