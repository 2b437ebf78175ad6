"""The costed provision map as a PDF: for the school, for one year group, and for a pupil.

- ``write_costed_pdf``: each provision with its groups, pupils, average cost per pupil,
  planned cost and cost to date; then totals by year group, area of need, wave and
  funding stream (and the budget, for the whole school). Figures come from
  ``services.costed_tables.costed_summary``, which lays out the cost engine's results.
- ``write_costed_pdf(..., governors=True)``: one portrait page a governor can read in
  a minute: the totals planned and to date, by area of need, by year group and by
  funding stream against its budget, and how many pupils are at or over the threshold.
  It names no pupil anywhere, and no text is smaller than 9 pt (``reports.governors_pdf``).
- ``write_pupil_costed_pdf``: a pupil's provision for the year, each with its dates and
  the pupil's share (by term and for the year), the annual total and the threshold
  line in words ("£6,000.00 threshold: £1,234.56 under") beside a bar drawn against it.

Both are built on the shared document base (``reports.base``): page header and footer,
"Page x of y", tables whose heading row repeats, and an atomic write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer
from sqlalchemy.orm import Session

from ..services.costed_columns import printed_columns
from ..services.costed_tables import (
    CostedSummary,
    TotalLine,
    costed_summary,
    school_name,
    threshold_line,
)
from ..services.costing import ZERO
from ..services.formatting import format_date, format_money, round_money
from ..services.pupil_costing import PupilCosting, pupil_costing
from . import base
from .governors_pdf import governors_story


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


# -- the documents ---------------------------------------------------------------------

_METHOD = (
    "How the figures are worked out: session cost = hourly rate × minutes ÷ 60 + any "
    "external cost a session (an agency charged by the session costs its charge only, "
    "unless a member of staff is named for the group); group cost = session cost × "
    "sessions a week × teaching weeks + resources, where teaching weeks = the teaching "
    "days in the group's dates ÷ 5 (a part week counts its days), at most the school's "
    "{weeks} costed weeks a year; a term holds its share by teaching days. Each day's cost "
    "is shared equally by the pupils in the group that day; 1:1 provision is not shared. "
    "Cost to date counts the sessions recorded as delivered up to {as_of}. Amounts are "
    "rounded to the penny only when shown."
)


def _money_rows(lines: list[TotalLine]) -> list[list[object]]:
    """One row per heading: its name, planned cost and cost to date."""
    return [
        [line.heading, format_money(line.planned), format_money(line.to_date)] for line in lines
    ]


def _narrow_table(*args: Any, **kwargs: Any) -> Any:
    """``base.make_table`` set against the left margin, under its heading."""
    table = base.make_table(*args, **kwargs)
    table.hAlign = "LEFT"
    return table


def _bold_last_row() -> list[tuple[Any, ...]]:
    """Table style that shades the total row at the foot."""
    return [("BACKGROUND", (0, -1), (-1, -1), base.HEADER_FILL)]


def _pdf_cell(kind: str, value: Any) -> object:
    """A costed map value as the PDF shows it: money in pounds, dates dd/mm/yyyy."""
    if kind == "money":
        return format_money(value, blank="–")
    if kind == "date":
        return format_date(value)
    if kind == "weeks":
        return f"{round(value, 2):.2f}"
    return value


def _groups_table(summary: CostedSummary, width: float) -> Any:
    """The groups, with the columns of the spreadsheet's "Costed map" the page holds."""
    columns = printed_columns()
    return base.make_table(
        [c.heading for c in columns],
        [[_pdf_cell(c.kind, c.value(g)) for c in columns] for g in summary.groups],
        [width * (c.pdf_share or 0) for c in columns],
        align_right=[n for n, c in enumerate(columns) if c.kind in {"int", "money", "weeks"}],
    )


