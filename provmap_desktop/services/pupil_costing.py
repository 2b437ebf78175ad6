"""A pupil's costed provision for a year: each group they are in, and their share of it.

The shares come from the cost engine (``services.costing.cost_map``): the annual map
for the year's share and to date, and one map per term for the termly shares, so the
three terms add up to the year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AcademicYear, GroupMembership, Provision, ProvisionGroup, Pupil
from ..models.vocab import SenStatus
from .cost_limits import threshold_totals
from .costed_tables import area_label, threshold_line
from .costing import ZERO, Totals, cost_map


@dataclass(frozen=True)
class PupilProvisionLine:
    """One group a pupil is in during the year, and their share of its cost."""

    provision: str
    area: str
    wave: int
    group: str
    staff: str
    frequency: str
    one_to_one: bool
    joined: dt.date
    left: dt.date
    by_term: dict[str, Decimal]
    planned: Decimal
    to_date: Decimal


@dataclass
class PupilCosting:
    pupil_id: int
    name: str
    upn: str
    year_group: str
    sen_status: str
    year_label: str
    term_names: list[str]
    threshold: Decimal
    lines: list[PupilProvisionLine] = field(default_factory=list)

    @property
    def annual_total(self) -> Decimal:
        return sum((line.planned for line in self.lines), ZERO)

    @property
    def to_date(self) -> Decimal:
        return sum((line.to_date for line in self.lines), ZERO)

    @property
    def threshold_text(self) -> str:
        return threshold_line(self.annual_total, self.threshold)


def pupil_costing(
    session: Session, academic_year_id: int, pupil_id: int, *, as_of: dt.date | None = None
) -> PupilCosting:
    """The pupil's share of each group they are in during the year, by term and in all."""
    year = session.get(AcademicYear, academic_year_id)
    pupil = session.get(Pupil, pupil_id)
    if year is None or pupil is None:
        raise ValueError("No such academic year or pupil.")
    annual = cost_map(session, year, as_of=as_of)
    terms = {t.name: cost_map(session, year, t.name, as_of=as_of) for t in year.terms}
    report = threshold_totals(session, year, costed=annual)
    spans: dict[int, list[GroupMembership]] = {}
    for membership in session.scalars(
        select(GroupMembership)
        .join(ProvisionGroup)
        .where(GroupMembership.pupil_id == pupil.id, ProvisionGroup.academic_year_id == year.id)
    ):
        spans.setdefault(membership.group_id, []).append(membership)
    costing = PupilCosting(
        pupil_id=pupil.id,
        name=pupil.display_name,
        upn=pupil.upn,
        year_group=pupil.year_group.name if pupil.year_group else "",
        sen_status=SenStatus(pupil.sen_status).label,
        year_label=year.label,
        term_names=list(terms),
        threshold=report.threshold,
    )
    for group_cost, share in annual.pupil_groups(pupil.id):
        group = session.get(ProvisionGroup, group_cost.group_id)
        assert group is not None
        provision: Provision = group.provision
        memberships = spans.get(group.id, [])
        joined = min((m.join_date for m in memberships), default=group.start_date)
        left = max((m.leave_date or group.end_date for m in memberships), default=group.end_date)
        by_term = {
            name: term_map.by_group[group.id].pupil_shares.get(pupil.id, Totals()).planned
            if group.id in term_map.by_group
            else ZERO
            for name, term_map in terms.items()
        }
        costing.lines.append(
            PupilProvisionLine(
                provision=provision.name,
                area=area_label(provision.area),
                wave=provision.wave,
                group=group.name,
                staff=group.staff.name if group.staff else provision.external_agency,
                frequency=f"{group.effective_sessions_per_week} × "
                f"{group.effective_session_minutes} min a week",
                one_to_one=group_cost.is_one_to_one,
                joined=max(joined, group.start_date),
                left=min(left, group.end_date),
                by_term=by_term,
                planned=share.planned,
                to_date=share.to_date,
            )
        )
    costing.lines.sort(key=lambda line: (line.joined, line.provision))
    return costing
