"""The evidence pack for an EHC needs-assessment request, for one pupil, as one PDF.

It holds the one-page profile, the SEN details (and EHC plan, if any), every APDR cycle
in order (baseline, target, delivery rate over the cycle, outcome, progress, decision)
and the costed provision for the year against the school's threshold, then every
version of the SEN support plan and the meetings with the family; it says how many
complete cycles and reviewed plans there are: a local authority panel usually looks
for two or three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import GroupMembership, Pupil, SchoolSettings
from ..models.pupils import PROFILE_FIELDS
from ..models.vocab import NEED_TYPES, WAVE_LABELS, SenStatus
from ..services.calendar import current_or_latest_year
from ..services.cost_limits import threshold_totals
from ..services.costing import cost_map
from ..services.delivery import membership_rate, rag
from ..services.formatting import format_date, format_money
from ..services.planned_sessions import group_label
from ..services.review_cycle import DECISION_LABELS, TARGET_MET_LABELS, cycles_for_pupil
from ..services.review_measures import MEASURE_LABELS, progress, progress_text
from . import base
from .markup import escape
from .page import ReportInfo

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=16, spaceAfter=4)
H2 = ParagraphStyle("h2", parent=STYLES["Heading2"], fontSize=12, spaceBefore=8, spaceAfter=4)
H3 = ParagraphStyle("h3", parent=STYLES["Heading3"], fontSize=10, spaceBefore=6, spaceAfter=2)
GRID = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#e8eef4")


# -- shared helpers (the page frame itself comes from reports/base.py) ----------------

CONFIDENTIAL = "Confidential: special category personal data."


def write_pdf(
    path: Path,
    title: str,
    story: list[Flowable],
    *,
    school: str,
    period: str = "",
    today: dt.date,
    landscape_pages: bool = False,
) -> Path:
    """Write ``story`` through the shared report base (Page x of y, atomic write)."""
    info = ReportInfo(
        title=title,
        school_name=school,
        period_text=period,
        printed_on=today,
        footer_note=CONFIDENTIAL,
    )
    return base.write_pdf(path, info, story, landscape_pages=landscape_pages)


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of the user's own words (escaped; line breaks kept)."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    *,
    header: bool = True,
    label_column: bool = False,
) -> Table:
    """A grid with a shaded, repeating header row (or a shaded first column)."""
    cells = [[c if isinstance(c, Flowable) else para(str(c), SMALL) for c in row] for row in rows]
    result = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        style.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    result.setStyle(TableStyle(style))
    return result


def school_name(session: Session) -> str:
    """The school's name from its settings, or "School" before any is set."""
    settings = session.get(SchoolSettings, 1)
    return settings.name if settings else "School"


# -- the evidence pack --------------------------------------------------------------------


def _profile_story(session: Session, pupil: Pupil) -> list[Flowable]:
    """The one-page profile: the profile report's own story when it offers one."""
    try:
        from .profile_pdf import profile_story  # type: ignore[attr-defined]

        story: list[Flowable] = [para("One-page profile", H2), *profile_story(session, pupil)]
        return story
    except (ImportError, AttributeError, TypeError):
        pass
    profile = pupil.profile
    rows = [
        [label, para(getattr(profile, field, "") if profile else "")]
        for field, label in PROFILE_FIELDS
    ]
    return [
        para("One-page profile", H2),
        table(rows, [55 * mm, 125 * mm], header=False, label_column=True),
    ]


