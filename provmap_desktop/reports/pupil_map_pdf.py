"""One pupil's individual provision map as a PDF, for an EHC needs-assessment request.

Every allocation the pupil has had, year by year and in date order: the provision, its
area of need and wave, the group and member of staff, the pupil's own dates, how often
it runs, and the pupil's share of its cost (worked out by ``costing.cost_map`` for that
academic year). Under each year, the outcomes recorded at its reviews (Assess, Plan,
Review and the decision), then the year's total against the school's threshold. A last
table gives the totals for every year, so the graduated approach reads in order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import AcademicYear, GroupMembership, ProvisionGroup, Pupil, Review, SchoolSettings
from ..models.vocab import AREA_LABELS, NEED_TYPES, AreaOfNeed, SenStatus
from ..services.cost_records import ZERO, Totals
from ..services.costing import DEFAULT_THRESHOLD, cost_map
from ..services.formatting import format_date, format_money, round_money
from . import base, page
from .markup import escape
from .profile_pdf import frequency

TITLE = "Individual provision map"
CONFIDENTIAL = "Confidential: special category personal data."
TARGET_MET = {"met": "Met", "partly": "Partly met", "not_met": "Not met"}
DECISIONS = {
    "continue": "Continue",
    "modify": "Modify",
    "escalate": "Escalate",
    "exit": "Exit",
}


@dataclass
class YearOfProvision:
    """One academic year of the pupil's provision, with their share of each group."""

    year: AcademicYear
    memberships: list[GroupMembership]
    shares: dict[int, Totals]  # group id -> the pupil's share of that group
    reviews: list[Review]

    @property
    def total(self) -> Totals:
        """The pupil's share of all the year's groups added up."""
        total = Totals()
        for share in self.shares.values():
            total.add_from(share)
        return total


def provision_by_year(
    session: Session, pupil: Pupil, *, as_of: dt.date | None = None
) -> list[YearOfProvision]:
    """The years in which the pupil had any allocation, earliest first, costed."""
    memberships = session.scalars(
        select(GroupMembership)
        .where(GroupMembership.pupil_id == pupil.id)
        .options(
            joinedload(GroupMembership.group).joinedload(ProvisionGroup.provision),
            joinedload(GroupMembership.group).joinedload(ProvisionGroup.staff),
        )
        .order_by(GroupMembership.join_date, GroupMembership.id)
    ).all()
    by_year: dict[int, list[GroupMembership]] = defaultdict(list)
    for membership in memberships:
        by_year[membership.group.academic_year_id].append(membership)
    reviews = session.scalars(
        select(Review)
        .where(Review.pupil_id == pupil.id)
        .order_by(Review.baseline_date, Review.review_date, Review.id)
    ).all()
    years = session.scalars(
        select(AcademicYear).where(AcademicYear.id.in_(by_year)).order_by(AcademicYear.start_date)
    ).all()
    result = []
    for year in years:
        costed = cost_map(session, year, as_of=as_of)
        shares = {group.group_id: share for group, share in costed.pupil_groups(pupil.id)}
        ids = {m.id for m in by_year[year.id]}
        result.append(
            YearOfProvision(
                year=year,
                memberships=by_year[year.id],
                shares=shares,
                reviews=[r for r in reviews if r.membership_id in ids],
            )
        )
    return result


def _unlinked_reviews(session: Session, pupil: Pupil) -> list[Review]:
    """The pupil's reviews not tied to any allocation, oldest first."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.pupil_id == pupil.id, Review.membership_id.is_(None))
            .order_by(Review.baseline_date, Review.id)
        )
    )


def _summary(pupil: Pupil) -> list[Flowable]:
    """The pupil's name and a line of facts: year, class, SEN status, needs, EHCP."""
    needs = "; ".join(
        f"{code} ({NEED_TYPES.get(code, code)})"
        for code in (pupil.primary_need, pupil.secondary_need)
        if code
    )
    facts = [
        ("UPN", pupil.upn),
        ("Date of birth", format_date(pupil.date_of_birth, blank="not recorded")),
        ("Year group", pupil.year_group.name if pupil.year_group else "none"),
        ("Class", pupil.school_class.name if pupil.school_class else "none"),
        ("SEN status", SenStatus(pupil.sen_status).label),
        ("Needs", needs or "not recorded"),
    ]
    if pupil.sen_start_date:
        facts.append(("On the SEN register since", format_date(pupil.sen_start_date)))
    if pupil.ehcp is not None:
        facts.append(
            (
                "EHC plan",
                f"issued {format_date(pupil.ehcp.issued_date, blank='(date not recorded)')}, "
                f"next annual review {format_date(pupil.ehcp.next_review_date, blank='not set')}",
            )
        )
    text = " · ".join(f"<b>{escape(k)}:</b> {escape(v)}" for k, v in facts)
    return [base.para(pupil.display_name, "title"), base.markup_para(text, "body")]