def _provisions_table(summary: CostedSummary, width: float) -> Any:
    """Each provision's groups, pupils and costs, with a total row."""
    rows: list[list[object]] = [
        [
            p.name,
            p.area,
            f"Wave {p.wave}",
            p.groups,
            p.pupils,
            format_money(p.cost_per_pupil, blank="–"),
            format_money(p.planned),
            format_money(p.to_date),
        ]
        for p in summary.provisions
    ]
    rows.append(
        [
            base.para("Total", "cell_bold"),
            "",
            "",
            len(summary.groups),
            summary.pupils_costed,
            "",
            format_money(summary.planned),
            format_money(summary.to_date),
        ]
    )
    fractions = [0.25, 0.23, 0.07, 0.07, 0.07, 0.11, 0.1, 0.1]
    return base.make_table(
        [
            "Provision",
            "Area of need",
            "Wave",
            "Groups",
            "Pupils",
            "Cost per pupil (average)",
            "Planned cost",
            "Cost to date",
        ],
        rows,
        [width * f for f in fractions],
        align_right=(3, 4, 5, 6, 7),
        extra_style=_bold_last_row(),
    )


def _provisions_section(summary: CostedSummary, width: float) -> list[Any]:
    """By provision, then the groups and how each cost is made up, with their notes."""
    story: list[Any] = [base.para("By provision", "heading")]
    if not summary.provisions:
        return [*story, base.para("No groups run in this period.", "body")]
    story.append(_provisions_table(summary, width))
    story.append(base.para("Groups, and how each cost is made up", "heading"))
    story.append(_groups_table(summary, width))
    for g in summary.groups:
        if g.note:
            name = f"{g.group} ({g.provision})" if g.group else g.provision
            story.append(base.para(f"{name}: {g.note}.", "small"))
    return story


def _totals_section(summary: CostedSummary, width: float) -> list[Any]:
    """Totals by year group, area of need, wave and funding stream, each with its total."""
    story: list[Any] = [base.para("Totals", "heading")]
    half = width * 0.6
    for heading, lines in (
        ("Year group", summary.by_year_group),
        ("Area of need", summary.by_area),
        ("Wave", summary.by_wave),
        ("Funding stream", summary.by_funding_stream),
    ):
        if not lines:
            continue
        story.append(base.para(f"By {heading.lower()}", "subheading"))
        story.append(
            _narrow_table(
                [heading, "Planned cost", "Cost to date"],
                [
                    *_money_rows(lines),
                    [
                        base.para("Total", "cell_bold"),
                        format_money(summary.planned),
                        format_money(summary.to_date),
                    ],
                ],
                [half * 0.5, half * 0.25, half * 0.25],
                align_right=(1, 2),
                extra_style=_bold_last_row(),
            )
        )
    return story


def _budget_section(summary: CostedSummary, width: float) -> list[Any]:
    """Each funding stream's budget against its planned spend (whole school only)."""
    if summary.budget is None or not summary.budget.rows:
        return []
    table = _narrow_table(
        ["Funding stream", "Budget", "Planned spend", "Spent to date", "Remaining", "Warning"],
        [
            [
                b.name,
                format_money(b.budget, blank="none set"),
                format_money(b.planned),
                format_money(b.to_date),
                format_money(b.remaining, blank="–"),
                "Over budget" if b.overspent else "",
            ]
            for b in summary.budget.rows
        ],
        [width * f for f in (0.3, 0.13, 0.13, 0.13, 0.13, 0.13)],
        align_right=(1, 2, 3, 4),
    )
    return [base.para(f"Budget for {summary.year_label}", "heading"), table]


def costed_story(summary: CostedSummary, width: float) -> list[Any]:
    """The school's (or a year group's) costed map: provisions, groups, totals, budget."""
    story: list[Any] = [
        base.markup_para(
            f"Planned cost <b>{format_money(summary.planned)}</b> · cost to date "
            f"<b>{format_money(summary.to_date)}</b> · <b>{summary.pupils_costed}</b> pupils "
            f"costed · {summary.scope_label}",
            "body",
        )
    ]
    if round_money(summary.unallocated):
        story.append(
            base.para(
                f"{format_money(summary.unallocated)} of the planned cost is for days when a "
                "group had no pupils; it is in the totals but in no pupil's share.",
                "small",
            )
        )
    story += _provisions_section(summary, width)
    story += _totals_section(summary, width)
    story += _threshold_section(summary, width)
    story += _budget_section(summary, width)
    story.append(Spacer(1, 8))
    story.append(
        base.para(
            _METHOD.format(weeks=summary.weeks_per_year, as_of=format_date(summary.as_of)),
            "small",
        )
    )
    return story