def _details_story(pupil: Pupil) -> list[Flowable]:
    """The pupil's SEN details table, then their EHC plan's dates, outcomes and provision."""
    status = SenStatus(pupil.sen_status).label
    flags = [
        name
        for name, on in (
            ("EAL", pupil.eal),
            ("Pupil premium", pupil.pupil_premium),
            ("FSM", pupil.fsm),
            ("Looked after", pupil.cla),
        )
        if on
    ]

    def need(code: str | None) -> str:
        """A need's name with its code, or a dash."""
        return f"{NEED_TYPES[code]} ({code})" if code else "–"

    rows = [
        ["UPN", pupil.upn],
        ["Date of birth", format_date(pupil.date_of_birth, blank="–")],
        ["Year group", pupil.year_group.name if pupil.year_group else "–"],
        ["SEN status", status],
        ["Primary need", need(pupil.primary_need)],
        ["Secondary need", need(pupil.secondary_need)],
        ["On the SEN register since", format_date(pupil.sen_start_date, blank="–")],
        ["Other", ", ".join(flags) or "–"],
        ["SEN notes", para(pupil.sen_notes or "–", SMALL)],
    ]
    story: list[Flowable] = [
        para("SEN details", H2),
        table(rows, [55 * mm, 125 * mm], header=False, label_column=True),
    ]
    plan = pupil.ehcp
    if plan is not None:
        story.append(para("EHC plan", H3))
        story.append(
            para(
                f"Issued {format_date(plan.issued_date, blank='–')}; next annual review "
                f"{format_date(plan.next_review_date, blank='–')}."
            )
        )
        for outcome in plan.outcomes:
            story.append(para(f"Section E: {outcome.text}", SMALL))
        for item in plan.provision_items:
            story.append(para(f"Section F: {item.text}", SMALL))
    return story


def _dated(value: str, day: dt.date | None) -> str:
    """A recorded value with the day it was taken, or a dash when nothing was recorded."""
    if not value.strip() or value.strip().endswith(":"):
        return "–"
    return f"{value} on {format_date(day)}" if day else value


def _cycle_story(session: Session, number: int, review: Any, settings: Any) -> Flowable:
    """One APDR cycle: the provision, baseline, target, outcome and decision."""
    membership = review.membership
    group = membership.group if membership else None
    provision = group.provision if group else None
    measure = MEASURE_LABELS.get(review.baseline_type, review.baseline_type)
    gained = progress(review.baseline_type, review.baseline_value, review.outcome_value)
    delivery = "–"
    if membership is not None and review.baseline_date:
        end = review.outcome_date or review.review_date or review.baseline_date
        rate = membership_rate(session, membership, review.baseline_date, end)
        if rate.planned:
            delivery = (
                f"{rate.percent_text} ({rag(rate, settings)[0]}): {rate.delivered} of "
                f"{rate.planned} planned sessions attended"
            )
    decision = DECISION_LABELS.get(review.decision or "", "Not yet reviewed")
    if review.escalate_to:
        decision += f" to {review.escalate_to}"
    if provision is not None and group is not None:
        staff = f", {group.staff.name}" if group.staff else ""
        what = (
            f"{provision.name} ({WAVE_LABELS.get(provision.wave, '')}): {group_label(group)}, "
            f"{group.effective_sessions_per_week} x {group.effective_session_minutes} min a week"
            f"{staff}, {format_date(group.start_date)} to {format_date(group.end_date)}"
        )
    else:
        what = "Provision no longer recorded"
    state = "complete" if review.is_complete else "open"
    target = review.target + (f" ({review.target_value})" if review.target_value else "")
    rows = [
        ["Provision", para(what, SMALL)],
        ["Assess: baseline", _dated(f"{measure}: {review.baseline_value}", review.baseline_date)],
        ["Plan: outcome sought", para(review.outcome_sought or "–", SMALL)],
        ["Plan: target", para(target or "–", SMALL)],
        ["Review date", format_date(review.review_date, blank="–")],
        ["Do: delivery", delivery],
        ["Review: outcome", _dated(review.outcome_value, review.outcome_date)],
        ["Progress", progress_text(review.baseline_type, gained)],
        ["Target", TARGET_MET_LABELS.get(review.target_met or "", "–")],
        ["Pupil voice", para(review.pupil_voice or "–", SMALL)],
        ["Parent/carer views", para(review.parent_views or "–", SMALL)],
        ["Decision", decision],
        ["Next step", para(review.next_step or "–", SMALL)],
    ]
    return KeepTogether(
        [
            para(f"Cycle {number} ({state})", H3),
            table(rows, [45 * mm, 135 * mm], header=False, label_column=True),
        ]
    )