def _dates(m: GroupMembership) -> str:
    """When the pupil was in the group: from joining to leaving or the group's end."""
    end = min(m.leave_date or m.group.end_date, m.group.end_date)
    return f"{format_date(m.join_date)} to {format_date(end)}"


def _allocation_table(item: YearOfProvision, width: float, height: float) -> Flowable:
    """The year's allocations with the pupil's share of each cost, and a total row."""
    rows: list[list[object]] = []
    costed: set[int] = set()
    for m in item.memberships:
        group = m.group
        provision = group.provision
        area = AREA_LABELS[AreaOfNeed(provision.area)]
        share = item.shares.get(group.id)
        if group.id in costed:
            planned, to_date = "(in the row above)", ""
        else:
            costed.add(group.id)
            planned = format_money(share.planned if share else ZERO)
            to_date = format_money(share.to_date if share else ZERO)
        rows.append(
            [
                [
                    base.para(provision.name, "cell_bold"),
                    base.para(f"{area}, wave {provision.wave}"),
                ],
                [
                    base.para(group.name or "(unnamed group)"),
                    base.para(group.staff.name if group.staff else "no one named"),
                ],
                _dates(m),
                frequency(group),
                planned,
                to_date,
            ]
        )
    total = item.total
    rows.append(
        [
            base.para(f"Total for {item.year.label}", "cell_bold"),
            "",
            "",
            "",
            base.para(format_money(total.planned), "cell_bold"),
            base.para(format_money(total.to_date), "cell_bold"),
        ]
    )
    fractions = (0.27, 0.18, 0.16, 0.17, 0.11, 0.11)
    return base.make_table(
        ["Provision", "Group and staff", "Dates", "How often", "Share of cost", "Cost to date"],
        rows,
        [width * f for f in fractions],
        align_right=(4, 5),
        frame_height=height,
        extra_style=[
            ("BACKGROUND", (0, -1), (-1, -1), base.HEADER_FILL),
            ("SPAN", (0, -1), (3, -1)),
        ],
    )


def _measure(value: str, day: dt.date | None) -> str:
    """A baseline or outcome measure with its date, or nothing."""
    if not value:
        return ""
    return value + (f" ({format_date(day)})" if day else "")


def _review_table(reviews: list[Review], width: float, height: float) -> Flowable:
    """The reviews' baselines, targets, outcomes and decisions, one row each."""
    rows: list[list[object]] = []
    for review in reviews:
        membership = review.membership
        name = membership.group.provision.name if membership else "(no allocation)"
        plan = "\n".join(t for t in (review.outcome_sought, f"Target: {review.target}") if t)
        if not review.target:
            plan = review.outcome_sought
        met = TARGET_MET.get(review.target_met or "", "")
        outcome = "\n".join(
            t for t in (_measure(review.outcome_value, review.outcome_date), met) if t
        )
        decision = DECISIONS.get(review.decision or "", "")
        if review.escalate_to:
            decision += f" to {review.escalate_to}"
        if review.next_step:
            decision = "\n".join(t for t in (decision, review.next_step) if t)
        if not review.is_complete and not outcome:
            outcome = f"Review due {format_date(review.review_date, blank='(no date)')}"
        rows.append(
            [name, _measure(review.baseline_value, review.baseline_date), plan, outcome, decision]
        )
    fractions = (0.2, 0.17, 0.25, 0.2, 0.18)
    return base.make_table(
        ["Provision", "Baseline", "Outcome sought and target", "Outcome", "Decision"],
        rows,
        [width * f for f in fractions],
        frame_height=height,
    )


