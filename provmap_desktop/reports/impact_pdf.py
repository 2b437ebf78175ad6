"""Impact by provision as a PDF: reviews, targets met, progress, delivery and cost.

Every figure carries the number of pupils behind it, so a small sample reads as small.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from ..models import AcademicYear
from ..services.delivery import rag
from ..services.formatting import format_date, format_money
from ..services.review_impact import impact_by_provision
from .evidence_pdf import BODY, H1, SMALL, para, school_name, table, write_pdf

HEADERS = [
    "Provision",
    "Completed reviews (pupils)",
    "Targets met (pupils)",
    "Mean progress (pupils)",
    "Delivery to date (pupils)",
    "Cost per pupil (pupils)",
]


def impact_story(
    session: Session, academic_year_id: int | None, *, today: dt.date
) -> list[Flowable]:
    """The impact table for one academic year (every year for None)."""
    year = session.get(AcademicYear, academic_year_id) if academic_year_id else None
    period = year.label if year else "all years"
    rows: list[list[object]] = [list(HEADERS)]
    for row in impact_by_provision(session, academic_year_id, as_of=today):
        met = f"{round(100 * row.met_share)}%" if row.met_share is not None else "–"
        progress = "; ".join(f"{m.text} ({m.pupils})" for m in row.progress) or "–"
        delivery = "–"
        if row.delivery_rate is not None:
            word = rag(row.delivery_rate, session)[0]
            delivery = f"{round(100 * row.delivery_rate)}% {word}, {row.delivered} of {row.planned}"
        rows.append(
            [
                row.name,
                f"{row.reviews} ({row.reviewed_pupils})",
                f"{met} ({row.target_pupils})",
                progress,
                f"{delivery} ({row.delivery_pupils})",
                f"{format_money(row.cost_per_pupil, blank='–')} ({row.cost_pupils})",
            ]
        )
    story: list[Flowable] = [
        para(f"Impact by provision, {period}", H1),
        para(f"{school_name(session)} · prepared {format_date(today)}"),
        Spacer(1, 3 * mm),
        para(
            "The number in brackets is how many pupils each figure rests on. Progress is "
            "averaged only over the same kind of measure (reading ages in months, scores in "
            "points); a count of incidents falls as a pupil makes progress, so it reads as "
            '"4 fewer"; free-text measures have none.',
            SMALL,
        ),
        Spacer(1, 3 * mm),
    ]
    if len(rows) == 1:
        story.append(para("No provision has groups in this period yet.", BODY))
    else:
        story.append(table(rows, [55 * mm, 35 * mm, 32 * mm, 65 * mm, 45 * mm, 35 * mm]))
    return story


def write_impact_report(
    session: Session, academic_year_id: int | None, out: Path, *, today: dt.date | None = None
) -> Path:
    """Write the impact PDF (A4 landscape) to ``out``."""
    today = today or dt.date.today()
    story = impact_story(session, academic_year_id, today=today)
    year = session.get(AcademicYear, academic_year_id) if academic_year_id else None
    return write_pdf(
        out,
        "Impact by provision",
        story,
        school=school_name(session),
        period=year.label if year else "All years",
        today=today,
        landscape_pages=True,
    )
