"""The plan for a year as a PDF for the senior leadership team (``report planning``).

Needs by year group (with the needs planned by hand), the gap analysis, cost against
budget, staff deployment and the training the plan needs. Status is in words.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from sqlalchemy.orm import Session

from ..models import SchoolSettings
from ..services.planning import Plan, build_plan
from ..services.planning import text as plan_text
from . import base
from .headings import keep_headings_with_next
from .markup import escape


def _section(section: plan_text.Section) -> list[Flowable]:
    """A subheading, what it means, and its lines as a bulleted list."""
    story: list[Flowable] = [
        base.para(section.heading, "subheading"),
        base.para(section.about, "small"),
    ]
    lines = section.lines or ["None found."]
    story += [base.markup_para(f"\u2022 {escape(line)}", "body") for line in lines]
    return story


def _needs(plan: Plan, width: float, height: float) -> list[Flowable]:
    headers = plan_text.NEEDS_HEADERS
    widths = [width * w for w in (0.12, 0.06, 0.07, 0.07, 0.05, 0.05, 0.05, 0.05, 0.3, 0.18)]
    story: list[Flowable] = [
        base.para("Projected needs by year group", "heading"),
        base.para(
            f"{len(plan.scope.pupils)} pupils expected in {plan.label}"
            + (
                " (this year's pupils moved up, less leavers, plus intake)."
                if plan.scope.is_next
                else " (the pupils on roll now)."
            ),
            "body",
        ),
        base.make_table(
            headers,
            plan_text.needs_rows(plan),
            widths,
            align_right=range(1, 8),
            frame_height=height,
        ),
        base.para("Needs planned by hand", "subheading"),
    ]
    lines = [plan_text.planned_need_line(n) for n in plan.planned] or ["None planned yet."]
    story += [base.markup_para(f"\u2022 {escape(line)}", "body") for line in lines]
    return story


def _cost(plan: Plan, width: float, height: float) -> list[Flowable]:
    widths = [width * w for w in (0.4, 0.18, 0.18, 0.24)]
    # A handful of funding streams: kept on one page rather than split after two rows.
    return [
        KeepTogether(
            [
                base.para("Cost against budget", "heading"),
                base.para(plan_text.cost_note(plan), "body"),
                base.make_table(
                    plan_text.COST_HEADERS,
                    plan_text.cost_rows(plan),
                    widths,
                    align_right=(1, 2),
                    frame_height=height,
                ),
            ]
        )
    ]


def _staff(plan: Plan, width: float, height: float) -> list[Flowable]:
    widths = [width * w for w in (0.18, 0.09, *([0.07] * 5), 0.09, 0.09, 0.2)]
    rows = [plan_text.staff_row(p) for p in plan.deployment]
    story: list[Flowable] = [
        # Staff, clashes and training read as one part: a new page unless most of one is left.
        CondPageBreak(height * 0.75),
        base.para("Staff deployment", "heading"),
        base.para(
            "Planned time on intervention groups each week against each person's "
            "contracted hours for intervention work.",
            "body",
        ),
        base.make_table(
            plan_text.STAFF_HEADERS,
            rows or [["No one is deployed yet."] + [""] * 9],
            widths,
            align_right=range(1, 9),
            frame_height=height,
        ),
    ]
    for section in plan_text.staff_sections(plan):
        story += _section(section)
    return story


def planning_story(plan: Plan, width: float, height: float) -> list[Flowable]:
    """The whole document's flowables."""
    story = _needs(plan, width, height)
    story.append(base.para("Gap analysis", "heading"))
    for section in plan_text.gap_sections(plan):
        story += _section(section)
    story += _cost(plan, width, height)
    story += _staff(plan, width, height)
    return keep_headings_with_next(story)


def write_planning_pdf(
    session: Session,
    path: Path,
    *,
    year_label: str,
    today: dt.date | None = None,
    printed_on: dt.date | None = None,
) -> Path:
    """Write the plan for the year labelled ``year_label`` ("2027/28") as a PDF."""
    today = today or dt.date.today()
    plan = build_plan(session, year_label, today)
    settings = session.get(SchoolSettings, 1)
    info = base.ReportInfo(
        title=f"SEN provision plan for {year_label}",
        school_name=settings.name if settings else "",
        period_text=f"Academic year {year_label}",
        printed_on=printed_on or today,
    )

    def story(doc: Any) -> list[Flowable]:
        return planning_story(plan, doc.story_width, doc.story_height)

    return base.write_pdf(path, info, story, landscape_pages=True)