def _threshold_words(total: Decimal, threshold: Decimal) -> str:
    """How the total stands against the threshold, in words."""
    difference = round_money(total) - round_money(threshold)
    if difference > 0:
        return f"{format_money(difference)} over the {format_money(threshold)} threshold"
    if difference == 0:
        return f"exactly the {format_money(threshold)} threshold"
    return f"{format_money(-difference)} under the {format_money(threshold)} threshold"


def pupil_map_story(
    session: Session,
    pupil: Pupil,
    width: float,
    height: float,
    *,
    as_of: dt.date | None = None,
) -> list[Flowable]:
    """The flowables of the pupil's provision map, sized to a frame ``width`` × ``height``."""
    threshold = session.scalar(select(SchoolSettings.sen_threshold)) or DEFAULT_THRESHOLD
    years = provision_by_year(session, pupil, as_of=as_of)
    story: list[Flowable] = _summary(pupil)
    if not years:
        story.append(base.para("No provision has been recorded for this pupil.", "body"))
    for item in years:
        story += _year_story(item, threshold, width, height)
    unlinked = _unlinked_reviews(session, pupil)
    if unlinked:
        story.append(base.para("Other reviews", "subheading"))
        story.append(_review_table(unlinked, width, height))
    if years:
        story += _totals_story(years, threshold, width, height)
    return story


def _year_story(
    item: YearOfProvision, threshold: Decimal, width: float, height: float
) -> list[Flowable]:
    """One academic year: its allocations, the pupil's share of cost, its reviews."""
    story: list[Flowable] = [
        KeepTogether(
            [
                base.para(f"{item.year.label}", "heading"),
                _allocation_table(item, width, height),
            ]
        ),
        Spacer(0, 3),
        base.para(
            f"The pupil's share of planned provision in {item.year.label}: "
            f"{format_money(item.total.planned)}, "
            f"{_threshold_words(item.total.planned, threshold)}.",
            "body",
        ),
    ]
    if item.reviews:
        story.append(base.para(f"Outcomes reviewed in {item.year.label}", "subheading"))
        story.append(_review_table(item.reviews, width, height))
    story.append(Spacer(0, 6))
    return story


def _totals_story(
    years: list[YearOfProvision], threshold: Decimal, width: float, height: float
) -> list[Flowable]:
    """The table of totals by academic year, and how a pupil's share is worked out."""
    rows = [
        [
            item.year.label,
            str(len(item.memberships)),
            format_money(item.total.planned),
            format_money(item.total.to_date),
            _threshold_words(item.total.planned, threshold),
        ]
        for item in years
    ]
    fractions = (0.14, 0.14, 0.17, 0.17, 0.38)
    header = ["Academic year", "Allocations", "Share of cost", "Cost to date", "Threshold"]
    table = base.make_table(
        header, rows, [width * f for f in fractions], align_right=(1, 2, 3), frame_height=height
    )
    return [
        # The heading stays with its table rather than ending a page alone.
        KeepTogether([base.para("Totals by year", "heading"), table]),
        base.para(
            "Each pupil's share: a group's cost is spread over its teaching days and "
            "shared equally by the pupils in it each day; 1:1 provision is not shared. "
            "Cost to date counts sessions recorded as delivered.",
            "small",
        ),
    ]


def write_pupil_map_pdf(
    session: Session, path: Path | str, pupil: Pupil, *, as_of: dt.date | None = None
) -> Path:
    """Write the pupil's provision map (A4 landscape) whole or not at all."""
    school = session.scalar(select(SchoolSettings.name)) or ""
    info = page.ReportInfo(
        title=f"{TITLE}: {pupil.display_name}",
        school_name=school,
        period_text="Every year of provision, with costs and outcomes",
        printed_on=as_of or dt.date.today(),
        footer_note=CONFIDENTIAL,
    )
    return base.write_pdf(
        path,
        info,
        lambda doc: pupil_map_story(session, pupil, doc.story_width, doc.story_height, as_of=as_of),
        landscape_pages=True,
    )