def _threshold_section(summary: CostedSummary, width: float) -> list[Any]:
    """The pupils whose annual total is at, over or near the threshold, in words."""
    report = summary.threshold
    listed = [row for row in report.rows if row.at_or_above or row.near]
    heading = f"Pupils at or near the {format_money(report.threshold)} threshold (annual totals)"
    story: list[Any] = [base.para(heading, "heading")]
    if not listed:
        story.append(
            base.para(
                f"No pupil's annual total is at, above or within {format_money(report.margin)} "
                "of the threshold.",
                "body",
            )
        )
        return story
    story.append(
        _narrow_table(
            ["Pupil", "Year group", "Annual total", "Against the threshold"],
            [
                [
                    row.name,
                    row.year_group,
                    format_money(row.annual_total),
                    threshold_line(row.annual_total, row.threshold),
                ]
                for row in listed
            ],
            [width * f for f in (0.25, 0.12, 0.15, 0.38)],
            align_right=(2,),
        )
    )
    return story


def write_costed_pdf(
    session: Session,
    path: Path,
    *,
    academic_year_id: int,
    term_name: str | None = None,
    year_group_id: int | None = None,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    governors: bool = False,
) -> Path:
    """Write the costed provision map (whole school, or one year group) as a landscape PDF.

    ``governors`` writes instead the one-page summary for governors (portrait), which
    names no pupil.
    """
    summary = costed_summary(
        session, academic_year_id, term_name, year_group_id=year_group_id, as_of=as_of
    )
    if governors:
        info = base.ReportInfo(
            title="SEN provision costs: summary for governors",
            school_name=summary.school_name,
            period_text=f"{summary.period_label}, {format_date(summary.start)} to "
            f"{format_date(summary.end)}",
            printed_on=printed_on or dt.date.today(),
        )
        return base.write_pdf(path, info, lambda doc: governors_story(summary, doc.story_width))
    title = "Costed provision map"
    if summary.year_group_name:
        title += f": {summary.year_group_name}"
    info = base.ReportInfo(
        title=title,
        school_name=summary.school_name,
        period_text=f"{summary.period_label}, {format_date(summary.start)} to "
        f"{format_date(summary.end)}",
        printed_on=printed_on or dt.date.today(),
    )
    return base.write_pdf(
        path, info, lambda doc: costed_story(summary, doc.story_width), landscape_pages=True
    )


def pupil_story(costing: PupilCosting, width: float) -> list[Any]:
    """A pupil's provision for the year, each share, the total and the threshold."""
    story: list[Any] = [
        base.markup_para(
            f"<b>{escape(costing.name)}</b> · UPN {costing.upn} · "
            f"{escape(costing.year_group or 'no year group')} · {costing.sen_status}",
            "body",
        )
    ]
    terms = costing.term_names
    if not costing.lines:
        story.append(base.para("No provision is recorded for this pupil this year.", "body"))
    else:
        if terms:
            fractions = [0.17, 0.14, 0.11, 0.11, 0.1, *([0.25 / len(terms)] * len(terms)), 0.12]
        else:
            fractions = [0.3, 0.16, 0.13, 0.12, 0.12, 0.17]
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
        story.append(
            base.make_table(
                [
                    "Provision",
                    "Area of need",
                    "Delivered by",
                    "How often",
                    "Dates",
                    *terms,
                    "Pupil's share for the year",
                ],
                rows,
                [width * f for f in fractions],
                align_right=tuple(range(5, 6 + len(terms))),
                extra_style=_bold_last_row(),
            )
        )
    story.append(Spacer(1, 10))
    story.append(base.para(costing.threshold_text, "heading"))
    story.append(threshold_bar(costing.annual_total, costing.threshold, width=min(width, 440)))
    story.append(Spacer(1, 6))
    story.append(
        base.para(
            f"Annual total {format_money(costing.annual_total)}; cost to date "
            f"{format_money(costing.to_date)}. Schools meet the cost of additional SEN support "
            f"up to {format_money(costing.threshold)} a pupil a year from their notional SEN "
            "budget before the local authority's top-up.",
            "body",
        )
    )
    story.append(
        base.para(
            "The pupil's share of a group is the group's cost for each day shared equally by "
            "the pupils in it that day (1:1 is not shared), so a pupil who joins half-way "
            "pays for the days they are there.",
            "small",
        )
    )
    return story


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
