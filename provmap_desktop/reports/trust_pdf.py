"""The trust's overview as a landscape PDF: a school a row, the trust's total last.

It names no pupil: the figures come from ``services.trust``, which reads only counts
and sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..services.formatting import format_date, format_money
from ..services.trust import SchoolFigures, trust_totals
from . import base

HEADER = [
    "School",
    "Year",
    "Provisions running",
    "On the SEN register",
    "EHC plans",
    "Planned cost",
    "Budget",
    "Against budget",
    "At or over the threshold",
]
#: Shares of the page's width, column by column.
SHARES = [0.22, 0.08, 0.09, 0.09, 0.08, 0.11, 0.11, 0.11, 0.11]


def _against(budget: Any, planned: Any) -> str:
    """The budget against the planned cost in words: "£8.00 over", "£381.00 under"."""
    if budget is None:
        return "no budget set"
    gap = budget - planned
    if gap < 0:
        return f"{format_money(-gap)} over"
    return f"{format_money(gap)} under" if gap else "on budget"


def _row(s: SchoolFigures) -> list[str]:
    return [
        s.school,
        s.academic_year,
        str(s.provisions),
        str(s.sen_register),
        str(s.ehc_plans),
        format_money(s.planned_cost),
        format_money(s.budget, blank="none entered"),
        _against(s.budget, s.planned_cost),
        f"{s.at_or_over_threshold} (at {format_money(s.threshold)})",
    ]


def trust_story(schools: Sequence[SchoolFigures], width: float) -> list[Any]:
    """The explanation, then the table of schools with the trust's total."""
    totals = trust_totals(schools)
    total_row = [
        "Trust total",
        "",
        str(totals["provisions"]),
        str(totals["sen_register"]),
        str(totals["ehc_plans"]),
        format_money(totals["planned_cost"]),
        format_money(totals["budget"], blank="none entered"),
        _against(totals["budget"], totals["planned_cost"]),
        str(totals["at_or_over_threshold"]),
    ]
    table = base.make_table(
        HEADER,
        [*map(_row, schools), total_row],
        [share * width for share in SHARES],
        align_right=range(2, len(HEADER)),
        extra_style=[("BACKGROUND", (0, -1), (-1, -1), base.HEADER_FILL)],
    )
    table.hAlign = "LEFT"
    return [
        base.para(
            "Each school's provision for its academic year, side by side: the provisions "
            "with a group running, pupils on roll on SEN support or with an EHC plan, the "
            "planned annual cost against the year's budgets, and how many pupils' planned "
            "provision costs at least the school's threshold. Counts and sums only: no "
            "pupil is named.",
            "body",
        ),
        table,
    ]


def write_trust_pdf(
    path: str | Path, schools: Sequence[SchoolFigures], *, printed_on: dt.date | None = None
) -> Path:
    """Write the overview of ``schools`` as a landscape A4 PDF at ``path``."""
    day = printed_on or dt.date.today()
    years = sorted({s.academic_year for s in schools})
    info = base.ReportInfo(
        title="Trust overview: SEN provision and cost by school",
        school_name=f"{len(schools)} schools" if len(schools) != 1 else schools[0].school,
        period_text=f"Academic year {', '.join(years)}; made {format_date(day)}",
        printed_on=day,
    )
    return base.write_pdf(
        path, info, lambda doc: trust_story(schools, doc.story_width), landscape_pages=True
    )