def _cost_story(session: Session, pupil: Pupil, today: dt.date) -> list[Flowable]:
    """What the pupil's provision costs this year against the school's threshold."""
    year = current_or_latest_year(session, today)
    story: list[Flowable] = [para("Costed provision", H2)]
    if year is None:
        return [*story, para("No academic year is set up, so nothing is costed.")]
    costed = cost_map(session, year, as_of=today)
    report = threshold_totals(session, year, costed=costed)
    rows: list[list[Any]] = [["Provision", "Group", "Dates", "Planned cost", "Cost to date"]]
    groups = {
        m.group_id: m.group
        for m in session.scalars(
            select(GroupMembership).where(GroupMembership.pupil_id == pupil.id)
        )
    }
    for cost, share in costed.pupil_groups(pupil.id):
        group = groups.get(cost.group_id)
        if group is None:
            continue
        rows.append(
            [
                group.provision.name,
                group_label(group),
                f"{format_date(group.start_date)} to {format_date(group.end_date)}",
                format_money(share.planned),
                format_money(share.to_date),
            ]
        )
    share_total = costed.by_pupil.get(pupil.id)
    line = report.row_for(pupil.id)
    amount = line.annual_total if line else (share_total.planned if share_total else Decimal(0))
    rows.append([f"Total for {year.label}", "", "", format_money(amount), ""])
    costs = table(rows, [45 * mm, 45 * mm, 40 * mm, 25 * mm, 25 * mm])
    threshold = report.threshold
    side = "at or above" if amount >= threshold else "below"
    gap = format_money(abs(amount - threshold))
    verdict = f"{side} the threshold of {format_money(threshold)} by {gap}"
    summary = para(
        f"The costed provision for {year.label} is {format_money(amount)}: {verdict} "
        "(the school's notional SEN budget funds additional support up to it)."
    )
    # The total and its verdict stay with the table rather than alone on a new page.
    story.append(KeepTogether([costs, Spacer(1, 3 * mm), summary]))
    return story


def evidence_story(session: Session, pupil: Pupil, *, today: dt.date) -> list[Flowable]:
    """Everything in the evidence pack, in order, as ReportLab flowables."""
    cycles = cycles_for_pupil(session, pupil.id)
    complete = sum(1 for c in cycles if c.is_complete)
    settings = session.get(SchoolSettings, 1)
    story: list[Flowable] = [
        para(f"Evidence pack: {pupil.display_name}", H1),
        para(
            f"{school_name(session)} · prepared {format_date(today)} for a request for an "
            "EHC needs assessment"
        ),
        Spacer(1, 2 * mm),
        Paragraph(
            f"<b>{complete} complete APDR cycle{'s' if complete != 1 else ''}</b>"
            + (f" and {len(cycles) - complete} open" if len(cycles) > complete else "")
            + f" (Assess, Plan, Do, Review) {'is' if len(cycles) == 1 else 'are'} recorded below.",
            BODY,
        ),
    ]
    story += _profile_story(session, pupil)
    story += _details_story(pupil)
    story.append(para("APDR cycles, in order", H2))
    if not cycles:
        story.append(para("No cycles are recorded yet."))
    for number, review in enumerate(cycles, start=1):
        story.append(_cycle_story(session, number, review, settings))
    story += _cost_story(session, pupil, today)
    from .plan_records import meetings_story, plans_story

    story += plans_story(session, pupil, today)
    story += meetings_story(session, pupil)
    return story


def write_evidence_pack(
    session: Session, pupil_id: int, out: Path, *, today: dt.date | None = None
) -> Path:
    """Write the pupil's evidence pack to ``out``; raises ``ValueError`` for no such pupil."""
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise ValueError(f"There is no pupil {pupil_id}.")
    today = today or dt.date.today()
    story = evidence_story(session, pupil, today=today)
    return write_pdf(
        out,
        f"Evidence pack: {pupil.display_name} ({pupil.upn})",
        story,
        school=school_name(session),
        today=today,
    )
