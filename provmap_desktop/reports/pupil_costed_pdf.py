"""A pupil's costed provision map as a PDF.

``write_pupil_costed_pdf``: a pupil's provision for the year, each with its dates and
the pupil's share (by term and for the year), the annual total and the threshold line
in words ("£6,000.00 threshold: £1,234.56 under") beside a bar drawn against it.
Figures come from ``services.pupil_costing``; the page is built on ``reports.base``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer
from sqlalchemy.orm import Session

from ..services.cost_records import ZERO
from ..services.costed_tables import school_name
from ..services.formatting import format_date, format_money, round_money
from ..services.pupil_costing import PupilCosting, pupil_costing
from . import base
from .costed_pdf import total_row_style
from .markup import escape


def threshold_bar(total: Decimal, threshold: Decimal, width: float = 440) -> Drawing:
    """A bar of the annual total against a marked threshold line, labelled in words too."""
    height, bar_y, bar_h = 46, 16, 14
    top = max(total, threshold, Decimal(1)) * Decimal("1.15")
    scale = width / float(top)
    drawing = Drawing(width, height)
    drawing.add(Rect(0, bar_y, width, bar_h, fillColor=colors.whitesmoke, strokeColor=colors.grey))
    over = round_money(total) > round_money(threshold)
    fill = colors.HexColor("#b03a2e") if over else colors.HexColor("#2e6da4")
    drawing.add(Rect(0, bar_y, float(total) * scale, bar_h, fillColor=fill, strokeColor=None))
    mark = float(threshold) * scale
    drawing.add(
        Line(mark, bar_y - 4, mark, bar_y + bar_h + 4, strokeColor=colors.black, strokeWidth=2)
    )
    label = f"threshold {format_money(threshold)}"
    half = stringWidth(label, "Helvetica", 8) / 2
    # Keep the label over the mark but inside the drawing.
    x = min(max(mark, half), width - half)
    drawing.add(String(x, bar_y + bar_h + 7, label, fontSize=8, textAnchor="middle"))
    drawing.add(String(0, 3, f"annual total {format_money(total)}", fontSize=8))
    return drawing


def _heading(costing: PupilCosting) -> Any:
    """The pupil's name, UPN, year group and SEN status in one line."""
    return base.markup_para(
        f"<b>{escape(costing.name)}</b> · UPN {costing.upn} · "
        f"{escape(costing.year_group or 'no year group')} · {costing.sen_status}",
        "body",
    )


def _provision_rows(costing: PupilCosting, terms: list[str]) -> list[list[object]]:
    """One row per provision line with its share by term and for the year, then a total."""
    rows: list[list[object]] = [
        [
            line.provision + (f" ({line.group})" if line.group else ""),
            f"{line.area}, wave {line.wave}",
            line.staff,
            line.frequency + (", 1:1" if line.one_to_one else ""),
            f"{format_date(line.joined)} to {format_date(line.left)}",
            *(format_money(line.by_term.get(t, ZERO)) for t in terms),
            format_money(line.planned),
        ]
        for line in costing.lines
    ]
    rows.append(
        [
            base.para("Annual total", "cell_bold"),
            "",
            "",
            "",
            "",
            *(
                format_money(sum((x.by_term.get(t, ZERO) for x in costing.lines), ZERO))
                for t in terms
            ),
            format_money(costing.annual_total),
        ]
    )
    return rows


def _provision_table(costing: PupilCosting, width: float) -> Any:
    """The table of the pupil's provision, or a line saying there is none."""
    if not costing.lines:
        return base.para("No provision is recorded for this pupil this year.", "body")
    terms = list(costing.term_names)
    if terms:
        fractions = [0.17, 0.14, 0.11, 0.11, 0.1, *([0.25 / len(terms)] * len(terms)), 0.12]
    else:
        fractions = [0.3, 0.16, 0.13, 0.12, 0.12, 0.17]
    return base.make_table(
        [
            "Provision",
            "Area of need",
            "Delivered by",
            "How often",
            "Dates",
            *terms,
            "Pupil's share for the year",
        ],
        _provision_rows(costing, terms),
        [width * f for f in fractions],
        align_right=tuple(range(5, 6 + len(terms))),
        extra_style=total_row_style(),
    )


def _threshold_part(costing: PupilCosting, width: float) -> list[Any]:
    """The threshold in words and as a bar, the totals, and how a share is worked out."""
    return [
        Spacer(1, 10),
        base.para(costing.threshold_text, "heading"),
        threshold_bar(costing.annual_total, costing.threshold, width=min(width, 440)),
        Spacer(1, 6),
        base.para(
            f"Annual total {format_money(costing.annual_total)}; cost to date "
            f"{format_money(costing.to_date)}. Schools meet the cost of additional SEN support "
            f"up to {format_money(costing.threshold)} a pupil a year from their notional SEN "
            "budget before the local authority's top-up.",
            "body",
        ),
        base.para(
            "The pupil's share of a group is the group's cost for each day shared equally by "
            "the pupils in it that day (1:1 is not shared), so a pupil who joins half-way "
            "pays for the days they are there.",
            "small",
        ),
    ]


def pupil_story(costing: PupilCosting, width: float) -> list[Any]:
    """A pupil's provision for the year, each share, the total and the threshold."""
    return [
        _heading(costing),
        _provision_table(costing, width),
        *_threshold_part(costing, width),
    ]


def write_pupil_costed_pdf(
    session: Session,
    path: Path,
    *,
    academic_year_id: int,
    pupil_id: int,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
) -> Path:
    """Write one pupil's costed provision map for the year, against the threshold."""
    costing = pupil_costing(session, academic_year_id, pupil_id, as_of=as_of)
    info = base.ReportInfo(
        title=f"Costed provision map: {costing.name}",
        school_name=school_name(session),
        period_text=costing.year_label,
        printed_on=printed_on or dt.date.today(),
    )
    return base.write_pdf(path, info, lambda doc: pupil_story(costing, doc.story_width))
